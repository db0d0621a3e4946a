import { BugError } from '../../shared/errors.js';
import type { Connector } from './connector.js';
import { PATHS } from './discover.js';
import { TargetClient, type FetchOptions, type FetchResult } from './target-client.js';
import type { Target } from './target-url.js';

/** A waiting caller: run when a slot frees, or leave the queue when its signal aborts. */
interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** A counting semaphore whose waiters can give up through an AbortSignal. */
class Slots {
  private used = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new BugError(`a gate needs at least one slot, got ${size}`);
  }

  get inUse(): number {
    return this.used;
  }

  acquire(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', w.onAbort, { once: true });
      this.queue.push(w);
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next) {
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve();
    } else {
      this.used--;
    }
  }
}

/**
 * `goroutineleak` requests of every fleet in this process take turns: the runtime's leak detection
 * of two concurrent requests disagree (golang/go#79452), and each one runs a GC cycle on its target.
 */
const leakTurns = new Slots(1);

/** What a gate has seen, so a session can say what it cost and a test can check the bounds held. */
export interface GateStats {
  maxConcurrent: number;
  peakInFlight: number;
  peakLeakInFlight: number;
}

/**
 * Bounds a fleet's requests: at most `maxConcurrent` in flight across all its instances, and (with
 * every other fleet of the process) one `goroutineleak` request at a time. One request per instance
 * at a time is TargetClient's own rule (its per-target lane). An abort while waiting rejects with the
 * signal's reason and takes no slot.
 */
export class RequestGate {
  private readonly slots: Slots;
  private leakInFlight = 0;
  readonly stats: GateStats;

  constructor(maxConcurrent: number) {
    this.slots = new Slots(maxConcurrent);
    this.stats = { maxConcurrent, peakInFlight: 0, peakLeakInFlight: 0 };
  }

  async run<T>(isLeak: boolean, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    await this.slots.acquire(signal);
    try {
      if (isLeak) await leakTurns.acquire(signal);
      try {
        this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.slots.inUse);
        if (isLeak) this.stats.peakLeakInFlight = Math.max(this.stats.peakLeakInFlight, ++this.leakInFlight);
        return await fn();
      } finally {
        if (isLeak) {
          this.leakInFlight--;
          leakTurns.release();
        }
      }
    } finally {
      this.slots.release();
    }
  }
}

/** A TargetClient whose requests pass through a fleet's {@link RequestGate}. */
export class GatedTargetClient extends TargetClient {
  constructor(
    target: Target,
    connector: Connector,
    defaults: { timeoutMs: number; maxBytes: number },
    private readonly gate: RequestGate,
  ) {
    super(target, connector, defaults);
  }

  override get(path: string, options: FetchOptions = {}): Promise<FetchResult> {
    return this.gate.run(path === PATHS.leak, options.signal, () => super.get(path, options));
  }
}
