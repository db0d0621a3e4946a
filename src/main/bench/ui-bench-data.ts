import type { Group, Snapshot } from '../../shared/model.js';
import type { HistoryStore } from '../store/history-store.js';

/** A synthetic group: its own function and line, so every group has its own key and label. */
function group(i: number, count: number): Group {
  const frame = { func: `main.worker${i}`, file: '/bench/app/main.go', line: 100 + i };
  return {
    key: `bench-${String(i).padStart(5, '0')}`,
    count,
    states: {},
    leakedCount: 0,
    maxWaitMinutes: null,
    blockingSite: frame,
    createdBy: { func: 'main.main', file: '/bench/app/main.go', line: 20 },
    frames: [frame, { func: 'main.main', file: '/bench/app/main.go', line: 21 }],
    labels: [],
    ids: [],
    isLocked: false,
  };
}

function snapshot(groups: Group[]): Snapshot {
  return {
    format: 'debug1',
    profile: 'goroutine',
    total: groups.reduce((n, g) => n + g.count, 0),
    takenAtMs: null,
    groups,
    metrics: null,
    threadStacks: 0,
    warnings: [],
  };
}

/** Group `i`'s count at tick `t`: a few leak (grow), the rest hover around their own level. */
function countAt(i: number, t: number): number {
  if (i % 10 === 0) return 5 + Math.floor(t / (5 + i));
  return 10 + ((i * 7 + t * 3) % 17);
}

export interface TimelineSession {
  sessionId: number;
  groups: number;
  /** Appends one more tick (as a recorder in another process would), returns its index. */
  appendTick(): number;
}

/**
 * A session of `ticks` compact ticks × `groups` groups, 1 s apart, left open (not ended) as if
 * `goroscope record` were still writing it.
 */
export function seedTimeline(store: HistoryStore, ticks: number, groups: number, startMs: number): TimelineSession {
  const sessionId = store.createSession({
    source: 'recording',
    name: `bench timeline ${ticks}x${groups}`,
    targetUrl: 'http://127.0.0.1:6060',
    startedAtMs: startMs,
    intervalMs: 1000,
    fullEvery: 10,
    rawRetention: 'none',
    rawKeepLast: 0,
    endpoints: ['goroutine'],
  });
  let next = 0;
  const appendTick = (): number => {
    const t = next++;
    const gs = Array.from({ length: groups }, (_, i) => group(i, countAt(i, t)));
    store.recordTick(sessionId, t, [
      { kind: 'compact', endpoint: '/debug/pprof/goroutine?debug=1', atMs: startMs + t * 1000, durationMs: 2, bytes: 0, snapshot: snapshot(gs), error: null, raw: null },
    ]);
    return t;
  };
  for (let t = 0; t < ticks; t++) appendTick();
  return { sessionId, groups, appendTick };
}

/** An import of one snapshot with `groups` groups (counts 1…groups): the groups table's load. */
export function seedWideSnapshot(store: HistoryStore, groups: number, atMs: number): number {
  const sessionId = store.createSession({
    source: 'import',
    name: `bench ${groups} groups`,
    targetUrl: null,
    startedAtMs: atMs,
    intervalMs: null,
    fullEvery: null,
    rawRetention: 'none',
    rawKeepLast: 0,
    endpoints: null,
  });
  const gs = Array.from({ length: groups }, (_, i) => group(i, groups - i));
  store.recordTick(sessionId, 0, [
    { kind: 'compact', endpoint: 'bench.txt', atMs, durationMs: 0, bytes: 0, snapshot: snapshot(gs), error: null, raw: null },
  ]);
  store.endSession(sessionId, atMs);
  return sessionId;
}
