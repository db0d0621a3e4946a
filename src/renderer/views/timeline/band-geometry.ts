/**
 * Stacked bands drawn for 3,600 ticks × 50 groups within a frame: each band is one polygon between
 * its top edge and the edge of the band below, painted once (not an area down to zero painted over
 * the others), decimated to one point per pixel column, and every edge is computed once per draw
 * (the top of one band is the bottom of the band above). Pure geometry; `band-path.ts` feeds uPlot.
 */

/** A linear map value → canvas pixel: `at0 + perUnit * value`. */
export interface LinearMap {
  at0: number;
  perUnit: number;
}

/** Indexes i0…i1 reduced to the last tick of each pixel column (`px` holds each tick's column). */
export function columnKeep(px: ArrayLike<number>, i0: number, i1: number): Int32Array {
  const keep = new Int32Array(Math.max(0, i1 - i0 + 1));
  let n = 0;
  for (let i = i0; i <= i1; i++) {
    if (n > 0 && px[keep[n - 1]!] === px[i]) keep[n - 1] = i;
    else keep[n++] = i;
  }
  return keep.subarray(0, n);
}

/** The pixel y of `values` at the kept ticks; NaN where a tick has no value (a gap). */
export function edgeY(values: ArrayLike<number | null | undefined>, keep: Int32Array, y: LinearMap): Float64Array {
  const out = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) {
    const v = values[keep[k]!];
    out[k] = v == null ? NaN : y.at0 + y.perUnit * v;
  }
  return out;
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
