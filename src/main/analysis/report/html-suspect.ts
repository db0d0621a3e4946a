import { formatLabelSet } from '../../../shared/labels.js';
import type { Frame } from '../../../shared/model.js';
import type { Evidence, Report, ReportSuspect } from '../../../shared/report.js';
import { baseName } from '../explain.js';
import { escapeHtml as e } from './escape.js';
import { lineChart } from './svg-chart.js';
import { suspectExcerptsHtml, type ReportSources } from './source-excerpt.js';
import { suspectMultiplesHtml } from './html-fleet.js';

/** `main.worker main.go:84` with the full path in a tooltip. */
export function frameHtml(f: Frame | null): string {
  if (!f) return '<span class="muted">unknown</span>';
  return `<code>${e(f.func)}</code> <span class="site" title="${e(f.file)}:${f.line}">${e(baseName(f.file))}:${f.line}</span>`;
}

/** One suspect: explanation, evidence table, score, sparkline, stack with the blocking site marked. */
export function suspectHtml(s: ReportSuspect, report: Report, sources?: ReportSources): string {
  const proved = s.isRuntimeProved ? ' <span class="badge proved" title="in the runtime\'s goroutineleak evidence">runtime-proved</span>' : '';
  const trendOnly = report.runtimeLeakProfile.recorded && !s.isRuntimeProved ? ` <span class="badge trend">${s.basis === 'snapshot' ? 'one snapshot’s evidence only' : 'trend evidence only'}</span>` : '';
  const strength = ` <span class="badge strength-${s.strength}">${s.strength} evidence${s.basis === 'snapshot' ? ', one snapshot' : ''}</span>`;
  const growth = s.basis === 'snapshot' ? 'one snapshot: no growth to measure' : s.ratePerMin !== null ? `<strong>${s.ratePerMin}</strong>/min` : `<strong>+${s.rise}</strong> (no rate: the files carry no time)`;
  const states = s.states ? Object.entries(s.states).map(([k, n]) => `${e(k)} × ${n}`).join(', ') : 'unknown (no debug=2 dump)';
  // A fleet's report has no ticks of its own: its timelines are the small multiples per instance.
  const spark = report.fleet ? '' : lineChart({
    width: 240,
    height: 48,
    atMs: report.ticks.map((t) => t.atMs),
    series: [{ name: 'count', color: '#c0392b', values: s.series }],
    isDetailed: false,
    title: `count of suspect ${s.rank} over time`,
  });
  return `<article class="suspect" id="suspect-${s.rank}">
<h3>#${s.rank} ${frameHtml(s.blockingSite)}${strength}${proved}${trendOnly}</h3>
<div class="row"><div class="facts">
<p><strong>${s.count}</strong> goroutines (baseline ${s.baseline}, peak ${s.peak}), ${growth}, score <strong>${s.score100}</strong>/100</p>
<p>State: ${states}. Created by: ${frameHtml(s.createdBy)}</p>
</div><div class="spark">${spark}</div></div>
${suspectMultiplesHtml(s, report)}
<div class="explanation"><p><strong>${e(s.explanation.title)}.</strong> ${e(s.explanation.text)}</p>
${s.explanation.support.length > 0 ? `<ul>${s.explanation.support.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : ''}</div>
<table class="evidence"><thead><tr><th>evidence</th><th>value</th><th>what it shows</th></tr></thead><tbody>
${s.evidence.map((ev) => `<tr><td>${e(ev.kind)}</td><td>${e(displayValue(ev))}</td><td>${e(ev.text)}</td></tr>`).join('\n')}
</tbody></table>
${suspectExcerptsHtml(s, sources)}
<p class="reasons">Score ${s.score100}/100 because: ${s.reasons.map(e).join('; ')}.</p>
${labelsHtml(s)}
<details open><summary>Stack (${s.frames.length} frame${s.frames.length === 1 ? '' : 's'}, innermost first; blocking site marked)</summary>
<ol class="stack">${s.frames.map((f, i) => stackLine(f, i === s.blockingFrameIndex)).join('')}</ol>
${s.createdBy ? `<p class="created">created by ${frameHtml(s.createdBy)}</p>` : ''}
</details>
</article>`;
}

/** Evidence values for people: shares as percentages, the baseline flag in words. */
function displayValue(ev: Evidence): string {
  if (ev.value === null) return '—';
  if (ev.kind === 'baseline') return ev.value ? 'back at baseline' : 'never back';
  if ((ev.kind === 'ids' || ev.kind === 'counts' || ev.kind === 'labels') && typeof ev.value === 'number') return `${Math.round(ev.value * 100)} %`;
  if (ev.kind === 'growth') return `${ev.value}/min`;
  if (ev.kind === 'wait') return `${ev.value} min`;
  return String(ev.value);
}

function stackLine(f: Frame, isBlocking: boolean): string {
  const text = `<code>${e(f.func)}</code><br><span class="path">${e(f.file)}:${f.line}</span>`;
  return isBlocking ? `<li class="blocking"><mark>${text}</mark> <span class="badge">blocking site</span></li>` : `<li>${text}</li>`;
}

const LABEL_SETS_SHOWN = 20;

function labelsHtml(s: ReportSuspect): string {
  if (s.labels.length === 0) return '';
  const items = s.labels.slice(0, LABEL_SETS_SHOWN).map((l) => `<li>${e(formatLabelSet(l.labels))} × ${l.count}</li>`);
  const more = s.labels.length > LABEL_SETS_SHOWN ? `<li>… and ${s.labels.length - LABEL_SETS_SHOWN} more label sets</li>` : '';
  const origin = s.labelOrigin ? `<p class="label-origin">By label: ${e(s.labelOrigin.text)}</p>` : '';
  return `${origin}<p>pprof labels:</p><ul class="labels">${items.join('')}${more}</ul>`;
}
