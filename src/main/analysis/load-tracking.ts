import type { AnalysisSession } from './session.js';
import { NOT_MEASURED } from './session.js';
import { formatDuration, tickName, trendOf, type Classification } from './classify.js';
import { measuredPoints, minOf } from './series-stats.js';
import type { StuckEvidence } from './stuck-evidence.js';

/**
 * Growth that tracks load (issue 19). A service whose clients arrive from none rises in every group
 * its connection or request machinery creates, and in its total, then holds a level while the clients
 * come and go. That rise is the load, not a leak — unless a group keeps rising after the load settled.
 * Pure; tick fields are session tick indexes.
 */

/** The first part of a session where the service (its total) was still rising to the level it then held. */
export interface WarmUp {
  /** The total held level from this tick to the end. */
  untilTick: number;
  fromTotal: number;
  toTotal: number;
  text: string;
}

/** A group that rose with others of the same machinery while the total rose, then held. */
export interface LoadTracking {
  /** The load held level from here (the total's level, else the latest level of a member that held). */
  settleTick: number;
  /** Its own rise after `settleTick` (floor of the last third minus floor of the first third). */
  riseAfterSettle: number;
  /** minGrowth or more after the load settled: not explained by the load. */
  keepsRising: boolean;
  /** The load held at least as long as it rose, over five ticks or more: long enough to tell whether a group keeps rising. */
  isHeldLongEnough: boolean;
  text: string;
}

/** What load tracking reads of each group's analysis. */
export interface LoadInput {
  index: number;
  classification: Classification;
  stuck: StuckEvidence;
}

/** The counting profile's total per tick (NOT_MEASURED where none). */
export function totalSeries(session: AnalysisSession): Int32Array {
  return Int32Array.from(session.ticks, (t) => t.profiles.find((p) => p.format === t.countFormat && p.profile !== 'goroutineleak')?.total ?? NOT_MEASURED);
}

/**
 * The total rose and then held level (the classifier's own plateau test): where it settled, the level
 * it rose from and to, and how long it held. Null otherwise.
 */
function totalHold(session: AnalysisSession, times: Float64Array, minGrowth: number): { tick: number; from: number; to: number; holdMs: number; windowMs: number; firstRiseTick: number } | null {
  const totals = totalSeries(session);
  const t = trendOf(totals, times, { minGrowth });
  if (t.measuredTicks < 10 || t.peak - t.baseline < minGrowth || t.excursionTicks === 0 || t.plateauTicks < 5 || t.returnedToBaseline) return null;
  const p = measuredPoints(totals, times);
  const settled = settledAt(p.values);
  const holdMs = p.atMs[p.values.length - 1]! - p.atMs[settled]!;
  return { tick: p.tickIndex[settled]!, from: t.baseline, to: medianOf(p.values, p.values.length >> 1, p.values.length), holdMs, windowMs: t.windowMs, firstRiseTick: t.firstRiseTick! };
}

/**
 * Where a series that rose reached the level it then kept: the first point from which its running
 * median of 5 never falls below that level (the median of its second half) minus the level's own
 * spread (twice the median distance from it, at least 1). Clients coming and going make the count
 * swing; the running median follows the ramp, not single swings.
 */
function settledAt(v: Int32Array): number {
  const n = v.length;
  const level = medianOf(v, n >> 1, n);
  const spread = new Int32Array(n - (n >> 1));
  for (let i = n >> 1; i < n; i++) spread[i - (n >> 1)] = Math.abs(v[i]! - level);
  const band = Math.max(1, 2 * medianOf(spread, 0, spread.length));
  let settled = n - 1;
  for (let i = n - 1; i >= 0; i--) {
    if (medianOf(v, Math.max(0, i - 2), Math.min(n, i + 3)) < level - band) break;
    settled = i;
  }
  return settled;
}

