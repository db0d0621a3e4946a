import type { Database } from 'better-sqlite3';

export const version = 1;

/**
 * The first schema. Sizes matter (ARCHITECTURE.md, "Storage"): a compact tick adds one `snapshots` row
 * per request and one small `group_counts` row per group; frames live once per stack key in `stacks`;
 * goroutine IDs are one delta-varint BLOB per stack per full dump; raw dumps are brotli BLOBs in their
 * own table so that pruning them never touches the rows the series are read from.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE targets (
      id INTEGER PRIMARY KEY,
      url TEXT NOT NULL UNIQUE,
      first_seen_ms INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE sessions (
      id INTEGER PRIMARY KEY,
      target_id INTEGER REFERENCES targets(id),
      source TEXT NOT NULL CHECK (source IN ('recording', 'import')),
      name TEXT NOT NULL,
      started_at_ms INTEGER NOT NULL,
      ended_at_ms INTEGER,
      interval_ms INTEGER,
      full_every INTEGER,
      raw_retention TEXT NOT NULL CHECK (raw_retention IN ('all', 'full', 'none')),
      raw_keep_last INTEGER NOT NULL,
      endpoints TEXT,
      ticks INTEGER NOT NULL DEFAULT 0,
      snapshots INTEGER NOT NULL DEFAULT 0,
      failed_ticks INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE stacks (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      frames TEXT NOT NULL,
      blocking_site TEXT,
      created_by TEXT
    ) STRICT;

    CREATE TABLE snapshots (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      tick INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('compact', 'full', 'leak', 'expvar', 'metrics')),
      endpoint TEXT NOT NULL,
      at_ms INTEGER NOT NULL,
      duration_ms INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      format TEXT,
      profile TEXT,
      total INTEGER,
      thread_stacks INTEGER,
      taken_at_ms INTEGER,
      num_goroutine REAL,
      threads REAL,
      heap_alloc_bytes REAL,
      heap_inuse_bytes REAL,
      gc_cycles REAL,
      error_code TEXT,
      error_message TEXT,
      warnings TEXT
    ) STRICT;
    CREATE INDEX snapshots_by_session_tick ON snapshots(session_id, tick);

    CREATE TABLE group_counts (
      snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
      stack_id INTEGER NOT NULL REFERENCES stacks(id),
      count INTEGER NOT NULL,
      leaked INTEGER NOT NULL,
      max_wait_minutes INTEGER,
      states TEXT,
      labels TEXT,
      is_locked INTEGER NOT NULL,
      PRIMARY KEY (snapshot_id, stack_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE goroutine_ids (
      id INTEGER PRIMARY KEY,
      snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
      stack_id INTEGER NOT NULL REFERENCES stacks(id),
      ids BLOB NOT NULL,
      UNIQUE (snapshot_id, stack_id)
    ) STRICT;

    CREATE TABLE raw_dumps (
      snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
      session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      encoding TEXT NOT NULL CHECK (encoding IN ('br', 'identity')),
      original_bytes INTEGER NOT NULL,
      data BLOB NOT NULL
    ) STRICT;
    CREATE INDEX raw_dumps_by_session ON raw_dumps(session_id, snapshot_id);
  `);
}
