import type { AnalysisSession, GroupSeries } from './session.js';
import { NOT_MEASURED } from './session.js';
import { gcRanBetween, gcTimelineOf, type GcTimeline } from './gc-timeline.js';
import { idTurnoverOf, intersectionSize, isChurn, type IdTurnover } from './id-turnover.js';

export { intersectionSize } from './id-turnover.js';

/** Goroutine ids of a group compared between its first and last full dump. */
export interface IdPersistence {
  fromTick: number;
  toTick: number;
  /** Ids of the first dump still present in the last. */
  persisted: number;
  /** Ids in the first dump. */
  of: number;
  /** Ids in the last dump above every id of the first: goroutines started since. */
  newer: number;
  oldestId: number;
}

/** Proof from full dumps that the group's goroutines woke up between two dumps (not stuck). */
export interface WakeUp {
  fromTick: number;
  toTick: number;
  /** Minutes between the two dumps. */
  spanMinutes: number;
  /** Longest wait at the later dump. */
  waitMinutes: number;
  /** The longest wait went down while every goroutine stayed (`reset`), or never built up (`flat`). */
  how: 'reset' | 'flat';
}

/** Proof from full dumps that the group's goroutines are replaced, not kept: work in flight. */
export interface Turnover {
  /** Consecutive full dumps where the group had goroutines in both. */
  pairs: number;
  /** The most of its ids that stayed from one of those dumps to the next. */
  maxPersisted: number;
  /** The pair with the most goroutines at the later dump, for the evidence: `of` at the first, `stayed` of them at the second. */
  fromTick: number;
  toTick: number;
  of: number;
  stayed: number;
}

export interface StuckEvidence {
  /** Longest `N minutes` seen in any full dump, and where (the latest dump showing it); null without full dumps. */
  maxWaitMinutes: number | null;
  maxWaitTick: number | null;
  /** Some of its goroutines carry the runtime's `(leaked)` mark in a full dump: Go prints no wait for those. */
  isWaitHidden: boolean;
  ids: IdPersistence | null;
  wakeUp: WakeUp | null;
  /** Set when its goroutines finish and are replaced (churn, `isChurn`): not stuck. */
  turnover: Turnover | null;
  /** Id turnover over the full dumps (reported beside persistence); null when not growing or with
   * fewer than two full dumps with its ids. */
  idTurnover: IdTurnover | null;
  /** States of the latest full dump that has the group. */
  states: Readonly<Record<string, number>> | null;
  statesTick: number | null;
  /** A state nothing can ever end: nil channel, `select {}`. */
  permanentState: string | null;
}

const PERMANENT_STATES = new Set(['chan receive (nil chan)', 'chan send (nil chan)', 'select (no cases)']);

// Go stamps gp.waitsince with the start of the first GC that finds a goroutine parked; sysmon forces a
// GC every 2 minutes (unless GOGC=off), so a goroutine parked all along shows at least (minutes since
// it parked − 2). Where GC counts were measured (expvar, Prometheus) they are used instead.
const GC_STAMP_SLACK_MIN = 2;
// The expvar request of a tick is milliseconds from its dumps; a GC may start just before it.
const GC_TIMING_SLACK_MS = 5_000;

export interface StuckContext {
  /** The first tick where the runtime proved some of the group leaked (Go ≥ 1.27 then prints those
   * goroutines `(leaked)`, without wait minutes), or null. */
  provedFromTick: number | null;
  /** The session's GC counts (`gcTimelineOf`), read once for every group. */
  gc: GcTimeline;
  /** Look for wake-ups and turnover: only a group that grows needs them, and they cost a pass over every full dump. */
  isGrowing: boolean;
  /** It rose by minGrowth or more at some point: its id turnover is reported beside persistence (default: isGrowing). */
  hasRisen?: boolean;
  /** The smallest rise that counts as growth: fewer stayers than this accumulating is churn (`isChurn`). */
  minGrowth: number;
}

