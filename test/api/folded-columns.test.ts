import { describe, expect, it } from 'vitest';
import { downsampleSeries, foldedColumns } from '../../src/main/api/series-columns.js';
import { foldSeries } from '../../src/main/api/session-views.js';
import { NO_COUNT, untypedCounts } from '../../src/main/store/series.js';
import { NOT_MEASURED } from '../../src/main/analysis/session.js';
import { oneFrameGroup } from '../store/temp-db.js';
import { FAILED_TICK, FULL_TICK, SPIKE_TICK, TICKS, seedColumnsHistory } from './columns-history.js';

/**
 * The timeline's downsampled read (Int32Array counts from the store straight to each column's
 * min/max) against the plain one (the contract's arrays, folded, then downsampled), on a real history
 * file of 2.5 blocks: finished blocks, staged ticks of the unfinished one, a failed tick, a full dump.
 */

/** Group i at tick t: a steady pool with one spike, a leak, a group seen now and then, jittery pools. */
function countAt(i: number, t: number): number | null {
  if (i === 0) return t === SPIKE_TICK ? 900 : 20;
  if (i === 1) return 1 + Math.floor(t / 500);
  if (i === 2) return t % 97 < 3 ? 4 : null;
  return 3 + ((t * (i + 7)) % 11 === 0 ? 2 : 0);
}

describe('foldedColumns (the timeline\'s typed read)', () => {
  it('reads the same counts as the plain series, NO_COUNT for null', () => {
    const { store, session } = seedColumnsHistory('columns', 8, countAt, true);
    const plain = store.sessionSeries(session);
    const typed = store.sessionTypedSeries(session);
    expect(typed.ticks).toEqual(plain.ticks);
    expect(typed.groups.map((g) => ({ ...g, counts: untypedCounts(g.counts) }))).toEqual(plain.groups);
    // Against what was written (multi-byte varints too: the 900 spike, runs of 3,600 ticks).
    for (let i = 0; i < 8; i++) {
      const counts = typed.groups.find((g) => g.key === oneFrameGroup(i, 0).key)!.counts;
      const want = Int32Array.from({ length: TICKS }, (_, t) => (t === FAILED_TICK ? NO_COUNT : countAt(i, t) ?? 0));
      expect(counts, `group ${i}`).toEqual(want);
    }
    // The failed tick counted nothing: null, not 0; an absent group at a counted tick is 0.
    const seldom = typed.groups.find((g) => g.key === oneFrameGroup(2, 0).key)!;
    expect(seldom.counts[FAILED_TICK]).toBe(NO_COUNT);
    expect(seldom.counts[10]).toBe(0);
    // Analysis takes the typed counts as they are (session-builder.ts): the two nulls must agree.
    expect(NO_COUNT).toBe(NOT_MEASURED);
  }, 60_000);

  it('equals downsampleSeries(foldSeries(…)) for any columns and fold, and keeps a one-tick spike', () => {
    const { store, session } = seedColumnsHistory('columns', 8, countAt, true);
    const plain = store.sessionSeries(session);
    const typed = store.sessionTypedSeries(session);
    const stacks = store.sessionStacks(session);
    // 700 columns: a column spans a block boundary (ticks 3,600 and 7,200 fall inside columns).
    for (const [columns, maxGroups] of [[700, 2], [1440, 10], [97, 0], [5000, 3]] as const) {
      const want = downsampleSeries(foldSeries(plain, stacks, maxGroups), columns);
      expect(foldedColumns(typed, stacks, maxGroups, columns), `${columns} columns, ${maxGroups} groups`).toEqual(want);
    }
    const s = foldedColumns(typed, stacks, 10, 700);
    const pool = s.groups.find((g) => g.key === oneFrameGroup(0, 0).key)!;
    const column = Math.floor((SPIKE_TICK * 700) / TICKS);
    expect(pool.counts[2 * column + 1]).toBe(900);
    expect(Math.max(...pool.counts.map((c) => c ?? 0))).toBe(900);
    // The failed tick's column still shows it; the full dump's column stands at the full dump.
    const failedColumn = Math.floor((FAILED_TICK * 700) / TICKS);
    expect(s.ticks.slice(2 * failedColumn, 2 * failedColumn + 2).some((t) => t.tick === FAILED_TICK && t.errors.length === 1)).toBe(true);
    expect(s.ticks.some((t) => t.tick === FULL_TICK && t.fullSnapshotId !== null)).toBe(true);
  }, 60_000);
});
