import type { Database } from 'better-sqlite3';
import { packChartBlock, type BlockRuns } from '../chart-blocks.js';
import { COUNT_QUERIES } from '../count-blocks.js';
import { BLOCK_TICKS } from '../count-codec.js';
import { ticksOfRows, type TickRow } from '../series.js';

export const version = 6;

/**
 * A chart summary per finished block (issue 18, `chart-blocks.ts`): the timeline's first draw of a day
 * read 172,800 snapshot rows and 5.5 million runs (600+ ms); it now reads 24 summaries and the runs of
 * the ~10 groups it keeps. Also two indexes for what the summaries leave to read: one stack's blocks
 * (the kept groups' runs), and the full dumps and leak profiles of a session (partial: compact ticks,
 * nearly every row of a long session, are not in it, so it costs them nothing).
 *
 * Existing histories: every block before a session's staged (unfinished) block that has packed counts
 * or packed rows gets its summary, from the stored runs and rows, as `count-blocks.ts` writes them
 * (with its queries and `packChartBlock`, as migration 5 packs with the codecs of its day: a later
 * change to them must keep what they read and write, or copy them here first).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE chart_blocks (
      session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      block INTEGER NOT NULL,
      ticks BLOB NOT NULL,
      stacks BLOB NOT NULL,
      PRIMARY KEY (session_id, block)
    ) STRICT;

    CREATE INDEX count_blocks_by_stack ON count_blocks(session_id, stack_id, block);
    CREATE INDEX snapshots_details ON snapshots(session_id, tick) WHERE kind IN ('full', 'leak');
  `);
  summariseBlocks(db);
}

function summariseBlocks(db: Database): void {
  const sessions = db.prepare(`SELECT s.id,
      max(coalesce((SELECT max(block) FROM count_blocks WHERE session_id = s.id), -1), coalesce((SELECT max(block) FROM tick_blocks WHERE session_id = s.id), -1)),
      (SELECT min(tick) FROM count_staged WHERE session_id = s.id)
    FROM sessions s`).raw();
  const rowsOf = db.prepare(COUNT_QUERIES.blockTickRows).raw();
  const runsOf = db.prepare(COUNT_QUERIES.blockRuns).raw();
  const detailStacks = db.prepare(COUNT_QUERIES.detailStacks).pluck();
  const insert = db.prepare('INSERT INTO chart_blocks (session_id, block, ticks, stacks) VALUES (?, ?, ?, ?)');
  for (const [sessionId, lastPacked, oldestStaged] of sessions.all() as [number, number, number | null][]) {
    const end = oldestStaged === null ? lastPacked : Math.min(lastPacked, Math.floor(oldestStaged / BLOCK_TICKS) - 1);
    for (let block = 0; block <= end; block++) {
      const from = block * BLOCK_TICKS;
      const ticks = ticksOfRows(rowsOf.all(sessionId, from, from + BLOCK_TICKS) as TickRow[]);
      const summary = packChartBlock(block, ticks, runsOf.all(sessionId, block) as BlockRuns, detailStacks.all(sessionId, from, from + BLOCK_TICKS) as number[]);
      insert.run(sessionId, block, summary.ticks, summary.stacks);
    }
  }
}
