import type { EventMessage, RequestName, RequestOutput, RequestParams } from '../../shared/contract.js';
import type { DumpFormat } from '../../shared/model.js';
import type { Disposable } from '../../shared/lifecycle.js';
import type { HistoryStore } from '../store/history-store.js';
import type { ApiContext } from './api-context.js';
import { EventHub } from './event-hub.js';
import type { AnalysisPort, DumpIntake, RecorderPort } from './ports.js';
import { recordingHandlers } from './recording-handlers.js';
import { sessionHandlers } from './session-handlers.js';
import { sourceHandlers, type SourceAccess } from './source-handlers.js';
import { overviewHandlers } from './overview-handlers.js';

export interface ApiDeps {
  store: HistoryStore;
  version: string;
  /** The collector; null: `target.test` and `recording.*` answer INVALID_INPUT saying so. */
  recorder: RecorderPort | null;
  /** Leak analysis; null: no suspects, and `snapshot.diff` / `report.render` answer INVALID_INPUT saying so. */
  analysis: AnalysisPort | null;
  /** Source mapping (`source.*`); absent or null: those requests answer INVALID_INPUT saying so. */
  source?: SourceAccess | null;
  now?: () => number;
  /** How `dump.import` parses uploads (serve and the app: a worker thread); in this thread otherwise. */
  intake?: DumpIntake;
}

/**
 * The one implementation of the contract, for every transport. `call` takes input already parsed
 * with the request's schema (the transports do that) and resolves with the output, or rejects with a
 * GoroscopeError (an expected failure, with its code) or any other error (a bug).
 */
export interface Api extends Disposable {
  call<K extends RequestName>(name: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestOutput<K>>;
  onEvent(listener: (event: EventMessage) => void): Disposable;
  /** Cancels every recording this api runs and resolves once each session is marked ended. */
  cancelRecordings(): Promise<void>;
  /**
   * `snapshot.raw`'s text still compressed as the history keeps it (brotli), for a transport that can
   * send it so (`serve` to a browser: no decompression, JSON escaping or compression per open); null
   * when `snapshot.raw` must answer instead (no text kept, a binary profile, not brotli). Throws
   * NotFoundError for an unknown snapshot, as `snapshot.raw` does.
   */
  keptDumpText(snapshotId: number): KeptDumpText | null;
}

/** A kept dump's text as brotli, with the other fields of `snapshot.raw`'s answer. */
export interface KeptDumpText {
  snapshotId: number;
  format: DumpFormat | null;
  brotli: Uint8Array;
}

type Handlers = {
  [K in RequestName]: (params: RequestParams<K>, signal: AbortSignal) => RequestOutput<K> | Promise<RequestOutput<K>>;
};

/**
 * Builds the api over an open history. Disposing it aborts every recording it started without
 * waiting (`cancelRecordings` waits); the store stays open: it belongs to the caller.
 */
export function createApi(deps: ApiDeps): Api {
  const events = new EventHub();
  const ctx: ApiContext = {
    store: deps.store,
    events,
    recorder: deps.recorder,
    analysis: deps.analysis,
    source: deps.source ?? null,
    recordings: new Map(),
    now: deps.now ?? Date.now,
    ...(deps.intake !== undefined ? { intake: deps.intake } : {}),
  };
  const handlers: Handlers = {
    'app.info': () => ({
      version: deps.version,
      historyPath: deps.store.path,
      canRecord: deps.recorder !== null,
      canAnalyse: deps.analysis !== null,
    }),
    ...sessionHandlers(ctx),
    ...overviewHandlers(ctx),
    ...recordingHandlers(ctx),
    ...sourceHandlers(deps.source ?? null),
  };
  let isDisposed = false;
  return {
    async call(name, params, signal = new AbortController().signal) {
      if (isDisposed) throw new Error(`api disposed: ${name} refused`);
      // Indexing a mapped type by a generic key loses the link between name and handler: restore it.
      const handler = handlers[name] as (p: RequestParams<typeof name>, s: AbortSignal) => RequestOutput<typeof name> | Promise<RequestOutput<typeof name>>;
      return await handler(params, signal);
    },
    onEvent: (listener) => events.subscribe(listener),
    keptDumpText(snapshotId) {
      const kept = deps.store.rawDumpBlob(snapshotId);
      if (kept === null || kept.format === 'pprof-proto' || kept.blob.encoding !== 'br') return null;
      return { snapshotId, format: kept.format, brotli: kept.blob.data };
    },
    async cancelRecordings() {
      const handles = [...ctx.recordings.values()];
      for (const handle of handles) handle.dispose();
      await Promise.all(handles.map((h) => h.ended));
    },
    dispose() {
      if (isDisposed) return;
      isDisposed = true;
      for (const handle of ctx.recordings.values()) handle.dispose();
      ctx.recordings.clear();
      events.dispose();
    },
  };
}
