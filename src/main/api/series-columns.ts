import type { SessionSeries, TimelineTick } from '../../shared/contract.js';
import { decodeTickCounts, VarintReader } from '../store/count-codec.js';
import type { PackedSessionCounts } from '../store/count-blocks.js';
import { untypedCounts, type ColumnInputs, type TypedSessionSeries } from '../store/series.js';
import type * as store from '../store/types.js';
import { foldSeries, toTimelineTick } from './session-views.js';

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
function representatives(ticks: readonly Pick<TimelineTick, 'fullSnapshotId' | 'errors'>[], from: number, to: number): [number, number] {
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

type TypedCounts = Int32Array;

// The loops below test `< 0` for NO_COUNT (-1; counts are never negative): a local comparison, not a
// module binding read per element.

/** Lowest and highest count of `v[from…to)` (NO_COUNT skipped), null when there is none. */
function typedExtent(v: TypedCounts, from: number, to: number): [number | null, number | null] {
  let min = Infinity;
  let max = -1;
  for (let i = from; i < to; i++) {
    const x = v[i]!;
    if (x < 0) continue;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return max < 0 ? [null, null] : [min, max];
}

/** The last count of a series, or 0 (foldSeries' ranking). */
function typedLast(v: TypedCounts): number {
  for (let i = v.length - 1; i >= 0; i--) if (v[i]! >= 0) return v[i]!;
  return 0;
}

function typedPeak(v: TypedCounts): number {
  let peak = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! > peak) peak = v[i]!;
  return peak;
}

function addCounts(sum: Float64Array, counts: TypedCounts): void {
  for (let i = 0; i < sum.length; i++) {
    const c = counts[i]!;
    if (c > 0) sum[i] = sum[i]! + c;
  }
}

const totalOf: Record<(typeof TOTALS)[number], (t: store.TickPoint) => number | null> = {
  compactTotal: (t) => t.compactTotal,
  fullTotal: (t) => t.fullTotal,
  leakTotal: (t) => t.leakTotal,
  numGoroutine: (t) => t.expvar?.numGoroutine ?? null,
  goGoroutines: (t) => t.prometheus?.numGoroutine ?? null,
};

/**
 * `downsampleSeries(foldSeries(series, stacks, maxGroups), columns)` for a long series read with
 * Int32Array counts (`HistoryStore.sessionTypedSeries`), equal to it in every value: the 200 count
 * arrays of a day are never turned into the contract's `(number | null)[]`, and only the two ticks
 * kept per column become TimelineTicks. A series short enough to send whole goes the plain way.
 */
export function foldedColumns(series: TypedSessionSeries, stacks: readonly store.StackInfo[], maxGroups: number, columns: number): SessionSeries {
  const n = series.ticks.length;
  if (n <= 2 * columns) {
    const plain = { ...series, groups: series.groups.map((g) => ({ ...g, counts: untypedCounts(g.counts) })) };
    return foldSeries(plain, stacks, maxGroups);
  }
  const siteOf = new Map(stacks.map((s) => [s.key, s.blockingSite]));
  const ranked = series.groups
    .map((g) => ({ g, last: typedLast(g.counts), peak: typedPeak(g.counts) }))
    .sort((a, b) => b.last - a.last || b.peak - a.peak || (a.g.key < b.g.key ? -1 : 1));
  const top = ranked.slice(0, maxGroups);
  const others = ranked.slice(maxGroups);
  // The folded groups summed per tick (null where the tick has no counted snapshot).
  const restSum = new Float64Array(n);
  for (const { g } of others) addCounts(restSum, g.counts);
  const rest = new Array<number | null>(n);
  for (let i = 0; i < n; i++) rest[i] = series.ticks[i]!.countedSnapshotId === null ? null : restSum[i]!;
  const ticks: TimelineTick[] = [];
  const groups = top.map(({ g }) => ({ key: g.key, blockingSite: siteOf.get(g.key) ?? null, counts: [] as (number | null)[] }));
  const restColumns: (number | null)[] = [];
  const totals = TOTALS.map((field) => [field, series.ticks.map(totalOf[field])] as const);
  for (let k = 0; k < columns; k++) {
    const from = Math.floor((k * n) / columns);
    const to = Math.floor(((k + 1) * n) / columns);
    const [a, b] = representatives(series.ticks, from, to);
    const low = toTimelineTick(series.ticks[a]!);
    const high = toTimelineTick(series.ticks[b]!);
    for (const [field, values] of totals) [low[field], high[field]] = extent(values, from, to);
    ticks.push(low, high);
    top.forEach(({ g }, i) => groups[i]!.counts.push(...typedExtent(g.counts, from, to)));
    restColumns.push(...extent(rest, from, to));
  }
  return {
    sessionId: series.sessionId,
    ticks,
    groups,
    rest: restColumns,
    restGroups: others.length,
    downsampled: { sessionTicks: n, columns, ticksPerColumn: n / columns },
  };
}

const EMPTY = new Int32Array(0);

/** One stack's columns read straight from its runs: per column, counted ticks with a count > 0, and their min/max. */
interface RunColumns {
  stackId: number;
  positives: Int32Array;
  min: Int32Array;
  max: Int32Array;
  /** The count at the session's last counted tick (foldSeries' ranking), and the highest count. */
  last: number;
  peak: number;
}

/**
 * `foldedColumns` of the same session read without a per-tick count array per stack (a day is 200 ×
 * 86,400): each stored run `[tick, tick + length)` is cut at column edges and folded into the column's
 * min/max, so the work follows the runs, not the ticks; a one-tick spike is its own run and survives.
 * A tick counted without the stack counts 0 (as in the assembled series). The folded groups' sum per
 * tick comes from one difference array (all stacks' runs, minus the kept ones'). Returns null when the
 * session is not the plain shape this handles — ticks not numbered 0…n-1, counts from full dumps or
 * leak profiles, staged ticks inside a packed block, or few enough ticks to send whole — and the caller
 * then takes `foldedColumns(store.sessionTypedSeries(…))`. Pure; equal to foldedColumns in every value.
 */
export function columnsFromRuns(input: ColumnInputs, stacks: readonly store.StackInfo[], maxGroups: number, columns: number): SessionSeries | null {
  const { ticks, counts } = input;
  const n = ticks.length;
  if (input.hasDetails || n <= 2 * columns || ticks[0]!.tick !== 0 || ticks[n - 1]!.tick !== n - 1) return null;
  const columnOf = new Int32Array(n);
  const columnEnd = new Int32Array(columns);
  const counted = new Int32Array(columns);
  for (let k = 0; k < columns; k++) {
    const from = Math.floor((k * n) / columns);
    const to = Math.floor(((k + 1) * n) / columns);
    columnEnd[k] = to;
    for (let i = from; i < to; i++) {
      columnOf[i] = k;
      if (ticks[i]!.countedSnapshotId !== null) counted[k] = counted[k]! + 1;
    }
  }
  let lastCounted = -1;
  for (let i = n - 1; i >= 0 && lastCounted < 0; i--) if (ticks[i]!.countedSnapshotId !== null) lastCounted = i;
  // Pass 1, all stacks: only what ranks them (peak, count at the last counted tick) and every
  // stack's positive counts summed per tick, as differences (prefix-summed below). Cutting runs at
  // column edges is left to pass 2, for the kept stacks only (~10 of ~200).
  const byStack = new Map<number, RunColumns>();
  const columnsOf = (stackId: number): RunColumns => {
    let c = byStack.get(stackId);
    if (!c) {
      c = { stackId, positives: EMPTY, min: EMPTY, max: EMPTY, last: 0, peak: 0 };
      byStack.set(stackId, c);
    }
    return c;
  };
  const allSum = new Float64Array(n + 1);
  const rank = (c: RunColumns, from: number, to: number, count: number): void => {
    allSum[from] = allSum[from]! + count;
    allSum[to] = allSum[to]! - count;
    if (count > c.peak) c.peak = count;
    if (from <= lastCounted && lastCounted < to) c.last = count;
  };
  // Every stack with a block is a group, even one whose runs there are all absent.
  for (const [stackId] of counts.blocks) columnsOf(stackId);
  let packedEnd = 0;
  // Pass 1 over the packed blocks, inlined (forEachRun's decoding, without a call per run): the
  // ~5.5 million runs of a day make this loop most of the fold.
  for (const [stackId, firstTick, packed] of counts.blocks) {
    const c = columnsOf(stackId);
    const r = new VarintReader(packed);
    let tick = firstTick;
    let peak = c.peak;
    while (!r.done) {
      const length = r.read();
      const value = r.read();
      const to = tick + length < n ? tick + length : n;
      if (value > 1 && tick < to) {
        const count = value - 1;
        if (to > packedEnd) packedEnd = to;
        allSum[tick] = allSum[tick]! + count;
        allSum[to] = allSum[to]! - count;
        if (count > peak) peak = count;
        if (tick <= lastCounted && lastCounted < to) c.last = count;
      }
      tick += length;
    }
    c.peak = peak;
  }
  for (const [tick] of counts.staged) if (tick < packedEnd) return null;
  for (const [tick, packed] of counts.staged) {
    if (tick >= n) continue;
    decodeTickCounts(packed, (stackId, count) => {
      if (count > 0) rank(columnsOf(stackId), tick, tick + 1, count);
      else columnsOf(stackId);
    });
  }
  const siteOf = new Map(stacks.map((s) => [s.key, s.blockingSite]));
  const ranked = [...byStack.values()]
    .map((c) => ({ c, key: input.keyOf(c.stackId) }))
    .sort((a, b) => b.c.last - a.c.last || b.c.peak - a.c.peak || (a.key < b.key ? -1 : 1));
  const top = ranked.slice(0, maxGroups);
  // Pass 2, kept stacks only: their runs cut at column edges into per-column min/max, and taken out
  // of the all-stacks sum, leaving the folded groups' sum per tick.
  for (const { c } of top) {
    c.positives = new Int32Array(columns);
    c.min = new Int32Array(columns).fill(0x7fffffff);
    c.max = new Int32Array(columns);
  }
  const keptById = new Map(top.map(({ c }) => [c.stackId, c]));
  const keep = (c: RunColumns, from: number, to: number, count: number): void => {
    allSum[from] = allSum[from]! - count;
    allSum[to] = allSum[to]! + count;
    for (let t = from; t < to; ) {
      const k = columnOf[t]!;
      const end = Math.min(to, columnEnd[k]!);
      c.positives[k] = c.positives[k]! + (end - t);
      if (count < c.min[k]!) c.min[k] = count;
      if (count > c.max[k]!) c.max[k] = count;
      t = end;
    }
  };
  forEachRun(counts, n, (stackId) => {
    const c = keptById.get(stackId);
    return c === undefined ? null : (from, to, count) => keep(c, from, to, count);
  });
  for (const [tick, packed] of counts.staged) {
    if (tick >= n) continue;
    decodeTickCounts(packed, (stackId, count) => {
      const c = keptById.get(stackId);
      if (count > 0 && c !== undefined) keep(c, tick, tick + 1, count);
    });
  }
  const rest = new Array<number | null>(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += allSum[i]!;
    rest[i] = ticks[i]!.countedSnapshotId === null ? null : sum;
  }
  const out: TimelineTick[] = [];
  const groups = top.map(({ key }) => ({ key, blockingSite: siteOf.get(key) ?? null, counts: [] as (number | null)[] }));
  const restColumns: (number | null)[] = [];
  const totals = TOTALS.map((field) => [field, ticks.map(totalOf[field])] as const);
  for (let k = 0; k < columns; k++) {
    const from = Math.floor((k * n) / columns);
    const to = columnEnd[k]!;
    const [a, b] = representatives(ticks, from, to);
    const low = toTimelineTick(ticks[a]!);
    const high = toTimelineTick(ticks[b]!);
    for (const [field, values] of totals) [low[field], high[field]] = extent(values, from, to);
    out.push(low, high);
    top.forEach(({ c }, g) => {
      const column = groups[g]!.counts;
      if (counted[k] === 0) column.push(null, null);
      else if (c.positives[k]! < counted[k]!) column.push(0, c.max[k]!);
      else column.push(c.min[k]!, c.max[k]!);
    });
    restColumns.push(...extent(rest, from, to));
  }
  return {
    sessionId: input.sessionId,
    ticks: out,
    groups,
    rest: restColumns,
    restGroups: ranked.length - top.length,
    downsampled: { sessionTicks: n, columns, ticksPerColumn: n / columns },
  };
}

type RunVisitor = (from: number, to: number, count: number) => void;

/**
 * For each packed block (count-codec.ts), asks `visitorOf` its stack's visitor (once per block, not per
 * run; null skips the block undecoded) and calls it for each run of a positive count, cut at tick `n`.
 */
function forEachRun(counts: PackedSessionCounts, n: number, visitorOf: (stackId: number) => RunVisitor | null): void {
  for (const [stackId, firstTick, packed] of counts.blocks) {
    const visit = visitorOf(stackId);
    if (visit === null) continue;
    const r = new VarintReader(packed);
    let tick = firstTick;
    while (!r.done) {
      const length = r.read();
      const value = r.read();
      const to = Math.min(tick + length, n);
      if (value > 1 && tick < to) visit(tick, to, value - 1);
      tick += length;
    }
  }
}
