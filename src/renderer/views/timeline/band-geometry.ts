/**
 * Stacked bands drawn for 3,600 ticks × 50 groups within a frame: each band is one polygon between
 * its top edge and the edge of the band below, painted once (not an area down to zero painted over
 * the others), reduced to one point per pixel column, and every edge is computed once per draw
 * (the top of one band is the bottom of the band above). A column that holds many ticks (a day of 1 s
 * ticks is 86,400 of them) keeps each edge's highest and lowest value: a band is filled from the
 * lowest value of the edge below to the highest of its own, so a one-tick spike is never dropped.
 * Pure geometry; `band-path.ts` feeds uPlot.
 */

/** A linear map value → canvas pixel: `at0 + perUnit * value`. */
export interface LinearMap {
  at0: number;
  perUnit: number;
}

/**
 * Indexes i0…i1 cut into pixel columns (`px` holds each tick's column): the first tick of each column,
 * then i1 + 1, so column k spans `starts[k]` … `starts[k + 1] - 1`.
 */
export function columnStarts(px: ArrayLike<number>, i0: number, i1: number): Int32Array {
  const starts = new Int32Array(Math.max(0, i1 - i0 + 1) + 1);
  let n = 0;
  for (let i = i0; i <= i1; i++) if (n === 0 || px[starts[n - 1]!] !== px[i]) starts[n++] = i;
  starts[n] = i1 + 1;
  return starts.subarray(0, n + 1);
}

/** One edge per column: the pixel y of its lowest and highest value there; NaN where a column has no value (a gap). */
export interface EdgeEnvelope {
  low: Float64Array;
  high: Float64Array;
}

/** The envelope of `values` over the columns of `starts` (from columnStarts), mapped by `y`. */
export function edgeEnvelope(values: ArrayLike<number | null | undefined>, starts: Int32Array, y: LinearMap): EdgeEnvelope {
  const columns = starts.length - 1;
  const low = new Float64Array(columns);
  const high = new Float64Array(columns);
  for (let k = 0; k < columns; k++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = starts[k]!; i < starts[k + 1]!; i++) {
      const v = values[i];
      if (v == null) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    low[k] = min === Infinity ? NaN : y.at0 + y.perUnit * min;
    high[k] = max === -Infinity ? NaN : y.at0 + y.perUnit * max;
  }
  return { low, high };
}

/** Runs `[from, to]` (inclusive, indexes into the edges) where both edges have values. */
export function runsOf(top: Float64Array, bottom: Float64Array): [number, number][] {
  const runs: [number, number][] = [];
  let from = -1;
  for (let k = 0; k <= top.length; k++) {
    const isValue = k < top.length && !Number.isNaN(top[k]!) && !Number.isNaN(bottom[k]!);
    if (isValue && from < 0) from = k;
    if (!isValue && from >= 0) {
      runs.push([from, k - 1]);
      from = -1;
    }
  }
  return runs;
}
