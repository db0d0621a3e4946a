import { copyFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Snapshot } from '../../src/shared/model.js';
import { BLOCK_TICKS, blockCountAt, decodeBlock, decodeTickCounts, encodeBlock, encodeTickCounts } from '../../src/main/store/count-codec.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import type { TickRow } from '../../src/main/store/series.js';
import { packTable, packTickRows, unpackColumns, unpackTickTable } from '../../src/main/store/tick-rows-codec.js';
import type { NewSession } from '../../src/main/store/types.js';
import { oneFrameGroup, openTempStore } from './temp-db.js';

const SESSION: NewSession = {
  source: 'recording', name: 'blocks', targetUrl: 'http://127.0.0.1:6060', startedAtMs: 1_700_000_000_000,
  intervalMs: 1000, fullEvery: 0, rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine'],
};

/** Group i's count at tick t: a leak (0), a pool that steps (1), a group seen every 7th tick only (2). */
function countAt(i: number, t: number): number | null {
  if (i === 0) return 1 + Math.floor(t / 100);
  if (i === 1) return 5 + (t % 3 === 0 ? 1 : 0);
  return t % 7 === 0 ? 2 : null;
}

function compactAt(t: number): Snapshot {
  const groups = [0, 1, 2].flatMap((i) => (countAt(i, t) === null ? [] : [oneFrameGroup(i, countAt(i, t)!)]));
  return { format: 'debug1', profile: 'goroutine', total: groups.reduce((n, g) => n + g.count, 0), takenAtMs: null, groups, metrics: null, threadStacks: 0, warnings: [] };
}

function record(store: HistoryStore, session: number, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    store.recordTick(session, t, [{ kind: 'compact', endpoint: 'goroutine?debug=1', atMs: SESSION.startedAtMs + t * 1000, durationMs: 1, bytes: 10, snapshot: compactAt(t), error: null, raw: null }]);
  }
}

/** The series read back equals what was written, tick by tick, for every group. */
function expectSeries(store: HistoryStore, session: number, ticks: number): void {
  const series = store.sessionSeries(session);
  expect(series.ticks.map((t) => t.tick)).toEqual(Array.from({ length: ticks }, (_, t) => t));
  for (const i of [0, 1, 2]) {
    const g = series.groups.find((x) => x.key === oneFrameGroup(i, 0).key)!;
    expect(g.counts, `group ${i}`).toEqual(Array.from({ length: ticks }, (_, t) => countAt(i, t) ?? 0));
  }
}

