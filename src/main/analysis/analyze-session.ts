import type { Evidence, EvidenceBasis, Strength } from '../../shared/report.js';
import type { Frame } from '../../shared/model.js';
import type { AnalysisSession, GroupSeries } from './session.js';
import { NOT_MEASURED } from './session.js';
import { classifyCounts, type Classification } from './classify.js';
import { stuckEvidenceOf, type StuckEvidence } from './stuck-evidence.js';
import { gcTimelineOf, type GcTimeline } from './gc-timeline.js';
import { scoreGroup, type CountContext, type RuntimeProof } from './evidence.js';
import { explainGroup, type Explanation, type GrowingGroup } from './explain.js';
import { matchIgnoreRules, BUILTIN_RULES, type SourcedRule } from './ignore-rules.js';
import { CodeOrigin } from '../dump/code-origin.js';
import { tickTimes } from './series-stats.js';
import { countAgreementOf, runtimeSummaryOf, type CountAgreement, type RuntimeSummary } from './session-summary.js';
import { loadTrackingOf, warmUpOf, type LoadTracking, type WarmUp } from './load-tracking.js';
import { applySnapshotVerdicts } from './apply-snapshot-verdicts.js';

export interface AnalyzeOptions {
  /** Ignore rules in force (built-ins included or not): default the built-ins only. */
  rules?: readonly SourcedRule[];
  minGrowth?: number;
  /** Tick times were assumed (files without timestamps): said in the growth evidence. */
  timesAssumed?: boolean;
  /** False when the tick times are unknown (file order, no interval): growth is said as counts. */
  hasRate?: boolean;
}

export interface GroupAnalysis {
  /** Index into `session.groups`. */
  index: number;
  key: string;
  classification: Classification;
  stuck: StuckEvidence;
  runtime: RuntimeProof;
  score: number;
  reasons: string[];
  evidence: Evidence[];
  isSuspect: boolean;
  isRuntimeProved: boolean;
  /** A suspect's strength of evidence (null for groups that are not suspects). */
  strength: Strength | null;
  /** Trend evidence, or one snapshot's (`snapshot-verdict.ts`). */
  basis: EvidenceBasis;
  /** Why a group that grew (or was proved) is not a suspect; null otherwise. */
  setAsideBecause: string | null;
  ignoredBy: SourcedRule | null;
  /** For suspects and set-aside groups; null for the rest. */
  explanation: Explanation | null;
  /** It rose with other groups of the same machinery while the total rose, then held (issue 19); else null. */
  tracksLoad: LoadTracking | null;
}

export interface RuleUse {
  rule: SourcedRule;
  groups: number;
  /** Goroutines of the matched groups at their last measured tick. */
  goroutines: number;
}

export interface SessionAnalysis {
  groups: GroupAnalysis[];
  /** Highest score first. */
  suspects: GroupAnalysis[];
  setAside: GroupAnalysis[];
  rules: RuleUse[];
  runtime: RuntimeSummary;
  counts: CountAgreement;
  /** The session started while the service was still rising to its level; null otherwise. */
  warmUp: WarmUp | null;
  /** The smallest rise that counted as growth. */
  minGrowth: number;
  /** The tick a single-snapshot analysis read; null when the session has two or more measured ticks. */
  singleSnapshotTick: number | null;
}

/**
 * Classifies every group of the session, scores it with evidence, applies the ignore rules and
 * picks the suspects: growing leaks that do not wake up, and whatever the runtime proved leaked,
 * unless an ignore rule hides them. Pure; never throws for data.
 */
export function analyzeSession(session: AnalysisSession, options: AnalyzeOptions = {}): SessionAnalysis {
  const rules = options.rules ?? BUILTIN_RULES;
  const minGrowth = options.minGrowth ?? 3;
  const origin = new CodeOrigin(session.groups.flatMap((g) => g.frames));
  const totals = countTotals(session);
  const times = tickTimes(session.ticks);
  const evidenceTicks = session.ticks.flatMap((t, i) => (t.hasLeakEvidence ? [i] : []));
  const gc = gcTimelineOf(session);
  const hasStateRule = rules.some((r) => r.rule.state !== undefined);
  const ctx: GroupContext = { session, rules, minGrowth, times, evidenceTicks, totals, gc, hasStateRule, timesAssumed: options.timesAssumed ?? false, hasRate: options.hasRate ?? true };
  const partial = session.groups.map((g, index) => analyzeGroup(ctx, g, index));
  setAsideLoad(partial, loadTrackingOf(session, partial, times, minGrowth), minGrowth);
  const singleSnapshotTick = applySnapshotVerdicts(session, partial, origin);
  const explained = partial.filter((a) => a.setAsideBecause !== null || a.isSuspect);
  const growing: GrowingGroup[] = explained.map((a) => {
    const g = session.groups[a.index]!;
    return { key: a.key, frames: g.frames, createdBy: g.createdBy, growth: a.classification.trend.growth };
  });
  explained.forEach((a, i) => {
    const explanation = explainGroup({ ...growing[i]!, stuck: a.stuck, minGrowth }, origin, growing);
    a.explanation = a.tracksLoad ? { ...explanation, support: [...explanation.support, a.tracksLoad.text] } : explanation;
  });
  const suspects = partial
    .filter((a) => a.isSuspect)
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.classification.trend.growth - a.classification.trend.growth ||
        b.classification.trend.last - a.classification.trend.last ||
        (a.key < b.key ? -1 : 1),
    );
  return {
    groups: partial,
    suspects,
    setAside: partial.filter((a) => a.setAsideBecause !== null),
    rules: ruleUses(session, rules, partial),
    runtime: runtimeSummaryOf(session, partial),
    counts: countAgreementOf(session),
    warmUp: warmUpOf(session, times, minGrowth),
    minGrowth,
    singleSnapshotTick,
  };
}

