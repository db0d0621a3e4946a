import type { Database } from 'better-sqlite3';
import { BLOCK_TICKS, encodeBlock } from '../count-codec.js';
import { SERIES_TICK_COLUMNS, type TickRow } from '../series.js';
import { packTickRows } from '../tick-rows-codec.js';

export const version = 5;

/**
 * Counts packed per stack per block of ticks (issue 18, `count-codec.ts`, `count-blocks.ts`). Until
 * now each compact tick wrote one `group_counts` row per group: a day of 1 s ticks × 200 groups was
 * 17 million rows, 15 MB an hour, and 86 s to read back. Now the counted compact profile of a tick
 * writes one `count_staged` row (its counts) and one `count_ticks` row (which snapshot is counted);
 * each finished block of BLOCK_TICKS ticks becomes one `count_blocks` row per stack and its staged
 * rows are deleted (their pages are reused by the next block's). `group_counts` keeps full dumps and leak profiles (states, ids, waits) and any
 * compact group with more than a count (ids, states, a lock, old label JSON).
 *
 * Existing histories: the counted compact profile of each tick (the last that succeeded, as the
 * series always read it) moves to blocks; its plain rows are deleted. Blocks of a session's last,
 * unfinished hour are packed too (a block may be extended later: count-blocks.ts merges).
 * `tick_blocks` holds, per finished block, the `snapshots` rows the series reads (tick-rows-codec.ts),
 * written when the block's counts are packed; existing sessions get theirs for every block before
 * the one of their last tick.
 * `count_ticks.snapshot_id` has no foreign key: its rows go with their session, and a key would need
 * an index only for the cascade.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE count_ticks (
      session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      tick INTEGER NOT NULL,
      snapshot_id INTEGER NOT NULL,
      PRIMARY KEY (session_id, tick)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE count_staged (
      session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      tick INTEGER NOT NULL,
      counts BLOB NOT NULL,
      PRIMARY KEY (session_id, tick)
    ) STRICT;

    CREATE TABLE count_blocks (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      block INTEGER NOT NULL,
      stack_id INTEGER NOT NULL REFERENCES stacks(id),
      first_tick INTEGER NOT NULL,
      last_tick INTEGER NOT NULL,
      counts BLOB NOT NULL,
      UNIQUE (session_id, block, stack_id)
    ) STRICT;

    CREATE TABLE tick_blocks (
      session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      block INTEGER NOT NULL,
      rows BLOB NOT NULL,
      PRIMARY KEY (session_id, block)
    ) STRICT;
  `);
  moveCompactCounts(db);
  packFinishedTickBlocks(db);
}

/** Each session's blocks before the one of its last tick: their snapshot rows, packed (tick-rows-codec.ts). */
function packFinishedTickBlocks(db: Database): void {
  const lastTicks = db.prepare('SELECT session_id, max(tick) FROM snapshots GROUP BY session_id').raw();
  const rowsOf = db.prepare(`SELECT ${SERIES_TICK_COLUMNS} FROM snapshots WHERE session_id = ? AND tick >= ? AND tick < ? ORDER BY tick, id`).raw();
  const insert = db.prepare('INSERT INTO tick_blocks (session_id, block, rows) VALUES (?, ?, ?)');
  for (const [sessionId, lastTick] of lastTicks.all() as [number, number][]) {
    for (let block = 0; block < Math.floor(lastTick / BLOCK_TICKS); block++) {
      insert.run(sessionId, block, packTickRows(rowsOf.all(sessionId, block * BLOCK_TICKS, (block + 1) * BLOCK_TICKS) as TickRow[]));
    }
  }
}

type CountRow = [stackId: number, count: number, isPlain: number];

function moveCompactCounts(db: Database): void {
  // The counted compact profile of each tick: the last one that succeeded.
  const counted = db.prepare(`SELECT session_id, tick, max(id) FROM snapshots
    WHERE kind = 'compact' AND error_code IS NULL GROUP BY session_id, tick ORDER BY session_id, tick`).raw();
  const rowsOf = db.prepare(`SELECT g.stack_id, g.count,
      g.leaked = 0 AND g.max_wait_minutes IS NULL AND g.states IS NULL AND g.labels IS NULL AND g.is_locked = 0
      AND NOT EXISTS (SELECT 1 FROM goroutine_ids gi WHERE gi.snapshot_id = g.snapshot_id AND gi.stack_id = g.stack_id)
    FROM group_counts g WHERE g.snapshot_id = ?`).raw();
  const insertTick = db.prepare('INSERT INTO count_ticks (session_id, tick, snapshot_id) VALUES (?, ?, ?)');
  const insertBlock = db.prepare('INSERT INTO count_blocks (session_id, block, stack_id, first_tick, last_tick, counts) VALUES (?, ?, ?, ?, ?, ?)');
  const deletePlain = db.prepare(`DELETE FROM group_counts WHERE snapshot_id = ? AND stack_id = ?`);
  let session = -1;
  let block = -1;
  let points = new Map<number, [number, number][]>();
  const flush = (): void => {
    for (const [stackId, p] of points) {
      const packed = encodeBlock(p);
      insertBlock.run(session, block, stackId, packed.firstTick, packed.lastTick, packed.counts);
    }
    points = new Map();
  };
  for (const [sessionId, tick, snapshotId] of counted.all() as [number, number, number][]) {
    const b = Math.floor(tick / BLOCK_TICKS);
    if (sessionId !== session || b !== block) {
      flush();
      session = sessionId;
      block = b;
    }
    insertTick.run(sessionId, tick, snapshotId);
    for (const [stackId, count, isPlain] of rowsOf.all(snapshotId) as CountRow[]) {
      const p = points.get(stackId);
      if (p) p.push([tick, count]);
      else points.set(stackId, [[tick, count]]);
      if (isPlain === 1) deletePlain.run(snapshotId, stackId);
    }
  }
  flush();
}
