import type { SessionSeries, TimelineTick } from '../../shared/contract.js';
import { CHART_TOTALS, type ChartInputs, type ChartTicks } from '../store/chart-blocks.js';
import { decodeTickCounts, VarintReader } from '../store/count-codec.js';
import { goGoroutinesOf, numGoroutineOf, toTimelineTick, untypedCounts, type TypedSessionSeries } from '../store/series.js';
import type * as store from '../store/types.js';
import { byRank, foldSeries } from './session-views.js';

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

/** Where a series' marks are: the indexes of its full dumps and of its failed ticks, ascending. */
interface TickMarks {
  full: readonly number[];
  errors: readonly number[];
}

/** The marks of ticks as objects. */
function marksOf(ticks: readonly Pick<TimelineTick, 'fullSnapshotId' | 'errors'>[]): TickMarks {
  const full: number[] = [];
  const errors: number[] = [];
  ticks.forEach((t, i) => {
    if (t.fullSnapshotId !== null) full.push(i);
    if (t.errors.length > 0) errors.push(i);
  });
  return { full, errors };
}

/** The index of the first element of ascending `xs` that is at least `x` (xs.length when none). */
function firstAtLeast(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last element of ascending `xs` in [from, to) other than `except`, or -1. */
function lastIn(xs: readonly number[], from: number, to: number, except: number): number {
  for (let i = firstAtLeast(xs, to) - 1; i >= 0 && xs[i]! >= from; i--) if (xs[i] !== except) return xs[i]!;
  return -1;
}

/**
 * The two real ticks that stand for ticks `from…to-1` (at least two), in order: a full dump and a
 * failed tick are preferred over the column's ends, so their marks on the chart survive. Found in the
 * marks' lists (a few hundred in a day), not by visiting the column's ticks.
 */
function representatives(marks: TickMarks, from: number, to: number): [number, number] {
  const firstFull = marks.full[firstAtLeast(marks.full, from)];
  const a = firstFull !== undefined && firstFull < to ? firstFull : from;
  let b = lastIn(marks.errors, from, to, a);
  if (b < 0) b = lastIn(marks.full, from, to, a);
  if (b < 0) b = a === to - 1 ? from : to - 1;
  return a < b ? [a, b] : [b, a];
}

/** The first tick of column k when n ticks are cut into `columns` (the column ends where k + 1 starts). */
const columnStart = (k: number, n: number, columns: number): number => Math.floor((k * n) / columns);

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
  const totals = CHART_TOTALS.map((field) => [field, series.ticks.map((t) => t[field])] as const);
  const marks = marksOf(series.ticks);
  for (let k = 0; k < columns; k++) {
    const from = columnStart(k, n, columns);
    const to = columnStart(k + 1, n, columns);
    const [a, b] = representatives(marks, from, to);
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

const totalOf: Record<(typeof CHART_TOTALS)[number], (t: store.TickPoint) => number | null> = {
  compactTotal: (t) => t.compactTotal,
  fullTotal: (t) => t.fullTotal,
  leakTotal: (t) => t.leakTotal,
  numGoroutine: numGoroutineOf,
  goGoroutines: goGoroutinesOf,
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
    .map((g) => ({ g, key: g.key, last: typedLast(g.counts), peak: typedPeak(g.counts) }))
    .sort(byRank);
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
  const totals = CHART_TOTALS.map((field) => [field, series.ticks.map(totalOf[field])] as const);
  const marks = marksOf(series.ticks);
  for (let k = 0; k < columns; k++) {
    const from = columnStart(k, n, columns);
    const to = columnStart(k + 1, n, columns);
    const [a, b] = representatives(marks, from, to);
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

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** The timeline tick of chart tick `i`, its totals set by the caller (the column's low or high). */
function chartTick(ticks: ChartTicks, i: number): TimelineTick {
  return {
    tick: i,
    atMs: ticks.atMs[i]!,
    countedSnapshotId: orNull(ticks.countedSnapshotId[i]!),
    fullSnapshotId: orNull(ticks.fullSnapshotId[i]!),
    compactTotal: null,
    fullTotal: null,
    leakTotal: null,
    numGoroutine: null,
    goGoroutines: null,
    errors: ticks.errors.get(i) ?? [],
  };
}

/** A kept group's columns: per column, counted ticks with a count > 0, and their min/max. */
interface KeptColumns {
  positives: Int32Array;
  min: Int32Array;
  max: Int32Array;
}

/**
 * The per-tick work of `columnsFromChart`, as methods called per run and per column rather than
 * closures made per request or one long function: a day's first timeline draw runs in a process that
 * has optimised nothing yet, and small functions called thousands of times are optimised within the
 * request, where a long loop inside one large function is compiled on the stack and thrown away again.
 */
class ColumnFolder {
  /** Column of each tick, and the tick after each column. */
  readonly columnOf: Int32Array;
  readonly columnEnd: Int32Array;
  /** The kept groups' counts per tick, as differences (a run costs the same whatever its length). */
  readonly keptDiff: Float64Array;
  /** Lowest and highest of the current column: the totals (CHART_TOTALS' order), then the rest. */
  readonly low = new Float64Array(CHART_TOTALS.length + 1);
  readonly high = new Float64Array(CHART_TOTALS.length + 1);
  countedIn = 0;
  private keptSum = 0;

  constructor(
    private readonly ticks: ChartTicks,
    /** Every stack's positive counts per tick (NaN where nothing was counted). */
    private readonly sum: Float64Array,
    readonly columns: number,
  ) {
    const n = ticks.length;
    this.columnOf = new Int32Array(n);
    this.columnEnd = new Int32Array(columns);
    this.keptDiff = new Float64Array(n + 1);
    for (let k = 0; k < columns; k++) {
      this.columnEnd[k] = columnStart(k + 1, n, columns);
      this.columnOf.fill(k, columnStart(k, n, columns), this.columnEnd[k]);
    }
  }

  /** A kept group's run of `count` over ticks [from, to): into its columns' min/max, out of the rest. */
  keep(c: KeptColumns, from: number, to: number, count: number): void {
    this.keptDiff[from] = this.keptDiff[from]! + count;
    this.keptDiff[to] = this.keptDiff[to]! - count;
    for (let t = from, k = this.columnOf[from]!; t < to; k++) {
      const end = Math.min(to, this.columnEnd[k]!);
      c.positives[k] = c.positives[k]! + (end - t);
      if (count < c.min[k]!) c.min[k] = count;
      if (count > c.max[k]!) c.max[k] = count;
      t = end;
    }
  }

  /** A kept group's packed block (count-codec.ts runs), cut at the session's last tick. */
  keepBlock(c: KeptColumns, firstTick: number, packed: Uint8Array): void {
    const n = this.ticks.length;
    const r = new VarintReader(packed);
    for (let tick = firstTick; !r.done; ) {
      const length = r.read();
      const value = r.read();
      const to = Math.min(tick + length, n);
      if (value > 1 && tick < to) this.keep(c, tick, to, value - 1);
      tick += length;
    }
  }

  /**
   * Visits ticks [from, to), called for columns in order: counted ticks, each total's low and high,
   * and the folded groups' sum (NaN where nothing was counted: comparisons with NaN are false).
   */
  scan(from: number, to: number): void {
    const { low, high, keptDiff, sum } = this;
    const counted = this.ticks.countedSnapshotId;
    low.fill(Infinity);
    high.fill(-Infinity);
    let countedIn = 0;
    let keptSum = this.keptSum;
    for (let i = from; i < to; i++) {
      keptSum += keptDiff[i]!;
      const rest = sum[i]! - keptSum;
      if (rest < low[REST]!) low[REST] = rest;
      if (rest > high[REST]!) high[REST] = rest;
      if (!Number.isNaN(counted[i]!)) countedIn++;
    }
    this.keptSum = keptSum;
    this.countedIn = countedIn;
    CHART_TOTALS.forEach((field, f) => this.scanTotal(this.ticks[field], f, from, to));
  }

  private scanTotal(values: Float64Array, f: number, from: number, to: number): void {
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const x = values[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.low[f] = min;
    this.high[f] = max;
  }

  /** The current column's low (side 0) or high (side 1) of field f, null when nothing was seen. */
  extent(f: number, side: 0 | 1): number | null {
    if (this.high[f]! === -Infinity) return null;
    return side === 0 ? this.low[f]! : this.high[f]!;
  }
}

const REST = CHART_TOTALS.length;

/**
 * `foldedColumns` of the same session from its chart summaries (store/chart-blocks.ts), equal to it in
 * every value, without a per-tick count array per stack: the groups are ranked from each block's
 * per-stack peak and last count, the folded groups' sum per tick is the stored sum of every stack less
 * the kept groups' counts, and only the kept groups' runs are decoded, each cut at column edges into
 * the column's min/max (a one-tick spike is its own run and survives). Counts outside the packed
 * blocks (`loose`: the unfinished block, ticks a full dump counted) are decoded as they are. The
 * ticks are then visited once, column by column. Returns null for a series short enough to send
 * whole (the caller takes the plain way). Pure.
 */
export function columnsFromChart(input: ChartInputs, maxGroups: number, columns: number): SessionSeries | null {
  const { ticks } = input;
  const n = ticks.length;
  if (n <= 2 * columns) return null;
  const counted = ticks.countedSnapshotId;
  let lastCounted = -1;
  for (let i = n - 1; i >= 0 && lastCounted < 0; i--) if (!Number.isNaN(counted[i]!)) lastCounted = i;
  // Ranking (foldSeries' order): each group's count at the last counted tick, then its peak.
  const rank = new Map<number, { last: number; peak: number }>();
  for (const [stackId, s] of input.stacks) rank.set(stackId, { last: s.lastTick === lastCounted && s.lastCount > 0 ? s.lastCount : 0, peak: s.peak });
  // Every stack's positive counts summed per tick: the packed blocks' stored sums (NaN where nothing
  // was counted), plus the loose ticks.
  const sum = ticks.countSum.slice();
  for (const [tick, packed] of input.loose) {
    if (tick >= n) continue;
    decodeTickCounts(packed, (stackId, count) => {
      let r = rank.get(stackId);
      if (!r) rank.set(stackId, (r = { last: 0, peak: 0 }));
      if (count <= 0) return;
      sum[tick] = sum[tick]! + count;
      if (count > r.peak) r.peak = count;
      if (tick === lastCounted) r.last = count;
    });
  }
  const ranked = [...rank]
    .map(([stackId, r]) => ({ stackId, ...r, ...input.headOf(stackId) }))
    .sort(byRank);
  const top = ranked.slice(0, maxGroups);
  // The kept groups' runs: cut at column edges into min/max, and taken out of the sum.
  const folder = new ColumnFolder(ticks, sum, columns);
  const kept = top.map(({ stackId }): KeptColumns => {
    const c = { positives: new Int32Array(columns), min: new Int32Array(columns).fill(0x7fffffff), max: new Int32Array(columns) };
    for (const [firstTick, packed] of input.runsOf(stackId)) folder.keepBlock(c, firstTick, packed);
    return c;
  });
  const keptById = new Map(top.map(({ stackId }, g) => [stackId, kept[g]!]));
  for (const [tick, packed] of input.loose) {
    if (tick >= n) continue;
    decodeTickCounts(packed, (stackId, count) => {
      const c = keptById.get(stackId);
      if (count > 0 && c !== undefined) folder.keep(c, tick, tick + 1, count);
    });
  }
  const out: TimelineTick[] = [];
  const groups = top.map(({ key, blockingSite }) => ({ key, blockingSite, counts: [] as (number | null)[] }));
  const restColumns: (number | null)[] = [];
  const marks: TickMarks = { full: [], errors: [...ticks.errors.keys()].sort((x, y) => x - y) };
  for (let i = 0; i < n; i++) if (!Number.isNaN(ticks.fullSnapshotId[i]!)) (marks.full as number[]).push(i);
  for (let k = 0; k < columns; k++) {
    const from = columnStart(k, n, columns);
    const to = folder.columnEnd[k]!;
    folder.scan(from, to);
    const [a, b] = representatives(marks, from, to);
    const first = chartTick(ticks, a);
    const second = chartTick(ticks, b);
    CHART_TOTALS.forEach((field, f) => {
      first[field] = folder.extent(f, 0);
      second[field] = folder.extent(f, 1);
    });
    out.push(first, second);
    const { countedIn } = folder;
    kept.forEach((c, g) => {
      const column = groups[g]!.counts;
      if (countedIn === 0) column.push(null, null);
      else if (c.positives[k]! < countedIn) column.push(0, c.max[k]!);
      else column.push(c.min[k]!, c.max[k]!);
    });
    restColumns.push(folder.extent(REST, 0), folder.extent(REST, 1));
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
