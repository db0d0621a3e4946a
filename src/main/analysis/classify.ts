import type { AnalysisTick } from './session.js';
import { floorTrend, maxIndexOf, measuredPoints, minOf, monotonicity, robustSlopePerMin, tickTimes, type MeasuredPoints } from './series-stats.js';

export const GROUP_CLASSES = ['growingLeak', 'stablePool', 'drainedSpike', 'transient'] as const;
export type GroupClass = (typeof GROUP_CLASSES)[number];

export interface ClassifyOptions {
  /** Smallest rise above the baseline, in goroutines, that counts as growth. */
  minGrowth: number;
}

export const DEFAULT_CLASSIFY_OPTIONS: ClassifyOptions = { minGrowth: 3 };

/** The numbers a classification rests on. Tick fields are session tick indexes. */
export interface TrendStats {
  measuredTicks: number;
  windowMs: number;
  /** Lowest count among the first tenth of the measured ticks (at least the first one). */
  baseline: number;
  peak: number;
  peakTick: number;
  last: number;
  lastTick: number;
  /** Lowest count among the last tenth of the ticks, minus the baseline. */
  growth: number;
  /** The rate of growth: the robust slope (Theil–Sen over per-bin floors) over the whole window, or over
   * the current rise when that is steeper (a leak that started late in the window). */
  growthPerMin: number;
  /** Where the current rise starts when `growthPerMin` is its slope rather than the window's; else null. */
  riseFromTick: number | null;
  /** Of the current rise (from the last tick near the baseline to the end): 1 = only ever grew. */
  monotonicity: number;
  /** Robust slope over the current rise only (the excursion): negative while a spike drains; 0 when
   * there is no rise of at least three ticks. */
  excursionSlopePerMin: number;
  /** It rose at least minGrowth above the baseline and later came back below that. */
  returnedToBaseline: boolean;
  /** The longest earlier rise that came back (ticks at least minGrowth above the baseline); 0 if none. */
  longestReturnedTicks: number;
  /** First tick at least minGrowth above the baseline; null if never. */
  firstRiseTick: number | null;
  /** First tick after the peak below baseline + minGrowth: where a spike came back; null if never. */
  returnTick: number | null;
  /** Last tick below baseline + minGrowth; null if never (then the baseline came from a high start). */
  lastLowTick: number | null;
  /** Ticks at the end, in a row, at least minGrowth above the baseline, and the time they span. */
  excursionTicks: number;
  excursionMs: number;
  /** Ticks at the end of the current rise, in a row, where it holds level (its floor no longer rises
   * beyond its jitter), and the time they span; 0 while it still rises. */
  plateauTicks: number;
  plateauMs: number;
  /** Share of measured ticks with at least one goroutine of the group. */
  presentShare: number;
  /** Once it had goroutines, it always had some (it never went back to 0). */
  isPresentSinceFirst: boolean;
}

export interface Classification {
  class: GroupClass;
  /** One sentence in words, with the numbers. */
  why: string;
  trend: TrendStats;
}

/** Tick name for messages: `t3`. */
export function tickName(tick: number): string {
  return `t${tick}`;
}

/**
 * Classifies one group's count series: growing leak (rose and never came back, still rising or
 * not yet flat for long), stable pool (level, or grew then held level for most of its rise),
 * drained spike (rose and came back, or is draining), transient (small, or a rise too recent).
 */
export function classifyCounts(
  counts: Int32Array,
  ticks: readonly AnalysisTick[] | Float64Array,
  options: ClassifyOptions = DEFAULT_CLASSIFY_OPTIONS,
): Classification {
  const trend = trendOf(counts, ticks instanceof Float64Array ? ticks : tickTimes(ticks), options);
  return { ...decide(trend, options), trend };
}

