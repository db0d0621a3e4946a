import { useEffect } from 'react';
import { useAction, useEvent, useRequest } from '../../client/hooks.js';
import { Sparkline } from '../../ui/Sparkline.js';
import { ErrorNotice, Loading } from '../../ui/StatusViews.js';
import { costText, fleetGrid } from './fleet-grid.js';

const LIVE_REFRESH_MS = 5_000;

export interface FleetViewProps {
  sessionId: number;
  /** Opens one instance's own session view. */
  onOpenInstance: (sessionId: number) => void;
}

/**
 * A fleet session: instances (ranked) × its top groups, each cell the group's count on that
 * instance; where a group grows the cell says how fast. The cost recording imposed on each instance is
 * on its row. Clicking an instance opens its own session.
 */
export function FleetView({ sessionId, onOpenInstance }: FleetViewProps): React.JSX.Element {
  const data = useRequest('session.fleet', { sessionId });
  const session = useRequest('session.get', { sessionId });
  const stop = useAction('recording.stop');
  // While it records, the grid follows every few seconds (each refresh analyses every instance).
  const isRecording = session.value?.isRecording ?? false;
  const { reload } = data;
  useEffect(() => {
    if (!isRecording) return;
    const timer = setInterval(reload, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [isRecording, reload]);
  useEvent('session.ended', (e) => {
    if (e.sessionId !== sessionId) return;
    data.reload();
    session.reload();
  });
  if (data.status === 'error' && data.value === null) return <ErrorNotice error={data.error} onRetry={data.reload} />;
  if (data.value === null) return <Loading what="the fleet" />;
  const grid = fleetGrid(data.value);
  const f = data.value.fleet;
  return (
    <section className="fleet-view" aria-label="Fleet" data-testid="fleet-view">
      <header className="fleet-head">
        <h2>
          Fleet of {f.instances.length} instance{f.instances.length === 1 ? '' : 's'}
          {f.job !== null && <span className="muted"> · job {f.job}</span>}
        </h2>
        <button type="button" className="small-button" onClick={data.reload} data-testid="fleet-refresh">
          Refresh
        </button>{' '}
        {session.value?.isRecording && (
          <button type="button" className="danger" disabled={stop.status === 'loading'} onClick={() => void stop.run({ sessionId })} data-testid="stop-recording">
            Stop every instance
          </button>
        )}
        <p className="muted small">
          {f.source === 'prometheus' ? `Found through Prometheus ${f.prometheusUrl ?? ''}, ranked by ${f.rankingQuery ?? ''}. ` : ''}
          At most {f.maxConcurrent} requests in flight, one per instance, one goroutineleak at a time. Cost to the fleet: {costText(f.cost)}.
        </p>
        {f.skipped.length > 0 && <p className="muted small">Not recorded: {f.skipped.map((s) => `${s.name} (${s.why})`).join('; ')}</p>}
      </header>
      <div className="fleet-scroll">
        <table className="fleet-grid">
          <thead>
            <tr>
              <th>#</th>
              <th>instance</th>
              <th>goroutines</th>
              {grid.columns.map((c) => (
                <th key={c.key} title={c.growsOn}>
                  {c.label}
                  <br />
                  <span className="muted small">{c.growsOn}</span>
                </th>
              ))}
              <th>cost imposed</th>
            </tr>
          </thead>
          <tbody>
            {grid.rows.map((r) => (
              <tr key={r.name} data-instance={r.name}>
                <td>{r.rank}</td>
                <td>
                  {r.sessionId !== null ? (
                    <button type="button" className="link-button" onClick={() => onOpenInstance(r.sessionId!)} data-testid="fleet-open-instance">
                      {r.name}
                    </button>
                  ) : (
                    r.name
                  )}
                  <br />
                  <span className="muted small">
                    {r.ticks} ticks{r.failedTicks > 0 && <span className="failed"> · {r.failedTicks} failed</span>}
                  </span>
                </td>
                <td>
                  <Sparkline values={r.totals} width={96} height={24} /> {r.totals[r.totals.length - 1] ?? ''}
                </td>
                {r.cells.map((c, i) => (
                  <td key={grid.columns[i]!.key} className={c.growthPerMin !== null ? 'grows' : 'flat'}>
                    <Sparkline values={c.values} width={96} height={24} /> {c.last}
                    <br />
                    <span className="small">{c.growthPerMin !== null ? `+${c.growthPerMin}/min` : 'flat'}</span>
                  </td>
                ))}
                <td className="small">
                  {costText(r.cost)}
                  {r.cost.cadenceNotes.length > 0 && <div className="muted">{r.cost.cadenceNotes[r.cost.cadenceNotes.length - 1]}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {grid.columns.length === 0 && <p className="ok">No suspects on any instance.</p>}
      </div>
    </section>
  );
}