/** What the full dumps say about whether the group's goroutines are stuck. */
export function stuckEvidenceOf(
  session: AnalysisSession,
  group: GroupSeries,
  context: StuckContext = { provedFromTick: null, gc: gcTimelineOf(session), isGrowing: true, minGrowth: 3 },
): StuckEvidence {
  const { provedFromTick } = context;
  let maxWait: number | null = null;
  let maxWaitTick: number | null = null;
  // Waits exist only where a full dump was taken.
  for (const t of session.fullDumpTicks) {
    const w = group.maxWaitMinutes[t]!;
    if (w !== NOT_MEASURED && (maxWait === null || w >= maxWait)) {
      maxWait = w;
      maxWaitTick = t;
    }
  }
  const dumps: number[] = [];
  for (let d = 0; d < group.ids.length; d++) if (group.ids[d] && group.ids[d]!.length > 0) dumps.push(d);
  let states: StuckEvidence['states'] = null;
  let statesTick: number | null = null;
  for (let d = group.states.length - 1; d >= 0; d--) {
    if (group.states[d]) {
      states = group.states[d]!;
      statesTick = session.fullDumpTicks[d]!;
      break;
    }
  }
  const permanentState = states ? (Object.keys(states).find((s) => PERMANENT_STATES.has(s)) ?? null) : null;
  const isWaitHidden = provedFromTick !== null && dumps.some((d) => session.fullDumpTicks[d]! >= provedFromTick);
  const idTurnover = context.isGrowing || context.hasRisen === true ? idTurnoverOf(session, group) : null;
  return {
    maxWaitMinutes: maxWait,
    maxWaitTick,
    isWaitHidden,
    ids: idPersistence(session, group, dumps),
    wakeUp: context.isGrowing ? wakeUpOf(session, group, dumps, context) : null,
    turnover: context.isGrowing && idTurnover && isChurn(idTurnover, context.minGrowth) ? turnoverOf(session, group, dumps) : null,
    idTurnover,
    states,
    statesTick,
    permanentState,
  };
}

function idPersistence(session: AnalysisSession, group: GroupSeries, dumps: number[]): IdPersistence | null {
  if (dumps.length < 2) return null;
  const first = group.ids[dumps[0]!]!;
  const last = group.ids[dumps[dumps.length - 1]!]!;
  const highest = first[first.length - 1]!;
  let newer = 0;
  for (let i = last.length - 1; i >= 0 && last[i]! > highest; i--) newer++;
  return {
    fromTick: session.fullDumpTicks[dumps[0]!]!,
    toTick: session.fullDumpTicks[dumps[dumps.length - 1]!]!,
    persisted: intersectionSize(first, last),
    of: first.length,
    newer,
    oldestId: first[0]!,
  };
}

/**
 * Checks consecutive full dumps and the first/last pair; the first proof found wins. Pairs that end
 * after the runtime proved some of the goroutines leaked are skipped: their waits are not printed.
 */
function wakeUpOf(session: AnalysisSession, group: GroupSeries, dumps: number[], { provedFromTick, gc }: StuckContext): WakeUp | null {
  const pairs: [number, number][] = [];
  for (let i = 1; i < dumps.length; i++) pairs.push([dumps[i - 1]!, dumps[i]!]);
  if (dumps.length > 2) pairs.push([dumps[0]!, dumps[dumps.length - 1]!]);
  for (const [a, b] of pairs) {
    const ta = session.fullDumpTicks[a]!;
    const tb = session.fullDumpTicks[b]!;
    if (provedFromTick !== null && provedFromTick <= tb) continue;
    const ids = group.ids[a]!;
    const persisted = intersectionSize(ids, group.ids[b]!);
    if (persisted === 0) continue;
    const wa = Math.max(0, group.maxWaitMinutes[ta]!);
    const wb = Math.max(0, group.maxWaitMinutes[tb]!);
    const spanMinutes = (session.ticks[tb]!.atMs - session.ticks[ta]!.atMs) / 60_000;
    if (persisted === ids.length && wb < wa) return { fromTick: ta, toTick: tb, spanMinutes, waitMinutes: wb, how: 'reset' };
    // Parked since before ta, a goroutine stamped by a GC that ended by this time would show more than wb.
    const gcRan = gcRanBetween(gc, ta, session.ticks[tb]!.atMs - (wb + 1) * 60_000 - GC_TIMING_SLACK_MS);
    const isFlat = gcRan ?? wb < Math.floor(spanMinutes - GC_STAMP_SLACK_MIN);
    if (isFlat) return { fromTick: ta, toTick: tb, spanMinutes, waitMinutes: wb, how: 'flat' };
  }
  return null;
}

/**
 * The consecutive full dumps of a group that churns (`isChurn`), for the evidence: the pairs where it
 * had goroutines in both, the most ids that stayed over one of them, and the pair with the most
 * goroutines at the later dump. Null when there is no such pair.
 */
function turnoverOf(session: AnalysisSession, group: GroupSeries, dumps: number[]): Turnover | null {
  let pairs = 0;
  let maxPersisted = 0;
  let shown: { a: number; b: number; stayed: number } | null = null;
  for (let i = 1; i < dumps.length; i++) {
    const a = group.ids[dumps[i - 1]!]!;
    const b = group.ids[dumps[i]!]!;
    pairs++;
    const stayed = intersectionSize(a, b);
    maxPersisted = Math.max(maxPersisted, stayed);
    if (!shown || b.length >= group.ids[shown.b]!.length) shown = { a: dumps[i - 1]!, b: dumps[i]!, stayed };
  }
  if (!shown) return null;
  const { fullDumpTicks } = session;
  return { pairs, maxPersisted, fromTick: fullDumpTicks[shown.a]!, toTick: fullDumpTicks[shown.b]!, of: group.ids[shown.a]!.length, stayed: shown.stayed };
}
