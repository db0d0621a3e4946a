import type { LabelSet } from './model.js';

/**
 * pprof label sets as every part of Goroscope compares them. Go sorts labels by key in tracebacks and
 * in debug=1; protobuf samples list them in any order. Shared because the analysis groups by it, the
 * store keys its `label_sets` table by it and the renderer filters on it.
 */

/** `{tenant: 'acme', route: 'GET /x'}` → `[["route","GET /x"],["tenant","acme"]]`: one text per set. */
export function labelSetKey(labels: LabelSet): string {
  return JSON.stringify(sortedEntries(labels));
}

/** The set with its keys in sorted order (for display and stable JSON). */
export function sortedLabelSet(labels: LabelSet): LabelSet {
  return Object.fromEntries(sortedEntries(labels));
}

/** `route=GET /x, tenant=acme`: the set as the CLI, reports and chips print it. */
export function formatLabelSet(labels: LabelSet): string {
  return sortedEntries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function sortedEntries(labels: LabelSet): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One value of a label key with the goroutines carrying it; `value` null: the key is absent. */
export interface LabelSplit {
  value: string | null;
  count: number;
}

/**
 * A group's count split by one label key's values (`--group-by-label tenant`, the UI's "split by"),
 * largest first; goroutines without that key (or without labels) are the `null` entry.
 */
export function splitByLabel(count: number, labels: readonly { labels: LabelSet; count: number }[], key: string): LabelSplit[] {
  const byValue = new Map<string | null, number>();
  let carried = 0;
  for (const l of labels) {
    if (!Object.hasOwn(l.labels, key)) continue;
    const value = l.labels[key]!;
    byValue.set(value, (byValue.get(value) ?? 0) + l.count);
    carried += l.count;
  }
  if (count > carried) byValue.set(null, count - carried);
  return [...byValue]
    .map(([value, n]) => ({ value, count: n }))
    .sort((a, b) => b.count - a.count || ((a.value ?? '\uffff') < (b.value ?? '\uffff') ? -1 : 1));
}

/** `t-0 2, t-1 2, (none) 1`: a split as one line of text. */
export function formatSplit(split: readonly LabelSplit[], max = 12): string {
  const shown = split.slice(0, max).map((s) => `${s.value ?? '(none)'} ${s.count}`);
  if (split.length > max) shown.push(`… ${split.length - max} more`);
  return shown.join(', ');
}
