import type { LabelSet } from '../../shared/model.js';

/** `label:route=GET /x` in the filter box: groups whose goroutines carry that label (value optional). */
export interface LabelTerm {
  key: string;
  /** null: any value of the key (`label:tenant`). */
  value: string | null;
}

// `label:key=value`, `label:key="value with spaces"`, `label:key`
const LABEL_TERM = /label:([^\s="]+)(?:=(?:"([^"]*)"|(\S*)))?/g;

/**
 * Splits a filter query into its `label:` terms and the remaining text. `label:route="GET /orders"`
 * quotes a value with spaces; `label:tenant` matches any value of the key.
 */
export function parseLabelTerms(query: string): { terms: LabelTerm[]; rest: string } {
  const terms: LabelTerm[] = [];
  const rest = query.replace(LABEL_TERM, (_, key: string, quoted: string | undefined, bare: string | undefined) => {
    terms.push({ key, value: quoted ?? (bare !== undefined && bare !== '' ? bare : null) });
    return ' ';
  });
  return { terms, rest };
}

/** True when some label set of the group carries every term (key, and value when given). */
export function matchesLabelTerms(labels: readonly { labels: LabelSet }[], terms: readonly LabelTerm[]): boolean {
  return terms.every((t) => labels.some((l) => Object.hasOwn(l.labels, t.key) && (t.value === null || l.labels[t.key] === t.value)));
}

/** The filter text that selects a label value: `label:tenant=acme`, quoted when it holds spaces. */
export function labelQuery(key: string, value: string): string {
  return /[\s"]/.test(value) || value === '' ? `label:${key}="${value.replace(/"/g, '')}"` : `label:${key}=${value}`;
}
