import { memo } from 'react';
import type { GroupRow } from '../../../shared/contract.js';
import { Empty } from '../../ui/StatusViews.js';
import { baseName, formatCount, formatDelta, formatSite } from '../../ui/format.js';
import { frameLines, idsPreview, statesLine } from './group-detail.js';
import { LabelChips } from '../../ui/LabelChips.js';
import { LabelSplit } from './LabelSplit.js';

export interface GroupDetailProps {
  row: GroupRow | null;
  /** The session the row belongs to: the label split reads its counts over time. */
  sessionId?: number;
  canAnalyse: boolean;
  onShowInDump: () => void;
}

/** One group: its evidence, its frames with the blocking site marked, creation site, ids and waits. */
export const GroupDetail = memo(function GroupDetail({ row, sessionId, canAnalyse, onShowInDump }: GroupDetailProps): React.JSX.Element {
  if (row === null) return <Empty title="No group selected">Pick a row in the groups table (↑/↓, Enter).</Empty>;
  const ids = idsPreview(row.ids);
  const suspect = row.suspect;
  return (
    <article className="group-detail" aria-label="Group detail" data-testid="group-detail">
      <header>
        <h2 title={row.blockingSite?.func}>{formatSite(row.blockingSite)}</h2>
        <button type="button" onClick={onShowInDump} title="The dump view shows this tick's full dump, or the nearest one">
          Show goroutines in dump
        </button>
      </header>
      <dl className="facts">
        <dt>Goroutines</dt>
        <dd>
          {formatCount(row.count)} now · {formatCount(row.firstCount)} at the first tick ({formatDelta(row.count - row.firstCount)}) · peak {formatCount(row.peakCount)}
        </dd>
        <dt>State</dt>
        <dd>
          {Object.keys(row.states).length > 0
            ? statesLine(row.states)
            : row.typicalState !== null
              ? `${row.typicalState} in the session's full dumps (this snapshot is a compact profile: no states)`
              : 'not known: compact profiles (debug=1, protobuf) carry no states'}
        </dd>
        <dt>Longest wait</dt>
        <dd>
          {row.maxWaitMinutes === null
            ? 'not in this snapshot (only debug=2 dumps print waits)'
            : row.maxWaitMinutes === 0
              ? 'under a minute (Go prints a wait once it reaches 1 minute)'
              : `${row.maxWaitMinutes} minute${row.maxWaitMinutes === 1 ? '' : 's'}`}
        </dd>
        <dt>Created by</dt>
        <dd title={row.createdBy ? `${row.createdBy.func} ${row.createdBy.file}:${row.createdBy.line}` : undefined}>{formatSite(row.createdBy)}</dd>
        {row.leakedCount > 0 && (
          <>
            <dt>Runtime</dt>
            <dd className="confirmed">{formatCount(row.leakedCount)} proved leaked by the goroutineleak profile</dd>
          </>
        )}
        {row.isLocked && (
          <>
            <dt>Thread</dt>
            <dd>locked to thread</dd>
          </>
        )}
      </dl>
      <section aria-label="Evidence">
        <h3>Evidence</h3>
        {suspect ? (
          <div className="suspect">
            <div>
              score <strong>{Math.round(suspect.score)}</strong>
              {suspect.growthPerMin !== null && <> · growing {suspect.growthPerMin.toFixed(1)} goroutines/min</>}
              <span className={`badge strength-${suspect.strength}`} data-testid="suspect-strength">
                {suspect.strength} evidence{suspect.basis === 'snapshot' ? ', from one snapshot' : ''}
              </span>
              {suspect.isConfirmed && <span className="badge confirmed">proved by the runtime</span>}
            </div>
            {suspect.reasons.length > 0 && <p className="sd-reasons">{suspect.reasons.join('; ')}</p>}
            {suspect.explanation && <p>{suspect.explanation}</p>}
            <ul>
              {suspect.evidence.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="muted">{canAnalyse ? 'No leak evidence for this group.' : 'Leak analysis is not part of this build: counts and trend only.'}</p>
        )}
      </section>
      <section aria-label="Stack">
        <h3>Stack</h3>
        <ol className="frames" data-testid="frames">
          {frameLines(row.frames, row.blockingSite).map(({ frame, isBlocking }, i) => (
            <li key={i} className={isBlocking ? 'blocking' : undefined} aria-current={isBlocking ? 'true' : undefined}>
              {isBlocking && <span className="blocking-mark" title="blocking site">▶</span>}
              <span className="func">{frame.func}</span>
              <span className="file" title={frame.file}>
                {baseName(frame.file)}:{frame.line}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-label="Goroutine ids">
        <h3>Goroutine ids</h3>
        {row.ids.length === 0 ? (
          <p className="muted">This snapshot does not list goroutines one by one (only debug=2 dumps do).</p>
        ) : (
          <p className="ids">
            {ids.shown.join(', ')}
            {ids.more > 0 && <span className="muted"> … and {formatCount(ids.more)} more</span>}
          </p>
        )}
        <LabelChips count={row.count} labels={row.labels} max={6} />
      </section>
      <LabelSplit count={row.count} labels={row.labels} groupKey={row.key} sessionId={sessionId ?? null} />
    </article>
  );
});
