import type { Database } from 'better-sqlite3';

export const version = 3;

/**
 * pprof labels stored once per distinct label set (issue 12). Before, each `group_counts` row held its
 * group's whole label distribution as JSON, repeated every tick: a request-labelled leak with 41
 * tenants wrote 41 label sets per tick. Now `label_sets` holds each set once (its key is the sorted
 * `[[k, v], …]` JSON of src/shared/labels.ts) and `group_label_counts` one small row per set per
 * group per snapshot. Old rows keep their `group_counts.labels` JSON and read as before.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE label_sets (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE
    ) STRICT;

    CREATE TABLE group_label_counts (
      snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
      stack_id INTEGER NOT NULL REFERENCES stacks(id),
      label_set_id INTEGER NOT NULL REFERENCES label_sets(id),
      count INTEGER NOT NULL,
      PRIMARY KEY (snapshot_id, stack_id, label_set_id)
    ) STRICT, WITHOUT ROWID;
  `);
}
