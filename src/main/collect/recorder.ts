import { BugError, isExpectedError, NotADumpError, NotGoEndpointError } from '../../shared/errors.js';
import type { DumpFormat, Snapshot } from '../../shared/model.js';
import type { HistoryStore } from '../store/history-store.js';
import { compressRaw } from '../store/raw-dump.js';
import { isRawKept, type RawRetention, type SnapshotKind, type SnapshotRecord, type TickError } from '../store/types.js';
import { PATHS, type Discovery } from './discover.js';
import { assertNotHtml, type TargetClient } from './target-client.js';

/** Bytes → grouped snapshots (the api layer passes `parseSnapshots`; collect does not group by itself). */
export type SnapshotParser = (bytes: Uint8Array, options: { maxInflatedBytes: number }) => Snapshot[];

export interface RecorderOptions {
  client: TargetClient;
  store: HistoryStore;
  sessionId: number;
  discovery: Discovery;
  parse: SnapshotParser;
  intervalMs: number;
  /** A full debug=2 dump every this many ticks, and on the first and the last tick. */
  fullEvery: number;
  /** Ends the session after this long; null runs until stop() or abort. */
  durationMs: number | null;
  /** Compact profile format: debug=1 text (default) or the gzipped protobuf. */
  compactFormat?: 'debug1' | 'proto';
  rawRetention: RawRetention;
  requestTimeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  onTick?: (summary: TickSummary) => void;
}

export interface TickSummary {
  tick: number;
  atMs: number;
  isFull: boolean;
  /** The snapshot whose groups count this tick (compact, else full), or null when neither succeeded. */
  counted: Snapshot | null;
  /** `/debug/vars` NumGoroutine or Prometheus go_goroutines, when served. */
  numGoroutine: number | null;
  errors: (TickError & { kind: SnapshotKind; endpoint: string })[];
  snapshotIds: number[];
  /** What each request of the tick cost the target: kind, time to the last byte, body bytes. */
  requests: { kind: SnapshotKind; durationMs: number; bytes: number }[];
  /** Time until the next tick (longer than the interval while backing off); null after the last. */
  nextTickInMs: number | null;
}

export interface RecordingOutcome {
  sessionId: number;
  ticks: number;
  failedTicks: number;
  endedBy: 'duration' | 'stop' | 'abort';
}

/** What the loop needs besides the summary it reports. */
interface TakenTick extends TickSummary {
  /** The recorder was cancelled during this tick; what it had fetched is stored. */
  isAborted: boolean;
  /** A full dump was requested this tick (it may have failed: then it waits for the next full-dump tick). */
  isFullTaken: boolean;
}

function publicSummary({ isAborted: _a, isFullTaken: _f, ...summary }: TakenTick): TickSummary {
  return summary;
}

const EXPECTED: Record<SnapshotKind, { formats: DumpFormat[]; what: string }> = {
  compact: { formats: ['debug1', 'pprof-proto'], what: 'a goroutine profile' },
  full: { formats: ['traceback'], what: 'a debug=2 goroutine dump' },
  leak: { formats: ['debug1', 'pprof-proto'], what: 'a goroutineleak profile' },
  expvar: { formats: ['expvar'], what: 'expvar JSON' },
  metrics: { formats: ['prometheus'], what: 'Prometheus text' },
};

/** Consecutive failed ticks → multiple of the interval before the next attempt. */
export function backoffFactor(failures: number): number {
  return failures <= 0 ? 1 : 2 ** Math.min(failures, 3);
}

/**
 * A compact-profile failure that means the target may have gone away (and restarted since), and that
 * makes the rest of a tick pointless: the target (or the SSH hop in front of it) did not answer, or the
 * tunnel was refused. Each further request would fail the same way; through SSH it would also be another
 * refused login or host key warning in the server's log.
 */
function isUnreachable(error: TickError | null | undefined): boolean {
  const code = error?.code;
  return code === 'TARGET_UNREACHABLE' || code === 'TIMEOUT' || code === 'HOST_KEY_MISMATCH' || code === 'SSH_AUTH';
}

/**
 * The recording loop of one session: the compact profile every tick, expvar/metrics every tick when
 * served, goroutineleak + a full debug=2 dump every `fullEvery` ticks, on the first and last tick and
 * on the first tick after the target was unreachable (it may have restarted: new goroutine IDs). A full
 * dump that fails is tried again at the next full-dump tick, never on every tick: a dump over the byte
 * cap would otherwise stop the target's world once per tick for nothing. A failed request is stored as a
 * failed snapshot and the loop backs off (×2, ×4, ×8 the interval) until the target answers again.
 * `stop()` ends after one last full tick; `dispose()` (or the signal) cancels the request in flight,
 * stores what the tick had already fetched, and ends at once. Either way `run()` resolves and the
 * session is marked ended; it rejects only when the store fails.
 */
