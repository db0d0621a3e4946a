import { HistoryStore } from '../store/history-store.js';
import { resolveDbPath } from '../store/default-db-path.js';
import type { SessionSummary } from '../store/types.js';
import { sessionState, type SessionState } from '../store/session-liveness.js';

export type { HistoryStore } from '../store/history-store.js';
export type { SessionSummary } from '../store/types.js';
export { DB_FILE_NAME, resolveDbPath } from '../store/default-db-path.js';

/**
 * Opens the history the app and the CLI share: `--db FILE`, else `$GOROSCOPE_DB`, else goroscope.db in
 * the app-data folder. The caller disposes it. Throws SchemaTooNewError / InvalidInputError.
 */
export function openHistory(dbOption?: string): HistoryStore {
  return HistoryStore.open(resolveDbPath(dbOption));
}

/** The documented `sessions --json` entry: keep it stable, scripts read it. */
export interface SessionListEntry {
  id: number;
  name: string;
  target: string | null;
  startedAt: string;
  endedAt: string | null;
  snapshots: number;
  failedTicks: number;
  /** `recording` while its recorder's heartbeat is fresh, `interrupted` once it stopped without an end. */
  state: SessionState;
}

export function sessionListEntry(s: SessionSummary, nowMs: number = Date.now()): SessionListEntry {
  return {
    id: s.id,
    name: s.name,
    target: s.target,
    startedAt: new Date(s.startedAtMs).toISOString(),
    endedAt: s.endedAtMs === null ? null : new Date(s.endedAtMs).toISOString(),
    snapshots: s.snapshots,
    failedTicks: s.failedTicks,
    state: sessionState(s, nowMs),
  };
}
