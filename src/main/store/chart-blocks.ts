import type { TimelineTick } from '../../shared/contract.js';
import type { Frame } from '../../shared/model.js';
import { BLOCK_TICKS, decodeBlockRuns } from './count-codec.js';
import { toTimelineTick } from './series.js';
import { packTable, tableLength, unpackColumns, unpackColumnsInto, type PackedColumn, type Value } from './tick-rows-codec.js';
import type { TickPoint } from './types.js';

/**
 * What the timeline draws of a finished block, stored when the block is packed (`chart_blocks`,
 * migration 6, issue 18), so that a day's first draw reads 24 small rows instead of its 172,800
 * snapshot rows and 5.5 million runs:
 *
 * - per tick, the few numbers a chart tick shows (`CHART_TICK_FIELDS`) and the sum of every stack's
 *   positive count (`countSum`): the groups folded into "rest" are that sum less the kept groups'
 *   counts, so only the ~10 kept stacks' runs are ever decoded;
 * - per stack with counts in the block, what ranks the groups (`StackStat`: its peak, and its count
 *   at its last tick in the block).
 *
 * Both are derived from the block's stored rows and runs (`count-blocks.ts` writes them after the
 * runs, so a block merged after a restart is summarised whole). Pure.
 */

/** The per-tick columns of a chart block, in order. */
const CHART_TICK_FIELDS = [
  'tick', 'atMs', 'countedSnapshotId', 'fullSnapshotId', 'compactTotal', 'fullTotal', 'leakTotal', 'numGoroutine', 'goGoroutines', 'countSum', 'errors',
] as const;
const ERRORS = CHART_TICK_FIELDS.indexOf('errors');
const STACK_STAT_COLUMNS = 4;

/** The totals a chart column shows as a low and a high. */
export const CHART_TOTALS = ['compactTotal', 'fullTotal', 'leakTotal', 'numGoroutine', 'goGoroutines'] as const;

/** A stack's counts in one block, as ranking needs them. */
export interface StackStat {
  stackId: number;
  /** The highest count (0 when none was positive). */
  peak: number;
  /** The last tick the stack was counted at (present, count ≥ 0; -1: only in full dumps or leak profiles), and that count. */
  lastTick: number;
  lastCount: number;
}

/**
 * A session's ticks 0…length-1 for the chart, one Float64Array per number (NaN: null; comparisons
 * with NaN are false, so a min/max loop skips it untested).
 */
export type ChartTicks = { length: number; errors: Map<number, TimelineTick['errors']> } & { [F in NumberField]: Float64Array };

/** One tick's chart row from its TickPoint and its count sum (null: not counted). */
function chartRow(point: TickPoint, countSum: number | null): Value[] {
  const t = toTimelineTick(point);
  return [
    t.tick, t.atMs, t.countedSnapshotId, t.fullSnapshotId, t.compactTotal, t.fullTotal, t.leakTotal, t.numGoroutine, t.goGoroutines,
    countSum,
    t.errors.length === 0 ? null : JSON.stringify(t.errors),
  ];
}

/** A block's stored runs (`count_blocks` rows): stack id, first and last tick, runs. */
export type BlockRuns = readonly (readonly [stackId: number, firstTick: number, lastTick: number, counts: Uint8Array])[];

/**
 * The chart summary of block `block`: its ticks (TickPoints from its rows), its stacks' runs, and the
 * stacks of its full dumps and leak profiles. Returns the two BLOBs of a `chart_blocks` row. Throws
 * RangeError for damaged runs.
 */
export function packChartBlock(block: number, ticks: readonly TickPoint[], runs: BlockRuns, detailStacks: readonly number[]): { ticks: Uint8Array; stacks: Uint8Array } {
  const base = block * BLOCK_TICKS;
  const sums = new Float64Array(BLOCK_TICKS);
  const stats: number[][] = [];
  for (const [stackId, firstTick, lastTick, counts] of runs) {
    let peak = 0;
    let lastCount = 0;
    decodeBlockRuns(counts, firstTick, (from, to, count) => {
      lastCount = count;
      if (count === 0) return;
      if (count > peak) peak = count;
      for (let t = from; t <= to; t++) sums[t - base] = sums[t - base]! + count;
    });
    stats.push([stackId, peak, lastTick, lastCount]);
  }
  // A stack seen only in the block's full dumps or leak profiles is a group too (0 where compact counted).
  const counted = new Set(runs.map((r) => r[0]));
  for (const stackId of detailStacks) {
    if (counted.has(stackId)) continue;
    const u = uncountedStack(stackId);
    stats.push([u.stackId, u.peak, u.lastTick, u.lastCount]);
  }
  return {
    ticks: packTable(ticks.map((t) => chartRow(t, t.countedSnapshotId === null ? null : sums[t.tick - base]!)), CHART_TICK_FIELDS.length),
    stacks: packTable(stats, STACK_STAT_COLUMNS),
  };
}

/** A stack seen only in full dumps or leak profiles: a group whose counts are all 0. */
export const uncountedStack = (stackId: number): StackStat => ({ stackId, peak: 0, lastTick: -1, lastCount: 0 });

