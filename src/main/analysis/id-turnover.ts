import type { AnalysisSession, GroupSeries } from './session.js';
import { formatDuration, tickName } from './classify.js';

/**
 * What a group's goroutine ids say about whether its goroutines finish (issue 19). Go numbers
 * goroutines in increasing order and never reuses an id, so across full dumps an id that is gone
 * finished (or moved to another stack), and an id that stays is the same goroutine. A leak keeps its
 * oldest ids; churn (connections, requests) replaces them. Tick fields are session tick indexes.
 */
export interface IdTurnover {
  /** The group's first full dump with ids, and the session's last full dump. */
  fromTick: number;
  toTick: number;
  /** Consecutive full-dump pairs from `fromTick` on. */
  pairs: number;
  /** Ids seen at one full dump (every one but the last), and how many of those were gone at the next. */
  seen: number;
  gone: number;
  /** Ids at the last full dump. */
  present: number;
  /** The ids at the last full dump by the full dump where each was first seen, oldest first (no zeros). */
  ages: { tick: number; ids: number }[];
  /** Longest time between the first and the last full dump that showed an id that later left; null
   * when none left. How long the group's goroutines live when they do finish. */
  longestLeftMs: number | null;
  /** Ids at the last full dump, seen at an earlier one, that have stayed longer than `longestLeftMs`
   * (every id seen earlier when none left), ascending: goroutines that do not finish. */
  stuckIds: number[];
  /** How many of `stuckIds` were not there at `fromTick`: stayers that accumulated during the window. */
  accumulated: number;
}

/**
 * Id turnover of a group over the session's full dumps, from its first full dump with ids to the
 * last full dump (a dump without the group counts as none of its ids there). Null with fewer than
 * two such dumps. O(ids over all dumps).
 */
export function idTurnoverOf(session: AnalysisSession, group: GroupSeries): IdTurnover | null {
  const first = group.ids.findIndex((ids) => ids !== null && ids.length > 0);
  const last = session.fullDumpTicks.length - 1;
  if (first < 0 || first >= last) return null;
  const atMs = (d: number): number => session.ticks[session.fullDumpTicks[d]!]!.atMs;
  const empty = new Float64Array(0);
  const idsAt = (d: number): Float64Array => group.ids[d] ?? empty;
  // Per id: the first and last full dump showing it.
  const firstSeen = new Map<number, number>();
  const lastSeen = new Map<number, number>();
  let seen = 0;
  let gone = 0;
  for (let d = first; d <= last; d++) {
    const ids = idsAt(d);
    for (const id of ids) {
      if (!firstSeen.has(id)) firstSeen.set(id, d);
      lastSeen.set(id, d);
    }
    if (d < last) {
      seen += ids.length;
      gone += ids.length - intersectionSize(ids, idsAt(d + 1));
    }
  }
  const present = idsAt(last);
  let longestLeftMs: number | null = null;
  for (const [id, d] of lastSeen) {
    if (d === last) continue;
    const lived = atMs(d) - atMs(firstSeen.get(id)!);
    longestLeftMs = longestLeftMs === null ? lived : Math.max(longestLeftMs, lived);
  }
  const byDump = new Map<number, number>();
  const stuckIds: number[] = [];
  let accumulated = 0;
  for (const id of present) {
    const d = firstSeen.get(id)!;
    byDump.set(d, (byDump.get(d) ?? 0) + 1);
    const age = atMs(last) - atMs(d);
    if (d < last && age > (longestLeftMs ?? 0)) {
      stuckIds.push(id);
      if (d > first) accumulated++;
    }
  }
  const ages = [...byDump.entries()].sort((a, b) => a[0] - b[0]).map(([d, ids]) => ({ tick: session.fullDumpTicks[d]!, ids }));
  return {
    fromTick: session.fullDumpTicks[first]!,
    toTick: session.fullDumpTicks[last]!,
    pairs: last - first,
    seen,
    gone,
    present: present.length,
    ages,
    longestLeftMs,
    stuckIds,
    accumulated,
  };
}

/**
 * Its goroutines finish and are replaced: over two pairs of full dumps or more, at least `minGrowth`
 * ids left, and fewer than `minGrowth` ids accumulated that stayed longer than the ones that left
 * lived (a slow leak hidden in churn keeps its stuck ones, and stays a leak). Not the share gone
 * between two dumps: that depends on how far apart the dumps are, not on whether goroutines finish.
 */
export function isChurn(t: IdTurnover, minGrowth: number): boolean {
  return t.pairs >= 2 && t.gone >= minGrowth && t.accumulated < minGrowth;
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

const LISTED_IDS = 10;

/**
 * The turnover in words, with its verdict: replaced (churn), a leak hidden in churn (naming the
 * stuck ids), or nothing left. Example: `turnover: 27 of the 31 ids seen at a full dump were gone by
 * the next (87 %); none of the 13 at t29 has stayed longer than the 20 s the ids that left lived
 * (first seen at t25: 4, t29: 9): its goroutines finish and are replaced, not stuck`.
 */
export function describeTurnover(t: IdTurnover, minGrowth: number): string {
  const goneText = t.gone === 0 ? `none of the ${t.seen} ids seen at a full dump had left by the next` : `${t.gone} of the ${t.seen} ids seen at a full dump were gone by the next (${Math.round((t.gone / t.seen) * 100)} %)`;
  const ages = `first seen at ${t.ages.map((a) => `${tickName(a.tick)}: ${a.ids}`).join(', ')}`;
  const at = tickName(t.toTick);
  if (t.longestLeftMs === null) return `turnover: ${goneText}; of the ${t.present} at ${at}, ${ages}: they stay`;
  const lived = t.longestLeftMs === 0 ? 'the ids that left, each seen at one full dump only' : `the ${formatDuration(t.longestLeftMs)} the ids that left lived`;
  if (isChurn(t, minGrowth)) {
    const stayed = t.stuckIds.length === 0 ? `none of the ${t.present} at ${at} has` : `only ${t.stuckIds.length} of the ${t.present} at ${at} ${t.stuckIds.length === 1 ? 'has' : 'have'}`;
    return `turnover: ${goneText}; ${stayed} stayed longer than ${lived} (${ages}): its goroutines finish and are replaced, not stuck`;
  }
  if (t.stuckIds.length === 0) return `turnover: ${goneText}; none of the ${t.present} at ${at} stayed longer than ${lived} (${ages})`;
  const verdict = t.accumulated >= minGrowth ? ': a leak hidden in the churn' : '';
  return (
    `turnover: ${goneText}; ${t.stuckIds.length} of the ${t.present} at ${at} stayed longer than ${lived}, ${t.accumulated} of them joined after ${tickName(t.fromTick)} ` +
    `(${ages}): stuck ids ${listIds(t.stuckIds)}${verdict}`
  );
}

/** `35, 66, 75` or `35, 66, …, 230 (12 ids)`. */
function listIds(ids: readonly number[]): string {
  if (ids.length <= LISTED_IDS) return ids.join(', ');
  return `${ids.slice(0, LISTED_IDS - 1).join(', ')}, …, ${ids[ids.length - 1]!} (${ids.length} ids)`;
}
