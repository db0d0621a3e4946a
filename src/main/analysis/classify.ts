import type { AnalysisTick } from './session.js';
import { maxIndexOf, measuredPoints, minOf, monotonicity, robustSlopePerMin, tickTimes } from './series-stats.js';

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
  /** Robust slope over the whole window (Theil–Sen over per-bin floors). */
  growthPerMin: number;
  /** Of the current rise (from the last tick near the baseline to the end): 1 = only ever grew. */
  monotonicity: number;
  /** Robust slope over the current rise only (the excursion): negative while a spike drains; 0 when
   * there is no rise of at least three ticks. */
  excursionSlopePerMin: number;
  /** It rose at least minGrowth above the baseline and later came back below that. */
  returnedToBaseline: boolean;
  /** First tick at least minGrowth above the baseline; null if never. */
  firstRiseTick: number | null;
  /** First tick after the peak below baseline + minGrowth: where a spike came back; null if never. */
  returnTick: number | null;
  /** Last tick below baseline + minGrowth; null if never (then the baseline came from a high start). */
  lastLowTick: number | null;
  /** Ticks at the end, in a row, at least minGrowth above the baseline, and the time they span. */
  excursionTicks: number;
  excursionMs: number;
  /** Ticks at the end, in a row, within 2 % (at least 1) of the last count, and the time they span. */
  plateauTicks: number;
  plateauMs: number;
  /** Share of measured ticks with at least one goroutine of the group. */
  presentShare: number;
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
      monotonicity: 1, excursionSlopePerMin: 0, returnedToBaseline: false, firstRiseTick: null, returnTick: null, lastLowTick: null, excursionTicks: 0,
      excursionMs: 0, plateauTicks: 0, plateauMs: 0, presentShare: 0,
    };
  }
  const k = Math.max(1, Math.round(n / 10));
  const baseline = minOf(v, 0, k);
  const peakAt = maxIndexOf(v);
  const threshold = baseline + options.minGrowth;
  let firstRise = -1;
  let lastLow = -1;
  let present = 0;
  for (let i = 0; i < n; i++) {
    if (v[i]! >= threshold && firstRise < 0) firstRise = i;
    if (v[i]! < threshold) lastLow = i;
    if (v[i]! > 0) present++;
  }
  let returnAt = -1;
  for (let i = peakAt + 1; i < n && returnAt < 0; i++) if (v[i]! < threshold) returnAt = i;
  const excursionStart = lastLow + 1;
  const last = v[n - 1]!;
  const tolerance = Math.max(1, Math.round(last * 0.02));
  let plateauStart = n - 1;
  while (plateauStart > 0 && Math.abs(v[plateauStart - 1]! - last) <= tolerance) plateauStart--;
  const rampFrom = Math.max(0, lastLow);
  return {
    measuredTicks: n,
    windowMs: p.atMs[n - 1]! - p.atMs[0]!,
    baseline,
    peak: v[peakAt]!,
    peakTick: p.tickIndex[peakAt]!,
    last,
    lastTick: p.tickIndex[n - 1]!,
    growth: minOf(v, n - k, n) - baseline,
    growthPerMin: robustSlopePerMin(p),
    monotonicity: monotonicity(v, rampFrom, n),
    // Only a rise that may be draining needs it (see decide).
    excursionSlopePerMin: v[peakAt]! - baseline >= options.minGrowth && n - excursionStart >= 3 ? robustSlopePerMin(p, excursionStart, n) : 0,
    returnedToBaseline: firstRise >= 0 && firstRise < lastLow,
    firstRiseTick: firstRise >= 0 ? p.tickIndex[firstRise]! : null,
    returnTick: returnAt >= 0 ? p.tickIndex[returnAt]! : null,
    lastLowTick: lastLow >= 0 ? p.tickIndex[lastLow]! : null,
    excursionTicks: n - excursionStart,
    excursionMs: excursionStart < n ? p.atMs[n - 1]! - p.atMs[excursionStart]! : 0,
    plateauTicks: n - plateauStart,
    plateauMs: p.atMs[n - 1]! - p.atMs[plateauStart]!,
    presentShare: present / n,
  };
}

function decide(t: TrendStats, options: ClassifyOptions): Omit<Classification, 'trend'> {
  const rise = t.peak - t.baseline;
  if (t.measuredTicks === 0) return { class: 'transient', why: 'never measured' };
  if (t.measuredTicks === 1) return { class: 'transient', why: `one measured tick (${t.last} goroutines): no trend to judge` };
  if (rise < options.minGrowth) {
    if (t.presentShare >= 0.9) {
      return { class: 'stablePool', why: `level: between ${t.baseline} and ${t.peak} at all ${t.measuredTicks} ticks` };
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
  if (t.excursionTicks >= 3 && t.last - t.baseline < 0.5 * rise && t.excursionSlopePerMin < 0) {
    return { class: 'drainedSpike', why: `draining: down from ${t.peak} at ${tickName(t.peakTick)} to ${t.last}, not yet back to ${t.baseline}` };
  }
  if (t.plateauTicks >= 5 && t.plateauTicks * 2 >= t.excursionTicks && t.plateauMs * 2 >= t.excursionMs) {
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
