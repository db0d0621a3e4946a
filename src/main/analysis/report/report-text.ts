import type { InstanceCost, Report } from '../../../shared/report.js';
import { baseName } from '../explain.js';

/** `3 files: t0.debug1.txt … t3.debug1.txt` or `session 12 (http://…)`. */
export function sourceLine(r: Report): string {
  if (r.source.kind === 'session') return `Session ${r.source.sessionId}${r.source.target ? ` of ${r.source.target}` : ''}`;
  const files = r.source.files.map(baseName);
  const names = files.length <= 4 ? files.join(', ') : `${files[0]}, ${files[1]} … ${files[files.length - 1]}`;
  return `${files.length} file${files.length === 1 ? '' : 's'}: ${names}`;
}

/**
 * For a report of one snapshot, where growth classes say nothing: `4 groups: 1 suspect from one snapshot
 * (0 proof, 1 strong, 0 weak), 3 ignored by rules`. Null for trend reports.
 */
export function snapshotGroupsLine(r: Report): string | null {
  if (!r.singleSnapshot) return null;
  const by = (k: string): number => r.suspects.filter((s) => s.strength === k).length;
  const n = r.suspects.length;
  return `${r.summary.groups} group${r.summary.groups === 1 ? '' : 's'}: ${n} suspect${n === 1 ? '' : 's'} from one snapshot (${by('proof')} proof, ${by('strong')} strong, ${by('weak')} weak), ${r.summary.ignoredGroups} ignored by rules`;
}

/** `4 ticks over 64 s, 4 full dumps, goroutineleak evidence at 1 tick`. */
export function windowLine(r: Report): string {
  const w = r.window;
  const seconds = (w.endMs - w.startMs) / 1000;
  const span = seconds < 120 ? `${seconds.toFixed(seconds < 10 ? 1 : 0)} s` : `${(seconds / 60).toFixed(1)} min`;
  const isUntimed = w.timeBasis === 'none';
  const parts = [w.ticks === 1 ? 'one snapshot' : isUntimed ? `${w.ticks} ticks, times unknown (no rate: give --interval)` : `${w.ticks} ticks over ${span}`];
  if (w.timesAssumed && !isUntimed && w.ticks > 1) parts.push(`times assumed ${((w.assumedIntervalMs ?? 0) / 1000).toFixed(1)} s apart (the files carry no timestamps)`);
  if (w.failedTicks > 0) parts.push(`${w.failedTicks} failed`);
  parts.push(`${w.fullDumps} full dump${w.fullDumps === 1 ? '' : 's'}`);
  if (w.leakEvidenceTicks > 0) parts.push(`goroutineleak evidence at ${w.leakEvidenceTicks} tick${w.leakEvidenceTicks === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** `1 group`, `3 groups`: a count and its noun, plural unless the count is 1 (`plural` for irregular nouns). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** `1 growing, 2 stable pools, 1 drained spike, 3 transient`: the groups by class, each noun agreeing with its count. */
export function classesLine(c: Report['summary']['byClass']): string {
  return `${c.growingLeak} growing, ${countOf(c.stablePool, 'stable pool')}, ${countOf(c.drainedSpike, 'drained spike')}, ${c.transient} transient`;
}

/** `41.0 MB`, or `312 KB` under a megabyte (a small fleet's dumps would all read 0.0 MB). */
export function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** `412 requests (3 failed), 18.2 MB, 12 full dumps in 840 ms (largest 2.1 MB)`: what recording cost a target. */
export function costLine(c: InstanceCost): string {
  return `${c.requests} requests${c.failedRequests > 0 ? ` (${c.failedRequests} failed)` : ''}, ${sizeText(c.bytes)}, ${c.fullDumps} full dump${c.fullDumps === 1 ? '' : 's'} in ${Math.round(c.fullDumpMs)} ms (largest ${sizeText(c.largestFullDumpBytes)})`;
}

/** Said at the top of a report whose label values were hashed (`report --redact-labels`). */
export function redactionNote(r: Report): string | null {
  return r.labelsRedacted
    ? 'Label values are redacted: each is replaced by a stable short hash (#…, 8 hex digits of SHA-256), so equal values stay equal; label keys are kept'
    : null;
}
