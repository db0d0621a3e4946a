import type { AnalysisTick } from './session.js';
import { NOT_MEASURED } from './session.js';

/** The ticks where a count was measured: their tick index, time and value. */
export interface MeasuredPoints {
  tickIndex: Int32Array;
  atMs: Float64Array;
  values: Int32Array;
}

/** The tick times of a session as one array (read once, used for every group). */
export function tickTimes(ticks: readonly AnalysisTick[]): Float64Array {
  return Float64Array.from(ticks, (t) => t.atMs);
}

/** Drops NOT_MEASURED ticks from a count series; `times` from `tickTimes`. */
export function measuredPoints(counts: Int32Array, times: Float64Array): MeasuredPoints {
  let n = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! !== NOT_MEASURED) n++;
  if (n === counts.length) return { tickIndex: identity(n), atMs: times, values: counts };
  const tickIndex = new Int32Array(n);
  const atMs = new Float64Array(n);
  const values = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c === NOT_MEASURED) continue;
    tickIndex[j] = i;
    atMs[j] = times[i]!;
    values[j] = c;
    j++;
  }
  return { tickIndex, atMs, values };
}

let identityCache = new Int32Array(0);

/** [0, 1, …, n-1], shared: callers never write to it. */
function identity(n: number): Int32Array {
  if (identityCache.length < n) identityCache = Int32Array.from({ length: Math.max(n, identityCache.length * 2) }, (_, i) => i);
  return identityCache.subarray(0, n);
}

const MAX_BINS = 64;
const MS_PER_MIN = 60_000;

/**
 * Theil–Sen slope (median of pairwise slopes) in goroutines per minute over points [from, to).
 * Longer series are cut into at most 64 bins of equal tick count (of `minBinSize` ticks at least),
 * each represented by its lowest point: the floor of a group is what stays stuck, bursts on top of it
 * are not. O(64²) per call. Returns 0 for fewer than two bins or no elapsed time.
 */
export function robustSlopePerMin(points: MeasuredPoints, from = 0, to = points.values.length, minBinSize = 1): number {
  const { xs, ys } = binFloors(points, from, to, minBinSize);
  return theilSen(xs, ys) * MS_PER_MIN;
}

/**
 * How level [from, to) is, on floors of at least 3 ticks (a dip or a burst of one tick does not
 * count): the rise its Theil–Sen slope implies over the span, and the jitter of the floors (twice the
 * median distance of the steps between neighbouring floors from their median step). A level run
 * rises less than its jitter (and than 1).
 */
export function floorTrend(points: MeasuredPoints, from: number, to: number): { rise: number; jitter: number } {
  // Floors of 3 ticks drop bursts on top of a rise; a short run keeps floors of 2 to have enough of them.
  const { xs, ys } = binFloors(points, from, to, to - from >= 18 ? 3 : 2);
  if (ys.length < 2) return { rise: 0, jitter: 0 };
  const steps = new Float64Array(ys.length - 1);
  for (let i = 1; i < ys.length; i++) steps[i - 1] = ys[i]! - ys[i - 1]!;
  // Steps of a steady rise are all alike; jitter is how far they stray from their median.
  const typical = select(steps, steps.length >> 1);
  for (let i = 0; i < steps.length; i++) steps[i] = Math.abs(steps[i]! - typical);
  const jitter = 2 * select(steps, steps.length >> 1);
  return { rise: theilSen(xs, ys) * (points.atMs[to - 1]! - points.atMs[from]!), jitter };
}

/** The lowest point of each of at most 64 bins of equal tick count (at least `minBinSize` ticks). */
function binFloors(points: MeasuredPoints, from: number, to: number, minBinSize: number): { xs: Float64Array; ys: Float64Array } {
  const n = to - from;
  const bins = n < 1 ? 0 : Math.max(1, Math.min(MAX_BINS, Math.floor(n / minBinSize)));
  const xs = new Float64Array(bins);
  const ys = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const start = from + Math.floor((b * n) / bins);
    const end = from + Math.floor(((b + 1) * n) / bins);
    let best = start;
    for (let i = start + 1; i < end; i++) if (points.values[i]! < points.values[best]!) best = i;
    xs[b] = points.atMs[best]!;
    ys[b] = points.values[best]!;
  }
  return { xs, ys };
}

/** Median of the pairwise slopes (per ms); 0 for fewer than two points or no elapsed time. */
function theilSen(xs: Float64Array, ys: Float64Array): number {
  const bins = xs.length;
  if (bins < 2) return 0;
  const slopes = new Float64Array((bins * (bins - 1)) / 2);
  let m = 0;
  for (let i = 0; i < bins; i++) {
    for (let j = i + 1; j < bins; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx > 0) slopes[m++] = (ys[j]! - ys[i]!) / dx;
    }
  }
  if (m === 0) return 0;
  const used = slopes.subarray(0, m);
  const mid = m >> 1;
  const upper = select(used, mid);
  // The lower middle of an even count is the largest value left of `mid` after selection.
  let lower = -Infinity;
  if (m % 2 === 0) for (let i = 0; i < mid; i++) if (used[i]! > lower) lower = used[i]!;
  return m % 2 === 1 ? upper : (lower + upper) / 2;
}

/** Quickselect (Hoare): puts the k-th smallest at index k, smaller ones left of it; returns it. O(n). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/**
 * How one-directional the changes over [from, to) are: rises / (rises + falls), by size. 1 means
 * it only ever grew, 0.5 as much down as up. A series that never changed counts as 1.
 */
export function monotonicity(values: Int32Array, from = 0, to = values.length): number {
  let up = 0;
  let down = 0;
  for (let i = from + 1; i < to; i++) {
    const d = values[i]! - values[i - 1]!;
    if (d > 0) up += d;
    else down -= d;
  }
  return up + down === 0 ? 1 : up / (up + down);
}

export function minOf(values: Int32Array, from: number, to: number): number {
  let m = Infinity;
  for (let i = from; i < to; i++) if (values[i]! < m) m = values[i]!;
  return m;
}

export function maxIndexOf(values: Int32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
