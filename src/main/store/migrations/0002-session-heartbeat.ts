import type { Database } from 'better-sqlite3';

export const version = 2;

/**
 * A recording's heartbeat: its recorder stamps `heartbeat_at_ms` every few seconds while it runs
 * (`session-liveness.ts`). A session with no end whose heartbeat stopped had its recorder killed
 * (SIGKILL, a crash, power loss): it reads as interrupted, not as "still recording" forever (issue #11).
 * Sessions recorded before this migration have no heartbeat; an unended one among them reads as
 * interrupted too, since no recorder of that build can be told apart from a dead one.
 */
export function up(db: Database): void {
  db.exec('ALTER TABLE sessions ADD COLUMN heartbeat_at_ms INTEGER');
}
