import type { TimelineTick } from '../../shared/contract.js';
import type { DumpFormat, ProfileKind, RuntimeMetrics } from '../../shared/model.js';
import { VarintReader } from './count-codec.js';
import type { PackedSessionCounts } from './count-blocks.js';
import { TICK_ROW_COLUMNS, type PackedColumn, type Value } from './tick-rows-codec.js';
import type { GroupSeries, SessionSeries, SnapshotKind, TickError, TickPoint } from './types.js';

/** The columns of a TickRow, in order (HOT_QUERIES.seriesTicks; packed per block by count-blocks.ts). */
export const SERIES_TICK_COLUMNS =
  'id, tick, kind, endpoint, at_ms, total, num_goroutine, threads, heap_alloc_bytes, heap_inuse_bytes, gc_cycles, error_code, error_message, format, profile';

/** A raw row of HOT_QUERIES.seriesTicks, in its column order. */
export type TickRow = [
  id: number,
  tick: number,
  kind: SnapshotKind,
  endpoint: string,
  atMs: number,
  total: number | null,
  numGoroutine: number | null,
  threads: number | null,
  heapAllocBytes: number | null,
  heapInuseBytes: number | null,
  gcCycles: number | null,
  errorCode: string | null,
  errorMessage: string | null,
  format: DumpFormat | null,
  profile: ProfileKind | null,
];

/** A raw row of HOT_QUERIES.seriesDetails (full dumps and leak profiles), in its column order. */
export type DetailCountRow = [tick: number, kind: SnapshotKind, stackId: number, count: number];

/**
 * Snapshot rows column by column, in TickRow's column order: a packed block as the codec gives it
 * (`unpackColumns`: no array per row, numbers unboxed), or rows read one by one, turned (`tableOfRows`).
 */
export interface TickTable {
  length: number;
  columns: readonly PackedColumn[];
}

/** Rows read one by one, as a table. */
export function tableOfRows(rows: readonly TickRow[]): TickTable {
  return { length: rows.length, columns: Array.from({ length: TICK_ROW_COLUMNS }, (_, c) => rows.map((r) => r[c] as Value)) };
}

/** A cell that holds a number or null (a packed INTEGERS column holds null as NaN). */
export function numberCell(column: PackedColumn, i: number): number | null {
  const x = column[i];
  return typeof x === 'number' && !Number.isNaN(x) ? x : null;
}

/** A cell that holds text or null (a column of nulls only packs as INTEGERS). */
export function textCell(column: PackedColumn, i: number): string | null {
  const x = column[i];
  return typeof x === 'string' ? x : null;
}

function metricsOf(c: readonly PackedColumn[], i: number): RuntimeMetrics {
  return { numGoroutine: numberCell(c[6]!, i), threads: numberCell(c[7]!, i), heapAllocBytes: numberCell(c[8]!, i), heapInuseBytes: numberCell(c[9]!, i), gcCycles: numberCell(c[10]!, i) };
}

/**
 * Builds the series from the hot queries (snapshot rows as tables, ordered by tick) and the packed compact counts
 * (count-blocks.ts). A tick's group counts come from its compact profile, or from its full dump when
 * the compact one failed or was not taken (an import of a debug=2 file). Pure: the store runs the queries.
 */
export function assembleSeries(
  sessionId: number,
  tables: readonly TickTable[],
  counts: PackedSessionCounts,
  details: readonly DetailCountRow[],
  keys: ReadonlyMap<number, string>,
): SessionSeries {
  const typed = assembleTypedSeries(sessionId, tables, counts, details, keys);
  return { ...typed, groups: typed.groups.map((g) => ({ ...g, counts: untypedCounts(g.counts) })) };
}

/**
 * The null of a typed count series: counts are never negative. A day's 200 series of 86,400 ticks are
 * 69 MB as Int32Array, allocated zeroed in one call each and never scanned by the collector, where
 * the same as `(number | null)[]` took most of a day's read (issue 18).
 */
export const NO_COUNT = -1;

/** A stack's counts per tick as an Int32Array, NO_COUNT where the tick counted nothing. */
export type TypedGroupSeries = Omit<GroupSeries, 'counts'> & { counts: Int32Array };
export type TypedSessionSeries = Omit<SessionSeries, 'groups'> & { groups: TypedGroupSeries[] };

/** A typed series' counts as the contract's arrays (null for NO_COUNT). */
export function untypedCounts(counts: Int32Array): (number | null)[] {
  const out = new Array<number | null>(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i]! === NO_COUNT ? null : counts[i]!;
  return out;
}

/** `/debug/vars`' NumGoroutine of a tick, as the timeline shows it. */
export const numGoroutineOf = (t: TickPoint): number | null => t.expvar?.numGoroutine ?? null;
/** Prometheus' go_goroutines of a tick (the store keeps it in the metrics' numGoroutine field). */
export const goGoroutinesOf = (t: TickPoint): number | null => t.prometheus?.numGoroutine ?? null;

/** A stored tick as the contract's timeline tick. */
export function toTimelineTick(t: TickPoint): TimelineTick {
  return {
    tick: t.tick,
    atMs: t.atMs,
    countedSnapshotId: t.countedSnapshotId,
    fullSnapshotId: t.fullSnapshotId,
    compactTotal: t.compactTotal,
    fullTotal: t.fullTotal,
    leakTotal: t.leakTotal,
    numGoroutine: numGoroutineOf(t),
    goGoroutines: goGoroutinesOf(t),
    errors: t.errors.map((e) => ({ code: e.code, message: e.message, kind: e.kind, endpoint: e.endpoint })),
  };
}

