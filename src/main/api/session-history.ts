import { HistoryStore } from '../store/history-store.js';
import { resolveDbPath } from '../store/default-db-path.js';
import type { SessionSummary } from '../store/types.js';

export type { HistoryStore } from '../store/history-store.js';
export type { SessionSummary } from '../store/types.js';

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
}

export function sessionListEntry(s: SessionSummary): SessionListEntry {
  return {
    id: s.id,
    name: s.name,
    target: s.target,
    startedAt: new Date(s.startedAtMs).toISOString(),
    endedAt: s.endedAtMs === null ? null : new Date(s.endedAtMs).toISOString(),
    snapshots: s.snapshots,
    failedTicks: s.failedTicks,
  };
}
