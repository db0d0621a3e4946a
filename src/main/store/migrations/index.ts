import type { Database } from 'better-sqlite3';
import { BugError, SchemaTooNewError } from '../../../shared/errors.js';
import * as m0001 from './0001-initial.js';

export interface Migration {
  version: number;
  up(db: Database): void;
}

/** Every migration, oldest first. A shipped migration is never edited: add `NNNN-what.ts` instead. */
export const MIGRATIONS: readonly Migration[] = [m0001];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings `db` to `toVersion` (default: the latest), each migration in its own transaction that also sets
 * `user_version`. Refuses a database newer than this build with SchemaTooNewError, naming both versions.
 */
export function migrate(db: Database, dbPath: string, toVersion: number = SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new SchemaTooNewError(
      `${dbPath}: history schema version ${current} is newer than this Goroscope understands (${SCHEMA_VERSION}); update Goroscope or use another --db file`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > toVersion) continue;
    db.transaction(() => {
      m.up(db);
      // PRAGMA takes no bound parameters; the version is our own integer.
      if (!Number.isInteger(m.version)) throw new BugError(`migration version ${String(m.version)} is not an integer`);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