/** `times`: the session's tick times (`tickTimes`). */
export function trendOf(counts: Int32Array, times: Float64Array, options: ClassifyOptions): TrendStats {
  const p = measuredPoints(counts, times);
  const v = p.values;
  const n = v.length;
  if (n === 0) {
    return {
      measuredTicks: 0, windowMs: 0, baseline: 0, peak: 0, peakTick: 0, last: 0, lastTick: 0, growth: 0, growthPerMin: 0,
      riseFromTick: null, monotonicity: 1, excursionSlopePerMin: 0, returnedToBaseline: false, longestReturnedTicks: 0, firstRiseTick: null, returnTick: null, lastLowTick: null,
      excursionTicks: 0, excursionMs: 0, plateauTicks: 0, plateauMs: 0, presentShare: 0, isPresentSinceFirst: false,
    };
  }
  const k = Math.max(1, Math.round(n / 10));
  const baseline = minOf(v, 0, k);
  const peakAt = maxIndexOf(v);
  const threshold = baseline + options.minGrowth;
  let firstRise = -1;
  let lastLow = -1;
  let present = 0;
  let firstPresent = -1;
  let lastAbsent = -1;
  let longestReturned = 0;
  for (let i = 0; i < n; i++) {
    if (v[i]! >= threshold && firstRise < 0) firstRise = i;
    if (v[i]! < threshold) {
      longestReturned = Math.max(longestReturned, i - lastLow - 1);
      lastLow = i;
    }
    if (v[i]! > 0) {
      present++;
      if (firstPresent < 0) firstPresent = i;
    } else lastAbsent = i;
  }
  let returnAt = -1;
  for (let i = peakAt + 1; i < n && returnAt < 0; i++) if (v[i]! < threshold) returnAt = i;
  const excursionStart = lastLow + 1;
  const last = v[n - 1]!;
  const plateauStart = excursionStart < n ? plateauStartOf(p, excursionStart, n) : n;
  const rampFrom = Math.max(0, lastLow);
  const hasRise = v[peakAt]! - baseline >= options.minGrowth;
  const windowSlope = robustSlopePerMin(p);
  // A leak that started late: the window's slope is mostly its flat start, the rise's own slope is the rate.
  const riseSlope = hasRise && lastLow > 0 && excursionStart < n ? robustSlopePerMin(p, lastLow, n) : -Infinity;
  const isRiseRate = riseSlope > windowSlope;
  return {
    measuredTicks: n,
    windowMs: p.atMs[n - 1]! - p.atMs[0]!,
    baseline,
    peak: v[peakAt]!,
    peakTick: p.tickIndex[peakAt]!,
    last,
    lastTick: p.tickIndex[n - 1]!,
    growth: minOf(v, n - k, n) - baseline,
    growthPerMin: isRiseRate ? riseSlope : windowSlope,
    riseFromTick: isRiseRate ? p.tickIndex[lastLow]! : null,
    monotonicity: monotonicity(v, rampFrom, n),
    // Only a rise that may be draining needs it (see decide).
    excursionSlopePerMin: hasRise && n - excursionStart >= 3 ? robustSlopePerMin(p, excursionStart, n) : 0,
    returnedToBaseline: firstRise >= 0 && firstRise < lastLow,
    longestReturnedTicks: longestReturned,
    firstRiseTick: firstRise >= 0 ? p.tickIndex[firstRise]! : null,
    returnTick: returnAt >= 0 ? p.tickIndex[returnAt]! : null,
    lastLowTick: lastLow >= 0 ? p.tickIndex[lastLow]! : null,
    excursionTicks: n - excursionStart,
    excursionMs: excursionStart < n ? p.atMs[n - 1]! - p.atMs[excursionStart]! : 0,
    plateauTicks: n - plateauStart,
    plateauMs: plateauStart < n ? p.atMs[n - 1]! - p.atMs[plateauStart]! : 0,
    presentShare: present / n,
    isPresentSinceFirst: firstPresent >= 0 && lastAbsent < firstPresent,
  };
}

const MIN_PLATEAU_TICKS = 5;

/**
 * Where the level part at the end of the rise [from, n) starts; n while it still rises. Tried on the
 * whole rise, its last three quarters, its last half: the first that holds level wins, from where
 * the counts are within its jitter of its median. Level means its floors rise less than they jitter
 * (a pool under load, requests in flight), and it does not step up one goroutine at a time (a slow
 * leak stays within any jitter for a while, but only ever rises).
 */
