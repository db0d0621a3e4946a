import { escapeHtml } from './escape.js';

export interface ChartSeries {
  name: string;
  color: string;
  /** One value per tick; null where not measured (the line breaks there). */
  values: readonly (number | null)[];
}

export interface ChartOptions {
  width: number;
  height: number;
  /** Tick times (ms), same length as every series' values. */
  atMs: readonly number[];
  series: readonly ChartSeries[];
  /** Axis labels and legend; off for sparklines. */
  isDetailed: boolean;
  title: string;
  /** The top of the value axis (default: the largest value); small multiples share one. */
  yMax?: number;
}

const MAX_POINTS = 600;

/**
 * An inline SVG line chart (no script, no external reference). Long series are cut into at most
 * 600 buckets; each keeps its largest value so spikes stay visible.
 */
export function lineChart(o: ChartOptions): string {
  const pad = o.isDetailed ? { left: 56, right: 12, top: 12, bottom: 28 } : { left: 2, right: 2, top: 2, bottom: 2 };
  const w = o.width - pad.left - pad.right;
  const h = o.height - pad.top - pad.bottom;
  const t0 = o.atMs[0] ?? 0;
  const span = Math.max(1, (o.atMs[o.atMs.length - 1] ?? 0) - t0);
  let max = Math.max(1, o.yMax ?? 1);
  for (const s of o.series) for (const v of s.values) if (v !== null && v > max) max = v;
  const x = (ms: number): number => pad.left + ((ms - t0) / span) * w;
  const y = (v: number): number => pad.top + h - (v / max) * h;
  const parts: string[] = [];
  parts.push(
    `<svg width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}" role="img" aria-label="${escapeHtml(o.title)}">`,
  );
  parts.push(`<title>${escapeHtml(o.title)}</title>`);
  if (o.isDetailed) parts.push(axes(pad, w, h, max, span, o.height));
  for (const s of o.series) {
    const d = pathOf(bucketed(o.atMs, s.values), x, y);
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${o.isDetailed ? 1.6 : 1.2}"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function axes(pad: { left: number; top: number }, w: number, h: number, max: number, spanMs: number, height: number): string {
  const out: string[] = [];
  const bottom = pad.top + h;
  out.push(`<line x1="${pad.left}" y1="${bottom}" x2="${pad.left + w}" y2="${bottom}" stroke="#999"/>`);
  out.push(`<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${bottom}" stroke="#999"/>`);
  for (const f of [0, 0.5, 1]) {
    const yy = pad.top + h - f * h;
    out.push(`<text x="${pad.left - 6}" y="${yy + 4}" font-size="11" text-anchor="end" fill="#555">${Math.round(max * f)}</text>`);
  }
  out.push(`<text x="${pad.left}" y="${height - 8}" font-size="11" fill="#555">0 s</text>`);
  out.push(`<text x="${pad.left + w}" y="${height - 8}" font-size="11" text-anchor="end" fill="#555">+${formatSpan(spanMs)}</text>`);
  return out.join('');
}

function formatSpan(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** [atMs, value|null] pairs, at most MAX_POINTS, each bucket's largest value (null if none). */
function bucketed(atMs: readonly number[], values: readonly (number | null)[]): [number, number | null][] {
  const n = values.length;
  if (n <= MAX_POINTS) return values.map((v, i) => [atMs[i]!, v]);
  const out: [number, number | null][] = [];
  for (let b = 0; b < MAX_POINTS; b++) {
    const start = Math.floor((b * n) / MAX_POINTS);
    const end = Math.floor(((b + 1) * n) / MAX_POINTS);
    let best: number | null = null;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (v !== null && (best === null || v > best)) best = v;
    }
    out.push([atMs[start]!, best]);
  }
  return out;
}

function pathOf(points: [number, number | null][], x: (ms: number) => number, y: (v: number) => number): string {
  let d = '';
  let isOpen = false;
  for (const [ms, v] of points) {
    if (v === null) {
      isOpen = false;
      continue;
    }
    d += `${isOpen ? 'L' : 'M'}${x(ms).toFixed(1)} ${y(v).toFixed(1)}`;
    isOpen = true;
  }
  return d;
}
