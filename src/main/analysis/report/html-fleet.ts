import type { InstanceCost, Report, ReportSuspect } from '../../../shared/report.js';
import { escapeHtml as e } from './escape.js';
import { lineChart } from './svg-chart.js';
import { sizeText } from './report-text.js';

const MULTIPLE = { width: 150, height: 40 };

function costCells(c: InstanceCost): string {
  return `<td>${c.requests}${c.failedRequests > 0 ? ` (${c.failedRequests} failed)` : ''}</td><td>${sizeText(c.bytes)}</td><td>${c.fullDumps} in ${Math.round(c.fullDumpMs)} ms (largest ${sizeText(c.largestFullDumpBytes)})${
    c.cadenceNotes.length > 0 ? `<br><span class="muted">${c.cadenceNotes.map(e).join('<br>')}</span>` : ''
  }</td>`;
}

/**
 * A fleet's instances ranked, each with a small timeline of its goroutine total on one shared scale,
 * its ticks and failed ticks, and what recording it cost (requests, bytes, time in full dumps).
 */
export function fleetSectionHtml(r: Report): string {
  const f = r.fleet;
  if (!f) return '';
  const yMax = Math.max(1, ...f.instances.flatMap((i) => i.totals.map((v) => v ?? 0)));
  const rows = f.instances.map((i) => {
    const chart = lineChart({ ...MULTIPLE, atMs: i.atMs, series: [{ name: 'total', color: '#555', values: i.totals }], isDetailed: false, title: `goroutines on ${i.name}`, yMax });
    return `<tr data-instance="${e(i.name)}"><td>${i.rank}</td><td><strong>${e(i.name)}</strong><br><span class="path">${e(i.url)}</span></td><td>${chart}</td><td>${i.suspects}, ${i.growthPerMin}/min${
      i.discoveredGrowthPerMin !== null ? `<br><span class="muted">Prometheus: ${i.discoveredGrowthPerMin}/min</span>` : ''
    }</td><td>${i.ticks}${i.failedTicks > 0 ? ` <span class="bad">(${i.failedTicks} failed)</span>` : ''}</td>${costCells(i.cost)}</tr>`;
  });
  const origin = f.source === 'prometheus' ? `found through Prometheus ${e(f.prometheusUrl ?? '')}, job <code>${e(f.job ?? '')}</code>, ranked by <code>${e(f.rankingQuery ?? '')}</code>` : 'given as a list of targets';
  const skipped = f.skipped.length > 0 ? `<p>Not recorded: ${f.skipped.map((s) => `${e(s.name)} (${e(s.why)})`).join('; ')}.</p>` : '';
  return `<section id="fleet"><h2>Fleet: ${f.instances.length} instance${f.instances.length === 1 ? '' : 's'}</h2>
<p>Instances ${origin}; at most ${f.maxConcurrent} requests in flight across the fleet, one per instance, one goroutineleak request at a time.</p>
<table><thead><tr><th>rank</th><th>instance</th><th>goroutines</th><th>suspects, growth</th><th>ticks</th><th>requests</th><th>bytes</th><th>full dumps (stop the world)</th></tr></thead><tbody>
${rows.join('\n')}
<tr><td></td><td><strong>cost to the fleet</strong></td><td></td><td></td><td></td>${costCells(f.cost)}</tr>
</tbody></table>${skipped}</section>`;
}

/** One suspect's count on every instance, side by side on one scale: where it grows, where it is flat. */
export function suspectMultiplesHtml(s: ReportSuspect, r: Report): string {
  if (!r.fleet || !s.instanceSeries) return '';
  const yMax = Math.max(1, ...s.instanceSeries.flatMap((i) => i.series.map((v) => v ?? 0)));
  const growing = new Map((s.instances ?? []).map((i) => [i.name, i]));
  const figures = s.instanceSeries.map((is) => {
    const atMs = r.fleet!.instances.find((i) => i.name === is.name)?.atMs ?? [];
    const g = growing.get(is.name);
    const chart = lineChart({ ...MULTIPLE, atMs, series: [{ name: 'count', color: g ? '#c0392b' : '#888', values: is.series }], isDetailed: false, title: `suspect ${s.rank} on ${is.name}`, yMax });
    return `<figure class="multiple" data-instance="${e(is.name)}">${chart}<figcaption>${e(is.name)}: ${g ? `<span class="bad">+${g.growthPerMin}/min</span>` : '<span class="muted">flat</span>'}</figcaption></figure>`;
  });
  return `<p><strong>${e(s.growsOn ?? '')}</strong></p><div class="multiples">${figures.join('')}</div>`;
}

export const FLEET_STYLE = `.multiples{display:flex;flex-wrap:wrap;gap:8px}.multiple{margin:0;border:1px solid #eee;padding:4px}.multiple figcaption{font-size:12px}`;
