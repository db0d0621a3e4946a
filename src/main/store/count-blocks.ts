import type Database from 'better-sqlite3';
import {
  BLOCK_TICKS,
  blockCountAt,
  blockOf,
  decodeBlock,
  decodeTickCounts,
  encodeBlock,
  encodeTickCounts,
} from './count-codec.js';
import { packChartBlock, type BlockRuns } from './chart-blocks.js';
import { SERIES_TICK_COLUMNS, ticksOfRows, type TickRow, type TickTable } from './series.js';
import { packTickRows, unpackTickTable } from './tick-rows-codec.js';

/** A session's packed counts as stored: compacted blocks, and the tick rows of its unfinished block. */
export interface PackedSessionCounts {
  blocks: [stackId: number, firstTick: number, counts: Buffer][];
  staged: [tick: number, counts: Buffer][];
}

/**
 * The reads, named so that the migration test checks their `EXPLAIN QUERY PLAN` (each must search an
 * index). Parameters: the session id, then a tick or block where the query names one.
 */
export const COUNT_QUERIES = {
  lastTick: 'SELECT max(tick) FROM count_ticks WHERE session_id = ?',
  oldestStaged: 'SELECT min(tick) FROM count_staged WHERE session_id = ?',
  stagedBefore: 'SELECT tick, counts FROM count_staged WHERE session_id = ? AND tick < ? ORDER BY tick',
  clearStaged: 'DELETE FROM count_staged WHERE session_id = ? AND tick < ?',
  block: 'SELECT first_tick, counts FROM count_blocks WHERE session_id = ? AND block = ? AND stack_id = ?',
  sessionBlocks: 'SELECT stack_id, first_tick, counts FROM count_blocks WHERE session_id = ?',
  sessionStaged: 'SELECT tick, counts FROM count_staged WHERE session_id = ? ORDER BY tick',
  tickRow: 'SELECT t.snapshot_id, s.counts FROM count_ticks t LEFT JOIN count_staged s ON s.session_id = t.session_id AND s.tick = t.tick WHERE t.session_id = ? AND t.tick = ?',
  blocksAt: 'SELECT stack_id, first_tick, counts FROM count_blocks WHERE session_id = ? AND block = ? AND first_tick <= ? AND last_tick >= ?',
  spans: 'SELECT stack_id, min(first_tick), max(last_tick) FROM count_blocks WHERE session_id = ? GROUP BY stack_id',
  tickBlocks: 'SELECT block, rows FROM tick_blocks WHERE session_id = ? ORDER BY block',
  lastTickBlock: 'SELECT max(block) FROM tick_blocks WHERE session_id = ?',
  blockTickRows: `SELECT ${SERIES_TICK_COLUMNS} FROM snapshots WHERE session_id = ? AND tick >= ? AND tick < ? ORDER BY tick, id`,
  blockRuns: 'SELECT stack_id, first_tick, last_tick, counts FROM count_blocks WHERE session_id = ? AND block = ?',
  stackRuns: 'SELECT first_tick, counts FROM count_blocks WHERE session_id = ? AND stack_id = ? ORDER BY block',
  lastCountBlock: 'SELECT max(block) FROM count_blocks WHERE session_id = ?',
  chartBlocks: 'SELECT block, ticks, stacks FROM chart_blocks WHERE session_id = ? ORDER BY block',
  lastChartBlock: 'SELECT max(block) FROM chart_blocks WHERE session_id = ?',
  /** Stacks of the full dumps and leak profiles of ticks [from, to) (the partial index of migration 6). */
  detailStacks: `SELECT DISTINCT g.stack_id FROM snapshots s JOIN group_counts g ON g.snapshot_id = s.id
    WHERE s.session_id = ? AND s.kind IN ('full', 'leak') AND s.tick >= ? AND s.tick < ? AND s.error_code IS NULL`,
  snapshotCounts: 'SELECT stack_id, count FROM group_counts WHERE snapshot_id = ? ORDER BY stack_id',
} as const;

/** A session's chart summaries as stored (chart-blocks.ts): blocks 0…n-1, and what is not summarised yet. */
export interface StoredChartBlocks {
  blocks: [block: number, ticks: Uint8Array, stacks: Uint8Array][];
  /** The first tick after the summarised blocks: rows and counts from there on are read as they are. */
  fromTick: number;
}

interface SessionState {
  /** The highest tick with counts (-1: none). */
  lastTick: number;
  /** The highest block whose snapshot rows are packed in `tick_blocks` (-1: none). */
  lastTickBlock: number;
  /** The block of the oldest tick row not yet compacted, or null. */
  stagedBlock: number | null;
  /** The highest block with a chart summary (`chart_blocks`, always 0…this without a gap; -1: none). */
  lastChartBlock: number;
}

