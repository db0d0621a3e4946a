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