export class Recorder {
  private readonly abort = new AbortController();
  private isStopRequested = false;
  private wake: (() => void) | null = null;
  private hasRun = false;
  private fullEvery: number;
  private readonly onOuterAbort = (): void => this.dispose();

  constructor(private readonly o: RecorderOptions) {
    if (o.intervalMs <= 0 || o.fullEvery < 1) throw new BugError(`recorder needs intervalMs > 0 and fullEvery ≥ 1`);
    this.fullEvery = o.fullEvery;
    o.signal?.addEventListener('abort', this.onOuterAbort, { once: true });
    if (o.signal?.aborted) this.dispose();
  }

  /** Ends the session gracefully: the next tick (at once) is the last, with a full dump. */
  stop(): void {
    this.isStopRequested = true;
    this.wake?.();
  }

  /**
   * Takes full dumps every `fullEvery` ticks from now on (a fleet spaces them out when they are
   * expensive on the target). The first and last tick and the tick after an outage still take one.
   */
  setFullEvery(fullEvery: number): void {
    if (!Number.isInteger(fullEvery) || fullEvery < 1) throw new BugError(`setFullEvery(${fullEvery}): expected a whole number ≥ 1`);
    this.fullEvery = fullEvery;
  }

  dispose(): void {
    this.o.signal?.removeEventListener('abort', this.onOuterAbort);
    if (this.abort.signal.aborted) return;
    this.abort.abort(new Error('recording cancelled'));
    this.wake?.();
  }

  async run(): Promise<RecordingOutcome> {
    if (this.hasRun) throw new BugError('Recorder.run() called twice');
    this.hasRun = true;
    const { intervalMs, durationMs } = this.o;
    const startMs = Date.now();
    let tick = 0;
    let failures = 0;
    // The first tick takes a full dump, and so does the first tick after the target was unreachable.
    let isFullOwed = true;
    let failedTicks = 0;
    let sinceFull = 0;
    let endedBy: RecordingOutcome['endedBy'] = 'abort';
    let isStoreBroken = false;
    try {
      while (!this.abort.signal.aborted) {
        const tickStart = Date.now();
        const isLast = this.isStopRequested || (durationMs !== null && tickStart + intervalMs * backoffFactor(failures) - startMs >= durationMs);
        const isFull = isFullOwed || sinceFull >= this.fullEvery || isLast;
        const summary = await this.takeTick(tick, isFull);
        if (summary === null) break;
        tick++;
        if (summary.errors.length > 0) failedTicks++;
        if (summary.isAborted) break;
        const compactError = summary.errors.find((e) => e.kind === 'compact');
        failures = compactError !== undefined ? failures + 1 : 0;
        if (summary.isFullTaken) {
          sinceFull = 1;
          isFullOwed = false;
        } else {
          sinceFull++;
        }
        if (isUnreachable(compactError)) isFullOwed = true;
        let due = tickStart + intervalMs * backoffFactor(failures);
        // Backing off past the end: the last tick (with its full dump) comes at the end instead.
        if (!isLast && durationMs !== null && due - startMs >= durationMs) due = Math.max(Date.now(), startMs + durationMs - intervalMs);
        summary.nextTickInMs = isLast ? null : Math.max(0, due - Date.now());
        this.o.onTick?.(publicSummary(summary));
        if (isLast) {
          endedBy = this.isStopRequested ? 'stop' : 'duration';
          break;
        }
        if (!this.isStopRequested) await this.sleepUntil(due);
      }
    } catch (error) {
      isStoreBroken = true;
      throw error;
    } finally {
      this.o.signal?.removeEventListener('abort', this.onOuterAbort);
      this.endSession(isStoreBroken);
    }
    return { sessionId: this.o.sessionId, ticks: tick, failedTicks, endedBy };
  }

  /** Marks the session ended. After a store failure, a second failure here must not hide the first. */
  private endSession(isStoreBroken: boolean): void {
    try {
      this.o.store.endSession(this.o.sessionId, Date.now());
    } catch (error) {
      if (!isStoreBroken) throw error;
    }
  }

