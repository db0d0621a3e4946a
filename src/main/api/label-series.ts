import type { Group } from '../../shared/model.js';
import type { RequestOutput } from '../../shared/contract.js';
import { splitByLabel } from '../../shared/labels.js';
import type { SessionSeries } from '../store/types.js';

const MAX_VALUES = 12;

/**
 * A group's count per tick split by one label key's values, from the label sets of each tick's counted
 * snapshot (the compact profile, else the full dump: one snapshot per tick, so nothing counts twice).
 * The `MAX_VALUES` largest values at their peak get a series each; the rest are folded into one with
 * `value` null. Ticks whose snapshot has no labels for the group are null.
 */
export function labelSeriesOf(series: SessionSeries, bySnapshot: Map<number, Group['labels']>, labelKey: string): RequestOutput<'session.labelSeries'> {
  const perTick = series.ticks.map((t) => {
    const labels = t.countedSnapshotId === null ? undefined : bySnapshot.get(t.countedSnapshotId);
    if (!labels) return null;
    const total = labels.reduce((n, l) => n + l.count, 0);
    return splitByLabel(total, labels, labelKey).filter((s) => s.value !== null);
  });
  const peak = new Map<string, number>();
  for (const split of perTick) for (const s of split ?? []) peak.set(s.value!, Math.max(peak.get(s.value!) ?? 0, s.count));
  const kept = [...peak].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_VALUES).map(([v]) => v);
  const values = kept.map((value) => ({
    value: value as string | null,
    counts: perTick.map((split) => (split === null ? null : (split.find((s) => s.value === value)?.count ?? 0))),
  }));
  if (peak.size > kept.length) {
    const keptSet = new Set(kept);
    values.push({
      value: null,
      counts: perTick.map((split) => (split === null ? null : split.filter((s) => !keptSet.has(s.value!)).reduce((n, s) => n + s.count, 0))),
    });
  }
  return { ticks: series.ticks.map((t) => ({ tick: t.tick, atMs: t.atMs })), values };
}
