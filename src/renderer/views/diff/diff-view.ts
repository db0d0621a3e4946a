import type { DiffChange, DiffRow, SnapshotInfo } from '../../../shared/contract.js';
import { formatClock, formatCount } from '../../ui/format.js';

/** Snapshots with groups to compare: goroutine profiles and dumps that succeeded. */
export function comparableSnapshots(list: readonly SnapshotInfo[]): SnapshotInfo[] {
  return list.filter((s) => s.error === null && (s.kind === 'compact' || s.kind === 'full' || s.kind === 'leak'));
}

/**
 * The pair a diff opens with: the first and last full dumps when there are two (ids let the diff say
 * which goroutines persisted), else the first and last comparable snapshots; null with fewer than two.
 */
export function defaultPair(list: readonly SnapshotInfo[]): { fromId: number; toId: number } | null {
  const full = list.filter((s) => s.kind === 'full');
  const pool = full.length >= 2 ? full : list;
  if (pool.length < 2) return null;
  return { fromId: pool[0]!.id, toId: pool[pool.length - 1]!.id };
}

/** `tick 3 · 12:00:07 · debug=2 · 1,204 goroutines`. */
export function snapshotLabel(s: SnapshotInfo): string {
  const what = s.kind === 'full' ? 'debug=2' : s.kind === 'leak' ? 'goroutineleak' : s.format === 'pprof-proto' ? 'protobuf' : 'debug=1';
  const total = s.total === null ? '' : ` · ${formatCount(s.total)} goroutines`;
  return `tick ${s.tick} · ${formatClock(s.atMs)} · ${what}${total}`;
}

export const CHANGE_ORDER: readonly DiffChange[] = ['appeared', 'grew', 'shrank', 'vanished', 'unchanged'];

/** How many groups changed each way. */
export function changeCounts(rows: readonly DiffRow[]): Record<DiffChange, number> {
  const out: Record<DiffChange, number> = { appeared: 0, grew: 0, shrank: 0, vanished: 0, unchanged: 0 };
  for (const r of rows) out[r.change]++;
  return out;
}
