import { formatSplit, splitByLabel } from '../../shared/labels.js';
import type { Frame } from '../../shared/model.js';
import type { Report } from '../../shared/report.js';
import { baseName } from '../analysis/explain.js';
import { classesLine, costLine, snapshotGroupsLine, sourceLine, windowLine } from '../analysis/report/report-text.js';

export { checkResultOf } from '../analysis/report/json.js';

/**
 * The report as text on a terminal: `check`'s verdict and the fleet summary `record` and `check` print
 * after a fleet. The report model (`analyse.ts`) is the input; these only lay it out.
 */

/** The per-instance summary after a fleet recording: ticks, failed ticks and what each one cost. */
export function fleetSummary(report: Report): string {
  const f = report.fleet;
  if (!f) return '';
  const lines = [`fleet of ${f.instances.length} instance${f.instances.length === 1 ? '' : 's'} (at most ${f.maxConcurrent} requests in flight):`];
  for (const i of f.instances) {
    lines.push(
      `  ${String(i.rank).padStart(2)}. ${i.name}: ${i.suspects} suspect${i.suspects === 1 ? '' : 's'}, ${i.growthPerMin}/min; ${i.ticks} ticks, ${i.failedTicks} failed; cost ${costLine(i.cost)}` +
        (i.sessionId !== null ? `; session ${i.sessionId}` : ''),
    );
    for (const note of i.cost.cadenceNotes) lines.push(`      ${note}`);
  }
  for (const s of f.skipped) lines.push(`   -  ${s.name}: ${s.why}`);
  lines.push(`  cost to the fleet: ${costLine(f.cost)}`);
  return `${lines.join('\n')}\n`;
}

/** The human-readable verdict: one block per suspect, then the runtime note. */
export function formatCheck(r: Report, groupByLabel: string | null = null): string {
  const lines: string[] = [];
  const n = r.suspects.length;
  const c = r.summary.byClass;
  lines.push(`goroscope check: ${n === 0 ? 'no suspects' : `${n} suspect${n === 1 ? '' : 's'}`} (${sourceLine(r)}; ${windowLine(r)})`);
  lines.push(
    `  ${snapshotGroupsLine(r) ?? `${r.summary.groups} group${r.summary.groups === 1 ? '' : 's'}: ${classesLine(c)}, ${r.summary.ignoredGroups} ignored`}`,
  );
  if (r.warmUp) lines.push(`  warm-up: ${r.warmUp.text}`);
  for (const s of r.suspects) {
    lines.push('');
    const growth = s.basis === 'snapshot' ? 'one snapshot' : s.ratePerMin !== null ? `${s.ratePerMin}/min` : `+${s.rise} (no rate: no time)`;
    lines.push(`#${s.rank} ${site(s.blockingSite)}  ${s.count} goroutines, ${growth}, ${s.strength} evidence, score ${s.score100}/100${s.isRuntimeProved ? ', runtime-proved' : ''}`);
    if (s.createdBy) lines.push(`   created by ${site(s.createdBy)}`);
    if (s.instances) lines.push(`   ${s.instances.map((i) => `${i.name} +${i.growthPerMin}/min (${i.count})`).join(', ')}`);
    lines.push(`   ${s.explanation.title}: ${s.explanation.text}`);
    for (const x of s.explanation.support) if (!x.startsWith('created by')) lines.push(`   - ${x}`);
    lines.push(`   because: ${s.reasons.join('; ')}`);
    if (s.labelOrigin) lines.push(`   by label: ${s.labelOrigin.text}`);
    if (groupByLabel !== null) lines.push(`   by ${groupByLabel}: ${formatSplit(splitByLabel(s.count, s.labels, groupByLabel))}`);
  }
  if (r.runtimeLeakProfile.recorded || n > 0) lines.push('', r.runtimeLeakProfile.note);
  if (r.fleet) lines.push('', fleetSummary(r).trimEnd());
  if (r.singleSnapshot) lines.push('', r.singleSnapshot.note);
  else if (!r.fleet && r.window.ticks - r.window.failedTicks < 2) {
    lines.push('', 'Only one tick: growth needs two or more snapshots in time order; only the runtime’s goroutineleak evidence can name a suspect from one.');
  }
  return `${lines.join('\n')}\n`;
}

function site(f: Frame | null): string {
  if (!f) return 'unknown';
  return `${f.func} ${baseName(f.file)}:${f.line}`;
}
