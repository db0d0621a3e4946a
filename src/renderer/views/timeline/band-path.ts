import type uPlot from 'uplot';
import { columnKeep, edgeY, runsOf, type LinearMap } from './band-geometry.js';

/**
 * The map of a scale, taken around `origin` (a value inside the scale): x values are epoch seconds
 * (1.8e9) over a few seconds, so a map through 0 would lose the pixels to rounding.
 */
function linearMap(u: uPlot, scale: 'x' | 'y', origin: number): LinearMap & { origin: number } {
  const atOrigin = u.valToPos(origin, scale, true);
  return { origin, at0: atOrigin, perUnit: u.valToPos(origin + 1, scale, true) - atOrigin };
}

interface DrawCache {
  key: string;
  xs: unknown;
  keep: Int32Array;
  px: Float64Array;
  zero: Float64Array;
  edges: Map<unknown, Float64Array>;
}

/**
 * A uPlot path builder for stacked bands: series `si` is filled down to series `below(si)` (null: the
 * zero line). Only a fill is returned: bands have no outline.
 */
export function stackedBandPaths(below: (seriesIdx: number) => number | null): uPlot.Series.PathBuilder {
  let cache: DrawCache | null = null;
  const cacheFor = (u: uPlot, i0: number, i1: number): DrawCache => {
    const { x, y } = u.scales;
    const key = `${x?.min}/${x?.max}/${y?.min}/${y?.max}/${u.bbox.width}/${u.bbox.height}/${i0}/${i1}`;
    if (cache?.xs === u.data[0] && cache.key === key) return cache;
    const xs = u.data[0];
    const xMap = linearMap(u, 'x', xs[i0] ?? 0);
    const columns = new Int32Array(xs.length);
    for (let i = i0; i <= i1; i++) columns[i] = Math.round(xMap.at0 + xMap.perUnit * (xs[i]! - xMap.origin));
    const keep = columnKeep(columns, i0, i1);
    const px = new Float64Array(keep.length);
    for (let k = 0; k < keep.length; k++) px[k] = columns[keep[k]!]!;
    const zero = new Float64Array(keep.length).fill(linearMap(u, 'y', 0).at0);
    cache = { key, xs, keep, px, zero, edges: new Map() };
    return cache;
  };
  return (u, si, i0, i1) => {
    const c = cacheFor(u, i0, i1);
    const edge = (values: uPlot.AlignedData[number]): Float64Array => {
      let e = c.edges.get(values);
      // Counts start at 0, so the y map through 0 keeps its precision.
      if (!e) c.edges.set(values, (e = edgeY(values as ArrayLike<number | null>, c.keep, linearMap(u, 'y', 0))));
      return e;
    };
    const lowerIdx = below(si);
    const top = edge(u.data[si]!);
    const bottom = lowerIdx === null ? c.zero : edge(u.data[lowerIdx]!);
    const fill = new Path2D();
    for (const [from, to] of runsOf(top, bottom)) {
      fill.moveTo(c.px[from]!, top[from]!);
      for (let k = from + 1; k <= to; k++) fill.lineTo(c.px[k]!, top[k]!);
      for (let k = to; k >= from; k--) fill.lineTo(c.px[k]!, bottom[k]!);
      fill.closePath();
    }
    return { fill, stroke: null };
  };
}
