import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/shared/model.js';
import { columnsFromRuns, downsampleSeries, foldedColumns } from '../../src/main/api/series-columns.js';
import { foldSeries } from '../../src/main/api/session-views.js';
import { BLOCK_TICKS } from '../../src/main/store/count-codec.js';
import type { SnapshotRecord } from '../../src/main/store/types.js';
import { oneFrameGroup, openTempStore } from '../store/temp-db.js';

/**
 * The timeline's columns folded straight from the stored runs against the assembled series' columns,
 * on a real history file of 2.5 blocks: finished blocks, the staged ticks of the unfinished one, a
 * one-tick spike, a failed tick, a group seen now and then, and columns that straddle block edges.
 */
const TICKS = Math.floor(BLOCK_TICKS * 2.5);
const SPIKE_TICK = 5_000;
const STAGED_SPIKE_TICK = 8_000;
const FAILED_TICK = 6_001;
const FULL_TICK = 4_321;
const START_MS = 1_700_000_000_000;

/** Group i at tick t: a pool with two one-tick spikes (one in a packed block, one staged), a leak, a seldom group, jittery pools. */
function countAt(i: number, t: number): number | null {
  if (i === 0) return t === SPIKE_TICK ? 900 : t === STAGED_SPIKE_TICK ? 700 : 20;
  if (i === 1) return 1 + Math.floor(t / 500);
  if (i === 2) return t % 97 < 3 ? 4 : null;
  if (i === 3) return t === SPIKE_TICK + 1 ? 0 : 6;
  return 3 + ((t * (i + 7)) % 11 === 0 ? 2 : 0);
}

function snapshotAt(t: number, format: 'debug1' | 'traceback'): Snapshot {
  const groups = Array.from({ length: 9 }, (_, i) => i).flatMap((i) => (countAt(i, t) === null ? [] : [oneFrameGroup(i, countAt(i, t)!)]));
  return { format, profile: 'goroutine', total: groups.reduce((n, g) => n + g.count, 0), takenAtMs: null, groups, metrics: null, threadStacks: 0, warnings: [] };
}

function seed(withFullDump: boolean): { store: ReturnType<typeof openTempStore>['store']; session: number } {
  const { store } = openTempStore();
  const session = store.createSession({
    source: 'recording', name: 'runs', targetUrl: 'http://127.0.0.1:1', startedAtMs: START_MS, intervalMs: 1000, fullEvery: 0,
    rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine', '/debug/vars'],
  });
  for (let t = 0; t < TICKS; t++) {
    const atMs = START_MS + t * 1000;
    const records: SnapshotRecord[] = [
      t === FAILED_TICK
        ? { kind: 'compact', endpoint: 'goroutine?debug=1', atMs, durationMs: 1, bytes: 0, snapshot: null, raw: null, error: { code: 'TIMEOUT', message: 'no answer' } }
        : { kind: 'compact', endpoint: 'goroutine?debug=1', atMs, durationMs: 1, bytes: 10, snapshot: snapshotAt(t, 'debug1'), error: null, raw: null },
    ];
    if (withFullDump && t === FULL_TICK) records.push({ kind: 'full', endpoint: 'goroutine?debug=2', atMs: atMs + 1, durationMs: 1, bytes: 10, snapshot: snapshotAt(t, 'traceback'), error: null, raw: null });
    if (t % 5 === 0) {
      const vars: Snapshot = { format: 'expvar', profile: null, total: 30 + (t % 13), takenAtMs: null, groups: [], metrics: { numGoroutine: 30 + (t % 13), threads: 4, heapAllocBytes: 1, heapInuseBytes: 2, gcCycles: 3 }, threadStacks: 0, warnings: [] };
      records.push({ kind: 'expvar', endpoint: '/debug/vars', atMs: atMs + 2, durationMs: 1, bytes: 10, snapshot: vars, error: null, raw: null });
    }
    store.recordTick(session, t, records);
  }
  return { store, session };
}

/** The column holding tick `t` when `TICKS` ticks are cut into `columns` (series-columns.ts' bounds). */
function columnOf(t: number, columns: number): number {
  let k = 0;
  while (Math.floor(((k + 1) * TICKS) / columns) <= t) k++;
  return k;
}

describe('columnsFromRuns (the timeline\'s columns from the stored runs)', () => {
  it('equals the assembled series\' columns for any columns and fold, spikes, failed tick and open block included', () => {
    const { store, session } = seed(false);
    const stacks = store.sessionStacks(session);
    const typed = store.sessionTypedSeries(session);
    const plain = store.sessionSeries(session);
    const input = store.sessionColumnInputs(session);
    // 7 and 700 columns: block edges (ticks 3,600 and 7,200) fall inside columns.
    for (const [columns, maxGroups] of [[7, 2], [700, 2], [1440, 10], [97, 0], [1000, 4], [2000, 9]] as const) {
      const fast = columnsFromRuns(input, stacks, maxGroups, columns);
      expect(fast, `${columns} columns`).not.toBeNull();
      expect(fast, `${columns} columns, ${maxGroups} groups`).toEqual(foldedColumns(typed, stacks, maxGroups, columns));
      expect(fast).toEqual(downsampleSeries(foldSeries(plain, stacks, maxGroups), columns));
    }
    const s = columnsFromRuns(input, stacks, 10, 700)!;
    const pool = s.groups.find((g) => g.key === oneFrameGroup(0, 0).key)!;
    expect(pool.counts[2 * columnOf(SPIKE_TICK, 700) + 1]).toBe(900);
    expect(pool.counts[2 * columnOf(STAGED_SPIKE_TICK, 700) + 1]).toBe(700);
    // A one-tick drop to 0 keeps the column's low at 0.
    const steady = s.groups.find((g) => g.key === oneFrameGroup(3, 0).key)!;
    expect(steady.counts[2 * columnOf(SPIKE_TICK + 1, 700)]).toBe(0);
    const failedColumn = columnOf(FAILED_TICK, 700);
    expect(s.ticks.slice(2 * failedColumn, 2 * failedColumn + 2).some((t) => t.tick === FAILED_TICK && t.errors.length === 1)).toBe(true);
  }, 60_000);

  it('declines a session whose counts also come from a full dump, and a short one (the caller assembles)', () => {
    const { store, session } = seed(true);
    const stacks = store.sessionStacks(session);
    expect(columnsFromRuns(store.sessionColumnInputs(session), stacks, 10, 700)).toBeNull();
    expect(columnsFromRuns(store.sessionColumnInputs(session), stacks, 10, TICKS)).toBeNull();
  }, 60_000);
});
