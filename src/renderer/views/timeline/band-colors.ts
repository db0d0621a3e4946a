/**
 * Band colours that stay put and stay apart. A hash of the group key let two leaks share a pink;
 * here each group gets a colour the first time it is drawn and keeps it for as long as the view
 * lives, no two groups on the chart share one while the palette lasts, and suspects (leak evidence)
 * take the strong warm colours first so the eye lands on them.
 */

/** Strong, warm, mutually distinct: for suspects, highest score first. */
export const SUSPECT_COLORS = ['#d62728', '#ff7f0e', '#9467bd', '#e377c2', '#8c564b', '#bcbd22', '#f0027f', '#b15928'];
/** Calmer, also mutually distinct: for every other group. */
export const CALM_COLORS = ['#1f77b4', '#2ca02c', '#17becf', '#6baed6', '#74c476', '#9ecae1', '#3182bd', '#31a354', '#637939', '#5254a3', '#6b6ecf', '#9c9ede', '#8ca252', '#393b79'];
export const REST_COLOR = '#9aa0a6';

/** The n-th colour past both lists: hues a golden angle apart, so neighbours still differ. */
export function extraColor(n: number): string {
  return `hsl(${Math.round((n * 137.508) % 360)}, 55%, 52%)`;
}

export interface ColoredGroup {
  key: string;
  /** Suspect score 0–100, or null: no leak evidence. */
  suspectScore: number | null;
}

/**
 * Colours for `groups`, keeping every colour `previous` gave (pass the result back in next time).
 * A group that became a suspect since moves to a free suspect colour once. Pure.
 */
export function assignColors(previous: ReadonlyMap<string, string>, groups: readonly ColoredGroup[]): Map<string, string> {
  const next = new Map<string, string>();
  const used = new Set<string>();
  const isSuspectColor = (c: string): boolean => SUSPECT_COLORS.includes(c);
  const wanting: ColoredGroup[] = [];
  for (const g of groups) {
    const had = previous.get(g.key);
    const isSuspect = g.suspectScore !== null;
    const canUpgrade = isSuspect && had !== undefined && !isSuspectColor(had);
    if (had !== undefined && !used.has(had) && !canUpgrade) {
      next.set(g.key, had);
      used.add(had);
    } else wanting.push(g);
  }
  // Suspects first (highest score first), then the rest in the order given (largest group first).
  wanting.sort((a, b) => (b.suspectScore ?? -1) - (a.suspectScore ?? -1));
  let extra = 0;
  for (const g of wanting) {
    const isSuspect = g.suspectScore !== null;
    const pools = isSuspect ? [SUSPECT_COLORS, CALM_COLORS] : [CALM_COLORS, SUSPECT_COLORS];
    let color = pools.flat().find((c) => !used.has(c));
    // A suspect that had a calm colour keeps it when no suspect colour is free.
    if (color !== undefined && isSuspect && !isSuspectColor(color) && previous.has(g.key) && !used.has(previous.get(g.key)!)) color = previous.get(g.key)!;
    while (color === undefined || used.has(color)) color = extraColor(extra++);
    next.set(g.key, color);
    used.add(color);
  }
  return next;
}
