import type { Snapshot } from '../../src/shared/model.js';
import { BLOCK_TICKS } from '../../src/main/store/count-codec.js';
import type { HistoryStore } from '../../src/main/store/history-store.js';
import type { SnapshotRecord } from '../../src/main/store/types.js';
import { oneFrameGroup, openTempStore } from '../store/temp-db.js';

/**
 * The history the timeline-column tests read: 2.5 blocks of 1 s ticks (finished blocks and the staged
 * ticks of the unfinished one) on a real SQLite file, a failed compact request at FAILED_TICK,
 * `/debug/vars` every 5th tick and, when asked, full dumps: at FULL_TICK beside the compact profile,
 * and at FULL_ONLY_TICKS where the compact request failed, so the full dump counts the tick. The full
 * dumps also hold a group no compact profile has (oneFrameGroup(groupCount)), and the one at FULL_TICK
 * another (oneFrameGroup(groupCount + 1)), never counted: only compact profiles counted its tick.
 */
export const TICKS = Math.floor(BLOCK_TICKS * 2.5);
export const SPIKE_TICK = 5_000;
export const FAILED_TICK = 6_001;
export const FULL_TICK = 4_321;
/** In the two finished blocks: the third, once packed, has no failed request (its errors column packs as all null). */
export const FULL_ONLY_TICKS = [2_222, 6_777];
/** The count of the full dumps' extra group. */
export const FULL_ONLY_GROUP_COUNT = 5;
const START_MS = 1_700_000_000_000;

/** Group i's count at tick t (null: absent), for groups 0…groupCount-1. */
export type CountAt = (i: number, t: number) => number | null;

function snapshotAt(t: number, format: 'debug1' | 'traceback', groupCount: number, countAt: CountAt): Snapshot {
  const groups = Array.from({ length: groupCount }, (_, i) => i).flatMap((i) => (countAt(i, t) === null ? [] : [oneFrameGroup(i, countAt(i, t)!)]));
  if (format === 'traceback') groups.push(oneFrameGroup(groupCount, FULL_ONLY_GROUP_COUNT));
  // A group in one full dump only, beside a compact profile that counts the tick: a group of 0s.
  if (format === 'traceback' && t === FULL_TICK) groups.push(oneFrameGroup(groupCount + 1, 2));
  return { format, profile: 'goroutine', total: groups.reduce((n, g) => n + g.count, 0), takenAtMs: null, groups, metrics: null, threadStacks: 0, warnings: [] };
}

export function seedColumnsHistory(name: string, groupCount: number, countAt: CountAt, withFullDump: boolean): { store: HistoryStore; session: number; file: string } {
  const { store, file } = openTempStore();
  const session = store.createSession({
    source: 'recording', name, targetUrl: 'http://127.0.0.1:1', startedAtMs: START_MS, intervalMs: 1000, fullEvery: 0,
    rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine', '/debug/vars'],
  });
  for (let t = 0; t < TICKS; t++) {
    const atMs = START_MS + t * 1000;
    const isFullOnly = withFullDump && FULL_ONLY_TICKS.includes(t);
    const records: SnapshotRecord[] = [
      t === FAILED_TICK || isFullOnly
        ? { kind: 'compact', endpoint: 'goroutine?debug=1', atMs, durationMs: 1, bytes: 0, snapshot: null, raw: null, error: { code: 'TIMEOUT', message: 'no answer' } }
        : { kind: 'compact', endpoint: 'goroutine?debug=1', atMs, durationMs: 1, bytes: 10, snapshot: snapshotAt(t, 'debug1', groupCount, countAt), error: null, raw: null },
    ];
    if (withFullDump && (t === FULL_TICK || isFullOnly)) records.push({ kind: 'full', endpoint: 'goroutine?debug=2', atMs: atMs + 1, durationMs: 1, bytes: 10, snapshot: snapshotAt(t, 'traceback', groupCount, countAt), error: null, raw: null });
    if (t % 5 === 0) {
      const vars: Snapshot = { format: 'expvar', profile: null, total: 30 + (t % 13), takenAtMs: null, groups: [], metrics: { numGoroutine: 30 + (t % 13), threads: 4, heapAllocBytes: 1, heapInuseBytes: 2, gcCycles: 3 }, threadStacks: 0, warnings: [] };
      records.push({ kind: 'expvar', endpoint: '/debug/vars', atMs: atMs + 2, durationMs: 1, bytes: 10, snapshot: vars, error: null, raw: null });
    }
    store.recordTick(session, t, records);
  }
  return { store, session, file };
}
