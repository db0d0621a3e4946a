import type { LabelSet } from '../../shared/model.js';
import { labelOriginOf } from '../../shared/label-origin.js';

export interface LabelChipsProps {
  count: number;
  labels: readonly { labels: LabelSet; count: number }[];
  /** At most this many keys get a chip. */
  max?: number;
  /** Clicking a chip (e.g. to filter by `label:key=value`). */
  onPick?: (key: string, value: string) => void;
}

/**
 * A group's pprof labels as chips: per key its most common value with its share, and how many other
 * values the key has (`route=GET /orders 100%`, `tenant=t-3 12% +40`). Nothing when unlabelled.
 */
export function LabelChips({ count, labels, max = 3, onPick }: LabelChipsProps): React.JSX.Element | null {
  const origin = labelOriginOf(count, labels, labels);
  if (!origin) return null;
  return (
    <span className="label-chips" title={origin.text} data-testid="label-chips">
      {origin.keys.slice(0, max).map((k) => (
        <span
          key={k.key}
          className="label-chip"
          onClick={onPick ? (ev) => {
            ev.stopPropagation();
            onPick(k.key, k.top.value);
          } : undefined}
        >
          {k.key}={k.top.value} {Math.round(k.top.share * 100)}%{k.values > 1 ? ` +${k.values - 1}` : ''}
        </span>
      ))}
    </span>
  );
}
