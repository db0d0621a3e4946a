import type { DumpFormat, Frame, Group, ProfileKind, RuntimeMetrics } from '../../shared/model.js';
import type { TimeBasis } from '../../shared/report.js';
import type { ParsedDump } from '../dump/types.js';

/** A per-tick figure that was not measured: a failed tick, a tick without that profile. */
export const NOT_MEASURED = -1;

/** One profile read at a tick, with its total as the profile states it (never reconciled). */
export interface TickProfile {
  format: DumpFormat;
  profile: ProfileKind | null;
  total: number;
}

/** One point in time of a session: what was measured then. */
export interface AnalysisTick {
  atMs: number;
  isFailed: boolean;
  /** Why the tick failed (the recorder's message), else null. */
  error: string | null;
  /** Every goroutine profile of the tick (debug=1, debug=2, protobuf, goroutineleak), as measured. */
  profiles: TickProfile[];
  /** The profile whose group counts fill `GroupSeries.counts` at this tick; null: no counts here. */
  countFormat: DumpFormat | null;
  /** expvar / Prometheus figures (NumGoroutine, go_goroutines), as measured. */
  metrics: RuntimeMetrics | null;
  /** Index into `AnalysisSession.fullDumpTicks` when the tick has a full dump (debug=2), else -1. */
  fullDump: number;
  /** The runtime's leak detection speaks for this tick: a goroutineleak profile or `(leaked)` marks. */
  hasLeakEvidence: boolean;
}

/** One group key over the whole session. Arrays are indexed by tick, or by full dump where noted. */
export interface GroupSeries {
  key: string;
  frames: Frame[];
  blockingSite: Frame | null;
  createdBy: Frame | null;
  /** Label sets with counts of the latest snapshot that had labels for the group. */
  labels: Group['labels'];
  /** The same for the first such snapshot: which label values grew since. */
  firstLabels: Group['labels'];
  isLocked: boolean;
  /** Goroutines per tick from the tick's `countFormat` profile; NOT_MEASURED where it has none. */
  counts: Int32Array;
  /** Longest wait (`N minutes`) per tick, from full dumps; NOT_MEASURED where unknown. */
  maxWaitMinutes: Int32Array;
  /** Goroutines the runtime proved leaked, per tick; NOT_MEASURED where the tick has no leak evidence. */
  leaked: Int32Array;
  /** Goroutines per state, per full dump (index into `fullDumpTicks`); null where absent. */
  states: (Readonly<Record<string, number>> | null)[];
  /** Goroutine ids ascending, per full dump; null where absent. */
  ids: (Float64Array | null)[];
}

/**
 * A session as analysis sees it: ticks in time order and one series per group key. Plain arrays
 * and typed arrays only, so a store can fill it from rows and 3,600 ticks × 500 groups stays small.
 */
export interface AnalysisSession {
  ticks: AnalysisTick[];
  /** Tick index of each full dump, ascending. */
  fullDumpTicks: number[];
  groups: GroupSeries[];
}

/** A session ready for analysis, with where it came from (files, or a recorded session). */
export interface LoadedSession {
  session: AnalysisSession;
  source: { kind: 'files'; files: string[] } | { kind: 'session'; sessionId: string; target: string | null };
  /** Tick times were assumed `assumedIntervalMs` apart (files without timestamps). */
  timesAssumed: boolean;
  assumedIntervalMs: number | null;
  /** Where the tick times come from (default: `measured`, or `interval` when `timesAssumed`). */
  timeBasis?: TimeBasis;
  /** A session of one tick: its traceback as parsed, goroutine by goroutine, for the one-page reading. */
  singleDump?: ParsedDump | null;
}

/** A loaded session's time basis, for sessions loaded before the field existed. */
export function timeBasisOf(loaded: Pick<LoadedSession, 'timeBasis' | 'timesAssumed'>): TimeBasis {
  return loaded.timeBasis ?? (loaded.timesAssumed ? 'interval' : 'measured');
}
