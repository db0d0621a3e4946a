import { intersectionSize } from './id-turnover.js';
import type { AnalysisSession } from './session.js';

/**
 * Ticks at which the recorded service restarted, ascending, from what the history already holds:
 *
 * - the GC cycle count (expvar `NumGC`, Prometheus `go_gc_duration_seconds_count`) only grows while a
 *   process lives, so a lower count than at the previous measured tick is a new process;
 * - goroutine ids only grow too (the runtime hands them out from a counter): a full dump whose highest
 *   id is below the previous full dump's highest, and which keeps under half of that dump's goroutines
 *   (same group, same id), is a new process. The second condition keeps a service whose newest
 *   goroutines all exited from reading as a restart; a fresh process reuses only its start-up ids.
 *
 * A restart between two full dumps is placed at the later one (the first tick known to be the new
 * process). Pure; a session without metrics and with fewer than two full dumps has none.
 */
export function restartTicks(session: AnalysisSession): number[] {
  const found = new Set<number>();
  let lastGc: number | null = null;
  session.ticks.forEach((t, i) => {
    const gc = t.metrics?.gcCycles ?? null;
    if (gc === null) return;
    if (lastGc !== null && gc < lastGc) found.add(i);
    lastGc = gc;
  });

  const dumps = session.fullDumpTicks.map((_tick, d) => idsOfDump(session, d));
  for (let d = 1; d < dumps.length; d++) {
    const before = dumps[d - 1]!;
    const after = dumps[d]!;
    if (before.count === 0 || after.count === 0 || after.maxId >= before.maxId) continue;
    let kept = 0;
    for (const [key, ids] of before.byGroup) {
      const later = after.byGroup.get(key);
      if (later) kept += intersectionSize(ids, later);
    }
    if (kept * 2 < before.count) found.add(session.fullDumpTicks[d]!);
  }
  return [...found].sort((a, b) => a - b);
}

interface DumpIds {
  byGroup: Map<string, Float64Array>;
  count: number;
  maxId: number;
}

function idsOfDump(session: AnalysisSession, dump: number): DumpIds {
  const byGroup = new Map<string, Float64Array>();
  let count = 0;
  let maxId = -1;
  for (const g of session.groups) {
    const ids = g.ids[dump];
    if (!ids || ids.length === 0) continue;
    byGroup.set(g.key, ids);
    count += ids.length;
    maxId = Math.max(maxId, ids[ids.length - 1]!);
  }
  return { byGroup, count, maxId };
}
