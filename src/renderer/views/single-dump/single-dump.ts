import type { DumpOverview, OverviewGroup } from '../../../shared/dump-overview.js';

/**
 * `3~41 minutes`, `1 minute`, `under a minute` (Go prints a wait once it reaches 1 minute); Go ≥ 1.27
 * prints none for goroutines it marked `(leaked)`.
 */
export function waitRange(g: Pick<OverviewGroup, 'waitMinutes' | 'leaked' | 'count'>): string {
  const w = g.waitMinutes;
  if (w === null) return g.leaked === g.count && g.count > 0 ? 'no wait printed for (leaked)' : 'under a minute';
  if (w.min === w.max) return `${w.max} minute${w.max === 1 ? '' : 's'}`;
  return `${w.min}~${w.max} minutes`;
}

/** `chan send 300 · runnable 2`, most first. */
export function statesText(states: Readonly<Record<string, number>>): string {
  return Object.entries(states)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([s, n]) => `${s} ${n.toLocaleString('en-US')}`)
    .join(' · ');
}

/** `ids 9…629`, or `id 1` for a lone goroutine. */
export function idsText(g: OverviewGroup): string {
  return g.ids.first === g.ids.last ? `id ${g.ids.first}` : `ids ${g.ids.first}…${g.ids.last}`;
}

/** The headline: `303 goroutines in 4 groups (4 stacks)`. */
export function headline(o: DumpOverview): string {
  const n = o.groups.length;
  const merged = !o.isExact && o.exactStacks > n ? `, merged from ${o.exactStacks} distinct stacks` : '';
  return `${o.total.toLocaleString('en-US')} goroutine${o.total === 1 ? '' : 's'} in ${n} group${n === 1 ? '' : 's'}${merged}`;
}

/** Suspects first (strongest, then largest), then the rest by size: the order the page lists groups in. */
export function pageOrder(groups: readonly OverviewGroup[]): OverviewGroup[] {
  const rank = (g: OverviewGroup): number => (g.suspect === null ? 3 : g.suspect.strength === 'proof' ? 0 : g.suspect.strength === 'strong' ? 1 : 2);
  return [...groups].sort((a, b) => rank(a) - rank(b) || b.count - a.count);
}
