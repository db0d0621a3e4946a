import { labelOriginOf } from '../../../shared/label-origin.js';
import type { IdTurnoverReport, Report, ReportSuspect, TimeBasis } from '../../../shared/report.js';
import type { AnalysisSession, GroupSeries } from '../session.js';
import { NOT_MEASURED } from '../session.js';
import type { GroupAnalysis, SessionAnalysis } from '../analyze-session.js';
import { blockingFrameIndex, lastCount } from '../analyze-session.js';
import { describeRule } from '../ignore-rules.js';
import { GROUP_CLASSES } from '../classify.js';
import { round } from '../evidence.js';
import { describeTurnover, isChurn } from '../id-turnover.js';

/** The report form of a group's id turnover (null when not computed). */
function turnoverOf(a: GroupAnalysis, minGrowth: number): IdTurnoverReport | null {
  const t = a.stuck.idTurnover;
  if (!t) return null;
  return { ...t, ages: t.ages.map((x) => ({ ...x })), stuckIds: [...t.stuckIds], isChurn: isChurn(t, minGrowth), text: describeTurnover(t, minGrowth) };
}

/** A 0–1 score on the app's scale: 0–100 in whole numbers. The one place the two scales meet. */
export function scoreOf100(score: number): number {
  return Math.min(100, Math.max(0, Math.round(score * 100)));
}

export interface ReportMeta {
  source: Report['source'];
  timesAssumed: boolean;
  assumedIntervalMs: number | null;
  /** Default: `measured`, or `interval` when `timesAssumed`. */
  timeBasis?: TimeBasis;
  /** Label values were hashed before analysis (`--redact-labels`). */
  labelsRedacted?: boolean;
}

/** What one snapshot cannot tell, said once per single-snapshot report (and in `check`). */
export const SINGLE_SNAPSHOT_NOTE =
  'One snapshot: it shows where goroutines wait now, not whether their number grows. A large healthy pool, or a burst of ' +
  'requests in progress, looks the same as a leak of the same size, so each suspect says how strong its evidence is ' +
  '(proof: the runtime’s own leak detection; strong; weak). To see growth, record the service (goroscope record URL, ' +
  'or check URL) or give two or more dumps taken minutes apart.';

/** The one report model every renderer (HTML, Markdown, JSON) reads. Pure. */
export function buildReport(session: AnalysisSession, analysis: SessionAnalysis, meta: ReportMeta): Report {
  const ticks = session.ticks;
  const byClass = Object.fromEntries(GROUP_CLASSES.map((c) => [c, 0])) as Report['summary']['byClass'];
  for (const g of analysis.groups) byClass[g.classification.class]++;
  const groupOf = (a: { index: number }): GroupSeries => session.groups[a.index]!;
  const { minGrowth } = analysis;
  const timeBasis = meta.timeBasis ?? (meta.timesAssumed ? 'interval' : 'measured');
  const hasRate = timeBasis !== 'none' && analysis.singleSnapshotTick === null;
  return {
    schemaVersion: 1,
    labelsRedacted: meta.labelsRedacted ?? false,
    source: meta.source,
    window: {
      startMs: ticks[0]?.atMs ?? 0,
      endMs: ticks[ticks.length - 1]?.atMs ?? 0,
      ticks: ticks.length,
      failedTicks: ticks.filter((t) => t.isFailed).length,
      fullDumps: session.fullDumpTicks.length,
      leakEvidenceTicks: ticks.filter((t) => t.hasLeakEvidence).length,
      timesAssumed: meta.timesAssumed,
      assumedIntervalMs: meta.timesAssumed ? meta.assumedIntervalMs : null,
      timeBasis,
    },
    singleSnapshot: analysis.singleSnapshotTick === null ? null : { tick: analysis.singleSnapshotTick, note: SINGLE_SNAPSHOT_NOTE },
    overview: null,
    summary: {
      groups: analysis.groups.length,
      suspects: analysis.suspects.length,
      runtimeProved: analysis.suspects.filter((s) => s.isRuntimeProved).length,
      byClass,
      ignoredGroups: analysis.groups.filter((g) => g.ignoredBy !== null).length,
      setAside: analysis.setAside.length,
    },
    ticks: ticks.map((t, i) => ({
      tick: i,
      atMs: t.atMs,
      isFailed: t.isFailed,
      error: t.error,
      profiles: t.profiles.map((p) => ({ ...p })),
      numGoroutine: t.metrics?.numGoroutine ?? null,
    })),
    countAgreement: { ...analysis.counts },
    suspects: analysis.suspects.map((a, i) => ({ ...suspectOf(a, groupOf(a), i + 1, hasRate), turnover: turnoverOf(a, minGrowth), tracksLoad: a.tracksLoad?.text ?? null })),
    setAside: analysis.setAside.map((a) => ({
      key: a.key,
      blockingSite: groupOf(a).blockingSite,
      createdBy: groupOf(a).createdBy,
      count: lastCount(groupOf(a)),
      growthPerMin: hasRate ? round(a.classification.trend.growthPerMin, 2) : 0,
      because: a.setAsideBecause!,
      turnover: turnoverOf(a, minGrowth),
    })),
    groups: orderGroups(analysis.groups, session).map((a) => ({
      key: a.key,
      class: a.classification.class,
      why: a.classification.why,
      score: a.score,
      score100: scoreOf100(a.score),
      count: lastCount(groupOf(a)),
      baseline: a.classification.trend.baseline,
      peak: a.classification.trend.peak,
      blockingSite: groupOf(a).blockingSite,
      createdBy: groupOf(a).createdBy,
      ignoredBy: a.ignoredBy?.id ?? null,
      tracksLoad: a.tracksLoad?.text ?? null,
    })),
    ignoreRules: analysis.rules.map((u) => ({
      id: u.rule.id,
      isBuiltin: u.rule.isBuiltin,
      rule: describeRule(u.rule.rule),
      reason: u.rule.rule.reason ?? null,
      matchedGroups: u.groups,
      matchedGoroutines: u.goroutines,
    })),
    runtimeLeakProfile: {
      recorded: analysis.runtime.recorded,
      ticks: analysis.runtime.ticks,
      proved: analysis.runtime.proved.map((p) => ({ key: p.key, blockingSite: session.groups[p.index]!.blockingSite, leaked: p.leaked })),
      notProved: analysis.runtime.notProved.map((p) => ({ key: p.key, blockingSite: session.groups[p.index]!.blockingSite })),
      note: analysis.runtime.note,
    },
    warmUp: analysis.warmUp ? { ...analysis.warmUp } : null,
  };
}

