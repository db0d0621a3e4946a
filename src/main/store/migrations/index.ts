import type { Database } from 'better-sqlite3';
import { BugError, SchemaTooNewError } from '../../../shared/errors.js';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-session-heartbeat.js';
import * as m0003 from './0003-label-sets.js';
import * as m0004 from './0004-fleet-instances.js';
import * as m0005 from './0005-count-blocks.js';
import * as m0006 from './0006-chart-blocks.js';

export interface Migration {
  version: number;
  up(db: Database): void;
}

/**
 * Every migration, oldest first, numbered 1, 2, 3, … with no gap: the file's `user_version` says which
 * have run. A shipped migration is never edited: add `NNNN-what.ts` with the next number instead.
 */
export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings `db` to `toVersion` (default: the latest), each migration in its own transaction that also sets
 * `user_version`. Refuses a database newer than this build with SchemaTooNewError, naming both versions.
 *
 * The app and the CLI share one file and may open a new one at the same moment: each migration takes
 * the write lock first (BEGIN IMMEDIATE, waiting out the busy timeout) and reads `user_version` again
 * under it, so a migration another process has just applied is skipped instead of failing on
 * "table already exists".
 */
export function migrate(db: Database, dbPath: string, toVersion: number = SCHEMA_VERSION): number {
  const current = refuseNewer(db, dbPath);
  for (const [i, m] of MIGRATIONS.entries()) {
    // Read without a lock: an up-to-date history (every open but the first) takes no write lock here.
    if (m.version <= current) continue;
    if (m.version > toVersion) break;
    // PRAGMA takes no bound parameters; the version is our own integer, and the file's version says
    // which migrations ran only while they are numbered without a gap.
    if (m.version !== i + 1) throw new BugError(`migration number ${String(m.version)} is out of sequence: expected ${i + 1}`);
    db.transaction(() => {
      if (refuseNewer(db, dbPath) >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

/** The file's schema version; SchemaTooNewError when it is newer than this build. */
function refuseNewer(db: Database, dbPath: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new SchemaTooNewError(
      `${dbPath}: history schema version ${current} is newer than this Goroscope understands (${SCHEMA_VERSION}); update Goroscope or use another --db file`,
    );
  }
  return current;
}
