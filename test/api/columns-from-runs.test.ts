import { describe, expect, it } from 'vitest';
import { columnsFromRuns, downsampleSeries, foldedColumns } from '../../src/main/api/series-columns.js';
import { foldSeries } from '../../src/main/api/session-views.js';
import { oneFrameGroup } from '../store/temp-db.js';
import { FAILED_TICK, SPIKE_TICK, TICKS, seedColumnsHistory } from './columns-history.js';

/**
 * The timeline's columns folded straight from the stored runs against the assembled series' columns,
 * on a real history file of 2.5 blocks: finished blocks, the staged ticks of the unfinished one, a
 * one-tick spike, a failed tick, a group seen now and then, and columns that straddle block edges.
 */
const STAGED_SPIKE_TICK = 8_000;

/** Group i at tick t: a pool with two one-tick spikes (one in a packed block, one staged), a leak, a seldom group, jittery pools. */
function countAt(i: number, t: number): number | null {
  if (i === 0) return t === SPIKE_TICK ? 900 : t === STAGED_SPIKE_TICK ? 700 : 20;
  if (i === 1) return 1 + Math.floor(t / 500);
  if (i === 2) return t % 97 < 3 ? 4 : null;
  if (i === 3) return t === SPIKE_TICK + 1 ? 0 : 6;
  return 3 + ((t * (i + 7)) % 11 === 0 ? 2 : 0);
}

/** The column holding tick `t` when `TICKS` ticks are cut into `columns` (series-columns.ts' bounds). */
function columnOf(t: number, columns: number): number {
  let k = 0;
  while (Math.floor(((k + 1) * TICKS) / columns) <= t) k++;
  return k;
}

describe('columnsFromRuns (the timeline\'s columns from the stored runs)', () => {
  it('equals the assembled series\' columns for any columns and fold, spikes, failed tick and open block included', () => {
    const { store, session } = seedColumnsHistory('runs', 9, countAt, false);
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
    const { store, session } = seedColumnsHistory('runs', 9, countAt, true);
    const stacks = store.sessionStacks(session);
    expect(columnsFromRuns(store.sessionColumnInputs(session), stacks, 10, 700)).toBeNull();
    expect(columnsFromRuns(store.sessionColumnInputs(session), stacks, 10, TICKS)).toBeNull();
  }, 60_000);
});
