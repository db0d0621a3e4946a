import type { Evidence } from '../../shared/report.js';
import type { GroupAnalysis } from './analyze-session.js';
import type { CodeOrigin } from '../dump/code-origin.js';
import type { AnalysisSession } from './session.js';
import { singleSnapshotTick, snapshotVerdicts } from './snapshot-verdict.js';

// Trend evidence that still means something at one tick: the process totals and the runtime's proof.
const KEPT_KINDS: ReadonlySet<Evidence['kind']> = new Set(['counts', 'runtime']);

/**
 * For a session of one measured tick, where growth cannot be judged: makes suspects of the groups the
 * single-snapshot verdict names (`snapshot-verdict.ts`), with its strength, score, reasons and evidence,
 * unless an ignore rule hides them. Changes `groups` in place; returns the tick read, or null (and
 * changes nothing) when the session has two or more measured ticks.
 */
export function applySnapshotVerdicts(session: AnalysisSession, groups: GroupAnalysis[], origin: CodeOrigin): number | null {
  const tick = singleSnapshotTick(session);
  if (tick === null) return null;
  const verdicts = snapshotVerdicts(session, tick, origin);
  for (const a of groups) {
    const v = verdicts[a.index];
    if (!v || a.ignoredBy !== null) continue;
    a.isSuspect = true;
    a.basis = 'snapshot';
    a.strength = v.strength;
    a.score = v.score;
    a.reasons = v.reasons;
    a.evidence = [...v.evidence, ...a.evidence.filter((e) => KEPT_KINDS.has(e.kind))];
    a.setAsideBecause = null;
  }
  return tick;
}
