import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedSession } from '../analysis/session.js';
import { openHistory } from './session-history.js';
import { startRecording, type TickSummary } from './record.js';
import type { Connector } from '../collect/connector.js';
import { loadStoredSession } from './stored-session.js';
import { storedSessionReport } from './stored-report.js';
import type { LoadedConfig } from './project-config.js';
import type { Report } from '../../shared/report.js';
import { HistoryStore } from '../store/history-store.js';

/**
 * Where `report <session-id>` and `check <url>` get sessions from: the SQLite history and the
 * recorder. Analysis only needs a LoadedSession; tests can plug in other backends.
 */

/** Loads a recorded session for analysis. */
export interface SessionSource {
  /** Throws NotFoundError for an unknown id. */
  loadSession(sessionId: number): LoadedSession;
  /** The report of a stored session: a fleet's over its instances, else the session's own. NotFoundError for an unknown id. */
  /** `shouldRedactLabels`: label values replaced by stable short hashes (`report --redact-labels`). */
  loadReport(sessionId: number, config: LoadedConfig, options?: { shouldRedactLabels?: boolean }): Report;
  /** Closes the history (and removes a throwaway one); twice is harmless. */
  dispose(): void;
}

export interface RecordOptions {
  durationMs: number;
  intervalMs: number;
  /** The history file to record into; null: a throwaway database removed afterwards. */
  dbPath: string | null;
  /** Ends the recording early (Ctrl-C): what was recorded is analysed. */
  signal?: AbortSignal;
  onTick?: (summary: TickSummary) => void;
  /** How to reach the service (default: direct TCP; an SshConnector for `--ssh`). The recording disposes it. */
  connector?: Connector;
}

export interface AnalysisBackends {
  /** Opens the history (`dbPath`, else $GOROSCOPE_DB, else the app-data folder). */
  openSessions: (dbPath: string | null) => SessionSource;
  /**
   * Records `url` for `durationMs` every `intervalMs` (compact profile each tick, full dumps and the
   * goroutineleak profile where served) and resolves with the session and the source to load it
   * from. Throws a GoroscopeError naming the target and endpoint when it cannot record.
   */
  record: (url: string, options: RecordOptions) => Promise<{ sessionId: number; sessions: SessionSource }>;
}

// A check is short: full dumps (ids, wait minutes) every 5 ticks give the analysis more to go on.
export const CHECK_FULL_EVERY = 5;

function sourceOf(store: HistoryStore, cleanup: () => void = () => undefined): SessionSource {
  let isDisposed = false;
  return {
    loadSession: (id) => loadStoredSession(store, id),
    loadReport: (id, config, options) => storedSessionReport(store, id, config, options),
    dispose() {
      if (isDisposed) return;
      isDisposed = true;
      store.dispose();
      cleanup();
    },
  };
}

export function defaultBackends(): AnalysisBackends {
  return {
    openSessions: (dbPath) => sourceOf(openHistory(dbPath ?? undefined)),
    async record(url, options) {
      const tempDir = options.dbPath === null ? mkdtempSync(join(tmpdir(), 'goroscope-check-')) : null;
      const store = tempDir ? HistoryStore.open(join(tempDir, 'check.db')) : openHistory(options.dbPath!);
      const sessions = sourceOf(store, () => {
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      });
      try {
        const recording = await startRecording(store, {
          url,
          name: `check ${url}`,
          intervalMs: options.intervalMs,
          durationMs: options.durationMs,
          fullEvery: CHECK_FULL_EVERY,
          rawRetention: 'none',
          ...(options.onTick ? { onTick: options.onTick } : {}),
          ...(options.connector ? { connector: options.connector } : {}),
        });
        const stop = (): void => recording.stop();
        options.signal?.addEventListener('abort', stop, { once: true });
        try {
          await recording.done;
        } finally {
          options.signal?.removeEventListener('abort', stop);
          recording.dispose();
        }
        return { sessionId: recording.sessionId, sessions };
      } catch (error) {
        sessions.dispose();
        throw error;
      }
    },
  };
}
