import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SessionSeries } from '../../../shared/contract.js';
import { formatClock, formatCount } from '../../ui/format.js';
import { titleOf } from '../../ui/error-hints.js';
import { stackedBandPaths } from './band-path.js';
import { bandId, NO_ANALYSIS, toChartData, type Band, type ChartData, type TimelineAnalysis } from './timeline-data.js';
import { assignColors, REST_COLOR } from './band-colors.js';
import { drawMarkers, onChartKey, wireInput, type Palette } from './chart-interaction.js';

export interface TimelineViewProps {
  series: SessionSeries;
  selectedTick: number | null;
  onSelectTick: (tick: number) => void;
  isDark: boolean;
  /** Suspect scores (suspects get the strong colours) and restart ticks; memoise it, it is a dependency. */
  analysis?: TimelineAnalysis;
}

// User-timing marks (read by the UI bench): reshape, draw, and the whole update from data to drawn.
const UPDATE_MARK = 'timeline:update:start';
const DRAW_MARK = 'timeline:draw:start';
/** Until the pane is measured; then the chart fills the timeline pane above the legend. */
const DEFAULT_HEIGHT = 180;
const MIN_HEIGHT = 80;
/** x-axis steps, whole seconds and up: labels are HH:MM:SS, so finer steps would repeat them. */
const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];

function paletteOf(isDark: boolean): Palette {
  return isDark
    ? { axis: '#9aa4b2', grid: '#2a313c', total: '#f3f4f6', measured: '#facc15', failed: '#f87171', full: '#60a5fa', selected: '#f59e0b', restart: '#c084fc' }
    : { axis: '#4b5563', grid: '#e5e7eb', total: '#111827', measured: '#a16207', failed: '#dc2626', full: '#2563eb', selected: '#d97706', restart: '#7c3aed' };
}

/** uPlot columns: x, bands top-down (each filled over the ones below), then the measured lines. */
function columnsOf(d: ChartData): uPlot.AlignedData {
  const cols: (number | null)[][] = [d.x];
  for (let i = d.bands.length - 1; i >= 0; i--) cols.push(d.bands[i]!.stacked);
  cols.push(d.total, d.numGoroutine, d.goGoroutines);
  return cols as uPlot.AlignedData;
}

/**
 * Series are generic slots (band 1…n, then the measured lines) whose colours are looked up at draw
 * time, so new data with the groups in another order is a setData, not a rebuilt chart.
 */
function optionsOf(
  d: ChartData,
  size: { width: number; height: number },
  p: Palette,
  bandAt: (seriesIdx: number) => Band | undefined,
  colorOf: (band: Band) => string,
  draw: (u: uPlot) => void,
  onCursor: (u: uPlot) => void,
): uPlot.Options {
  const color = (_u: uPlot, si: number): string => {
    const band = bandAt(si);
    return band ? colorOf(band) : REST_COLOR;
  };
  // Series 1…n are the bands top-down: each is filled down to the next one, the last to zero.
  const below = (si: number): number | null => (si < d.bands.length ? si + 1 : null);
  const paths = stackedBandPaths(below);
  const bandSeries: uPlot.Series[] = d.bands.map((_b, i) => ({
    label: `band ${i + 1}`,
    fill: color,
    width: 0,
    paths,
    points: { show: false },
  }));
  return {
    ...size,
    legend: { show: false },
    scales: {
      // One tick: uPlot would span 1,000 days around it; a minute either side reads as "one moment".
      x: { time: true, range: (u, min, max) => (u.data[0].length === 1 ? [u.data[0][0]! - 60, u.data[0][0]! + 60] : [min, max]) },
      y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.08)] },
    },
    cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
    axes: [
      // Wall-clock HH:MM:SS: uPlot's own labels go sub-second (":31.250") on short recordings.
      { stroke: p.axis, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, space: 90, incrs: TIME_STEPS_S, values: (_u, splits) => splits.map((s) => formatClock(s * 1000)) },
      { stroke: p.axis, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, size: 56 },
    ],
    series: [
      {},
      ...bandSeries,
      { label: 'total', stroke: p.total, width: 2, points: { show: false } },
      { label: 'NumGoroutine', stroke: p.measured, width: 1.5, dash: [6, 4], points: { show: false }, show: d.hasNumGoroutine },
      { label: 'go_goroutines', stroke: p.measured, width: 1.5, dash: [2, 3], points: { show: false }, show: d.hasGoGoroutines },
    ],
    hooks: { drawClear: [() => performance.mark(DRAW_MARK)], draw: [draw], setCursor: [onCursor] },
  };
}

