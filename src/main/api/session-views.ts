import type { GroupRow, SessionSeries, SessionSummary, SnapshotInfo, Suspect } from '../../shared/contract.js';
import { toTimelineTick } from '../store/series.js';
import type { Group, Snapshot } from '../../shared/model.js';
import type * as store from '../store/types.js';

/**
 * Store records → contract shapes. Pure: the handlers read the store and pass what they read.
 */

export function toSessionSummary(s: store.SessionSummary, isRecording: boolean, fleet: Pick<SessionSummary, 'fleet' | 'instanceOf'> = {}): SessionSummary {
  return {
    ...fleet,
    id: s.id,
    name: s.name,
    source: s.source,
    target: s.target,
    startedAtMs: s.startedAtMs,
    endedAtMs: s.endedAtMs,
    intervalMs: s.intervalMs,
    fullEvery: s.fullEvery,
    ticks: s.ticks,
    snapshots: s.snapshots,
    failedTicks: s.failedTicks,
    isRecording,
  };
}

export function toSnapshotInfo(s: store.SnapshotInfo): SnapshotInfo {
  return { ...s, error: s.error === null ? null : { code: s.error.code, message: s.error.message } };
}

function lastCount(counts: readonly (number | null)[]): number {
  for (let i = counts.length - 1; i >= 0; i--) {
    const c = counts[i];
    if (c !== null && c !== undefined) return c;
  }
  return 0;
}

function peakOf(counts: readonly (number | null)[]): number {
  let peak = 0;
  for (const c of counts) if (c !== null && c > peak) peak = c;
  return peak;
}

/** What ranks a group on the timeline. */
export interface GroupRank {
  key: string;
  /** Its count at the last counted tick (0 when absent there). */
  last: number;
  peak: number;
}

/**
 * The timeline's order of groups, kept one by one up to `maxGroups` and the rest folded: the largest
 * last count first, then the largest peak, then the key. Every fold of the series (foldSeries and the
 * downsampled reads of series-columns.ts) sorts with this one.
 */
export const byRank = (a: GroupRank, b: GroupRank): number => b.last - a.last || b.peak - a.peak || (a.key < b.key ? -1 : 1);

/**
 * The timeline's series: the `maxGroups` groups with the largest last count (then the largest peak)
 * one by one, largest first; every other group summed per tick into `rest`.
 */
export function foldSeries(series: store.SessionSeries, stacks: readonly store.StackInfo[], maxGroups: number): SessionSeries {
  const siteOf = new Map(stacks.map((s) => [s.key, s.blockingSite]));
  const ranked = series.groups
    .map((g) => ({ g, key: g.key, last: lastCount(g.counts), peak: peakOf(g.counts) }))
    .sort(byRank);
  const top = ranked.slice(0, maxGroups);
  const others = ranked.slice(maxGroups);
  const ticks = series.ticks.map(toTimelineTick);
  const rest = ticks.map((t): number | null => (t.countedSnapshotId === null ? null : 0));
  for (const { g } of others) {
    for (let i = 0; i < rest.length; i++) {
      const c = g.counts[i];
      if (c !== null && c !== undefined && rest[i] !== null) rest[i] = rest[i]! + c;
    }
  }
  return {
    sessionId: series.sessionId,
    ticks,
    groups: top.map(({ g }) => ({ key: g.key, blockingSite: siteOf.get(g.key) ?? null, counts: g.counts })),
    rest,
    restGroups: others.length,
  };
}

/** The state most goroutines are in (ties by name), or null when none is known. */
export function dominantState(states: Readonly<Record<string, number>>): string | null {
  let best: string | null = null;
  for (const [state, n] of Object.entries(states)) {
    if (best === null || n > states[best]! || (n === states[best] && state < best)) best = state;
  }
  return best;
}

/** At most `points` values: the maximum of each bucket of ticks, ticks without a count skipped. */
export function sparklineOf(counts: readonly (number | null)[], points = 48): number[] {
  const known = counts.filter((c): c is number => c !== null);
  if (known.length <= points) return known;
  const out: number[] = [];
  for (let b = 0; b < points; b++) {
    const from = Math.floor((b * known.length) / points);
    const to = Math.floor(((b + 1) * known.length) / points);
    let max = 0;
    for (let i = from; i < to; i++) if (known[i]! > max) max = known[i]!;
    out.push(max);
  }
  return out;
}

function firstCount(counts: readonly (number | null)[]): number {
  for (const c of counts) if (c !== null) return c;
  return 0;
}

function absentGroup(stack: store.StackInfo): Group {
  return {
    key: stack.key,
    count: 0,
    states: {},
    leakedCount: 0,
    maxWaitMinutes: null,
    blockingSite: stack.blockingSite,
    createdBy: stack.createdBy,
    frames: stack.frames,
    labels: [],
    ids: [],
    isLocked: false,
  };
}

/**
 * The groups table of one snapshot: each group of the snapshot, then each other group of the session
 * (count 0 here), with its history over the session and its suspect evidence. Largest count first.
 */
export function groupRows(
  snapshot: Snapshot | null,
  series: store.SessionSeries,
  stacks: readonly store.StackInfo[],
  suspects: ReadonlyMap<string, Suspect>,
): GroupRow[] {
  const countsByKey = new Map(series.groups.map((g) => [g.key, g.counts]));
  const stackByKey = new Map(stacks.map((s) => [s.key, s]));
  const groups: Group[] = snapshot ? [...snapshot.groups] : [];
  const present = new Set(groups.map((g) => g.key));
  for (const s of stacks) if (!present.has(s.key)) groups.push(absentGroup(s));
  const rows = groups.map((g): GroupRow => {
    const counts = countsByKey.get(g.key) ?? [g.count];
    return {
      ...g,
      typicalState: dominantState(g.states) ?? dominantState(stackByKey.get(g.key)?.states ?? {}),
      createdBy: g.createdBy ?? stackByKey.get(g.key)?.createdBy ?? null,
      firstCount: firstCount(counts),
      peakCount: Math.max(peakOf(counts), g.count),
      sparkline: sparklineOf(counts),
      suspect: suspects.get(g.key) ?? null,
    };
  });
  return rows.sort((a, b) => b.count - a.count || b.peakCount - a.peakCount || (a.key < b.key ? -1 : 1));
}
