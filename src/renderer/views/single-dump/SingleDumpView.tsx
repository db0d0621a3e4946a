import { memo, useState } from 'react';
import type { FrameOrigin, OverviewGroup } from '../../../shared/dump-overview.js';
import { useRequest } from '../../client/hooks.js';
import { ErrorNotice, Loading } from '../../ui/StatusViews.js';
import { baseName, formatCount } from '../../ui/format.js';
import { headline, idsText, pageOrder, statesText, waitRange } from './single-dump.js';

export interface SingleDumpViewProps {
  snapshotId: number;
  /** Opens a group (by its first group key) in the groups table and the Group tab. */
  onOpenGroup: (key: string) => void;
}

const ORIGINS: { id: FrameOrigin; label: string }[] = [
  { id: 'own', label: 'your code' },
  { id: 'deps', label: 'dependencies' },
  { id: 'stdlib', label: 'standard library' },
  { id: 'runtime', label: 'runtime' },
];

/**
 * One dump on one page: the verdict, states summed, every group (similar stacks merged unless
 * "exact") with its wait range, frames coloured by origin and creator, and the creation tree.
 */
export const SingleDumpView = memo(function SingleDumpView({ snapshotId, onOpenGroup }: SingleDumpViewProps): React.JSX.Element {
  const [isExact, setExact] = useState(false);
  const overview = useRequest('snapshot.overview', { snapshotId, isExact });
  if (overview.status === 'error' && overview.value === null) return <ErrorNotice error={overview.error} onRetry={overview.reload} />;
  if (overview.value === null) return <Loading what="the dump" />;
  const o = overview.value;
  const groups = pageOrder(o.groups);
  const suspects = groups.filter((g) => g.suspect !== null);
  return (
    <article className="single-dump" aria-label="The dump on one page" data-testid="single-dump">
      <header className="sd-head">
        <h2 data-testid="sd-headline">{headline(o)}</h2>
        <label className="inline-label" title="Merge only identical stacks (every frame's file:line); by default stacks with the same blocking site, creator and functions merge">
          <input type="checkbox" checked={isExact} onChange={(e) => setExact(e.target.checked)} data-testid="sd-exact" /> exact stacks
        </label>
        <ul className="sd-legend" aria-label="Frame colours">
          {ORIGINS.map((x) => (
            <li key={x.id} className={`origin-${x.id}`}>
              {x.label}
            </li>
          ))}
        </ul>
      </header>
      <section className="sd-summary" aria-label="Verdict and states">
        <div className="sd-verdict" data-testid="sd-verdict">
          {suspects.length === 0 ? (
            <p>
              <strong>No leak evidence in this dump.</strong> <span className="muted">One snapshot cannot show growth: record the service, or import dumps taken minutes apart.</span>
            </p>
          ) : (
            <ul>
              {suspects.slice(0, 5).map((g) => (
                <li key={g.id}>
                  <span className={`badge strength-${g.suspect!.strength}`}>{g.suspect!.strength}</span> <strong>{formatCount(g.count)}</strong> at{' '}
                  <button type="button" className="link" onClick={() => onOpenGroup(g.id)}>
                    {siteText(g)}
                  </button>
                  <span className="muted"> — {g.suspect!.reasons[0]}</span>
                </li>
              ))}
              {suspects.length > 5 && <li className="muted">… and {suspects.length - 5} more below</li>}
            </ul>
          )}
        </div>
        <div className="sd-states" aria-label="States summed" data-testid="sd-states">
          {o.states.map((s) => (
            <span key={s.state} className="sd-chip">
              {s.state} <strong>{formatCount(s.count)}</strong>
            </span>
          ))}
          {o.oldestWaitMinutes !== null && <span className="muted small">oldest wait {o.oldestWaitMinutes} min</span>}
        </div>
      </section>
      <div className="sd-body">
        <ol className="sd-groups" aria-label="Groups" data-testid="sd-groups">
          {groups.map((g) => (
            <GroupCard key={g.id} group={g} onOpen={onOpenGroup} />
          ))}
        </ol>
        <aside className="sd-tree" aria-label="Creation tree" data-testid="sd-tree">
          <h3>Creation tree</h3>
          <p className="muted small">{o.hasParentIds ? 'Who started whom (created by … in goroutine N), folded by group.' : 'By creation site (this Go prints no “in goroutine N”).'}</p>
          <ul>
            {o.creationTree.map((n, i) => (
              <li key={i} style={{ paddingLeft: `${n.depth * 14}px` }} className={n.groupId === null ? 'sd-site' : undefined}>
                {n.groupId !== null ? (
                  <button type="button" className="link" onClick={() => onOpenGroup(n.groupId!)}>
                    {n.label}
                  </button>
                ) : (
                  n.label
                )}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </article>
  );
});

function siteText(g: OverviewGroup): string {
  const f = g.frames[g.blockingFrameIndex] ?? g.frames[0];
  return f ? `${f.func} ${baseName(f.file)}:${f.line}` : 'no frames';
}

function GroupCard({ group: g, onOpen }: { group: OverviewGroup; onOpen: (key: string) => void }): React.JSX.Element {
  const s = g.suspect;
  return (
    <li className={`sd-group${s ? ` suspect-${s.strength}` : ''}`} data-testid="sd-group">
      <div className="sd-group-head">
        <span className="sd-count">{formatCount(g.count)}</span>
        <span className="sd-state">{statesText(g.states) || 'no states'}</span>
        <span className="sd-wait" title="shortest~longest wait of its goroutines">
          {waitRange(g)}
        </span>
        {g.leaked > 0 && <span className="badge confirmed">{formatCount(g.leaked)} leaked</span>}
        {s && <span className={`badge strength-${s.strength}`}>{s.strength} suspect</span>}
        {g.keys.length > 1 && <span className="muted small">{g.keys.length} stacks merged</span>}
        <button type="button" className="quiet sd-open" onClick={() => onOpen(g.id)} title="Open in the groups table and the Group tab">
          open
        </button>
      </div>
      {s && <p className="sd-reasons">{s.reasons.join('; ')}</p>}
      <ol className="sd-frames">
        {g.frames.map((f, i) => (
          <li key={i} className={`origin-${f.origin}${i === g.blockingFrameIndex ? ' blocking' : ''}`}>
            <span className="func">{f.func}</span>
            <span className="file" title={f.file}>
              {baseName(f.file)}:{f.line}
            </span>
          </li>
        ))}
      </ol>
      <p className="sd-created muted small">
        {g.createdBy ? (
          <>
            created by <span className={`origin-${g.createdBy.origin}`}>{g.createdBy.func}</span> {baseName(g.createdBy.file)}:{g.createdBy.line}
          </>
        ) : (
          'no creator shown'
        )}{' '}
        · {idsText(g)}
      </p>
    </li>
  );
}
