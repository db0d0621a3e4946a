import type { Database } from 'better-sqlite3';

export const version = 4;

/**
 * Fleets (issue 15): one session over many instances of a service. The fleet is a session of its own
 * (it holds no snapshots); each instance records into a session of its own, so its series, stacks,
 * ids and raw dumps are exactly those of a one-target session and every existing read path serves
 * the drill-down into one instance. `fleet_instances` ties an instance's session to its fleet with
 * what discovery said about it (Prometheus labels, growth when ranked) and the full-dump cadence the
 * recorder settled on, with the notes that say why it changed. Deleting a fleet session removes its
 * rows here; HistoryStore.removeSession removes the instance sessions with it.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE fleets (
      session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
      source TEXT NOT NULL CHECK (source IN ('targets', 'prometheus')),
      prometheus_url TEXT,
      job TEXT,
      ranking_query TEXT,
      max_concurrent INTEGER NOT NULL,
      skipped TEXT NOT NULL
    ) STRICT;

    CREATE TABLE fleet_instances (
      fleet_session_id INTEGER NOT NULL REFERENCES fleets(session_id) ON DELETE CASCADE,
      ordinal INTEGER NOT NULL,
      session_id INTEGER NOT NULL UNIQUE REFERENCES sessions(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      url TEXT NOT NULL,
      labels TEXT NOT NULL,
      discovered_growth_per_min REAL,
      discovered_goroutines REAL,
      full_every INTEGER NOT NULL,
      cadence_notes TEXT NOT NULL,
      PRIMARY KEY (fleet_session_id, ordinal)
    ) STRICT;
  `);
}
