import type { SessionSeries, TimelineTick } from '../../shared/contract.js';

type Values = readonly (number | null)[];

/** Lowest and highest non-null value of `v[from…to)`, null when there is none. */
function extent(v: Values, from: number, to: number): [number | null, number | null] {
  let min: number | null = null;
  let max: number | null = null;
  for (let i = from; i < to; i++) {
    const x = v[i];
    if (x === null || x === undefined) continue;
    if (min === null || x < min) min = x;
    if (max === null || x > max) max = x;
  }
  return [min, max];
}

/**
 * The two real ticks that stand for ticks `from…to-1` (at least two), in order: a full dump and a
 * failed tick are preferred over the column's ends, so their marks on the chart survive.
 */
function representatives(ticks: readonly TimelineTick[], from: number, to: number): [number, number] {
  let a = from;
  for (let i = from; i < to; i++) {
    if (ticks[i]!.fullSnapshotId !== null) {
      a = i;
      break;
    }
  }
  let b = -1;
  for (let i = to - 1; i >= from && b < 0; i--) if (i !== a && ticks[i]!.errors.length > 0) b = i;
  for (let i = to - 1; i >= from && b < 0; i--) if (i !== a && ticks[i]!.fullSnapshotId !== null) b = i;
  if (b < 0) b = a === to - 1 ? from : to - 1;
  return a < b ? [a, b] : [b, a];
}

const TOTALS = ['compactTotal', 'fullTotal', 'leakTotal', 'numGoroutine', 'goGoroutines'] as const;

/**
 * The timeline's series cut to `columns` columns of consecutive ticks when it has more than twice as
 * many ticks (a day of 1 s ticks is 86,400; a chart is ~1,500 pixels wide): each column becomes two
 * entries, the lowest value of every series over the column at the first and the highest at the
 * second (the renderer's band-geometry.ts fills between them), so a one-tick spike is never dropped.
 * Shorter series come back unchanged. Pure.
 */
export function downsampleSeries(series: SessionSeries, columns: number | undefined): SessionSeries {
  const n = series.ticks.length;
  if (columns === undefined || n <= 2 * columns) return series;
  const ticks: TimelineTick[] = [];
  const groups = series.groups.map((g) => ({ ...g, counts: [] as (number | null)[] }));
  const rest: (number | null)[] = [];
  const totals = TOTALS.map((field) => [field, series.ticks.map((t) => t[field])] as const);
  for (let k = 0; k < columns; k++) {
    const from = Math.floor((k * n) / columns);
    const to = Math.floor(((k + 1) * n) / columns);
    const [a, b] = representatives(series.ticks, from, to);
    const low: TimelineTick = { ...series.ticks[a]! };
    const high: TimelineTick = { ...series.ticks[b]! };
    for (const [field, values] of totals) [low[field], high[field]] = extent(values, from, to);
    ticks.push(low, high);
    series.groups.forEach((g, i) => groups[i]!.counts.push(...extent(g.counts, from, to)));
    rest.push(...extent(series.rest, from, to));
  }
  return { ...series, ticks, groups, rest, downsampled: { sessionTicks: n, columns, ticksPerColumn: n / columns } };
}
