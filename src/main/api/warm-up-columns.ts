import type { SessionSeries } from '../../shared/contract.js';
import { toDisposable, type Disposable } from '../../shared/lifecycle.js';
import { ChartTicksBuilder, mergeStackStats, packChartBlock, unpackStackStats, type ChartInputs, type StackStat } from '../store/chart-blocks.js';
import { BLOCK_TICKS, encodeBlock } from '../store/count-codec.js';
import type { TickPoint } from '../store/types.js';
import { columnsFromChart } from './series-columns.js';

const STACKS = 12;
const BLOCKS = 2;

/**
 * Runs the timeline's downsampled read (`columnsFromChart` over unpacked chart summaries) once on a
 * made-up session in memory, when `serve` or the app starts, so that opening a day-long session is
 * not its first run (issue 18's first draw). Two blocks of 1 s ticks, a dozen groups with changing
 * counts, failed ticks and full dumps; no history is touched. Returns the columns (a test reads them).
 */
export function warmUpColumns(): SessionSeries | null {
  const ticks = BLOCKS * BLOCK_TICKS;
  const countAt = (stack: number, t: number): number => 10 + stack + ((t * (stack + 3)) % 7 === 0 ? 2 : 0);
  const builder = new ChartTicksBuilder();
  const stacks = new Map<number, StackStat>();
  const runs = new Map<number, [number, Uint8Array][]>();
  for (let block = 0; block < BLOCKS; block++) {
    const from = block * BLOCK_TICKS;
    const points: TickPoint[] = [];
    for (let t = from; t < from + BLOCK_TICKS; t++) {
      const isFailed = t % 1000 === 999;
      points.push({
        tick: t, atMs: t * 1000, countedSnapshotId: isFailed ? null : t + 1, compactTotal: isFailed ? null : 100,
        fullTotal: t % 600 === 0 ? 100 : null, fullSnapshotId: t % 600 === 0 ? -t - 1 : null, leakTotal: null, leakSnapshotId: null,
        expvar: { numGoroutine: 100, threads: 8, heapAllocBytes: 1, heapInuseBytes: 1, gcCycles: 1 }, prometheus: null,
        errors: isFailed ? [{ code: 'TIMEOUT', message: 'no answer', kind: 'compact', endpoint: 'goroutine?debug=1' }] : [],
      });
    }
    const blockRuns = Array.from({ length: STACKS }, (_, stack) => {
      const packed = encodeBlock(points.filter((p) => p.countedSnapshotId !== null).map((p) => [p.tick, countAt(stack, p.tick)] as const));
      runs.set(stack, [...(runs.get(stack) ?? []), [packed.firstTick, packed.counts]]);
      return [stack, packed.firstTick, packed.lastTick, packed.counts] as const;
    });
    const summary = packChartBlock(block, points, blockRuns, []);
    builder.addPacked(summary.ticks);
    mergeStackStats(stacks, unpackStackStats(summary.stacks));
  }
  const input: ChartInputs = {
    sessionId: 0,
    ticks: builder.done()!,
    stacks,
    loose: [],
    runsOf: (stackId) => runs.get(stackId) ?? [],
    headOf: (stackId) => ({ key: `warm-up-${stackId}`, blockingSite: null }),
  };
  return columnsFromChart(input, 10, Math.floor(ticks / 8));
}

/**
 * Runs `warmUpColumns` once the current start-up work is done (the next turn of the event loop). A
 * failure is a bug to report, never a reason to stop: `onError` gets it and start-up goes on.
 * Disposing before it ran cancels it.
 */
export function scheduleColumnsWarmUp(onError: (error: unknown) => void): Disposable {
  const immediate = setImmediate(() => {
    try {
      warmUpColumns();
    } catch (error) {
      onError(error);
    }
  });
  return toDisposable(() => clearImmediate(immediate));
}