/** The stacks of a `chart_blocks` row. Throws RangeError for a damaged BLOB. */
export function unpackStackStats(bytes: Uint8Array): StackStat[] {
  const { length, columns } = unpackColumns(bytes, STACK_STAT_COLUMNS);
  const [stackId, peak, lastTick, lastCount] = columns as Float64Array[];
  const out: StackStat[] = [];
  for (let i = 0; i < length; i++) out.push({ stackId: stackId![i]!, peak: peak![i]!, lastTick: lastTick![i]!, lastCount: lastCount![i]! });
  return out;
}

/**
 * Gathers a session's chart ticks, in tick order: packed blocks (`addPacked`), then ticks not packed
 * yet (`addTicks`); `done` returns them, or null unless the ticks are exactly 0…n-1 (the chart's
 * columns index ticks by number; the caller then assembles the series instead). Blocks are decoded
 * straight into the session's arrays: a day's first draw allocated its columns twice before, and
 * the collector's work on those 14 MB was a fifth of the read.
 */
export class ChartTicksBuilder {
  private readonly parts: ({ rows: number; packed: Uint8Array } | { rows: number; columns: PackedColumn[] })[] = [];

  addPacked(bytes: Uint8Array): void {
    this.parts.push({ rows: tableLength(bytes), packed: bytes });
  }

  /** Ticks read row by row (the unfinished block); their count sums come from the staged counts. */
  addTicks(ticks: readonly TickPoint[]): void {
    const rows = ticks.map((t) => chartRow(t, t.countedSnapshotId === null ? null : 0));
    const columns = CHART_TICK_FIELDS.map((_, c): PackedColumn =>
      c === ERRORS ? rows.map((r) => r[c]!) : Float64Array.from(rows, (r) => (r[c] === null ? NaN : (r[c] as number))),
    );
    this.parts.push({ rows: rows.length, columns });
  }

  /** Throws RangeError for a damaged summary. */
  done(): ChartTicks | null {
    const length = this.parts.reduce((n, p) => n + p.rows, 0);
    const out = { length, errors: new Map() } as ChartTicks;
    for (const f of NUMBER_FIELDS) out[f] = new Float64Array(length);
    // The tick column (checked, not kept) and an errors column of nulls land here.
    const longest = Math.max(0, ...this.parts.map((p) => p.rows));
    const tickScratch = new Float64Array(longest);
    const errorScratch = new Float64Array(longest);
    let next = 0;
    for (const part of this.parts) {
      if (part.rows === 0) continue;
      const at = next;
      const columns =
        'packed' in part
          ? unpackColumnsInto(part.packed, CHART_TICK_FIELDS.length, (c) => (c === 0 ? tickScratch : c === ERRORS ? errorScratch : out[NUMBER_FIELDS[c - 1]!].subarray(at)))
          : part.columns;
      // Dense: the part's ticks follow the previous part's.
      const tick = numbers(columns[0]!);
      if (tick[0] !== at || tick[part.rows - 1] !== at + part.rows - 1) return null;
      NUMBER_FIELDS.forEach((f, i) => {
        const column = columns[i + 1]!;
        // Decoded in place unless it came as values (or from rows): then copied.
        if (!(column instanceof Float64Array && column.buffer === out[f].buffer)) out[f].set(numbers(column), at);
      });
      // A block without errors packs the column as INTEGERS (all null): only strings are errors.
      const errors = columns[ERRORS]!;
      for (let i = 0; i < part.rows; i++) {
        const e = errors[i];
        if (typeof e === 'string') out.errors.set(at + i, JSON.parse(e) as TimelineTick['errors']);
      }
      next += part.rows;
    }
    return out;
  }
}

type NumberField = Exclude<(typeof CHART_TICK_FIELDS)[number], 'tick' | 'errors'>;
const NUMBER_FIELDS = CHART_TICK_FIELDS.slice(1, ERRORS) as NumberField[];

/** A column as numbers: a numeric column the codec kept as values (not safe integers) is converted. */
function numbers(column: PackedColumn): Float64Array {
  return column instanceof Float64Array ? column : Float64Array.from(column, (v) => (typeof v === 'number' ? v : NaN));
}

/** Stats of one stack over blocks, merged into `into`: the highest peak, the latest last tick. */
export function mergeStackStats(into: Map<number, StackStat>, stats: readonly StackStat[]): void {
  for (const s of stats) {
    const had = into.get(s.stackId);
    if (!had) into.set(s.stackId, { ...s });
    else {
      if (s.peak > had.peak) had.peak = s.peak;
      if (s.lastTick > had.lastTick) {
        had.lastTick = s.lastTick;
        had.lastCount = s.lastCount;
      }
    }
  }
}

/** HistoryStore.sessionChartInputs: what the timeline's columns read (api/series-columns.ts `columnsFromChart`). */
export interface ChartInputs {
  sessionId: number;
  ticks: ChartTicks;
  /** Every group of the session (stacks with counts, in a full dump or a leak profile), merged over its blocks. */
  stacks: Map<number, StackStat>;
  /**
   * Counts outside the packed blocks, as `stackId, count` pairs per tick (count-codec.ts): the staged
   * ticks of the unfinished block, and ticks counted by their full dump (the compact request failed).
   */
  loose: [tick: number, counts: Uint8Array][];
  /** A stack's packed runs, in tick order (read for the kept groups only). */
  runsOf: (stackId: number) => [firstTick: number, counts: Uint8Array][];
  /** A stack's key and blocking site. */
  headOf: (stackId: number) => { key: string; blockingSite: Frame | null };
}
