import type { RequestParams } from '../../shared/contract.js';
import { DEFAULT_MAX_INPUT_BYTES, DEFAULT_RAW_KEEP_LAST, DEFAULT_RAW_RETENTION, DEFAULT_REQUEST_TIMEOUT_MS } from '../../shared/defaults.js';
import { BugError } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/model.js';
import { DirectConnector, type Connector } from '../collect/connector.js';
import { describeDiscovery, discover, type Discovery } from '../collect/discover.js';
import { Recorder, type RecordingOutcome, type TickSummary } from '../collect/recorder.js';
import { TargetClient } from '../collect/target-client.js';
import { normaliseTarget, type Target } from '../collect/target-url.js';
import { GatedTargetClient, type RequestGate } from '../collect/request-gate.js';
import type { HistoryStore } from '../store/history-store.js';
import type { RawRetention } from '../store/types.js';
import { HEARTBEAT_INTERVAL_MS } from '../store/session-liveness.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';

export type { TickSummary, RecordingOutcome } from '../collect/recorder.js';

/**
 * The contract's `recording.start`, parsed with its schema (defaults applied): the record use case's one
 * request, whichever edge built it — IPC and HTTP (the transports parse it), the CLI (`record` and
 * `check` build it from their flags and parse it through the same schema, `parseRequest`).
 */
export type RecordingRequest = RequestParams<'recording.start'>;

/**
 * One target's recording: the request's target and timing (`durationMs` null: until stopped), and
 * how this process records it, which the contract leaves to the process (CLI flags, the fleet layer,
 * tests). The edges validated the request; this use case takes it as given.
 */
export interface RecordRequest extends Pick<RecordingRequest, 'url' | 'name' | 'intervalMs' | 'fullEvery' | 'durationMs'> {
  rawRetention?: RawRetention;
  /** Raw dumps kept per session besides the first (default DEFAULT_RAW_KEEP_LAST). */
  rawKeepLast?: number;
  requestTimeoutMs?: number;
  maxBytes?: number;
  compactFormat?: 'debug1' | 'proto';
  /** How to reach the target (default: direct TCP; an SshConnector for a tunnel). The recording disposes it. */
  connector?: Connector;
  /** A fleet's bounds on requests across its instances (see RequestGate); none for a single target. */
  gate?: RequestGate;
  signal?: AbortSignal;
  onTick?: (summary: TickSummary) => void;
}

export interface Recording {
  sessionId: number;
  target: Target;
  /** How the target is reached: `direct`, `ssh user@host`. */
  via: string;
  discovery: Discovery;
  /** What the target serves, as `sessions` and the app list it (`debug=1`, `debug=2`, `goroutineleak`, …). */
  endpoints: string[];
  /** Resolves when the session ended (its course run, stopped, or cancelled). */
  done: Promise<RecordingOutcome>;
  /** Graceful end: one last tick with a full dump. */
  stop(): void;
  /** Cancels at once; idempotent. */
  dispose(): void;
  /** Spaces full dumps out (or back in) from the next tick on. */
  setFullEvery(fullEvery: number): void;
}

/** `2024-05-01 10:00` in local time: the time `goroscope sessions` and the app show next to the name. */
function localMinute(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Normalises the URL, discovers what the target serves and starts recording into a new session.
 * Rejects (no session is created) when the target cannot be reached or is not a Go pprof endpoint:
 * InvalidInputError, TargetUnreachableError, TimeoutError, NotGoEndpointError, HttpStatusError; through
 * an SSH tunnel also HostKeyMismatchError and SshAuthError.
 */
export async function startRecording(store: HistoryStore, req: RecordRequest): Promise<Recording> {
  // The edges validated the request with the contract's schema (IPC, HTTP, the CLI's flags); what gets
  // here otherwise is a caller's bug, not a user's input.
  if (!(req.intervalMs > 0) || !Number.isInteger(req.fullEvery) || req.fullEvery < 1 || (req.durationMs !== null && !(req.durationMs > 0))) {
    throw new BugError(`startRecording: interval ${req.intervalMs} ms, full-every ${req.fullEvery}, duration ${req.durationMs} ms: the edges let through what the contract refuses`);
  }
  const connector = req.connector ?? new DirectConnector();
  try {
    const target = normaliseTarget(req.url);
    const requestTimeoutMs = req.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
    const defaults = { timeoutMs: requestTimeoutMs, maxBytes };
    const client = req.gate ? new GatedTargetClient(target, connector, defaults, req.gate) : new TargetClient(target, connector, defaults);
    const discovery = await discover(client, req.signal ? { signal: req.signal } : {});
    const rawRetention = req.rawRetention ?? DEFAULT_RAW_RETENTION;
    const endpoints = describeDiscovery(discovery);
    const sessionId = store.createSession({
      source: 'recording',
      name: req.name ?? `${target.baseUrl.replace(/^https?:\/\//, '')} ${localMinute(new Date())}`,
      targetUrl: connector.storedTarget(target.baseUrl),
      startedAtMs: Date.now(),
      intervalMs: req.intervalMs,
      fullEvery: req.fullEvery,
      rawRetention,
      rawKeepLast: req.rawKeepLast ?? DEFAULT_RAW_KEEP_LAST,
      endpoints,
    });
    const recorder = new Recorder({
      client, store, sessionId, discovery, requestTimeoutMs, maxBytes, rawRetention,
      parse: (bytes: Uint8Array, options): Snapshot[] => parseSnapshots(bytes, options),
      intervalMs: req.intervalMs,
      fullEvery: req.fullEvery,
      durationMs: req.durationMs,
      compactFormat: req.compactFormat ?? 'debug1',
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onTick ? { onTick: req.onTick } : {}),
    });
    const stopBeating = beatWhileRecording(store, sessionId);
    const done = recorder.run().finally(() => {
      stopBeating();
      connector.dispose();
    });
    return { sessionId, target, via: connector.via, discovery, endpoints, done, stop: () => recorder.stop(), dispose: () => recorder.dispose(), setFullEvery: (n) => recorder.setFullEvery(n) };
  } catch (error) {
    connector.dispose();
    throw error;
  }
}

/**
 * Stamps the session alive now and every HEARTBEAT_INTERVAL_MS until the returned function is called,
 * so that a recorder killed without ending its session (SIGKILL) leaves a session that reads as
 * interrupted (`session-liveness.ts`). A failed stamp (the history busy for longer than its timeout)
 * is reported as a process warning; the next one tries again and the recording goes on.
 */
export function beatWhileRecording(store: HistoryStore, sessionId: number): () => void {
  const beat = (): void => {
    try {
      store.heartbeat(sessionId, Date.now());
    } catch (error) {
      process.emitWarning(`session ${sessionId}: heartbeat not stored: ${(error as Error).message}`);
    }
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
