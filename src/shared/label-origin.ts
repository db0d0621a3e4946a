import type { Group } from './model.js';
import type { LabelOrigin } from './report.js';

type LabelCounts = readonly Group['labels'][number][];

/**
 * Where a group's goroutines come from by pprof label: `93% carry route=GET /orders; tenant spread
 * over 41 values`, and which label values grew from `first` (the group's first labelled snapshot) to
 * `last` (its latest). Null when no goroutine of the group carries a label.
 */
export function labelOriginOf(count: number, last: LabelCounts, first: LabelCounts): LabelOrigin | null {
  if (last.length === 0) return null;
  const labelled = last.reduce((n, l) => n + l.count, 0);
  const whole = Math.max(count, labelled);
  const keys = [...valueCounts(last)].map(([key, values]) => {
    const [value, n] = [...values].sort(([va, a], [vb, b]) => b - a || (va < vb ? -1 : 1))[0]!;
    return { key, values: values.size, top: { value, count: n, share: whole > 0 ? n / whole : 0 } };
  });
  keys.sort((a, b) => b.top.share - a.top.share || (a.key < b.key ? -1 : 1));
  const growing = growingValues(first, last);
  const parts = keys.map((k) => {
    if (k.top.share < 0.5 && k.values > 1) return `${k.key} spread over ${k.values} values`;
    return `${percent(k.top.share)} carry ${k.key}=${k.top.value}${k.values > 1 ? ` (${k.key} has ${k.values} values)` : ''}`;
  });
  if (growing.length > 0) parts.push(`growing: ${growing.slice(0, 3).map((g) => `${g.key}=${g.value} +${g.to - g.from}`).join(', ')}`);
  return { text: parts.join('; '), labelledShare: whole > 0 ? labelled / whole : 0, keys, growing };
}

/** key → value → goroutines carrying it. */
function valueCounts(list: LabelCounts): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const { labels, count } of list) {
    for (const [k, v] of Object.entries(labels)) {
      const values = out.get(k) ?? new Map<string, number>();
      values.set(v, (values.get(v) ?? 0) + count);
      out.set(k, values);
    }
  }
  return out;
}

function growingValues(first: LabelCounts, last: LabelCounts): LabelOrigin['growing'] {
  const before = valueCounts(first);
  const out: LabelOrigin['growing'] = [];
  for (const [key, values] of valueCounts(last)) {
    for (const [value, to] of values) {
      const from = before.get(key)?.get(value) ?? 0;
      if (to > from) out.push({ key, value, from, to });
    }
  }
  out.sort((a, b) => b.to - b.from - (a.to - a.from) || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.value < b.value ? -1 : 1));
  return out.slice(0, 5);
}

function percent(share: number): string {
  const p = share * 100;
  return `${p >= 99.5 || p < 1 ? Math.round(p) : Math.floor(p)}%`;
}
