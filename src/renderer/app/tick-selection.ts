import type { TimelineTick } from '../../shared/contract.js';

/** The snapshot a tick shows in the groups table: its full dump (ids, states, waits) else its counted one. */
export function snapshotOfTick(tick: TimelineTick | undefined): number | null {
  return tick ? (tick.fullSnapshotId ?? tick.countedSnapshotId) : null;
}

/** The tick with a full dump nearest to `at` (earlier wins a tie), for the dump view; null when none. */
export function nearestFullDumpTick(ticks: readonly TimelineTick[], at: number): number | null {
  for (let d = 0; d < ticks.length; d++) {
    if (ticks[at - d]?.fullSnapshotId != null) return at - d;
    if (ticks[at + d]?.fullSnapshotId != null) return at + d;
  }
  return null;
}

/**
 * What the dump view shows for tick `at`: the nearest full dump (its goroutines carry ids and states);
 * in a session without any (imported debug=1 files, say), the tick's own counted profile, whose
 * debug=1 text shows its records. Null when the session has no tick.
 */
export function dumpOfTick(ticks: readonly TimelineTick[], at: number): { tick: number; snapshotId: number | null } | null {
  const full = nearestFullDumpTick(ticks, at);
  if (full !== null) return { tick: full, snapshotId: ticks[full]!.fullSnapshotId };
  const own = ticks[at];
  return own ? { tick: at, snapshotId: own.countedSnapshotId } : null;
}

/** The index of tick number `tick` (ticks ascending; usually tick n is at index n), or null when absent. */
export function indexOfTick(ticks: readonly TimelineTick[], tick: number): number | null {
  if (ticks[tick]?.tick === tick) return tick;
  let lo = 0;
  let hi = ticks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = ticks[mid]!.tick;
    if (at === tick) return mid;
    if (at < tick) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

/**
 * Where tick index `index` of the whole session lies in a downsampled series (contract.ts,
 * `downsampled`): the first entry of its column. Columns split the ticks as `series-columns.ts` does.
 */
export function entryOfSessionIndex(index: number, d: { sessionTicks: number; columns: number }): number {
  const startOf = (k: number): number => Math.floor((k * d.sessionTicks) / d.columns);
  let k = Math.min(d.columns - 1, Math.floor((index * d.columns) / d.sessionTicks));
  while (k + 1 < d.columns && startOf(k + 1) <= index) k++;
  while (k > 0 && startOf(k) > index) k--;
  return 2 * k;
}