/**
 * The live chart of a session: the top groups stacked, the rest folded, the measured totals as lines,
 * failed ticks (red) and full dumps (blue diamonds) marked. Drag to zoom, wheel to zoom, Shift+wheel
 * to pan, double-click to reset; click (or ←/→) picks a tick.
 */
export function TimelineView({ series, selectedTick, onSelectTick, isDark, analysis = NO_ANALYSIS }: TimelineViewProps): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const state = useRef({ data: null as ChartData | null, selectedTick, onSelectTick, colors: new Map<string, string>() });
  state.current.selectedTick = selectedTick;
  state.current.onSelectTick = onSelectTick;
  const [hover, setHover] = useState<number | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());

  // Colours are assigned once per group and kept (band-colors.ts): computed with the data, read at draw time.
  const colors = useMemo(
    () => (state.current.colors = assignColors(state.current.colors, series.groups.map((g) => ({ key: g.key, suspectScore: analysis.suspectScores.get(g.key) ?? null })))),
    [series.groups, analysis.suspectScores],
  );
  const colorOf = (band: Band): string => (band.key === null ? REST_COLOR : (state.current.colors.get(band.key) ?? REST_COLOR));

  const data = useMemo(() => {
    performance.mark(UPDATE_MARK);
    const d = toChartData(series, hidden, analysis);
    performance.measure('timeline:reshape', UPDATE_MARK);
    return d;
  }, [series, hidden, analysis]);
  const palette = paletteOf(isDark);

  // Build (or rebuild when the bands or theme change) the chart.
  useLayoutEffect(() => {
    const el = host.current!;
    const draw = (u: uPlot): void => {
      drawMarkers(u, state.current.data!, state.current.selectedTick, palette);
      performance.measure('timeline:draw', DRAW_MARK);
      if (performance.getEntriesByName(UPDATE_MARK).length > 0) {
        performance.measure('timeline:update', UPDATE_MARK);
        performance.clearMarks(UPDATE_MARK);
      }
    };
    let frame = 0;
    const onCursor = (u: uPlot): void => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setHover(u.cursor.idx ?? null));
    };
    state.current.data = data;
    // uPlot series 1…n are the bands from the top one down (see columnsOf).
    const bandAt = (si: number): Band | undefined => {
      const bands = state.current.data!.bands;
      return bands[bands.length - si];
    };
    const sizeOf = (): { width: number; height: number } => ({ width: el.clientWidth || 600, height: Math.max(MIN_HEIGHT, el.clientHeight || DEFAULT_HEIGHT) });
    const u = new uPlot(optionsOf(data, sizeOf(), palette, bandAt, colorOf, draw, onCursor), columnsOf(data), el);
    chart.current = u;
    const disposeInput = wireInput(u, () => state.current.data!, (i) => state.current.onSelectTick(i));
    const resize = new ResizeObserver(() => u.setSize(sizeOf()));
    resize.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      disposeInput();
      u.destroy();
      chart.current = null;
    };
    // Only the shape and theme rebuild the chart; new data goes through setData below.
  }, [data.shape, isDark]);

  // New ticks: keep the zoom unless the view shows the latest tick (then follow the live end). A
  // layout effect, so the chart is drawn in the same frame as the legend it goes with.
  useLayoutEffect(() => {
    const u = chart.current;
    const previous = state.current.data;
    state.current.data = data;
    if (!u || previous === data) return;
    const lastX = previous?.x[previous.x.length - 1];
    const isFollowing = lastX === undefined || (u.scales.x?.max ?? Infinity) >= lastX;
    u.setData(columnsOf(data), isFollowing);
  }, [data]);

  useEffect(() => chart.current?.redraw(false), [selectedTick, colors]);

  // Click: show this band alone (again: show all). Shift/Ctrl/⌘-click: hide or show just this one.
  const onLegendClick = (band: Band, e: React.MouseEvent): void => {
    const id = bandId(band);
    if (e.shiftKey || e.ctrlKey || e.metaKey) {
      setHidden((h) => {
        const next = new Set(h);
        if (!next.delete(id)) next.add(id);
        return next;
      });
      return;
    }
    const isAlone = !band.isHidden && data.bands.every((b) => b === band || b.isHidden);
    setHidden(isAlone ? new Set() : new Set(data.bands.filter((b) => b !== band).map(bandId)));
  };

  const shownTick = hover ?? selectedTick ?? data.x.length - 1;
  const tick = series.ticks[shownTick];
  const hiddenCount = data.bands.filter((b) => b.isHidden).length;
  const restartsShown = data.restartTicks.filter((t) => t <= shownTick).length;
  return (
    <div className="timeline">
      <div
        className="timeline-chart"
        ref={host}
        tabIndex={0}
        role="img"
        aria-label={`Goroutines over time, ${series.ticks.length} ticks. Left and right arrows pick a tick.`}
        data-testid="timeline-chart"
        onKeyDown={(e) => onChartKey(e, chart.current, data, selectedTick, onSelectTick)}
      />
      <div className="timeline-legend" data-testid="timeline-legend">
        <div className="legend-figures">
          {tick ? (
            <>
              <span className="legend-time">
                tick {tick.tick} · {formatClock(tick.atMs)}
              </span>
              <span className="legend-item legend-total">total {formatCount(tick.compactTotal ?? tick.fullTotal)}</span>
              {tick.numGoroutine !== null && <span className="legend-item">NumGoroutine {formatCount(tick.numGoroutine)}</span>}
              {tick.goGoroutines !== null && <span className="legend-item">go_goroutines {formatCount(tick.goGoroutines)}</span>}
              {data.restartTicks.length > 0 && (
                <span className="legend-item legend-restart" title={`The service restarted at tick${data.restartTicks.length === 1 ? '' : 's'} ${data.restartTicks.map((t) => series.ticks[t]?.tick).join(', ')} (its GC count or goroutine ids started over)`} data-testid="legend-restarts">
                  ⟲ {data.restartTicks.length} restart{data.restartTicks.length === 1 ? '' : 's'}
                  {restartsShown < data.restartTicks.length ? ` (${restartsShown} before this tick)` : ''}
                </span>
              )}
              {tick.errors.length > 0 && (
                <span className="legend-item legend-failed" title={tick.errors.map((e) => `${e.endpoint}: ${e.message}`).join('\n')}>
                  ✕ {tick.errors.length} failed request{tick.errors.length === 1 ? '' : 's'}: {titleOf(tick.errors[0]!.code)}
                </span>
              )}
              {hiddenCount > 0 && (
                <button type="button" className="link legend-show-all" onClick={() => setHidden(new Set())} data-testid="legend-show-all">
                  show all {data.bands.length}
                </button>
              )}
            </>
          ) : (
            <span className="muted">No ticks yet.</span>
          )}
        </div>
        <ul className="legend-bands" aria-label="Groups on the chart: click to show one alone, Shift+click to hide one">
          {data.bands.map((b) => {
            const full = b.key === null ? b.label : `${b.label}${b.suspectScore !== null ? ` · suspect score ${Math.round(b.suspectScore)}` : ''}`;
            return (
              <li key={bandId(b)}>
                <button
                  type="button"
                  className={`legend-band${b.isHidden ? ' hidden-band' : ''}`}
                  aria-pressed={!b.isHidden}
                  title={`${full}\nClick: show it alone (again: show all). Shift+click: hide or show it.`}
                  onClick={(e) => onLegendClick(b, e)}
                  data-testid="legend-band"
                >
                  <i className="swatch" style={{ background: colorOf(b) }} />
                  <span className="legend-label">{b.label}</span> <span className="legend-count">{formatCount(b.values[shownTick] ?? null)}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
