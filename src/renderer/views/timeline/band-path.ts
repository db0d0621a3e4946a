import type uPlot from 'uplot';
import { columnStarts, edgeEnvelope, runsOf, type EdgeEnvelope, type LinearMap } from './band-geometry.js';

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
  starts: Int32Array;
  px: Float64Array;
  zero: EdgeEnvelope;
  edges: Map<unknown, EdgeEnvelope>;
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
    const starts = columnStarts(columns, i0, i1);
    const px = new Float64Array(starts.length - 1);
    for (let k = 0; k < px.length; k++) px[k] = columns[starts[k]!]!;
    const zeroLine = new Float64Array(px.length).fill(linearMap(u, 'y', 0).at0);
    cache = { key, xs, starts, px, zero: { low: zeroLine, high: zeroLine }, edges: new Map() };
    return cache;
  };
  return (u, si, i0, i1) => {
    const c = cacheFor(u, i0, i1);
    const edge = (values: uPlot.AlignedData[number]): EdgeEnvelope => {
      let e = c.edges.get(values);
      // Counts start at 0, so the y map through 0 keeps its precision.
      if (!e) c.edges.set(values, (e = edgeEnvelope(values as ArrayLike<number | null>, c.starts, linearMap(u, 'y', 0))));
      return e;
    };
    const lowerIdx = below(si);
    // Pixel y grows downwards: a band's top is its edge's highest value (lowest y), its bottom the
    // lowest value of the edge below (highest y).
    const top = edge(u.data[si]!).high;
    const bottom = lowerIdx === null ? c.zero.low : edge(u.data[lowerIdx]!).low;
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
