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

/**
 * A label key or value as Go ≥ 1.27 prints it in a traceback header: bare when made of letters,
 * digits, `.`, `/`, `_`, else quoted as `runtime.printquoted` does (printable ASCII kept, `\n \r \t
 * \\ \"`, `\xNN` below 0x7f, `\uNNNN`, `\UNNNNNNNN` above). The dump view finds a value's headers with it.
 */
export function goTracebackToken(s: string): string {
  if (/^[A-Za-z0-9./_]*$/.test(s)) return s;
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (r >= 0x20 && r <= 0x7e) out += ch;
    else if (r < 0x7f) out += `\\x${r.toString(16).padStart(2, '0')}`;
    else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
    else out += `\\U${r.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
