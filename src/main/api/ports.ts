import type { Disposable } from '../../shared/lifecycle.js';
import type { DiffRow, ReportFormat, SshHop, SshRouteSummary, Suspect, TickError } from '../../shared/contract.js';
import type { Snapshot } from '../../shared/model.js';
import type { Report } from '../../shared/report.js';
import type { ReportSources } from '../analysis/report/source-excerpt.js';

/**
 * The seams between `api` and the modules it drives. `createApi` takes each as a dependency, so the
 * handlers stay the same whether the recorder and analysis are wired in (`wire-deps.ts`) or not.
 */

/** A target as the api reaches it: the service URL, and the SSH hop in front of it, if any. */
export interface TargetAddress {
  url: string;
  ssh: SshHop | null;
}

export interface RecordingRequest extends TargetAddress {
  /** Two or more services recorded as one fleet session (each through `ssh`, when set); null: `url` alone. */
  urls: string[] | null;
  name: string | null;
  intervalMs: number;
  fullEvery: number;
  durationMs: number | null;
}

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
  test(target: TargetAddress, signal: AbortSignal): Promise<{ url: string; via: string; endpoints: string[] }>;
  /**
   * Discovers, creates the session and starts its loop; resolves once the session exists. `signal`
   * cancels the start (discovery), not the recording: the handle's `stop`/`dispose` end that.
   */
  start(request: RecordingRequest, callbacks: RecordingCallbacks, signal: AbortSignal): Promise<RecordingHandle>;
  /** What an SSH hop resolves to through the ssh config (`ssh.resolve`); throws InvalidInputError. */
  resolveSsh(hop: SshHop): SshRouteSummary;
}

export interface RenderedReport {
  fileName: string;
  mimeType: string;
  content: string;
}

/** Leak analysis over the history (issue 5). Every method is synchronous and pure over stored data. */
export interface AnalysisPort {
  /** Suspects of a session by group key; groups with no evidence are absent. */
  suspects(sessionId: number): ReadonlyMap<string, Suspect>;
  /** Groups that appeared, vanished, grew or shrank between two snapshots, largest change first. */
  diff(from: Snapshot, to: Snapshot): DiffRow[];
  /**
   * The report as `goroscope report <session-id> --format …` writes it; with `sources`, suspects show
   * their code; `shouldRedactLabels`: label values replaced by stable short hashes (keys kept).
   */
  report(sessionId: number, format: ReportFormat, sources?: ReportSources, options?: { shouldRedactLabels?: boolean }): RenderedReport;
  /** The report model the renderers read (for the code excerpts the caller adds). */
  reportModel(sessionId: number): Report;
  /** The fleet report of a fleet session (its `fleet` section set); NotFoundError for any other session. */
  fleetReport(sessionId: number): Report;
  /** Tick indexes where the recorded service restarted (analysis/restarts.ts), ascending. */
  restarts(sessionId: number): number[];
}

/**
 * Bytes of a saved dump → grouped snapshots, with the input cap. `parseSnapshots` in this thread for
 * the CLI; a worker thread for `serve` and the app (`worker-parser.ts`), so that one large import never
 * stalls other clients or recordings. Rejects with what `parseSnapshots` throws.
 */
export type DumpParser = (bytes: Uint8Array, options: { maxInflatedBytes: number }) => Promise<Snapshot[]>;

/** How the api reads saved dumps: the parser and the cap on each dump's size (inflated). */
export interface DumpIntake {
  parse: DumpParser;
  maxInputBytes: number;
}
