import type { DumpOverview, OverviewFrame, OverviewGroup } from '../../../shared/dump-overview.js';
import { baseName } from '../explain.js';
import { escapeHtml as e } from './escape.js';

// A report stays readable with thousands of groups: the rest are in the JSON report.
const MAX_GROUPS = 100;

/** The page's colours per frame origin and strength (inline: the report is one self-contained file). */
export const OVERVIEW_STYLE = `
.ov-states span,.ov-legend span{display:inline-block;margin:2px 8px 2px 0}.ov-legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.ov-group{border:1px solid #ddd;border-left:4px solid #ddd;border-radius:4px;padding:6px 10px;margin:8px 0}.ov-group.proof{border-left-color:#b91c1c}.ov-group.strong{border-left-color:#c2410c}.ov-group.weak{border-left-color:#a16207}
.ov-frames{list-style:none;margin:4px 0;padding:0;font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}.ov-frames li{display:flex;gap:10px}.ov-frames li span:first-child{flex:1}.ov-frames li.blocking{background:#fde2a8;font-weight:700}
.o-own{color:#1d4ed8}.o-deps{color:#7c3aed}.o-stdlib{color:#0f766e}.o-runtime{color:#888}
.badge.strength-proof{background:#b91c1c;color:#fff}.badge.strength-strong{background:#c2410c;color:#fff}.badge.strength-weak{background:#f5e3a3}
.ov-tree{list-style:none;padding:0}.ov-tree li{margin:1px 0}
`;

/** `3~41 minutes`; Go prints no wait under a minute, nor for goroutines it marked (leaked). */
function waitText(g: OverviewGroup): string {
  const w = g.waitMinutes;
  if (w === null) return g.leaked === g.count && g.count > 0 ? 'no wait printed for (leaked)' : 'under a minute';
  return w.min === w.max ? `${w.max} minute${w.max === 1 ? '' : 's'}` : `${w.min}~${w.max} minutes`;
}

function frameLine(f: OverviewFrame, isBlocking: boolean): string {
  return `<li class="o-${f.origin}${isBlocking ? ' blocking' : ''}"><span>${e(f.func)}</span><span title="${e(f.file)}:${f.line}">${e(baseName(f.file))}:${f.line}</span></li>`;
}

function groupHtml(g: OverviewGroup): string {
  const states = Object.entries(g.states).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${e(s)} ${n}`).join(' · ') || 'no states';
  const s = g.suspect;
  const badge = s ? ` <span class="badge strength-${s.strength}">${s.strength} suspect</span>` : '';
  const leaked = g.leaked > 0 ? ` <span class="badge proved">${g.leaked} leaked</span>` : '';
  const merged = g.keys.length > 1 ? ` <span class="muted">${g.keys.length} stacks merged</span>` : '';
  const created = g.createdBy ? `created by <code class="o-${g.createdBy.origin}">${e(g.createdBy.func)}</code> ${e(baseName(g.createdBy.file))}:${g.createdBy.line}` : 'no creator shown';
  const ids = g.ids.first === g.ids.last ? `id ${g.ids.first}` : `ids ${g.ids.first}…${g.ids.last}`;
  return `<div class="ov-group${s ? ` ${s.strength}` : ''}"><strong>${g.count}</strong> ${states} · <span class="muted">${waitText(g)}</span>${badge}${leaked}${merged}
${s ? `<p class="reasons">${e(s.reasons.join('; '))}</p>` : ''}<ol class="ov-frames">${g.frames.map((f, i) => frameLine(f, i === g.blockingFrameIndex)).join('')}</ol>
<p class="muted">${created} · ${ids}</p></div>`;
}

/** One dump on one page: states summed, every group with its wait range and coloured frames, the creation tree. */
export function overviewHtml(o: DumpOverview): string {
  const suspectsFirst = [...o.groups].sort((a, b) => Number(b.suspect !== null) - Number(a.suspect !== null) || (b.suspect?.score ?? 0) - (a.suspect?.score ?? 0) || b.count - a.count);
  const shown = suspectsFirst.slice(0, MAX_GROUPS);
  const merged = !o.isExact && o.exactStacks > o.groups.length ? `, merged from ${o.exactStacks} distinct stacks (same blocking site, creator and functions)` : '';
  const states = o.states.map((s) => `<span>${e(s.state)} <strong>${s.count}</strong></span>`).join('');
  const legend = [['own', 'your code'], ['deps', 'dependencies'], ['stdlib', 'standard library'], ['runtime', 'runtime']].map(([id, label]) => `<span class="o-${id}"><i style="background:currentColor"></i>${label}</span>`).join('');
  const tree = o.creationTree.map((n) => `<li style="padding-left:${n.depth * 16}px">${n.groupId === null ? `<strong>${e(n.label)}</strong>` : e(n.label)}</li>`).join('');
  const cut = o.groups.length > shown.length ? `<p class="muted">${o.groups.length - shown.length} more groups in the JSON report.</p>` : '';
  return `<section id="dump"><h2>The dump on one page</h2>
<p>${o.total} goroutines in ${o.groups.length} groups${merged}.${o.oldestWaitMinutes !== null ? ` Oldest wait ${o.oldestWaitMinutes} minutes.` : ''}</p>
<p class="ov-states">${states}</p><p class="ov-legend">${legend}</p>
${shown.map(groupHtml).join('\n')}${cut}
<h3>Creation tree</h3><ul class="ov-tree">${tree}</ul></section>`;
}