/**
 * The counts of each tick's counted compact profile (migration 5, count-codec.ts). A tick writes one
 * `count_staged` row (its `stackId, count` pairs: one insert, whatever the number of groups) and one
 * `count_ticks` row (which snapshot of the tick is counted), durable with the tick's transaction, so
 * a recorder killed mid-block loses nothing. When a tick of a later block arrives, the staged rows of
 * the finished block are packed into one `count_blocks` row per stack and deleted. Readers take
 * blocks and staged rows, so a block left unfinished by a crash reads the same.
 *
 * HistoryStore owns one (all SQL stays in the store module); call from inside its tick transaction.
 */
export class CountBlocks {
  private readonly st;
  private readonly sessions = new Map<number, SessionState>();

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      lastTick: p(COUNT_QUERIES.lastTick).pluck(),
      oldestStaged: p(COUNT_QUERIES.oldestStaged).pluck(),
      insertTick: p('INSERT INTO count_ticks (session_id, tick, snapshot_id) VALUES (?, ?, ?)'),
      insertStaged: p('INSERT INTO count_staged (session_id, tick, counts) VALUES (?, ?, ?)'),
      stagedBefore: p(COUNT_QUERIES.stagedBefore).raw(),
      clearStaged: p(COUNT_QUERIES.clearStaged),
      block: p(COUNT_QUERIES.block).raw(),
      upsertBlock: p(`INSERT INTO count_blocks (session_id, block, stack_id, first_tick, last_tick, counts) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (session_id, block, stack_id) DO UPDATE SET first_tick = excluded.first_tick, last_tick = excluded.last_tick, counts = excluded.counts`),
      sessionBlocks: p(COUNT_QUERIES.sessionBlocks).raw(),
      sessionStaged: p(COUNT_QUERIES.sessionStaged).raw(),
      tickRow: p(COUNT_QUERIES.tickRow).raw(),
      blocksAt: p(COUNT_QUERIES.blocksAt).raw(),
      spans: p(COUNT_QUERIES.spans).raw(),
      tickBlocks: p(COUNT_QUERIES.tickBlocks).raw(),
      lastTickBlock: p(COUNT_QUERIES.lastTickBlock).pluck(),
      blockTickRows: p(COUNT_QUERIES.blockTickRows).raw(),
      upsertTickBlock: p('INSERT INTO tick_blocks (session_id, block, rows) VALUES (?, ?, ?) ON CONFLICT (session_id, block) DO UPDATE SET rows = excluded.rows'),
      dropTickBlocks: p('DELETE FROM tick_blocks WHERE session_id = ? AND block >= ?'),
      blockRuns: p(COUNT_QUERIES.blockRuns).raw(),
      stackRuns: p(COUNT_QUERIES.stackRuns).raw(),
      lastCountBlock: p(COUNT_QUERIES.lastCountBlock).pluck(),
      chartBlocks: p(COUNT_QUERIES.chartBlocks).raw(),
      lastChartBlock: p(COUNT_QUERIES.lastChartBlock).pluck(),
      detailStacks: p(COUNT_QUERIES.detailStacks).pluck(),
      snapshotCounts: p(COUNT_QUERIES.snapshotCounts).raw(),
      upsertChartBlock: p(`INSERT INTO chart_blocks (session_id, block, ticks, stacks) VALUES (?, ?, ?, ?)
        ON CONFLICT (session_id, block) DO UPDATE SET ticks = excluded.ticks, stacks = excluded.stacks`),
      dropChartBlocks: p('DELETE FROM chart_blocks WHERE session_id = ? AND block >= ?'),
    };
  }

  /**
   * Stores the counts of `snapshotId`, the counted compact profile of `tick`. Returns false, storing
   * nothing, when the session already has counts at this tick or a later one (ticks are written in
   * order; the caller then keeps this snapshot's counts as rows).
   */
  record(sessionId: number, tick: number, snapshotId: number, counts: readonly { stackId: number; count: number }[]): boolean {
    const s = this.stateOf(sessionId);
    if (tick <= s.lastTick) return false;
    // Ascending stack ids: the series lists groups in the order they first appear, as before blocks.
    const sorted = [...counts].sort((a, b) => a.stackId - b.stackId);
    this.st.insertTick.run(sessionId, tick, snapshotId);
    this.st.insertStaged.run(sessionId, tick, encodeTickCounts(sorted));
    s.lastTick = tick;
    const block = blockOf(tick);
    if (s.stagedBlock !== null && s.stagedBlock < block) this.compact(sessionId, block * BLOCK_TICKS);
    s.stagedBlock = block;
    return true;
  }

  /**
   * Called before any snapshot of `tick` is written: a tick of a block whose rows are packed (ticks
   * written out of order) drops the packed rows from that block on, so readers take the rows again.
   */
  beforeTick(sessionId: number, tick: number): void {
    const s = this.stateOf(sessionId);
    const block = blockOf(tick);
    if (block <= s.lastTickBlock) {
      this.st.dropTickBlocks.run(sessionId, block);
      s.lastTickBlock = block - 1;
    }
    // Its chart summary too: the next compaction writes it again from the rows as they are then.
    if (block <= s.lastChartBlock) {
      this.st.dropChartBlocks.run(sessionId, block);
      s.lastChartBlock = block - 1;
    }
  }

  /**
   * The session ended: its unfinished block is packed now (counts, rows and chart summary), so a
   * finished session reads packed blocks only. A tick written later into that block is merged
   * (`writeBlock`) and its summaries are written again, as after a restart.
   */
  finish(sessionId: number): void {
    const s = this.stateOf(sessionId);
    if (s.lastTick < 0) return;
    this.compact(sessionId, s.lastTick + 1);
    s.stagedBlock = null;
  }

  /**
   * The snapshot rows of the session's packed blocks (0, 1, … without a gap) as tables, and the first
   * tick they do not cover: the caller reads rows from there on.
   */
  packedTickTables(sessionId: number): { tables: TickTable[]; fromTick: number } {
    const tables: TickTable[] = [];
    for (const [block, packed] of this.st.tickBlocks.all(sessionId) as [number, Uint8Array][]) {
      if (block !== tables.length) break;
      tables.push(unpackTickTable(packed));
    }
    return { tables, fromTick: tables.length * BLOCK_TICKS };
  }

  /** The session's chart summaries, 0… without a gap (the rest is read as it is). */
  chartBlocks(sessionId: number): StoredChartBlocks {
    const blocks: StoredChartBlocks['blocks'] = [];
    for (const row of this.st.chartBlocks.all(sessionId) as StoredChartBlocks['blocks']) {
      if (row[0] !== blocks.length) break;
      blocks.push(row);
    }
    return { blocks, fromTick: blocks.length * BLOCK_TICKS };
  }

  /** The highest block with packed counts, or -1. */
  lastCountBlock(sessionId: number): number {
    return (this.st.lastCountBlock.get(sessionId) as number | null) ?? -1;
  }

  /** The stacks in the full dumps and leak profiles of ticks [from, to). */
  detailStacks(sessionId: number, from: number, to: number): number[] {
    return this.st.detailStacks.all(sessionId, from, to) as number[];
  }

  /** A snapshot's counts kept as rows (a full dump), as a `count_staged` row packs them. */
  snapshotCounts(snapshotId: number): Buffer {
    return encodeTickCounts((this.st.snapshotCounts.all(snapshotId) as [number, number][]).map(([stackId, count]) => ({ stackId, count })));
  }

  /** One stack's packed blocks, in tick order: first tick and runs. */
  stackRuns(sessionId: number, stackId: number): [firstTick: number, counts: Buffer][] {
    return this.st.stackRuns.all(sessionId, stackId) as [number, Buffer][];
  }

  /** Forgets what is cached of a session (its tick transaction rolled back, or it was removed). */
  forget(sessionId: number): void {
    this.sessions.delete(sessionId);
  }

  /** Everything a session's series needs, packed (count-codec.ts decodes it). */
  sessionCounts(sessionId: number): PackedSessionCounts {
    return {
      blocks: this.st.sessionBlocks.all(sessionId) as PackedSessionCounts['blocks'],
      staged: this.stagedTicks(sessionId),
    };
  }

  /** The staged tick rows (the unfinished block), in tick order. */
  stagedTicks(sessionId: number): PackedSessionCounts['staged'] {
    return this.st.sessionStaged.all(sessionId) as PackedSessionCounts['staged'];
  }

  /**
   * The counts by stack id of `snapshotId` at `tick`, or null when that snapshot's counts are not
   * here (not a counted compact profile, or one kept as rows).
   */
  countsAt(sessionId: number, tick: number, snapshotId: number): Map<number, number> | null {
    const row = this.st.tickRow.get(sessionId, tick) as [number, Buffer | null] | undefined;
    if (!row || row[0] !== snapshotId) return null;
    const out = new Map<number, number>();
    if (row[1] !== null) {
      decodeTickCounts(row[1], (stackId, count) => out.set(stackId, count));
      return out;
    }
    for (const [stackId, firstTick, counts] of this.st.blocksAt.all(sessionId, blockOf(tick), tick, tick) as PackedSessionCounts['blocks']) {
      const count = blockCountAt(counts, firstTick, tick);
      if (count !== null) out.set(stackId, count);
    }
    return out;
  }

  /** Per stack id, the first and last tick it was counted at. */
  stackSpans(sessionId: number): Map<number, { first: number; last: number }> {
    const out = new Map<number, { first: number; last: number }>();
    for (const [stackId, first, last] of this.st.spans.all(sessionId) as [number, number, number][]) out.set(stackId, { first, last });
    for (const [tick, counts] of this.st.sessionStaged.all(sessionId) as PackedSessionCounts['staged']) {
      decodeTickCounts(counts, (stackId) => {
        const span = out.get(stackId);
        if (!span) out.set(stackId, { first: tick, last: tick });
        else {
          span.first = Math.min(span.first, tick);
          span.last = Math.max(span.last, tick);
        }
      });
    }
    return out;
  }

  private stateOf(sessionId: number): SessionState {
    let s = this.sessions.get(sessionId);
    if (!s) {
      const last = this.st.lastTick.get(sessionId) as number | null;
      const oldest = this.st.oldestStaged.get(sessionId) as number | null;
      const lastTickBlock = this.st.lastTickBlock.get(sessionId) as number | null;
      const lastChartBlock = this.st.lastChartBlock.get(sessionId) as number | null;
      s = { lastTick: last ?? -1, stagedBlock: oldest === null ? null : blockOf(oldest), lastTickBlock: lastTickBlock ?? -1, lastChartBlock: lastChartBlock ?? -1 };
      this.sessions.set(sessionId, s);
    }
    return s;
  }

  /** Packs the tick rows before `beforeTick` into blocks (merged with any block already there). */
  private compact(sessionId: number, beforeTick: number): void {
    const byBlock = new Map<number, Map<number, [number, number][]>>();
    for (const [tick, counts] of this.st.stagedBefore.all(sessionId, beforeTick) as PackedSessionCounts['staged']) {
      const block = blockOf(tick);
      let stacks = byBlock.get(block);
      if (!stacks) byBlock.set(block, (stacks = new Map()));
      decodeTickCounts(counts, (stackId, count) => {
        const points = stacks.get(stackId);
        if (points) points.push([tick, count]);
        else stacks.set(stackId, [[tick, count]]);
      });
    }
    const s = this.stateOf(sessionId);
    const rowsOf = new Map<number, TickRow[]>();
    for (const [block, stacks] of byBlock) {
      for (const [stackId, points] of stacks) this.writeBlock(sessionId, block, stackId, points);
      // The block's snapshot rows, as the series reads them: its ticks are all written by now.
      const rows = this.st.blockTickRows.all(sessionId, block * BLOCK_TICKS, (block + 1) * BLOCK_TICKS) as TickRow[];
      rowsOf.set(block, rows);
      this.st.upsertTickBlock.run(sessionId, block, packTickRows(rows));
      s.lastTickBlock = Math.max(s.lastTickBlock, block);
    }
    this.st.clearStaged.run(sessionId, beforeTick);
    // Chart summaries of every block up to the last one packed, from the stored runs and rows: also a
    // block with no counts (its compact requests all failed), and one dropped by a late tick.
    for (let block = s.lastChartBlock + 1; block <= blockOf(beforeTick - 1); block++) {
      const rows = rowsOf.get(block) ?? (this.st.blockTickRows.all(sessionId, block * BLOCK_TICKS, (block + 1) * BLOCK_TICKS) as TickRow[]);
      const from = block * BLOCK_TICKS;
      const summary = packChartBlock(block, ticksOfRows(rows), this.st.blockRuns.all(sessionId, block) as BlockRuns, this.detailStacks(sessionId, from, from + BLOCK_TICKS));
      this.st.upsertChartBlock.run(sessionId, block, summary.ticks, summary.stacks);
      s.lastChartBlock = block;
    }
  }

  private writeBlock(sessionId: number, block: number, stackId: number, points: [number, number][]): void {
    let all = points;
    // A block already there (ticks of this block written before a restart): keep its ticks too.
    const existing = this.st.block.get(sessionId, block, stackId) as [number, Buffer] | undefined;
    if (existing) {
      const merged = new Map(decodeBlock(existing[1], existing[0]));
      for (const [tick, count] of points) merged.set(tick, count);
      all = [...merged].sort((a, b) => a[0] - b[0]);
    }
    const packed = encodeBlock(all);
    this.st.upsertBlock.run(sessionId, block, stackId, packed.firstTick, packed.lastTick, packed.counts);
  }
}
