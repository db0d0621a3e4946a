import type { LabelSet } from '../../../shared/model.js';
import type { LabelTerm } from '../../ui/label-terms.js';
import type { DumpIndex } from './dump-index.js';

/** Whether a label set carries every term (`key=value`, or `key` with any value). */
export function carriesAll(labels: LabelSet, terms: readonly LabelTerm[]): boolean {
  return terms.every((t) => Object.hasOwn(labels, t.key) && (t.value === null || labels[t.key] === t.value));
}

/**
 * The spans (positions in text order) of the goroutines (traceback headers, Go ≥ 1.27:
 * `{route: "GET /x", tenant: acme}`) or debug=1 records (`# labels: {"route":"GET /x"}`) that carry
 * every term, from the label sets main read with the parser (`snapshot.index`).
 */
export function spansCarrying(index: DumpIndex, terms: readonly LabelTerm[]): number[] {
  if (terms.length === 0) return [];
  const matching = index.labelSets.map((set) => carriesAll(set, terms));
  const out: number[] = [];
  const { labels } = index;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== -1 && matching[labels[i]!]) out.push(i);
  return out;
}
