import type { AnalysisSession, GroupSeries } from './session.js';
import { NOT_MEASURED } from './session.js';

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

export interface StuckEvidence {
  /** Longest `N minutes` seen in any full dump, and where; null without full dumps. */
  maxWaitMinutes: number | null;
  maxWaitTick: number | null;
  ids: IdPersistence | null;
  wakeUp: WakeUp | null;
  /** States of the latest full dump that has the group. */
  states: Readonly<Record<string, number>> | null;
  statesTick: number | null;
  /** A state nothing can ever end: nil channel, `select {}`. */
  permanentState: string | null;
}

const PERMANENT_STATES = new Set(['chan receive (nil chan)', 'chan send (nil chan)', 'select (no cases)']);

// Go stamps gp.waitsince at the first GC after a goroutine parks; sysmon forces a GC every 2 minutes,
// so a goroutine parked all along shows at least (minutes since it parked − 2).
const GC_STAMP_SLACK_MIN = 2;

/** What the full dumps say about whether the group's goroutines are stuck. */
export function stuckEvidenceOf(session: AnalysisSession, group: GroupSeries): StuckEvidence {
  let maxWait: number | null = null;
  let maxWaitTick: number | null = null;
  // Waits exist only where a full dump was taken.
  for (const t of session.fullDumpTicks) {
    const w = group.maxWaitMinutes[t]!;
    if (w !== NOT_MEASURED && (maxWait === null || w > maxWait)) {
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
  return {
    maxWaitMinutes: maxWait,
    maxWaitTick,
    ids: idPersistence(session, group, dumps),
    wakeUp: wakeUpOf(session, group, dumps),
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

/** Checks consecutive full dumps and the first/last pair; the first proof found wins. */
function wakeUpOf(session: AnalysisSession, group: GroupSeries, dumps: number[]): WakeUp | null {
  const pairs: [number, number][] = [];
  for (let i = 1; i < dumps.length; i++) pairs.push([dumps[i - 1]!, dumps[i]!]);
  if (dumps.length > 2) pairs.push([dumps[0]!, dumps[dumps.length - 1]!]);
  for (const [a, b] of pairs) {
    const ta = session.fullDumpTicks[a]!;
    const tb = session.fullDumpTicks[b]!;
    const ids = group.ids[a]!;
    const persisted = intersectionSize(ids, group.ids[b]!);
    if (persisted === 0) continue;
    const wa = Math.max(0, group.maxWaitMinutes[ta]!);
    const wb = Math.max(0, group.maxWaitMinutes[tb]!);
    const spanMinutes = (session.ticks[tb]!.atMs - session.ticks[ta]!.atMs) / 60_000;
    if (persisted === ids.length && wb < wa) return { fromTick: ta, toTick: tb, spanMinutes, waitMinutes: wb, how: 'reset' };
    if (wb < Math.floor(spanMinutes - GC_STAMP_SLACK_MIN)) return { fromTick: ta, toTick: tb, spanMinutes, waitMinutes: wb, how: 'flat' };
  }
  return null;
}

/** Size of the intersection of two ascending id lists. */
export function intersectionSize(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      n++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return n;
}
