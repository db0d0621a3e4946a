import type uPlot from 'uplot';
import { nearestTick, zoomRange, type ChartData } from './timeline-data.js';

/** Colours of what the timeline draws over the bands. */
export interface Palette {
  axis: string;
  grid: string;
  total: string;
  measured: string;
  failed: string;
  full: string;
  selected: string;
  restart: string;
}

/** The selected tick, failed ticks and full dumps, drawn over the series after each draw. */
export function drawMarkers(u: uPlot, d: ChartData, selected: number | null, p: Palette): void {
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  const px = (i: number): number => Math.round(u.valToPos(d.x[i]!, 'x', true));
  const r = 4 * devicePixelRatio;
  ctx.save();
  if (selected !== null && selected < d.x.length) {
    ctx.strokeStyle = p.selected;
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(px(selected), top);
    ctx.lineTo(px(selected), top + height);
    ctx.stroke();
  }
  // Failed ticks over the selection: a dashed red line and a red triangle on top.
  ctx.lineWidth = devicePixelRatio;
  ctx.strokeStyle = p.failed;
  ctx.fillStyle = p.failed;
  ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  for (const i of d.failedTicks) {
    const x = px(i) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x - r, top);
    ctx.lineTo(x + r, top);
    ctx.lineTo(x, top + 1.6 * r);
    ctx.fill();
  }
  // Restarts: a solid purple line with a ⟲ on top (a new process: counts and ids start over).
  ctx.setLineDash([]);
  ctx.strokeStyle = p.restart;
  ctx.fillStyle = p.restart;
  ctx.lineWidth = 2 * devicePixelRatio;
  ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const i of d.restartTicks) {
    const x = px(i);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillText('⟲', x + 8 * devicePixelRatio, top + 2 * devicePixelRatio);
  }
  ctx.lineWidth = devicePixelRatio;
  ctx.fillStyle = p.full;
  for (const i of d.fullDumpTicks) {
    const x = px(i);
    const y = top + height - r - 1;
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.fill();
  }
  ctx.restore();
}

/** Click to pick a tick (not after a drag), wheel to zoom, Shift+wheel to pan. Returns the cleanup. */
export function wireInput(u: uPlot, data: () => ChartData, pick: (tick: number) => void): () => void {
  let downX = 0;
  const onDown = (e: MouseEvent): void => {
    downX = e.clientX;
  };
  const onClick = (e: MouseEvent): void => {
    if (Math.abs(e.clientX - downX) > 3) return;
    const i = nearestTick(data().x, u.posToVal(u.cursor.left ?? 0, 'x'));
    if (i !== null) pick(i);
  };
  const onWheel = (e: WheelEvent): void => {
    const d = data();
    if (d.x.length < 2) return;
    e.preventDefault();
    const min = u.scales.x?.min ?? d.x[0]!;
    const max = u.scales.x?.max ?? d.x[d.x.length - 1]!;
    const first = d.x[0]!;
    const last = d.x[d.x.length - 1]!;
    if (e.shiftKey) {
      const shift = (max - min) * 0.15 * Math.sign(e.deltaY || e.deltaX);
      const lo = Math.min(Math.max(min + shift, first), last - (max - min));
      u.setScale('x', { min: lo, max: lo + (max - min) });
      return;
    }
    const [lo, hi] = zoomRange(min, max, u.posToVal(u.cursor.left ?? 0, 'x'), e.deltaY < 0 ? 0.75 : 1 / 0.75, first, last);
    u.setScale('x', { min: lo, max: hi });
  };
  u.over.addEventListener('mousedown', onDown);
  u.over.addEventListener('click', onClick);
  u.over.addEventListener('wheel', onWheel, { passive: false });
  return () => {
    u.over.removeEventListener('mousedown', onDown);
    u.over.removeEventListener('click', onClick);
    u.over.removeEventListener('wheel', onWheel);
  };
}

/** ←/→ and Home/End pick a tick; + and − zoom around it; 0 shows the whole session. */
export function onChartKey(e: React.KeyboardEvent, u: uPlot | null, d: ChartData, selected: number | null, pick: (tick: number) => void): void {
  const last = d.x.length - 1;
  if (last < 0) return;
  const at = selected ?? last;
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
    e.preventDefault();
    pick(Math.min(last, Math.max(0, at + (e.key === 'ArrowLeft' ? -1 : 1))));
  } else if (e.key === 'Home' || e.key === 'End') {
    e.preventDefault();
    pick(e.key === 'Home' ? 0 : last);
  } else if (u && (e.key === '+' || e.key === '=' || e.key === '-')) {
    const [lo, hi] = zoomRange(u.scales.x?.min ?? d.x[0]!, u.scales.x?.max ?? d.x[last]!, d.x[at]!, e.key === '-' ? 1 / 0.75 : 0.75, d.x[0]!, d.x[last]!);
    u.setScale('x', { min: lo, max: hi });
  } else if (u && e.key === '0') {
    u.setScale('x', { min: d.x[0]!, max: d.x[last]! });
  }
}
