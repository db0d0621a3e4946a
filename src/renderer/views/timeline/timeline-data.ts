import type { SessionSeries } from '../../../shared/contract.js';
import type { Frame } from '../../../shared/model.js';

/** One stacked band of the chart: a group, or every other group folded. */
export interface Band {
  label: string;
  key: string | null;
  /** Suspect score 0–100 of the group, or null (no evidence, or the folded rest). */
  suspectScore: number | null;
  /** Hidden by the legend: drawn with no height, still listed with its counts. */
  isHidden: boolean;
  /** Goroutines per tick as measured (the legend shows these). */
  values: (number | null)[];
  /** Running sum from the bottom band up to this one (the chart draws these). */
  stacked: (number | null)[];
}

export interface ChartData {
  /** Seconds since the epoch (uPlot's x unit). */
  x: number[];
  /** Bottom (largest group) first; the folded rest on top when there is one. */
  bands: Band[];
  /** The counting profile's total per tick (compact, else full). */
  total: (number | null)[];
  numGoroutine: (number | null)[];
  goGoroutines: (number | null)[];
  /** Tick indexes with at least one failed request. */
  failedTicks: number[];
  /** Tick indexes with a full (debug=2) dump: the ticks the dump view can show. */
  fullDumpTicks: number[];
  /** Tick indexes where the service restarted. */
  restartTicks: number[];
  hasNumGoroutine: boolean;
  hasGoGoroutines: boolean;
  /** Changes when the chart's series slots change (how many bands, which lines): rebuild, not setData. */
  shape: string;
}

function bandLabel(site: Frame | null, key: string): string {
  if (site === null) return `(no frames) ${key.slice(0, 8)}`;
  const func = site.func.slice(site.func.lastIndexOf('/') + 1);
  return `${func} :${site.line}`;
}

/** What leak analysis adds to the chart (from `session.groups`): suspect scores by group key, restarts. */
export interface TimelineAnalysis {
  suspectScores: ReadonlyMap<string, number>;
  restartTicks: readonly number[];
}

export const NO_ANALYSIS: TimelineAnalysis = { suspectScores: new Map(), restartTicks: [] };

/** The legend's id of a band: its group key, or REST_ID for the folded rest. */
export const REST_ID = '(rest)';
export const bandId = (band: Pick<Band, 'key'>): string => band.key ?? REST_ID;

/**
 * Series from the contract → what the timeline draws: bands stacked from the largest group up, the
 * rest folded on top, and the measured totals as their own lines (never derived from the bands).
 * Bands in `hidden` (by bandId) keep their place but add nothing to the stack, so hiding one is new
 * data for the same chart, not a new chart.
 */
export function toChartData(series: SessionSeries, hidden: ReadonlySet<string> = new Set(), analysis: TimelineAnalysis = NO_ANALYSIS): ChartData {
  const n = series.ticks.length;
  const x = series.ticks.map((t) => t.atMs / 1000);
  const running = new Array<number | null>(n).fill(0);
  const bands: Band[] = [];
  const addBand = (label: string, key: string | null, suspectScore: number | null, values: (number | null)[]): void => {
    const isHidden = hidden.has(key ?? REST_ID);
    const stacked = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? null;
      const below = running[i] ?? null;
      stacked[i] = v === null || below === null ? null : isHidden ? below : below + v;
      running[i] = stacked[i] ?? null;
    }
    bands.push({ label, key, suspectScore, isHidden, values, stacked });
  };
  for (const g of series.groups) addBand(bandLabel(g.blockingSite, g.key), g.key, analysis.suspectScores.get(g.key) ?? null, g.counts);
  if (series.restGroups > 0) addBand(`${series.restGroups} other group${series.restGroups === 1 ? '' : 's'}`, null, null, series.rest);
  const failedTicks: number[] = [];
  const fullDumpTicks: number[] = [];
  series.ticks.forEach((t, i) => {
    if (t.errors.length > 0) failedTicks.push(i);
    if (t.fullSnapshotId !== null) fullDumpTicks.push(i);
  });
  const numGoroutine = series.ticks.map((t) => t.numGoroutine);
  const goGoroutines = series.ticks.map((t) => t.goGoroutines);
  const hasNumGoroutine = numGoroutine.some((v) => v !== null);
  const hasGoGoroutines = goGoroutines.some((v) => v !== null);
  return {
    x,
    bands,
    total: series.ticks.map((t) => t.compactTotal ?? t.fullTotal),
    numGoroutine,
    goGoroutines,
    failedTicks,
    fullDumpTicks,
    restartTicks: analysis.restartTicks.filter((t) => t < n),
    hasNumGoroutine,
    hasGoGoroutines,
    shape: `${bands.length} bands${series.restGroups > 0 ? ' + rest' : ''}${hasNumGoroutine ? ' + NumGoroutine' : ''}${hasGoGoroutines ? ' + go_goroutines' : ''}`,
  };
}

/** The tick nearest to a time (seconds), or null without ticks. `x` is ascending. */
export function nearestTick(x: readonly number[], seconds: number): number | null {
  if (x.length === 0) return null;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= seconds) lo = mid;
    else hi = mid;
  }
  return Math.abs(x[lo]! - seconds) <= Math.abs(x[hi]! - seconds) ? lo : hi;
}

/** The x range after zooming `[min, max]` by `factor` (< 1 zooms in) around `at`, kept inside the data. */
export function zoomRange(min: number, max: number, at: number, factor: number, dataMin: number, dataMax: number): [number, number] {
  const width = Math.max((max - min) * factor, 1e-3);
  const leftShare = max > min ? (at - min) / (max - min) : 0.5;
  let lo = at - width * leftShare;
  let hi = lo + width;
  if (width >= dataMax - dataMin) return [dataMin, dataMax];
  if (lo < dataMin) [lo, hi] = [dataMin, dataMin + width];
  if (hi > dataMax) [lo, hi] = [dataMax - width, dataMax];
  return [lo, hi];
}
