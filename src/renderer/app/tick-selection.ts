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