/** The session's ticks from the hot query's rows (ordered by tick), counts not yet read. Pure. */
export function ticksOfRows(rows: readonly TickRow[]): TickPoint[] {
  return ticksOfTables([tableOfRows(rows)]);
}

/** The session's ticks from its snapshot rows as tables (in tick order, then id), counts not yet read. Pure. */
export function ticksOfTables(tables: readonly TickTable[]): TickPoint[] {
  const ticks: TickPoint[] = [];
  let t: TickPoint | undefined;
  for (const { length, columns: c } of tables) {
    for (let i = 0; i < length; i++) {
      const id = numberCell(c[0]!, i)!;
      const tick = numberCell(c[1]!, i)!;
      const atMs = numberCell(c[4]!, i)!;
      const kind = textCell(c[2]!, i) as SnapshotKind;
      if (t?.tick !== tick) {
        t = {
          tick, atMs, countedSnapshotId: null, compactTotal: null, fullTotal: null, fullSnapshotId: null,
          leakTotal: null, leakSnapshotId: null, expvar: null, prometheus: null, errors: [],
        };
        ticks.push(t);
      }
      if (atMs < t.atMs) t.atMs = atMs;
      const errorCode = textCell(c[11]!, i);
      if (errorCode !== null) {
        t.errors.push({ code: errorCode as TickError['code'], message: textCell(c[12]!, i) ?? '', kind, endpoint: textCell(c[3]!, i)! });
        continue;
      }
      switch (kind) {
        case 'compact':
          t.compactTotal = numberCell(c[5]!, i);
          t.countedSnapshotId = id;
          break;
        case 'full':
          t.fullTotal = numberCell(c[5]!, i);
          t.fullSnapshotId = id;
          t.countedSnapshotId ??= id;
          break;
        case 'leak':
          t.leakTotal = numberCell(c[5]!, i);
          t.leakSnapshotId = id;
          break;
        case 'expvar':
          t.expvar = metricsOf(c, i);
          break;
        case 'metrics':
          t.prometheus = metricsOf(c, i);
          break;
      }
    }
  }
  return ticks;
}

/** assembleSeries with each group's counts as an Int32Array (NO_COUNT for null). Pure. */
export function assembleTypedSeries(
  sessionId: number,
  tables: readonly TickTable[],
  counts: PackedSessionCounts,
  details: readonly DetailCountRow[],
  keys: ReadonlyMap<number, string>,
): TypedSessionSeries {
  const ticks = ticksOfTables(tables);
  // Ticks are numbered 0, 1, 2…: an array maps a tick to its index faster than a Map.
  const indexOfTick: number[] = [];
  for (let i = 0; i < ticks.length; i++) indexOfTick[ticks[i]!.tick] = i;
  // The counted source per tick: compact when the tick has one that succeeded.
  const hasCompact = ticks.map((t) => t.compactTotal !== null);
  const n = ticks.length;
  // Templates copied per stack: 0 where the tick has a counted snapshot, else null.
  // (Int32Array only: one element kind keeps the hot loops below monomorphic.)
  const zeros = Int32Array.from(ticks, (t) => (t.countedSnapshotId === null ? NO_COUNT : 0));
  const byStack = new Map<number, TypedGroupSeries>();
  const seriesOf = (stackId: number): TypedGroupSeries => {
    let g = byStack.get(stackId);
    if (!g) {
      g = { stackId, key: keys.get(stackId) ?? '', counts: zeros.slice(), leaked: new Map() };
      byStack.set(stackId, g);
    }
    return g;
  };
  // The runs are read here rather than through decodeBlockRuns (no call per run): a day is 17 million
  // counts. Ticks are numbered 0…n-1 in the usual session, so a tick is its own index.
  const isDense = n === 0 || (ticks[0]!.tick === 0 && ticks[n - 1]!.tick === n - 1);
  for (const [stackId, firstTick, packed] of counts.blocks) {
    const series = seriesOf(stackId).counts;
    const r = new VarintReader(packed);
    let tick = firstTick;
    while (!r.done) {
      const length = r.read();
      const value = r.read();
      if (value > 0 && isDense) {
        // A plain loop: Array.prototype.fill is slower than this for runs of a few ticks.
        for (let t = tick, last = Math.min(tick + length, n); t < last; t++) series[t] = value - 1;
      } else if (value > 0) {
        for (let t = tick; t < tick + length; t++) {
          const i = indexOfTick[t];
          if (i !== undefined) series[i] = value - 1;
        }
      }
      tick += length;
    }
  }
  // Tick rows of the unfinished block; a sparse array by stack id is faster than the map here.
  const countsByStack: Int32Array[] = [];
  for (const [tick, packed] of counts.staged) {
    const i = indexOfTick[tick];
    if (i === undefined) continue;
    const r = new VarintReader(packed);
    while (!r.done) {
      const stackId = r.read();
      const count = r.read();
      (countsByStack[stackId] ??= seriesOf(stackId).counts)[i] = count;
    }
  }
  for (const c of details) {
    const i = indexOfTick[c[0]];
    if (i === undefined) continue;
    const g = seriesOf(c[2]);
    if (c[1] === 'leak') g.leaked.set(i, c[3]);
    else if (!hasCompact[i]) g.counts[i] = c[3];
  }
  // Ticks with a leak profile: stacks absent from it leaked none.
  for (let i = 0; i < n; i++) {
    if (ticks[i]!.leakSnapshotId === null) continue;
    for (const g of byStack.values()) if (!g.leaked.has(i)) g.leaked.set(i, 0);
  }
  return { sessionId, ticks, groups: [...byStack.values()] };
}
