import type { Frame, Group, Snapshot } from '../../shared/model.js';
import { labelOriginOf } from '../../shared/label-origin.js';
import { formatSplit, splitByLabel } from '../../shared/labels.js';

/** `main.worker main.go:84` — the short form of a frame for one-line listings. */
export function shortFrame(frame: Frame | null): string {
  if (!frame) return '-';
  const base = frame.file.split(/[\\/]/).pop() ?? frame.file;
  return `${frame.func} ${base}:${frame.line}`;
}

function statesOf(group: Group): string {
  const entries = Object.entries(group.states).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '-';
  return entries.map(([s, n]) => (entries.length === 1 ? s : `${s}×${n}`)).join(', ');
}

/**
 * The text `goroscope parse` prints: a header, one line per group largest first (with a `labels:` line
 * under a labelled group, and a `by KEY:` line with `--group-by-label KEY`), then the warnings.
 */
export function formatSnapshot(snapshot: Snapshot, label: string | null, groupByLabel: string | null = null): string {
  const lines: string[] = [];
  const what = snapshot.profile ? `${snapshot.format} (${snapshot.profile} profile)` : snapshot.format;
  lines.push(`${label ? `${label}: ` : ''}${what}, ${snapshot.total} goroutines in ${snapshot.groups.length} groups`);
  if (snapshot.metrics) {
    const m = snapshot.metrics;
    const parts = [
      m.numGoroutine !== null ? `goroutines ${m.numGoroutine}` : null,
      m.threads !== null ? `threads ${m.threads}` : null,
      m.heapAllocBytes !== null ? `heap ${m.heapAllocBytes} B` : null,
      m.gcCycles !== null ? `GC cycles ${m.gcCycles}` : null,
    ].filter((p) => p !== null);
    lines.push(`  metrics: ${parts.join(', ')}`);
  }
  if (snapshot.groups.length > 0) {
    lines.push(`  ${'COUNT'.padStart(7)}  ${'STATE'.padEnd(24)}  ${'BLOCKING SITE'.padEnd(56)}  CREATED BY`);
    for (const g of snapshot.groups) {
      const leaked = g.leakedCount > 0 ? ` (${g.leakedCount} leaked)` : '';
      const wait = g.maxWaitMinutes ? ` ${g.maxWaitMinutes}m` : '';
      lines.push(
        `  ${String(g.count).padStart(7)}  ${(statesOf(g) + wait + leaked).padEnd(24)}  ${shortFrame(g.blockingSite).padEnd(56)}  ${shortFrame(g.createdBy)}`,
      );
      const origin = labelOriginOf(g.count, g.labels, g.labels);
      if (origin) lines.push(`           labels: ${origin.text}`);
      if (groupByLabel !== null) lines.push(`           by ${groupByLabel}: ${formatSplit(splitByLabel(g.count, g.labels, groupByLabel))}`);
    }
  }
  if (snapshot.threadStacks > 0) lines.push(`  (${snapshot.threadStacks} OS-thread stacks, goroutine 0, not counted)`);
  for (const w of snapshot.warnings) lines.push(`  warning: ${w.message}`);
  return lines.join('\n');
}
