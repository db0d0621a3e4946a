import { InvalidInputError, isExpectedError, type GoroscopeError } from '../../shared/errors.js';
import type { Connector } from '../collect/connector.js';
import { nextFullEvery, type FullDumpBudget } from '../collect/full-dump-cadence.js';

export type { FullDumpBudget } from '../collect/full-dump-cadence.js';
import { DEFAULT_FULL_DUMP_BUDGET, DEFAULT_MAX_CONCURRENT, DEFAULT_RAW_KEEP_LAST, DEFAULT_RAW_RETENTION } from '../../shared/defaults.js';
import { RequestGate, type GateStats } from '../collect/request-gate.js';
import type { HistoryStore } from '../store/history-store.js';
import type { NewFleet } from '../store/fleet-store.js';
import type { RawRetention } from '../store/types.js';
import { beatWhileRecording, startRecording, type Recording, type RecordingOutcome, type RecordingRequest, type TickSummary } from './record.js';

/** One instance to record: its name (Prometheus' `instance` label, or the URL) and pprof base URL. */
export interface FleetTarget {
  name: string;
  url: string;
  labels?: Record<string, string>;
  discoveredGrowthPerMin?: number | null;
  discoveredGoroutines?: number | null;
}

/**
 * A fleet's recording: the timing of the contract's `recording.start` (validated at the edge, as for
 * one target), the instances, and how this process records them.
 */
export interface FleetRequest extends Pick<RecordingRequest, 'intervalMs' | 'durationMs' | 'fullEvery'> {
  name: string;
  targets: readonly FleetTarget[];
  /** How the targets were found (a list, or a Prometheus job with its ranking query and what it skipped). */
  origin: Omit<NewFleet, 'maxConcurrent'>;
  maxConcurrent?: number;
  fullDumpBudget?: FullDumpBudget;
  rawRetention?: RawRetention;
  requestTimeoutMs?: number;
  maxBytes?: number;
  /** A connector per instance (an SSH tunnel each, as for one target); default: direct TCP. */
  connectorFor?: (target: FleetTarget) => Connector;
  signal?: AbortSignal;
  onTick?: (instance: string, summary: TickSummary) => void;
  /** The full-dump cadence of an instance changed; `note` says why. */
  onCadence?: (instance: string, note: string) => void;
}

export interface FleetOutcome {
  sessionId: number;
  instances: { name: string; sessionId: number; outcome: RecordingOutcome }[];
  gate: GateStats;
}

export interface FleetRecording {
  /** The fleet's session (it holds no snapshots; each instance records into its own). */
  sessionId: number;
  instances: { name: string; url: string; sessionId: number; recording: Recording }[];
  /** Targets that could not be started (unreachable, not a Go service), with the error. */
  skipped: { name: string; why: string }[];
  gate: RequestGate;
  done: Promise<FleetOutcome>;
  /** Graceful end of every instance: one last tick with a full dump each. */
  stop(): void;
  dispose(): void;
}

/**
 * Records many instances of a service as one fleet session: one per-target Recorder each (its own
 * session, linked to the fleet in `fleet_instances`), all behind one RequestGate (at most
 * `maxConcurrent` requests in flight across the fleet, one per instance, one `goroutineleak` at a time
 * in the process). After each full dump, an instance whose dump exceeded the budget takes them less
 * often (`onCadence` says so, and the note is stored). Instances that cannot be started are skipped and
 * listed; when none starts, the first error is thrown and no fleet is left behind. An instance that
 * dies later only gets failed ticks of its own.
 */
