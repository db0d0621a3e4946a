import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { columnsFromChart, downsampleSeries, foldedColumns } from '../../src/main/api/series-columns.js';
import { foldSeries } from '../../src/main/api/session-views.js';
import type { SessionSeries } from '../../src/shared/contract.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { oneFrameGroup } from '../store/temp-db.js';
import { FAILED_TICK, FULL_ONLY_GROUP_COUNT, FULL_ONLY_TICKS, FULL_TICK, SPIKE_TICK, TICKS, seedColumnsHistory } from './columns-history.js';

/**
 * The timeline's columns from the chart summaries (store/chart-blocks.ts) against the assembled
 * series' columns, on a real history file of 2.5 blocks: finished blocks, the staged ticks of the
 * unfinished one, one-tick spikes, a failed tick, full dumps (one beside a compact profile, two that
 * count their tick because its compact request failed, with a group only they hold), and columns
 * that straddle block edges. Then ended (every block packed), and as a version-5 file migrated.
 */
const STAGED_SPIKE_TICK = 8_000;
const GROUPS = 9;

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

/** Columns and folds where block edges (ticks 3,600 and 7,200) fall inside columns, and every group is kept or folded. */
const CUTS = [[7, 2], [700, 2], [1440, 10], [97, 0], [1000, 4], [2000, 9], [1000, 12]] as const;

function expectEqualToAssembled(store: HistoryStore, session: number, label: string): SessionSeries {
  const stacks = store.sessionStacks(session);
  const typed = store.sessionTypedSeries(session);
  const plain = store.sessionSeries(session);
  const input = store.sessionChartInputs(session);
  expect(input, label).not.toBeNull();
  for (const [columns, maxGroups] of CUTS) {
    const fast = columnsFromChart(input!, maxGroups, columns);
    expect(fast, `${label}: ${columns} columns`).not.toBeNull();
    expect(fast, `${label}: ${columns} columns, ${maxGroups} groups`).toEqual(foldedColumns(typed, stacks, maxGroups, columns));
    expect(fast).toEqual(downsampleSeries(foldSeries(plain, stacks, maxGroups), columns));
  }
  return columnsFromChart(input!, 12, 700)!;
}

describe('columnsFromChart (the timeline\'s columns from the chart summaries)', () => {
  it('equals the assembled series\' columns: spikes, failed tick, full dumps, open block; then ended, every block packed', () => {
    const { store, session, file } = seedColumnsHistory('chart', GROUPS, countAt, true);
    const s = expectEqualToAssembled(store, session, 'recording');
    const pool = s.groups.find((g) => g.key === oneFrameGroup(0, 0).key)!;
    expect(pool.counts[2 * columnOf(SPIKE_TICK, 700) + 1]).toBe(900);
    expect(pool.counts[2 * columnOf(STAGED_SPIKE_TICK, 700) + 1]).toBe(700);
    // A one-tick drop to 0 keeps the column's low at 0.
    const steady = s.groups.find((g) => g.key === oneFrameGroup(3, 0).key)!;
    expect(steady.counts[2 * columnOf(SPIKE_TICK + 1, 700)]).toBe(0);
    const failedColumn = columnOf(FAILED_TICK, 700);
    expect(s.ticks.slice(2 * failedColumn, 2 * failedColumn + 2).some((t) => t.tick === FAILED_TICK && t.errors.length === 1)).toBe(true);
    expect(s.ticks.some((t) => t.tick === FULL_TICK && t.fullSnapshotId !== null)).toBe(true);
    // The group only full dumps hold: counted at the ticks its full dump counted, 0 where compact counted.
    const fullOnly = s.groups.find((g) => g.key === oneFrameGroup(GROUPS, 0).key)!;
    for (const t of FULL_ONLY_TICKS) expect(fullOnly.counts[2 * columnOf(t, 700) + 1], `tick ${t}`).toBe(FULL_ONLY_GROUP_COUNT);
    expect(fullOnly.counts[2 * columnOf(FULL_TICK, 700) + 1]).toBe(0);
    // The group of the one full dump beside a compact profile: a group, never counted above 0.
    const seenOnce = s.groups.find((g) => g.key === oneFrameGroup(GROUPS + 1, 0).key)!;
    expect(seenOnce.counts.every((c) => c === 0 || c === null)).toBe(true);
    expect(s.groups).toHaveLength(GROUPS + 2);

    store.endSession(session, Date.now());
    const db = new Database(file, { readonly: true });
    onTestFinished(() => { db.close(); });
    expect(db.prepare('SELECT count(*) FROM count_staged').pluck().get()).toBe(0);
    expect(db.prepare('SELECT block FROM chart_blocks ORDER BY block').pluck().all()).toEqual([0, 1, 2]);
    expect(columnsFromChart(store.sessionChartInputs(session)!, 12, 700)).toEqual(s);
    expectEqualToAssembled(store, session, 'ended');
  }, 120_000);

  it('declines a session short enough to send whole, and one whose summary a late tick dropped (the handler assembles)', () => {
    const { store, session } = seedColumnsHistory('chart', GROUPS, countAt, true);
    expect(columnsFromChart(store.sessionChartInputs(session)!, 10, TICKS)).toBeNull();
    // A tick written out of order into block 0: its summary and block 1's go; the counts stay packed.
    store.recordTick(session, 100, [{ kind: 'expvar', endpoint: '/debug/vars', atMs: 1, durationMs: 1, bytes: 1, snapshot: null, error: { code: 'TIMEOUT', message: 'late' }, raw: null }]);
    expect(store.sessionChartInputs(session)).toBeNull();
  }, 120_000);

  it('summarises a version-5 history\'s blocks when migration 6 runs, and reads the same columns', () => {
    const { store, session, file } = seedColumnsHistory('chart', GROUPS, countAt, true);
    const before = columnsFromChart(store.sessionChartInputs(session)!, 12, 700);
    store.dispose();
    // Version 5 as it was: no summaries, no indexes of migration 6.
    const db = new Database(file);
    db.exec('DROP TABLE chart_blocks; DROP INDEX count_blocks_by_stack; DROP INDEX snapshots_details; PRAGMA user_version = 5');
    db.close();
    const reopened = HistoryStore.open(file);
    onTestFinished(() => reopened.dispose());
    const blocks = new Database(file, { readonly: true });
    onTestFinished(() => { blocks.close(); });
    expect(blocks.prepare('SELECT block FROM chart_blocks ORDER BY block').pluck().all()).toEqual([0, 1]);
    expect(columnsFromChart(reopened.sessionChartInputs(session)!, 12, 700)).toEqual(before);
    expectEqualToAssembled(reopened, session, 'migrated');
  }, 120_000);
});