  private sleepUntil(due: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, due - Date.now()));
      this.wake = done;
    });
  }

  /**
   * One tick: its requests in order, stored in one transaction. When the recorder is cancelled mid-tick,
   * what the tick had fetched so far is stored (`isAborted`); null when it had fetched nothing.
   */
  private async takeTick(tick: number, isFull: boolean): Promise<TakenTick | null> {
    const d = this.o.discovery;
    const atMs = Date.now();
    const compactPath = this.o.compactFormat === 'proto' ? PATHS.compactProto : PATHS.compactText;
    const records: SnapshotRecord[] = [];
    let isAborted = false;
    const compact = await this.take('compact', compactPath);
    if (compact === null) return null;
    records.push(compact);
    if (!isUnreachable(compact.error)) {
      const plan: [SnapshotKind, string][] = [];
      if (d.expvar) plan.push(['expvar', PATHS.expvar]);
      if (d.metrics) plan.push(['metrics', PATHS.metrics]);
      // goroutineleak runs a GC cycle on the target and marks what it finds `(leaked)`: right before
      // the full dump, so that dump's states carry the mark.
      if (isFull && d.goroutineLeak) plan.push(['leak', PATHS.leak]);
      if (isFull) plan.push(['full', PATHS.full]);
      for (const [kind, path] of plan) {
        const r = await this.take(kind, path);
        if (r === null) {
          isAborted = true;
          break;
        }
        records.push(r);
      }
    }
    const snapshotIds = this.o.store.recordTick(this.o.sessionId, tick, records);
    const ok = (kind: SnapshotKind) => records.find((r) => r.kind === kind && r.snapshot !== null)?.snapshot ?? null;
    return {
      tick,
      atMs,
      isFull,
      counted: ok('compact') ?? ok('full'),
      numGoroutine: ok('expvar')?.metrics?.numGoroutine ?? ok('metrics')?.metrics?.numGoroutine ?? null,
      errors: records.filter((r) => r.error !== null).map((r) => ({ ...r.error!, kind: r.kind, endpoint: r.endpoint })),
      snapshotIds,
      requests: records.map((r) => ({ kind: r.kind, durationMs: r.durationMs, bytes: r.bytes })),
      nextTickInMs: null,
      isAborted,
      isFullTaken: records.some((r) => r.kind === 'full'),
    };
  }

  /** One request → a record (failed ones included). Null when the recorder was aborted. */
  private async take(kind: SnapshotKind, path: string): Promise<SnapshotRecord | null> {
    const atMs = Date.now();
    const t0 = performance.now();
    try {
      const res = await this.o.client.get(path, { signal: this.abort.signal, timeoutMs: this.o.requestTimeoutMs, maxBytes: this.o.maxBytes });
      assertNotHtml(res);
      // Compression runs on the libuv pool while the main thread parses.
      const raw = isRawKept(this.o.rawRetention, kind) ? compressRaw(res.body) : Promise.resolve(null);
      const settledRaw = raw.catch(() => null);
      let snapshot: Snapshot;
      try {
        snapshot = this.pick(kind, res.url, this.parse(kind, res.url, res.body));
      } finally {
        await settledRaw;
      }
      return { kind, endpoint: path, atMs, durationMs: res.durationMs, bytes: res.body.length, snapshot, error: null, raw: await raw };
    } catch (error) {
      if (this.abort.signal.aborted) return null;
      if (!isExpectedError(error)) throw error;
      const failure = { code: error.code, message: error.message };
      return { kind, endpoint: path, atMs, durationMs: performance.now() - t0, bytes: 0, snapshot: null, error: failure, raw: null };
    }
  }

  /** The parser's refusal says what the body is, not where it came from: name the URL and what was expected. */
  private parse(kind: SnapshotKind, url: string, body: Uint8Array): Snapshot[] {
    try {
      return this.o.parse(body, { maxInflatedBytes: this.o.maxBytes });
    } catch (error) {
      if (!(error instanceof NotADumpError)) throw error;
      throw new NotGoEndpointError(`GET ${url}: expected ${EXPECTED[kind].what}, got ${error.message}`, { cause: error });
    }
  }

  private pick(kind: SnapshotKind, url: string, snapshots: Snapshot[]): Snapshot {
    const s = snapshots[0];
    const want = EXPECTED[kind];
    if (!s || !want.formats.includes(s.format)) {
      throw new NotGoEndpointError(`GET ${url}: expected ${want.what}, got ${s ? `a ${s.format} document` : 'nothing'}`);
    }
    return s;
  }
}