export async function startFleetRecording(store: HistoryStore, req: FleetRequest): Promise<FleetRecording> {
  if (req.targets.length === 0) throw new InvalidInputError('a fleet needs at least one target');
  const names = new Set<string>();
  for (const t of req.targets) {
    if (names.has(t.name)) throw new InvalidInputError(`instance "${t.name}" is listed twice; each target is recorded once`);
    names.add(t.name);
  }
  const maxConcurrent = req.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new InvalidInputError(`--max-concurrent ${maxConcurrent}: expected a whole number ≥ 1`);
  const budget = req.fullDumpBudget ?? DEFAULT_FULL_DUMP_BUDGET;
  const gate = new RequestGate(maxConcurrent);
  const fleetSessionId = store.createSession({
    source: 'recording', name: req.name, targetUrl: null, startedAtMs: Date.now(), intervalMs: req.intervalMs, fullEvery: req.fullEvery,
    rawRetention: req.rawRetention ?? DEFAULT_RAW_RETENTION, rawKeepLast: DEFAULT_RAW_KEEP_LAST, endpoints: null,
  });
  store.fleets.create(fleetSessionId, { ...req.origin, maxConcurrent });
  // The fleet's own session is alive while its instances record (sessions shows it interrupted otherwise).
  const stopBeating = beatWhileRecording(store, fleetSessionId);

  const started = await Promise.allSettled(req.targets.map((t) => startInstance(store, req, t, gate, budget)));
  const instances: FleetRecording['instances'] = [];
  const skipped = [...req.origin.skipped];
  let firstError: unknown = null;
  let unexpected: unknown = null;
  started.forEach((r, i) => {
    const t = req.targets[i]!;
    if (r.status === 'fulfilled') {
      store.fleets.addInstance(fleetSessionId, instances.length, r.value.sessionId, {
        name: t.name, url: t.url, labels: t.labels ?? {}, discoveredGrowthPerMin: t.discoveredGrowthPerMin ?? null, discoveredGoroutines: t.discoveredGoroutines ?? null, fullEvery: req.fullEvery,
      });
      instances.push({ name: t.name, url: t.url, sessionId: r.value.sessionId, recording: r.value });
    } else {
      if (!isExpectedError(r.reason)) unexpected ??= r.reason;
      firstError ??= r.reason;
      skipped.push({ name: t.name, why: `could not start: ${(r.reason as GoroscopeError).message}` });
    }
  });
  if (unexpected !== null || instances.length === 0) stopBeating();
  if (unexpected !== null) {
    // A bug, not a target's failure: stop what started and say so.
    for (const i of instances) i.recording.dispose();
    throw unexpected;
  }
  if (instances.length === 0) {
    store.removeSession(fleetSessionId);
    throw firstError;
  }
  store.fleets.setSkipped(fleetSessionId, skipped);
  const done = Promise.all(instances.map(async (i) => ({ name: i.name, sessionId: i.sessionId, outcome: await i.recording.done }))).then(
    (outcomes) => {
      store.endSession(fleetSessionId, Date.now());
      return { sessionId: fleetSessionId, instances: outcomes, gate: gate.stats };
    },
  ).finally(stopBeating);
  return {
    sessionId: fleetSessionId,
    instances,
    skipped,
    gate,
    done,
    stop: () => instances.forEach((i) => i.recording.stop()),
    dispose: () => instances.forEach((i) => i.recording.dispose()),
  };
}

/** Starts one instance's recording; its ticks adjust its own full-dump cadence. */
async function startInstance(store: HistoryStore, req: FleetRequest, t: FleetTarget, gate: RequestGate, budget: FullDumpBudget): Promise<Recording> {
  let fullEvery = req.fullEvery;
  let recording: Recording | null = null;
  const onTick = (summary: TickSummary): void => {
    const full = summary.requests.find((r) => r.kind === 'full');
    if (full && recording !== null && full.bytes > 0) {
      const change = nextFullEvery(req.fullEvery, fullEvery, full.durationMs, full.bytes, budget);
      if (change) {
        fullEvery = change.fullEvery;
        recording.setFullEvery(fullEvery);
        store.fleets.setCadence(recording.sessionId, fullEvery, change.note);
        req.onCadence?.(t.name, change.note);
      }
    }
    req.onTick?.(t.name, summary);
  };
  recording = await startRecording(store, {
    url: t.url,
    name: `${req.name} · ${t.name}`,
    intervalMs: req.intervalMs,
    durationMs: req.durationMs,
    fullEvery: req.fullEvery,
    gate,
    onTick,
    ...(req.connectorFor ? { connector: req.connectorFor(t) } : {}),
    ...(req.rawRetention ? { rawRetention: req.rawRetention } : {}),
    ...(req.requestTimeoutMs !== undefined ? { requestTimeoutMs: req.requestTimeoutMs } : {}),
    ...(req.maxBytes !== undefined ? { maxBytes: req.maxBytes } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  return recording;
}
