import type { Frame } from '../../../shared/model.js';
import type { Report, ReportSuspect } from '../../../shared/report.js';
import type { DumpOverview } from '../../../shared/dump-overview.js';
import { baseName } from '../explain.js';
import { mdCode, mdText } from './escape.js';
import { classesLine, redactionNote, snapshotGroupsLine, sourceLine, windowLine } from './report-text.js';
import { suspectExcerptsMarkdown, type ReportSources } from './source-excerpt.js';

/** GitHub refuses issue bodies over 65,536 characters; stay well under it. */
export const MARKDOWN_BUDGET = 60_000;
const MAX_DETAILED = 20;
const MAX_FRAMES = 30;

/**
 * The report as Markdown for a GitHub issue: a verdict, a table of suspects, then each suspect's
 * explanation, evidence and stack (in a <details> block). Long reports drop the detail of the
 * lowest-ranked suspects to stay under MARKDOWN_BUDGET, and say so. With `sources`, each suspect shows a
 * few lines of code around its blocking and creation sites.
 */
export function renderMarkdown(report: Report, sources?: ReportSources): string {
  const head = headOf(report);
  const tail = tailOf(report);
  const details: string[] = [];
  let used = head.length + tail.length + 200;
  let shown = 0;
  for (const s of report.suspects.slice(0, MAX_DETAILED)) {
    const block = suspectBlock(s, sources);
    if (used + block.length > MARKDOWN_BUDGET) break;
    details.push(block);
    used += block.length;
    shown++;
  }
  const cut = report.suspects.length > shown ? `\n_${report.suspects.length - shown} more suspect(s) are in the table above; the HTML and JSON reports have their details._\n` : '';
  return `${head}${details.join('\n')}${cut}${tail}`;
}

const MAX_OVERVIEW_ROWS = 30;

/** The dump on one page, as a table: every group (up to 30) with states, wait range, site, creator, verdict. */
function overviewLines(o: DumpOverview): string[] {
  const lines = ['### The dump on one page', '', `${o.total} goroutines in ${o.groups.length} groups; states: ${o.states.map((s) => `${mdText(s.state)} ${s.count}`).join(', ')}.`, ''];
  lines.push('| count | states | wait | blocking site | created by | verdict |', '|---:|---|---|---|---|---|');
  for (const g of o.groups.slice(0, MAX_OVERVIEW_ROWS)) {
    const states = Object.entries(g.states).map(([s, n]) => `${mdText(s)} ${n}`).join(', ');
    const wait = g.waitMinutes === null ? '< 1 min' : g.waitMinutes.min === g.waitMinutes.max ? `${g.waitMinutes.max} min` : `${g.waitMinutes.min}~${g.waitMinutes.max} min`;
    const blocking = g.frames[g.blockingFrameIndex] ?? g.frames[0] ?? null;
    lines.push(`| ${g.count} | ${states} | ${wait} | ${site(blocking)} | ${site(g.createdBy)} | ${g.suspect ? g.suspect.strength : ''} |`);
  }
  if (o.groups.length > MAX_OVERVIEW_ROWS) lines.push('', `_${o.groups.length - MAX_OVERVIEW_ROWS} more groups in the HTML and JSON reports._`);
  lines.push('');
  return lines;
}

