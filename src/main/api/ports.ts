import type { Disposable } from '../../shared/lifecycle.js';
import type { RequestParams, SshHop, SshRouteSummary, TickError } from '../../shared/contract.js';

export type { AnalysisPort, RenderedReport } from '../use-cases/stored-analysis.js';
export type { DumpIntake, DumpParser } from '../use-cases/dump-intake.js';

/**
 * The seams between `api` and the modules it drives. `createApi` takes each as a dependency, so the
 * handlers stay the same whether the recorder and analysis are wired in (`open-api.ts`) or not.
 */

export interface RecordedTick {
  sessionId: number;
  tick: number;
  atMs: number;
  /** The counting profile's total, or null when it failed. */
  total: number | null;
  errors: TickError[];
}

export interface RecordingHandle extends Disposable {
  readonly sessionId: number;
  /** Ends after one last full tick; resolves when the session is marked ended. */
  stop(): Promise<void>;
  /** Settles once the loop has ended and the session is marked ended (never rejects). */
  readonly ended: Promise<void>;
}

export interface RecordingCallbacks {
  onTick(tick: RecordedTick): void;
  /** Called once when the loop ends, whatever ended it; `error` is set when the store failed. */
  onEnd(sessionId: number, endedAtMs: number, error: Error | null): void;
}

/** The collector: connect and discover, and run recordings into the history. */
export interface RecorderPort {
  /**
   * Normalised base URL, how it was reached (`direct`, `ssh user@host`) and what it serves; throws a
   * GoroscopeError with the specific code (through a tunnel also HOST_KEY_MISMATCH and SSH_AUTH).
   */
  test(target: RequestParams<'target.test'>, signal: AbortSignal): Promise<{ url: string; via: string; endpoints: string[] }>;
  /**
   * Discovers, creates the session and starts its loop; resolves once the session exists. `signal`
   * cancels the start (discovery), not the recording: the handle's `stop`/`dispose` end that.
   */
  start(request: RequestParams<'recording.start'>, callbacks: RecordingCallbacks, signal: AbortSignal): Promise<RecordingHandle>;
  /** What an SSH hop resolves to through the ssh config (`ssh.resolve`); throws InvalidInputError. */
  resolveSsh(hop: SshHop): SshRouteSummary;
}
