import { useState } from 'react';
import type { LabelSet } from '../../../shared/model.js';
import { splitByLabel } from '../../../shared/labels.js';
import { formatCount } from '../../ui/format.js';
import { Sparkline } from '../../ui/Sparkline.js';
import { useRequest } from '../../client/hooks.js';

export interface LabelSplitProps {
  count: number;
  labels: readonly { labels: LabelSet; count: number }[];
  groupKey: string;
  /** With a session, each value also shows its count over the session (`session.labelSeries`). */
  sessionId: number | null;
}

/** The group's count split by one label key's values (the CLI's `--group-by-label KEY`). */
export function LabelSplit({ count, labels, groupKey, sessionId }: LabelSplitProps): React.JSX.Element | null {
  const keys = [...new Set(labels.flatMap((l) => Object.keys(l.labels)))].sort();
  const [picked, setPicked] = useState<string | null>(null);
  const key = picked !== null && keys.includes(picked) ? picked : (keys[0] ?? null);
  const over = useRequest('session.labelSeries', sessionId !== null && key !== null ? { sessionId, key: groupKey, labelKey: key } : null);
  if (key === null) return null;
  const split = splitByLabel(count, labels, key);
  const trendOf = (value: string | null): number[] | null => {
    const s = value === null ? undefined : over.value?.values.find((v) => v.value === value);
    return s ? s.counts.filter((c): c is number => c !== null) : null;
  };
  return (
    <section aria-label="Split by label" data-testid="label-split">
      <h3>
        Split by label{' '}
        <select value={key} onChange={(ev) => setPicked(ev.target.value)} aria-label="Label key">
          {keys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </h3>
      <ul className="labels">
        {split.slice(0, 30).map((s) => (
          <li key={s.value ?? '\u0000'}>
            {s.value === null ? <span className="muted">(no {key})</span> : `${key}=${s.value}`} <span className="muted">×{formatCount(s.count)}</span>{' '}
            {trendOf(s.value) && <Sparkline values={trendOf(s.value)!} width={64} />}
          </li>
        ))}
        {split.length > 30 && <li className="muted">… and {split.length - 30} more values</li>}
      </ul>
    </section>
  );
}
