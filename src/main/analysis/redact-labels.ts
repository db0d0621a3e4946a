import { createHash } from 'node:crypto';
import type { Group, LabelSet } from '../../shared/model.js';
import type { AnalysisSession } from './session.js';

/**
 * `acme` → `#3f2a9c1e`: a label value replaced by a stable short hash (8 hex digits of SHA-256), so
 * a report can be shared without tenant or user ids while equal values still read as equal.
 */
export function redactedValue(value: string): string {
  return `#${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

export function redactLabelSet(labels: LabelSet): LabelSet {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, redactedValue(v)]));
}

function redactCounts(list: Group['labels']): Group['labels'] {
  return list.map((l) => ({ labels: redactLabelSet(l.labels), count: l.count }));
}

/** The session with every label value hashed (keys kept), for `report --redact-labels`. */
export function redactSessionLabels(session: AnalysisSession): AnalysisSession {
  return {
    ...session,
    groups: session.groups.map((g) => ({ ...g, labels: redactCounts(g.labels), firstLabels: redactCounts(g.firstLabels) })),
  };
}