function plateauStartOf(p: MeasuredPoints, from: number, n: number): number {
  for (const start of [from, from + ((n - from) >> 2), from + ((n - from) >> 1)]) {
    if (n - start < MIN_PLATEAU_TICKS) break;
    const { rise, jitter } = floorTrend(p, start, n);
    if (rise >= Math.max(1, jitter) || isStepUp(p.values, start, n)) continue;
    const level = medianOf(p.values, start, n);
    const band = Math.max(1, Math.round(level * 0.02), jitter);
    // The level part begins where the counts reach the band: not at the fill still inside the run,
    // and earlier when the counts before the run were already there.
    let s = start;
    while (s < n - 1 && Math.abs(p.values[s]! - level) > band) s++;
    while (s > from && Math.abs(p.values[s - 1]! - level) <= band) s--;
    return s;
  }
  return n;
}

/** Only ever rises (by size, 80 %), and the floor of its last third is above that of its first. */
function isStepUp(v: Int32Array, from: number, n: number): boolean {
  const third = Math.max(1, Math.floor((n - from) / 3));
  return monotonicity(v, from, n) >= 0.8 && minOf(v, n - third, n) > minOf(v, from, from + third);
}

function medianOf(v: Int32Array, from: number, to: number): number {
  const sorted = Array.from(v.subarray(from, to)).sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function decide(t: TrendStats, options: ClassifyOptions): Omit<Classification, 'trend'> {
  const rise = t.peak - t.baseline;
  if (t.measuredTicks === 0) return { class: 'transient', why: 'never measured' };
  if (t.measuredTicks === 1) return { class: 'transient', why: `one measured tick (${t.last} goroutines): no trend to judge` };
  if (rise < options.minGrowth) {
    if (t.presentShare >= 0.9) {
      return { class: 'stablePool', why: `level: between ${t.baseline} and ${t.peak} at all ${t.measuredTicks} ticks` };
    }
    if (t.isPresentSinceFirst && t.last === t.peak) {
      return { class: 'transient', why: `rose from ${t.baseline} to ${t.peak}: less than ${options.minGrowth}, the smallest rise that counts as growth` };
    }
    return { class: 'transient', why: `comes and goes: at most ${t.peak}, present at ${Math.round(t.presentShare * 100)} % of ticks` };
  }
  if (t.excursionTicks === 0) {
    return {
      class: 'drainedSpike',
      why: `rose to ${t.peak} at ${tickName(t.peakTick)} and came back near its baseline of ${t.baseline} by ${tickName(t.returnTick ?? t.lastLowTick ?? t.lastTick)}`,
    };
  }
  if (!isLongEnough(t)) {
    return {
      class: 'transient',
      why: `rose to ${t.last} only in the last ${t.excursionTicks} of ${t.measuredTicks} ticks: too recent to tell a spike from a leak`,
    };
  }
  // Work in flight that rose and drained before: a new rise is no leak until it outlasts the earlier ones.
  if (t.excursionTicks <= t.longestReturnedTicks) {
    return {
      class: 'transient',
      why: `rose to ${t.last} in the last ${t.excursionTicks} ticks, but came back after ${t.longestReturnedTicks} ticks up before: too recent to tell`,
    };
  }
  if (t.excursionTicks >= 3 && t.last - t.baseline < 0.5 * rise && t.excursionSlopePerMin < 0) {
    return { class: 'drainedSpike', why: `draining: down from ${t.peak} at ${tickName(t.peakTick)} to ${t.last}, not yet back to ${t.baseline}` };
  }
  if (t.plateauTicks >= MIN_PLATEAU_TICKS && t.plateauTicks * 2 >= t.excursionTicks && t.plateauMs * 2 >= t.excursionMs) {
    return {
      class: 'stablePool',
      why: `grew from ${t.baseline} to ${t.last}, then held level for ${t.plateauTicks} ticks (${formatDuration(t.plateauMs)}): a pool that filled up, or a leak that stopped`,
    };
  }
  return {
    class: 'growingLeak',
    why: `grew from ${t.baseline} to ${t.last} and never came back${t.returnedToBaseline ? ' since its last low' : ''}`,
  };
}

/** A rise must span a tenth of the window (at most a minute) and two ticks; short series accept one. */
function isLongEnough(t: TrendStats): boolean {
  if (t.measuredTicks <= 4) return t.excursionTicks >= 1;
  return t.excursionTicks >= 2 && t.excursionMs >= Math.min(0.1 * t.windowMs, 60_000);
}

/** `62 s`, `4.5 min`, `1.2 h`. */
export function formatDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
