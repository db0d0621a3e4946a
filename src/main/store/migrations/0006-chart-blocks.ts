import type { Database } from 'better-sqlite3';
import { packChartBlock, type BlockRuns } from '../chart-blocks.js';
import { BLOCK_TICKS } from '../count-codec.js';
import { SERIES_TICK_COLUMNS, ticksOfRows, type TickRow } from '../series.js';

export const version = 6;

/**
 * A chart summary per finished block (issue 18, `chart-blocks.ts`): the timeline's first draw of a day
 * read 172,800 snapshot rows and 5.5 million runs (600+ ms); it now reads 24 summaries and the runs of
 * the ~10 groups it keeps. Also two indexes for what the summaries leave to read: one stack's blocks
 * (the kept groups' runs), and the full dumps and leak profiles of a session (partial: compact ticks,
 * nearly every row of a long session, are not in it, so it costs them nothing).
 *
 * Existing histories: every block before a session's staged (unfinished) block that has packed counts
 * or packed rows gets its summary, from the stored runs and rows, as `count-blocks.ts` writes them.
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
  const rowsOf = db.prepare(`SELECT ${SERIES_TICK_COLUMNS} FROM snapshots WHERE session_id = ? AND tick >= ? AND tick < ? ORDER BY tick, id`).raw();
  const runsOf = db.prepare('SELECT stack_id, first_tick, last_tick, counts FROM count_blocks WHERE session_id = ? AND block = ?').raw();
  const detailStacks = db.prepare(`SELECT DISTINCT g.stack_id FROM snapshots s JOIN group_counts g ON g.snapshot_id = s.id
    WHERE s.session_id = ? AND s.kind IN ('full', 'leak') AND s.tick >= ? AND s.tick < ? AND s.error_code IS NULL`).pluck();
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