/**
 * Growth that tracks load is no leak unless it keeps rising after the load settled: such a trend
 * suspect is set aside once the load held as long as it rose, unless the runtime proved it or its
 * stayers accumulated (a leak hidden in churn).
 */
function setAsideLoad(groups: GroupAnalysis[], load: ReadonlyMap<number, LoadTracking>, minGrowth: number): void {
  for (const a of groups) {
    const l = load.get(a.index);
    if (!l) continue;
    a.tracksLoad = l;
    const isStuckInChurn = (a.stuck.idTurnover?.accumulated ?? 0) >= minGrowth;
    if (a.isSuspect && !a.isRuntimeProved && l.isHeldLongEnough && !l.keepsRising && !isStuckInChurn) {
      a.isSuspect = false;
      a.score = Math.round(a.score * 0.3 * 1000) / 1000;
      a.reasons.push('rose with the load, then held: not a leak');
      a.setAsideBecause = `${l.text}: it did not keep rising after the load settled, so not a leak`;
    } else if (a.setAsideBecause !== null && a.ignoredBy === null) {
      a.setAsideBecause = `${a.setAsideBecause}; ${l.text}`;
    }
  }
}

interface GroupContext {
  session: AnalysisSession;
  rules: readonly SourcedRule[];
  minGrowth: number;
  times: Float64Array;
  evidenceTicks: readonly number[];
  totals: CountTotals;
  gc: GcTimeline;
  /** Some rule matches on states: only then are a group's states over every full dump gathered. */
  hasStateRule: boolean;
  timesAssumed: boolean;
  hasRate: boolean;
}

/** One group: class, stuck evidence, runtime proof, ignore rule, score; the explanation comes later. */
function analyzeGroup(ctx: GroupContext, g: GroupSeries, index: number): GroupAnalysis {
  const classification = classifyCounts(g.counts, ctx.times, { minGrowth: ctx.minGrowth });
  const runtime = runtimeProofOf(g, ctx.evidenceTicks);
  const isRuntimeProved = runtime.maxLeaked > 0;
  const isGrowing = classification.class === 'growingLeak' || isRuntimeProved;
  // A pool that rose and held is read as growth too: its ids evidence needs the turnover beside it.
  const hasRisen = classification.class === 'stablePool' && classification.trend.peak - classification.trend.baseline >= ctx.minGrowth;
  const stuck = stuckEvidenceOf(ctx.session, g, { provedFromTick: runtime.firstProvedTick, gc: ctx.gc, isGrowing, hasRisen, minGrowth: ctx.minGrowth });
  const ignoredBy = matchIgnoreRules(ctx.rules, {
    frames: g.frames,
    blockingSite: g.blockingSite,
    createdBy: g.createdBy,
    states: ctx.hasStateRule ? statesSeen(g) : [],
    peak: classification.trend.peak,
    isGrowing,
  });
  const scored = scoreGroup({
    classification,
    stuck,
    runtime,
    counts: countContext(ctx.session, ctx.totals, g, classification.trend.lastTick),
    createdBy: g.createdBy,
    minGrowth: ctx.minGrowth,
    timesAssumed: ctx.timesAssumed,
    hasRate: ctx.hasRate,
  });
  const isNotStuck = stuck.wakeUp !== null || stuck.turnover !== null;
  const isSuspect = ignoredBy === null && (isRuntimeProved || (classification.class === 'growingLeak' && !isNotStuck));
  let setAsideBecause: string | null = null;
  if (!isSuspect && isGrowing) {
    setAsideBecause = ignoredBy
      ? `ignored by ${ignoredBy.id}${ignoredBy.rule.reason ? ` (${ignoredBy.rule.reason})` : ''}`
      : stuck.wakeUp
        ? 'its goroutines wake up (a timer or ticker): a periodic worker, not stuck'
        : churnBecause(stuck.idTurnover?.stuckIds.length ?? 0);
  }
  const strength = isSuspect ? trendStrength(isRuntimeProved, classification.trend.measuredTicks) : null;
  return { index, key: g.key, classification, stuck, runtime, ...scored, isSuspect, isRuntimeProved, strength, basis: 'trend', setAsideBecause, ignoredBy, explanation: null, tracksLoad: null };
}