function medianOf(v: Int32Array, from: number, to: number): number {
  const sorted = Array.from(v.subarray(from, to)).sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/**
 * The warm-up at the start of a session: the total rose from the first ticks (never back near its
 * starting level) and then held level to the end, for at least half the window. Null otherwise.
 */
export function warmUpOf(session: AnalysisSession, times: Float64Array, minGrowth: number): WarmUp | null {
  const hold = totalHold(session, times, minGrowth);
  // A warm-up is the start of a session: rising from its first ticks, then mostly level.
  if (!hold || hold.tick === 0 || hold.holdMs * 2 < hold.windowMs) return null;
  if (hold.firstRiseTick > Math.max(2, Math.round(session.ticks.length * 0.1))) return null;
  const ms = times[hold.tick]! - times[0]!;
  return {
    untilTick: hold.tick,
    fromTotal: hold.from,
    toTotal: hold.to,
    text: `the first ${formatDuration(ms)} (t0–${tickName(hold.tick)}) are a warm-up: the total rose from ${hold.from} to ${hold.to} goroutines, then held level to the end (${formatDuration(hold.holdMs)}); growth in that part is the service filling up, not a trend`,
  };
}

/**
 * Groups created by the same machinery (the same `created by`, or one created by a function on the
 * other's stack) that rose together — their first rise within a few ticks — while the total rose,
 * then held. Keyed by group index; only cohorts of two groups or more, and only when the total or a
 * member held level.
 */
export function loadTrackingOf(session: AnalysisSession, groups: readonly LoadInput[], times: Float64Array, minGrowth: number): Map<number, LoadTracking> {
  const out = new Map<number, LoadTracking>();
  const risen = groups.filter((a) => {
    const t = a.classification.trend;
    return (a.classification.class === 'growingLeak' || a.classification.class === 'stablePool') && t.peak - t.baseline >= minGrowth && t.firstRiseTick !== null;
  });
  const hold = totalHold(session, times, minGrowth);
  const tolerance = Math.max(3, Math.round(session.ticks.length * 0.15));
  for (const cohort of cohortsOf(session, risen)) {
    const firstRise = cohort.map((a) => a.classification.trend.firstRiseTick!).sort((x, y) => x - y);
    const median = firstRise[firstRise.length >> 1]!;
    const together = cohort.filter((a) => Math.abs(a.classification.trend.firstRiseTick! - median) <= tolerance);
    if (together.length < 2) continue;
    const settleTick = hold?.tick ?? latestPlateauStart(together, times);
    if (settleTick === null) continue;
    const rise = together.reduce((n, a) => n + Math.max(0, a.classification.trend.last - a.classification.trend.baseline), 0);
    const machinery = session.groups[together[0]!.index]!.createdBy?.func ?? 'the same code';
    const totalText = hold ? ` while the total rose from ${hold.from} to ${hold.to}` : '';
    const base = `rose with the service's connections: ${together.length} groups created by ${machinery} and what it starts rose together from ${tickName(median)} (+${rise} together)${totalText}`;
    const lastTick = session.ticks.length - 1;
    const isHeldLongEnough = lastTick - settleTick >= 5 && times[lastTick]! - times[settleTick]! >= times[settleTick]! - times[median]!;
    for (const a of together) {
      const riseAfterSettle = riseAfter(session, a.index, times, settleTick);
      // A stable pool held level by the classifier's own test; only a growing group can keep rising.
      const keepsRising = a.classification.class === 'growingLeak' && riseAfterSettle >= minGrowth;
      out.set(a.index, {
        settleTick,
        riseAfterSettle,
        keepsRising,
        isHeldLongEnough,
        text: keepsRising
          ? `${base}, but this group kept rising after the load held level at ${tickName(settleTick)} (+${riseAfterSettle}): more than the load`
          : `${base}, then held level from ${tickName(settleTick)}`,
      });
    }
  }
  return out;
}

/** Union of groups linked by their creation: the same `created by`, or created by a function on the other's stack. */
function cohortsOf(session: AnalysisSession, risen: readonly LoadInput[]): LoadInput[][] {
  const parent = risen.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < risen.length; i++) {
    const gi = session.groups[risen[i]!.index]!;
    for (let j = i + 1; j < risen.length; j++) {
      const gj = session.groups[risen[j]!.index]!;
      const isSameCreator = gi.createdBy !== null && gj.createdBy !== null && gi.createdBy.func === gj.createdBy.func;
      const isCreatorOf = (a: typeof gi, b: typeof gi): boolean => b.createdBy !== null && a.frames.some((f) => f.func === b.createdBy!.func);
      if (isSameCreator || isCreatorOf(gi, gj) || isCreatorOf(gj, gi)) parent[find(i)] = find(j);
    }
  }
  const byRoot = new Map<number, LoadInput[]>();
  risen.forEach((a, i) => byRoot.set(find(i), [...(byRoot.get(find(i)) ?? []), a]));
  return [...byRoot.values()].filter((c) => c.length >= 2);
}

/** The latest start of a level part among members that held (stable pools); null when none held. */
function latestPlateauStart(cohort: readonly LoadInput[], times: Float64Array): number | null {
  let latest: number | null = null;
  for (const a of cohort) {
    const t = a.classification.trend;
    if (a.classification.class !== 'stablePool' || t.plateauTicks === 0) continue;
    // The level part spans plateauMs up to the group's last tick.
    const endMs = times[t.lastTick]!;
    let tick = t.lastTick;
    while (tick > 0 && endMs - times[tick - 1]! <= t.plateauMs) tick--;
    latest = latest === null ? tick : Math.max(latest, tick);
  }
  return latest;
}

/** Floor of the last third minus floor of the first third of the group's counts from `fromTick` on. */
function riseAfter(session: AnalysisSession, index: number, times: Float64Array, fromTick: number): number {
  const p = measuredPoints(session.groups[index]!.counts.subarray(fromTick), times.subarray(fromTick));
  const n = p.values.length;
  if (n < 3) return 0;
  const third = Math.max(1, Math.floor(n / 3));
  return minOf(p.values, n - third, n) - minOf(p.values, 0, third);
}
