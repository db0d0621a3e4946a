import type { Frame } from '../../shared/model.js';
import type { CreationNode } from '../../shared/dump-overview.js';
import type { OverviewAcc } from './dump-overview.js';

/**
 * The creation tree of a dump's groups, folded, in pre-order. With `created by … in goroutine N`
 * (Go ≥ 1.21) each group hangs under the group most of its creators belong to, so chains read
 * `main.main → 300× main.leakA → …`; a group whose creators have all exited is a root that says so.
 * Without parent ids, groups hang under their creation site (`created by main.startPipeline main.go:83`).
 * `groups` come largest first; children keep that order.
 */
export function creationTreeOf(
  groups: readonly OverviewAcc[],
  groupOfId: ReadonlyMap<number, OverviewAcc>,
  hasParentIds: boolean,
  site: (f: Frame) => string,
): CreationNode[] {
  return hasParentIds ? parentTree(groups, groupOfId, site) : siteTree(groups, site);
}

function label(g: OverviewAcc, site: (f: Frame) => string): string {
  const where = g.blocking ? site(g.blocking) : g.frames[0] ? site(g.frames[0]) : 'no frames';
  return `${g.count}× ${where}`;
}

function parentTree(groups: readonly OverviewAcc[], groupOfId: ReadonlyMap<number, OverviewAcc>, site: (f: Frame) => string): CreationNode[] {
  const parentOf = new Map<OverviewAcc, OverviewAcc>();
  const gone = new Map<OverviewAcc, number>();
  for (const g of groups) {
    const votes = new Map<OverviewAcc, number>();
    for (const [id, n] of g.parents) {
      const parent = groupOfId.get(id);
      if (parent) votes.set(parent, (votes.get(parent) ?? 0) + n);
      else gone.set(g, (gone.get(g) ?? 0) + n);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (best && best !== g) parentOf.set(g, best);
  }
  const children = new Map<OverviewAcc, OverviewAcc[]>();
  for (const g of groups) {
    const p = parentOf.get(g);
    if (p) children.set(p, [...(children.get(p) ?? []), g]);
  }
  const out: CreationNode[] = [];
  const seen = new Set<OverviewAcc>();
  const visit = (g: OverviewAcc, depth: number): void => {
    if (seen.has(g)) return;
    seen.add(g);
    out.push({ depth, groupId: g.id, label: label(g, site), count: g.count });
    for (const c of children.get(g) ?? []) visit(c, depth + 1);
  };
  // Roots whose creators have exited fold under their creation site, as in a dump without parent ids.
  const orphansBySite = new Map<string, OverviewAcc[]>();
  for (const g of groups) {
    if (parentOf.has(g)) continue;
    if (gone.has(g) && g.createdBy) {
      const key = `created by ${site(g.createdBy)}`;
      orphansBySite.set(key, [...(orphansBySite.get(key) ?? []), g]);
    } else {
      visit(g, 0);
    }
  }
  for (const [key, gs] of orphansBySite) {
    const count = gs.reduce((n, g) => n + g.count, 0);
    out.push({ depth: 0, groupId: null, label: `${key}, by goroutines that have exited — ${count} goroutine${count === 1 ? '' : 's'}`, count });
    for (const g of gs) visit(g, 1);
  }
  // Creator cycles (a group whose goroutines start more of their own kind) were never reached from a root.
  for (const g of groups) visit(g, 0);
  return out;
}

function siteTree(groups: readonly OverviewAcc[], site: (f: Frame) => string): CreationNode[] {
  const bySite = new Map<string, OverviewAcc[]>();
  for (const g of groups) {
    const key = g.createdBy ? `created by ${site(g.createdBy)}` : 'no creator shown (goroutine 1, or started by the runtime)';
    bySite.set(key, [...(bySite.get(key) ?? []), g]);
  }
  const roots = [...bySite].map(([key, gs]) => ({ key, gs, count: gs.reduce((n, g) => n + g.count, 0) })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  return roots.flatMap(({ key, gs, count }) => [
    { depth: 0, groupId: null, label: `${key} — ${count} goroutine${count === 1 ? '' : 's'} in ${gs.length} group${gs.length === 1 ? '' : 's'}`, count },
    ...gs.map((g) => ({ depth: 1, groupId: g.id, label: label(g, site), count: g.count })),
  ]);
}