/** Proof where the runtime proved it; a rise seen at two ticks only is weak (a spike would look the same). */
function trendStrength(isRuntimeProved: boolean, measuredTicks: number): Strength {
  if (isRuntimeProved) return 'proof';
  return measuredTicks <= 2 ? 'weak' : 'strong';
}

/** Why a churning group is set aside; true to the ids (a long-lived connection may stay). */
function churnBecause(stayed: number): string {
  if (stayed === 0) return 'its goroutines are replaced between full dumps, none stays: more work in flight, not stuck';
  return `its goroutines are replaced between full dumps; only ${stayed} stayed longer than the ones that left lived, and they did not accumulate: more work in flight, not stuck`;
}

function statesSeen(g: GroupSeries): string[] {
  const seen = new Set<string>();
  for (const s of g.states) if (s) for (const k of Object.keys(s)) seen.add(k);
  return [...seen];
}

/** `evidenceTicks`: the ticks with leak evidence, ascending (usually none or a few). */
function runtimeProofOf(g: GroupSeries, evidenceTicks: readonly number[]): RuntimeProof {
  let maxLeaked = 0;
  let provedTick: number | null = null;
  let firstProvedTick: number | null = null;
  let unprovedTick: number | null = null;
  for (const t of evidenceTicks) {
    const leaked = g.leaked[t]!;
    // The latest tick with the most: the figure and the tick the evidence names belong together.
    if (leaked > 0 && leaked >= maxLeaked) {
      maxLeaked = leaked;
      provedTick = t;
    }
    if (leaked > 0) firstProvedTick ??= t;
    else if (countAtOrBefore(g.counts, t) > 0) unprovedTick = t;
  }
  return { maxLeaked, provedTick, firstProvedTick, unprovedTick };
}

/** The last measured count at or before tick t (a leak profile may sit on a tick without counts). */
function countAtOrBefore(counts: Int32Array, t: number): number {
  for (let i = t; i >= 0; i--) if (counts[i]! !== NOT_MEASURED) return counts[i]!;
  return 0;
}

/** The counting profile's total at its first and last measured ticks (null with fewer than two). */
interface CountTotals {
  firstTick: number | null;
  lastTick: number | null;
  growth: number | null;
}

function countTotals(session: AnalysisSession): CountTotals {
  let first: number | null = null;
  let last: number | null = null;
  const totalAt = (t: number): number | null =>
    session.ticks[t]!.profiles.find((p) => p.format === session.ticks[t]!.countFormat && p.profile !== 'goroutineleak')?.total ?? null;
  for (let t = 0; t < session.ticks.length; t++) {
    if (totalAt(t) === null) continue;
    first ??= t;
    last = t;
  }
  if (first === null || last === null || first === last) return { firstTick: null, lastTick: null, growth: null };
  return { firstTick: first, lastTick: last, growth: totalAt(last)! - totalAt(first)! };
}

/** The process totals at the group's last tick; its own change over the same ticks as the total's. */
function countContext(session: AnalysisSession, totals: CountTotals, g: GroupSeries, tick: number): CountContext {
  const t = session.ticks[tick];
  const from = totals.firstTick === null ? NOT_MEASURED : g.counts[totals.firstTick]!;
  const to = totals.lastTick === null ? NOT_MEASURED : g.counts[totals.lastTick]!;
  return {
    tick,
    profiles: t?.profiles ?? [],
    numGoroutine: t?.metrics?.numGoroutine ?? null,
    totalGrowth: totals.growth,
    groupGrowth: from === NOT_MEASURED || to === NOT_MEASURED ? null : to - from,
  };
}

function ruleUses(session: AnalysisSession, rules: readonly SourcedRule[], groups: readonly GroupAnalysis[]): RuleUse[] {
  return rules.map((rule) => {
    const matched = groups.filter((a) => a.ignoredBy === rule);
    const goroutines = matched.reduce((n, a) => n + Math.max(0, lastCount(session.groups[a.index]!)), 0);
    return { rule, groups: matched.length, goroutines };
  });
}

/** The group's count at its last measured tick (0 when never measured). */
export function lastCount(g: GroupSeries): number {
  return countAtOrBefore(g.counts, g.counts.length - 1);
}

/** The frame index of the blocking site in the group's frames, or -1. */
export function blockingFrameIndex(frames: readonly Frame[], site: Frame | null): number {
  if (!site) return -1;
  return frames.findIndex((f) => f.func === site.func && f.file === site.file && f.line === site.line);
}