function suspectOf(a: GroupAnalysis, g: GroupSeries, rank: number, hasRate: boolean): ReportSuspect {
  const t = a.classification.trend;
  const rate = hasRate && a.basis === 'trend' ? round(t.growthPerMin, 2) : null;
  const labelOrigin = labelOriginOf(lastCount(g), g.labels, g.firstLabels);
  const evidence = labelOrigin
    ? [...a.evidence, { kind: 'labels' as const, value: labelOrigin.keys[0]?.top.share ?? null, text: `by label: ${labelOrigin.text}` }]
    : a.evidence;
  return {
    rank,
    key: a.key,
    blockingSite: g.blockingSite,
    createdBy: g.createdBy,
    frames: g.frames,
    blockingFrameIndex: blockingFrameIndex(g.frames, g.blockingSite),
    states: a.stuck.states ? { ...a.stuck.states } : null,
    labels: g.labels,
    labelOrigin,
    count: lastCount(g),
    baseline: t.baseline,
    peak: t.peak,
    growthPerMin: rate ?? 0,
    score: a.score,
    score100: scoreOf100(a.score),
    reasons: a.reasons,
    evidence,
    explanation: a.explanation ?? { pattern: 'blocked', title: 'Blocked', text: '', support: [] },
    isRuntimeProved: a.isRuntimeProved,
    series: Array.from(g.counts, (c) => (c === NOT_MEASURED ? null : c)),
    strength: a.strength ?? 'weak',
    basis: a.basis,
    rise: a.basis === 'trend' ? Math.max(0, t.last - t.baseline) : 0,
    ratePerMin: rate,
  };
}

const CLASS_ORDER: Record<string, number> = { growingLeak: 0, drainedSpike: 1, stablePool: 2, transient: 3 };

/** Suspects first, then by class, then largest last count. */
function orderGroups(groups: readonly GroupAnalysis[], session: AnalysisSession): GroupAnalysis[] {
  return [...groups].sort(
    (x, y) =>
      Number(y.isSuspect) - Number(x.isSuspect) ||
      CLASS_ORDER[x.classification.class]! - CLASS_ORDER[y.classification.class]! ||
      lastCount(session.groups[y.index]!) - lastCount(session.groups[x.index]!) ||
      (x.key < y.key ? -1 : 1),
  );
}
