import { useMemo, useState } from 'react';
import type { SnapshotInfo } from '../../../shared/contract.js';
import { useRequest } from '../../client/hooks.js';
import { Empty, ErrorNotice, Loading } from '../../ui/StatusViews.js';
import { formatCount, formatDelta, formatSite, fullSite } from '../../ui/format.js';
import { CHANGE_ORDER, changeCounts, comparableSnapshots, defaultPair, snapshotLabel } from './diff-view.js';

export interface DiffViewProps {
  snapshots: readonly SnapshotInfo[];
  onSelectGroup: (key: string) => void;
}

/** Two snapshots side by side: which groups appeared, vanished, grew or shrank between them. */
export function DiffView({ snapshots, onSelectGroup }: DiffViewProps): React.JSX.Element {
  const comparable = useMemo(() => comparableSnapshots(snapshots), [snapshots]);
  const initial = useMemo(() => defaultPair(comparable), [comparable]);
  const [picked, setPicked] = useState<{ fromId: number; toId: number } | null>(null);
  const pair = picked ?? initial;
  const diff = useRequest('snapshot.diff', pair === null ? null : { fromSnapshotId: pair.fromId, toSnapshotId: pair.toId });

  if (pair === null) return <Empty title="Nothing to compare yet">A diff needs two snapshots: record a few ticks, or import two dumps together.</Empty>;
  const picker = (side: 'fromId' | 'toId', label: string): React.JSX.Element => (
    <label className="diff-picker">
      <span>{label}</span>
      <select value={pair[side]} onChange={(e) => setPicked({ ...pair, [side]: Number(e.target.value) })} aria-label={`${label} snapshot`}>
        {comparable.map((s) => (
          <option key={s.id} value={s.id}>
            {snapshotLabel(s)}
          </option>
        ))}
      </select>
    </label>
  );
  const rows = diff.value?.rows ?? [];
  const counts = changeCounts(rows);
  return (
    <div className="diff-view" data-testid="diff-view">
      <div className="diff-pickers">
        {picker('fromId', 'Before')}
        <span aria-hidden="true">→</span>
        {picker('toId', 'After')}
      </div>
      {diff.status === 'error' && <ErrorNotice error={diff.error} onRetry={diff.reload} />}
      {diff.status === 'loading' && diff.value === null && <Loading what="the diff" />}
      {diff.value && (
        <>
          <p className="diff-summary" data-testid="diff-summary">
            {CHANGE_ORDER.filter((c) => counts[c] > 0)
              .map((c) => `${counts[c]} ${c}`)
              .join(' · ') || 'no groups'}
          </p>
          <table className="diff-table">
            <colgroup>
              <col />
              <col className="diff-col-num" />
              <col className="diff-col-num" />
              <col className="diff-col-num" />
              <col className="diff-col-ids" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Change · blocking site</th>
                <th scope="col" className="num">Before</th>
                <th scope="col" className="num">After</th>
                <th scope="col" className="num">Δ</th>
                <th scope="col" className="num" title="Goroutine ids only in the later dump / in both">
                  New / kept ids
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} className={`change-${r.change}`} onClick={() => onSelectGroup(r.key)} data-testid="diff-row">
                  <td className="site" title={`${fullSite(r.blockingSite)}\ncreated by ${fullSite(r.createdBy)}`}>
                    <span className={`badge change-${r.change}`}>{r.change}</span>
                    {formatSite(r.blockingSite)}
                    <div className="muted small">created by {formatSite(r.createdBy)}</div>
                  </td>
                  <td className="num">{formatCount(r.before)}</td>
                  <td className="num">{formatCount(r.after)}</td>
                  <td className="num">{formatDelta(r.after - r.before)}</td>
                  <td className="num">{r.newIds === null ? '—' : `${formatCount(r.newIds)} / ${formatCount(r.persistedIds)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