function openTemp(): { store: HistoryStore; file: string; copy: (name: string) => string } {
  const { store, file, sibling } = openTempStore();
  // The files as a process killed now leaves them: the database and its write-ahead log, never checkpointed or closed.
  const copy = (name: string): string => {
    const to = sibling(name);
    copyFileSync(file, to);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${to}-wal`);
    return to;
  };
  return { store, file, copy };
}

describe('count codec', () => {
  it('packs tick rows as stack id and count pairs', () => {
    const packed = encodeTickCounts([{ stackId: 7, count: 3 }, { stackId: 300, count: 1 }]);
    expect([...packed]).toEqual([0x07, 0x03, 0xac, 0x02, 0x01]);
    const back: [number, number][] = [];
    decodeTickCounts(packed, (s, c) => back.push([s, c]));
    expect(back).toEqual([[7, 3], [300, 1]]);
  });

  it('packs a block as runs, with absent ticks as runs of 0', () => {
    const block = encodeBlock([[10, 5], [11, 5], [12, 5], [14, 2]]);
    expect(block.firstTick).toBe(10);
    expect(block.lastTick).toBe(14);
    expect([...block.counts]).toEqual([0x03, 0x06, 0x01, 0x00, 0x01, 0x03]);
    expect(decodeBlock(block.counts, 10)).toEqual([[10, 5], [11, 5], [12, 5], [14, 2]]);
    expect([9, 10, 12, 13, 14, 15].map((t) => blockCountAt(block.counts, 10, t))).toEqual([null, 5, 5, null, 2, null]);
  });

  it('refuses unsorted ticks and a BLOB cut inside a varint', () => {
    expect(() => encodeBlock([[4, 1], [3, 1]])).toThrow('block ticks must ascend; got 3 after 4');
    expect(() => decodeBlock(Buffer.from([0x83]), 0)).toThrow('packed counts end inside a varint at byte 1');
  });
});

/** A packed block's rows back as rows (the store reads them as a table: series.ts). */
function unpackTickRows(bytes: Uint8Array): TickRow[] {
  const { length, columns } = unpackTickTable(bytes);
  return Array.from({ length }, (_, i) => columns.map((column) => {
    const v = column[i]!;
    return typeof v === 'number' && Number.isNaN(v) ? null : v;
  }) as TickRow);
}

describe('tick rows codec', () => {
  it('packs a block\'s snapshot rows column by column, and gives them back in (tick, id) order', () => {
    const rows: TickRow[] = [];
    for (let t = 0; t < 6; t++) {
      rows.push([10 + 3 * t, t, 'compact', 'goroutine?debug=1', 1_700_000_000_000 + 1000 * t + (t % 2), 40 + (t === 3 ? 9 : 0), null, null, null, null, null, null, null, 'debug1', 'goroutine']);
      rows.push([11 + 3 * t, t, 'expvar', '/debug/vars', 1_700_000_000_003 + 1000 * t, 41, 41.5, 12, 4.25e6, 5e6, 3 + t, null, null, 'expvar', null]);
    }
    rows.push([28, 5, 'full', 'goroutine?debug=2', 1_700_000_005_009, null, null, null, null, null, null, 'TIMEOUT', 'GET x: no answer', null, null]);
    const packed = packTickRows([...rows].reverse());
    expect(unpackTickRows(packed)).toEqual(rows.sort((a, b) => a[1] - b[1] || a[0] - b[0]));
    expect(unpackTickRows(packTickRows([]))).toEqual([]);
  });

  it('keeps negative steps, huge and fractional numbers, and numbers mixed with strings', () => {
    const row = (id: number, tick: number, heap: number | null, gc: number | null): TickRow =>
      [id, tick, 'expvar', '/debug/vars', -5 + tick, 0, null, -3, heap, Number.MAX_SAFE_INTEGER - tick, gc, null, null, 'expvar', null];
    const rows = [row(1, 0, 2 ** 52, 1.5), row(2, 1, -(2 ** 52), 7), row(3, 2, null, 7), row(4, 3, 0, null)];
    expect(unpackTickRows(packTickRows(rows))).toEqual(rows);
  });

  it('run-length codes a steady column and reads it back, nulls and changes of step included', () => {
    // Ids step by 2, ticks by 1, times by the interval; totals change now and then; a null stretch.
    const rows: TickRow[] = Array.from({ length: 400 }, (_, t): TickRow => [
      100 + 2 * t, t, 'compact', 'goroutine?debug=1', 1_700_000_000_000 + 1000 * t + (t === 200 ? 7 : 0), 40 + Math.floor(t / 100),
      t >= 300 && t < 350 ? null : 12, null, null, null, null, null, null, 'debug1', 'goroutine',
    ]);
    const packed = packTickRows(rows);
    expect(unpackTickRows(packed)).toEqual(rows);
    // A few bytes per steady integer column, not one or more per row.
    expect(packTable(rows.map((r) => [r[0], r[1], r[4], r[5], r[6], r[7]]), 6).length).toBeLessThan(80);
    const { length, columns } = unpackColumns(packed, 15);
    expect(length).toBe(400);
    expect(Array.from(columns[0] as Float64Array).slice(0, 3)).toEqual([100, 102, 104]);
    expect(Number.isNaN((columns[6] as Float64Array)[320]!)).toBe(true);
  });

  it('refuses a dictionary index past its values, a text past the end, and a dictionary that is not one', () => {
    // One row, one VALUES column: a dictionary of one value (["a"], 5 bytes), then index 1.
    const dictionary = [...new TextEncoder().encode('["a"]')];
    expect(() => unpackColumns(Uint8Array.from([1, 1, 5, ...dictionary, 1]), 1)).toThrow('packed table: value 1 of a dictionary of 1 before byte 9');
    expect(() => unpackColumns(Uint8Array.from([1, 1, 9, ...dictionary]), 1)).toThrow('packed table ends at byte 8, inside a text of 9 bytes');
    const notArray = [...new TextEncoder().encode('{"a":1}')];
    expect(() => unpackColumns(Uint8Array.from([1, 1, notArray.length, ...notArray, 0]), 1)).toThrow("packed table: a column's dictionary is not a JSON array of values");
  });

  it('refuses a run past the rows, or runs short of them', () => {
    // One row, one RUNS column: 1 run of 2 rows, then 1 run of 0 rows.
    expect(() => unpackColumns(Uint8Array.from([1, 2, 1, 2, 3]), 1)).toThrow('packed table: a run of 2 past row 1 before byte 5');
    expect(() => unpackColumns(Uint8Array.from([2, 2, 1, 1, 3]), 1)).toThrow('packed table: runs of 1 rows, not 2, before byte 5');
  });

  it('refuses a BLOB cut short or of an unknown column type', () => {
    const packed = packTickRows([[1, 0, 'compact', 'goroutine?debug=1', 1_700_000_000_000, 4, null, null, null, null, null, null, null, 'debug1', 'goroutine']]);
    expect(() => unpackTickRows(packed.subarray(0, 5))).toThrow(/packed table ends at byte 5/);
    expect(() => unpackTickRows(Uint8Array.from([1, 9]))).toThrow('packed table: unknown column type 9');
  });
});

describe('counts packed per block', () => {
  it('reads back every count across block boundaries, and no group_counts row is written for them', () => {
    const { store, file } = openTemp();
    const session = store.createSession(SESSION);
    const ticks = 2 * BLOCK_TICKS + 50;
    record(store, session, 0, ticks);
    expectSeries(store, session, ticks);
    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(db.prepare('SELECT count(*) FROM group_counts').pluck().get()).toBe(0);
    // Two finished blocks × 3 stacks; the 50 ticks of the third block are still tick rows.
    expect(db.prepare('SELECT block, count(*) FROM count_blocks GROUP BY block').raw().all()).toEqual([[0, 3], [1, 3]]);
    expect(db.prepare('SELECT count(*) FROM count_staged').pluck().get()).toBe(50);
    // A stored compact profile reads back as written, from a finished block and from the unfinished one.
    for (const t of [0, 7, BLOCK_TICKS + 1, 2 * BLOCK_TICKS + 49]) {
      const id = store.sessionSeries(session).ticks[t]!.countedSnapshotId!;
      expect(store.snapshot(id)).toEqual({ ...compactAt(t), groups: [...compactAt(t).groups].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1)) });
    }
    // The finished blocks' snapshot rows are packed too, and read the same as row by row.
    expect(db.prepare('SELECT block FROM tick_blocks ORDER BY block').pluck().all()).toEqual([0, 1]);
    const packedRead = store.sessionSeriesAndRequests(session);
    const writer = new Database(file);
    writer.exec('DELETE FROM tick_blocks');
    writer.close();
    expect(store.sessionSeriesAndRequests(session)).toEqual(packedRead);
    expect(store.sessionStacks(session).map((s) => [s.key, s.firstTick, s.lastTick])).toEqual([
      [oneFrameGroup(0, 0).key, 0, ticks - 1],
      [oneFrameGroup(1, 0).key, 0, ticks - 1],
      [oneFrameGroup(2, 0).key, 0, 2 * BLOCK_TICKS + 49 - ((2 * BLOCK_TICKS + 49) % 7)],
    ]);
  });

  it('loses nothing of a block a killed recorder left unfinished, and carries on in it after a restart', () => {
    const { store, copy } = openTemp();
    const session = store.createSession(SESSION);
    record(store, session, 0, BLOCK_TICKS + 20);
    // Killed here: the store is never disposed, the log never checkpointed.
    const crashed = copy('crashed.db');
    const reopened = HistoryStore.open(crashed);
    onTestFinished(() => reopened.dispose());
    expectSeries(reopened, session, BLOCK_TICKS + 20);
    // Another process writes on (ticks of the same, unfinished block, then past it): blocks merge.
    record(reopened, session, BLOCK_TICKS + 20, 2 * BLOCK_TICKS + 5);
    expectSeries(reopened, session, 2 * BLOCK_TICKS + 5);
  });

  it('packs the unfinished block when the session ends, and merges a tick written into it later', () => {
    const { store, file } = openTemp();
    const session = store.createSession(SESSION);
    record(store, session, 0, BLOCK_TICKS + 20);
    store.endSession(session, SESSION.startedAtMs + (BLOCK_TICKS + 20) * 1000);
    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(db.prepare('SELECT count(*) FROM count_staged').pluck().get()).toBe(0);
    expect(db.prepare('SELECT block FROM tick_blocks ORDER BY block').pluck().all()).toEqual([0, 1]);
    expect(db.prepare('SELECT block FROM chart_blocks ORDER BY block').pluck().all()).toEqual([0, 1]);
    expectSeries(store, session, BLOCK_TICKS + 20);
    expect(store.sessionChartInputs(session)!.ticks.length).toBe(BLOCK_TICKS + 20);
    // Written on into the packed block: its rows and summary are read again until it is packed anew.
    record(store, session, BLOCK_TICKS + 20, BLOCK_TICKS + 30);
    expectSeries(store, session, BLOCK_TICKS + 30);
    expect(store.sessionChartInputs(session)).toBeNull();
    record(store, session, BLOCK_TICKS + 30, 2 * BLOCK_TICKS + 1);
    expectSeries(store, session, 2 * BLOCK_TICKS + 1);
    expect(db.prepare('SELECT block FROM chart_blocks ORDER BY block').pluck().all()).toEqual([0, 1]);
    expect(store.sessionChartInputs(session)!.ticks.length).toBe(2 * BLOCK_TICKS + 1);
  });

  it('reads the rows again for a packed block that gets a tick written out of order', () => {
    const { store } = openTemp();
    const session = store.createSession(SESSION);
    record(store, session, 0, BLOCK_TICKS + 10);
    store.recordTick(session, 5, [{ kind: 'expvar', endpoint: '/debug/vars', atMs: SESSION.startedAtMs + 5_001, durationMs: 1, bytes: 1, snapshot: null, raw: null, error: { code: 'TIMEOUT', message: 'late' } }]);
    const series = store.sessionSeries(session);
    expect(series.ticks[5]!.errors.map((e) => e.message)).toEqual(['late']);
    expect(series.ticks).toHaveLength(BLOCK_TICKS + 10);
    expectSeries(store, session, BLOCK_TICKS + 10);
  });

  it('keeps a rolled-back tick out of the blocks', () => {
    const { store } = openTemp();
    const session = store.createSession(SESSION);
    record(store, session, 0, 3);
    // A count that cannot be packed fails the tick's transaction after its snapshot row was written.
    const bad = compactAt(3);
    bad.groups[0] = { ...bad.groups[0]!, count: -1 };
    expect(() => store.recordTick(session, 3, [{ kind: 'compact', endpoint: 'x', atMs: 1, durationMs: 1, bytes: 1, snapshot: bad, error: null, raw: null }])).toThrow(
      'packed counts hold non-negative integers; got -1',
    );
    record(store, session, 3, 5);
    expectSeries(store, session, 5);
  });
});
