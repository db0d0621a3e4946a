import type { AnalysisSession } from './session.js';

/**
 * The GC counts a session measured (expvar `memstats.NumGC`, Prometheus `go_gc_duration_seconds_count`),
 * in tick order: only the ticks that have one. Wait minutes in a dump only move once a GC has stamped
 * a parked goroutine, so these counts say whether a wait that stayed at 0 means anything.
 */
export interface GcTimeline {
  tickIndex: Int32Array;
  atMs: Float64Array;
  cycles: Float64Array;
}

export function gcTimelineOf(session: AnalysisSession): GcTimeline {
  const ticks: number[] = [];
  for (let t = 0; t < session.ticks.length; t++) if (session.ticks[t]!.metrics?.gcCycles != null) ticks.push(t);
  return {
    tickIndex: Int32Array.from(ticks),
    atMs: Float64Array.from(ticks, (t) => session.ticks[t]!.atMs),
    cycles: Float64Array.from(ticks, (t) => session.ticks[t]!.metrics!.gcCycles!),
  };
}

/**
 * Whether a whole GC ran after tick `fromTick` and ended no later than `untilMs`: true or false by the
 * measured counts, null when they were not measured at both ends (then callers fall back on Go's
 * forced GC every 2 minutes). Two more completed cycles are needed, since the first may have been under
 * way at `fromTick` already. O(log n).
 */
export function gcRanBetween(gc: GcTimeline, fromTick: number, untilMs: number): boolean | null {
  const first = lowerBound(gc.tickIndex, fromTick);
  const last = lowerBound(gc.atMs, untilMs, true) - 1;
  if (first >= gc.tickIndex.length || last <= first) return null;
  return gc.cycles[last]! - gc.cycles[first]! >= 2;
}

/** The first index whose value is ≥ x (or > x when `isStrict`), in an ascending array. */
function lowerBound(a: Int32Array | Float64Array, x: number, isStrict = false): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (isStrict ? a[mid]! <= x : a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
