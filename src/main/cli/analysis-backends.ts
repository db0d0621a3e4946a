import type { LoadedSession } from '../analysis/session.js';

/**
 * The seams `report <session-id>` and `check <url>` go through. Analysis only needs a LoadedSession;
 * where it comes from (the SQLite history, a live recording) is plugged in here.
 */

/** Loads a recorded session for analysis (fill it with `SessionBuilder`, src/main/analysis/session-builder.ts). */
export interface SessionSource {
  /** Throws NotFoundError for an unknown id. */
  loadSession(sessionId: number): LoadedSession;
  /** Closes the history; twice is harmless. */
  dispose(): void;
}

export interface RecordOptions {
  durationMs: number;
  intervalMs: number;
  /** The history file to record into; null: a throwaway database removed afterwards. */
  dbPath: string | null;
}

export interface AnalysisBackends {
  /** Opens the history (`dbPath`, or the default location when null); null: this build has no store. */
  openSessions: ((dbPath: string | null) => SessionSource) | null;
  /**
   * Records `url` for `durationMs` every `intervalMs` (compact profile each tick, full dumps and the
   * goroutineleak profile where served) and resolves with the session and the source to load it
   * from. Throws a GoroscopeError naming the target and endpoint when it cannot record.
   */
  record: ((url: string, options: RecordOptions) => Promise<{ sessionId: number; sessions: SessionSource }>) | null;
}

/**
 * SEAM(issue 4): wire the store and the recorder here. `openSessions` opens a HistoryStore and
 * converts `sessionSeries` + `sessionStacks` + `fullDumpIds` into an AnalysisSession with
 * SessionBuilder; `record` runs the collector into that store for the duration, then returns the
 * session id. Until then `report <session-id>` and `check <url>` fail with exit code 2 and say why.
 */
export function defaultBackends(): AnalysisBackends {
  return { openSessions: null, record: null };
}
