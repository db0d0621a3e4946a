import { InvalidInputError } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/model.js';
import { DirectConnector, type Connector } from '../collect/connector.js';
import { describeDiscovery, discover, type Discovery } from '../collect/discover.js';
import { Recorder, type RecordingOutcome, type TickSummary } from '../collect/recorder.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, TargetClient } from '../collect/target-client.js';
import { normaliseTarget, type Target } from '../collect/target-url.js';
import { GatedTargetClient, type RequestGate } from '../collect/request-gate.js';
import type { HistoryStore } from '../store/history-store.js';
import type { RawRetention } from '../store/types.js';
import { HEARTBEAT_INTERVAL_MS } from '../store/session-liveness.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';

export type { TickSummary, RecordingOutcome } from '../collect/recorder.js';

export interface RecordRequest {
  url: string;
  name?: string;
  intervalMs: number;
  /** null: until stopped. */
  durationMs: number | null;
  fullEvery: number;
  rawRetention?: RawRetention;
  /** Raw dumps kept per session besides the first (default 100). */
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
  if (!(req.intervalMs > 0)) throw new InvalidInputError(`interval ${req.intervalMs} ms: expected a positive interval, e.g. 2s`);
  if (!Number.isInteger(req.fullEvery) || req.fullEvery < 1) throw new InvalidInputError(`full-every ${req.fullEvery}: expected a whole number ≥ 1`);
  if (req.durationMs !== null && !(req.durationMs > 0)) throw new InvalidInputError(`duration ${req.durationMs} ms: expected a positive duration, e.g. 10m`);
  const connector = req.connector ?? new DirectConnector();
  try {
    const target = normaliseTarget(req.url);
    const requestTimeoutMs = req.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
    const defaults = { timeoutMs: requestTimeoutMs, maxBytes };
    const client = req.gate ? new GatedTargetClient(target, connector, defaults, req.gate) : new TargetClient(target, connector, defaults);
    const discovery = await discover(client, req.signal ? { signal: req.signal } : {});
    const rawRetention = req.rawRetention ?? 'full';
    const sessionId = store.createSession({
      source: 'recording',
      name: req.name ?? `${target.baseUrl.replace(/^https?:\/\//, '')} ${localMinute(new Date())}`,
      targetUrl: connector.storedTarget(target.baseUrl),
      startedAtMs: Date.now(),
      intervalMs: req.intervalMs,
      fullEvery: req.fullEvery,
      rawRetention,
      rawKeepLast: req.rawKeepLast ?? 100,
      endpoints: describeDiscovery(discovery),
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
    return { sessionId, target, via: connector.via, discovery, done, stop: () => recorder.stop(), dispose: () => recorder.dispose(), setFullEvery: (n) => recorder.setFullEvery(n) };
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