function headOf(r: Report): string {
  const n = r.summary.suspects;
  const lines = [`## Goroscope: ${n === 0 ? 'no goroutine leak suspects' : `${n} goroutine leak suspect${n === 1 ? '' : 's'}`}`, ''];
  const c = r.summary.byClass;
  const single = snapshotGroupsLine(r);
  lines.push(
    single ? `${mdText(single)}. ${mdText(sourceLine(r))}. ${mdText(windowLine(r))}.` : `${r.summary.groups} group${r.summary.groups === 1 ? '' : 's'}: ${classesLine(c)}; ${r.summary.ignoredGroups} ignored by rules. ${mdText(sourceLine(r))}. ${mdText(windowLine(r))}.`,
    '',
  );
  if (r.warmUp) lines.push(`Warm-up: ${mdText(r.warmUp.text)}.`, '');
  const redacted = redactionNote(r);
  if (redacted) lines.push(`_${mdText(redacted)}._`, '');
  if (n > 0) {
    lines.push('| # | blocking site | created by | count | growth/min | strength | score (0–100) | runtime |', '|---|---|---|---:|---:|---|---:|---|');
    for (const s of r.suspects) {
      const runtime = s.isRuntimeProved ? 'proved' : r.runtimeLeakProfile.recorded ? 'trend only' : '—';
      const growth = s.basis === 'snapshot' ? 'one snapshot' : s.ratePerMin !== null ? String(s.ratePerMin) : `+${s.rise} (no rate)`;
      lines.push(`| ${s.rank} | ${site(s.blockingSite)} | ${site(s.createdBy)} | ${s.count} | ${growth} | ${s.strength} | ${s.score100} | ${runtime} |`);
    }
    lines.push('');
  }
  if (r.singleSnapshot) lines.push(`_${mdText(r.singleSnapshot.note)}_`, '');
  if (r.overview) lines.push(...overviewLines(r.overview));
  if (r.fleet) {
    lines.push('| rank | instance | suspects | growth/min | ticks (failed) | requests | MB | full dumps, ms |', '|---:|---|---:|---:|---|---:|---:|---|');
    for (const i of r.fleet.instances) {
      const c = i.cost;
      lines.push(`| ${i.rank} | ${mdText(i.name)} | ${i.suspects} | ${i.growthPerMin} | ${i.ticks} (${i.failedTicks}) | ${c.requests} | ${(c.bytes / 1048576).toFixed(1)} | ${c.fullDumps}, ${Math.round(c.fullDumpMs)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function suspectBlock(s: ReportSuspect, sources: ReportSources | undefined): string {
  const lines = [`### ${s.rank}. ${s.blockingSite ? `${mdCode(s.blockingSite.func)} at ${mdCode(`${baseName(s.blockingSite.file)}:${s.blockingSite.line}`)}` : mdCode(s.key)}${s.isRuntimeProved ? ' (runtime-proved)' : ''}`, ''];
  if (s.growsOn !== undefined) lines.push(`**${mdText(s.growsOn)}** (${(s.instances ?? []).map((i) => `${mdText(i.name)} +${i.growthPerMin}/min`).join(', ')})`, '');
  lines.push(`**${mdText(s.explanation.title)}.** ${mdText(s.explanation.text)}`, '');
  for (const x of s.explanation.support) lines.push(`- ${mdText(x)}`);
  if (s.explanation.support.length > 0) lines.push('');
  lines.push(`Evidence (score ${s.score100}/100):`, '');
  for (const ev of s.evidence) lines.push(`- **${ev.kind}**: ${mdText(ev.text)}`);
  const excerpts = suspectExcerptsMarkdown(s, sources);
  if (excerpts !== '') lines.push('', excerpts.trimEnd());
  lines.push('', `<details><summary>Stack (${s.frames.length} frame${s.frames.length === 1 ? '' : 's'}, innermost first)</summary>`, '', '```');
  s.frames.slice(0, MAX_FRAMES).forEach((f, i) => {
    lines.push(`${i === s.blockingFrameIndex ? '→ ' : '  '}${inFence(f.func)}`, `      ${inFence(f.file)}:${f.line}${i === s.blockingFrameIndex ? '   ← blocking site' : ''}`);
  });
  if (s.frames.length > MAX_FRAMES) lines.push(`  … ${s.frames.length - MAX_FRAMES} more frames`);
  if (s.createdBy) lines.push(`created by ${inFence(s.createdBy.func)}`, `      ${inFence(s.createdBy.file)}:${s.createdBy.line}`);
  lines.push('```', '', '</details>', '');
  return lines.join('\n');
}

function tailOf(r: Report): string {
  const lines = ['', '#### Runtime leak detection', '', mdText(r.runtimeLeakProfile.note), ''];
  for (const p of r.runtimeLeakProfile.proved) lines.push(`- proved: ${site(p.blockingSite)} (${p.leaked} leaked)`);
  for (const p of r.runtimeLeakProfile.notProved) lines.push(`- not proved, trend only: ${site(p.blockingSite)}`);
  if (r.setAside.length > 0) {
    lines.push('', '#### Grew, but not suspects', '');
    for (const s of r.setAside) lines.push(`- ${site(s.blockingSite)}: ${s.count} goroutines, ${s.growthPerMin}/min — ${mdText(s.because)}`);
  }
  lines.push('', '#### Counts as measured', '', mdText(r.countAgreement.text) + '.', '');
  const used = r.ignoreRules.filter((u) => u.matchedGroups > 0);
  lines.push('#### Ignore rules applied', '');
  if (used.length === 0) lines.push('None matched.');
  for (const u of used) lines.push(`- ${mdCode(u.id)} (${mdText(u.rule)}): ${u.matchedGroups} group(s), ${u.matchedGoroutines} goroutine(s)`);
  lines.push('', '<sub>Generated by goroscope.</sub>', '');
  return lines.join('\n');
}

/** Text inside a ``` fence: a run of three backticks would close it. */
function inFence(text: string): string {
  return text.replace(/`{3,}/g, "'''");
}

function site(f: Frame | null): string {
  return f ? `${mdCode(f.func)} ${mdCode(`${baseName(f.file)}:${f.line}`)}` : '—';
}
