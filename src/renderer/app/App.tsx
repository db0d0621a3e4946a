import { useState } from 'react';
import { useEvent, useRequest } from '../client/hooks.js';
import type { ContractClient } from '../client/contract-client.js';
import { Empty, ErrorNotice, Loading } from '../ui/StatusViews.js';
import { TargetsView } from '../views/targets/TargetsView.js';
import { FleetView } from '../views/fleet/FleetView.js';
import { SessionWorkspace } from './SessionWorkspace.js';
import { useIsDark } from './use-color-scheme.js';
import { useThrottled } from './use-throttled.js';

/** The whole window: targets and sessions on the left, the open session on the right. */
export function App({ transport }: { transport: ContractClient['transport'] }): React.JSX.Element {
  const isDark = useIsDark();
  const info = useRequest('app.info', {});
  const sessions = useRequest('session.list', {});
  const [sessionId, setSessionId] = useState<number | null>(null);
  const reloadSessions = useThrottled(sessions.reload, 2000);

  useEvent('session.created', () => sessions.reload());
  useEvent('session.ended', () => sessions.reload());
  useEvent('session.tickRecorded', reloadSessions);
  useEvent('session.removed', (e) => {
    sessions.reload();
    if (e.sessionId === sessionId) setSessionId(null);
  });

  const opened = sessions.value?.find((s) => s.id === sessionId) ?? null;
  const instanceOf = opened?.instanceOf ?? null;

  if (info.status === 'error') return <ErrorNotice error={info.error} onRetry={info.reload} />;
  if (info.value === null) return <Loading what="Goroscope" />;
  return (
    <div className="app">
      <header className="app-head">
        <span className="brand">Goroscope</span>
        <span className="muted small" title={info.value.historyPath}>
          history {info.value.historyPath} · {transport === 'ipc' ? 'app' : 'browser'} · v{info.value.version}
        </span>
      </header>
      <div className="app-body">
        <aside className="sidebar" aria-label="Targets and sessions">
          <TargetsView
            sessions={sessions.value}
            sessionsError={sessions.status === 'error' ? sessions.error : null}
            selectedSessionId={sessionId}
            canRecord={info.value.canRecord}
            onOpenSession={setSessionId}
            onSessionsChanged={sessions.reload}
          />
        </aside>
        <main className="main">
          {sessionId === null ? (
            <Empty title="Open a session">Import a goroutine dump (drop it anywhere, or paste it), record a running service, or pick a session on the left.</Empty>
          ) : opened?.fleet ? (
            <FleetView key={sessionId} sessionId={sessionId} onOpenInstance={setSessionId} />
          ) : (
            <>
              {instanceOf && (
                <nav className="fleet-back" aria-label="Fleet">
                  <button type="button" className="link-button" onClick={() => setSessionId(instanceOf.fleetSessionId)} data-testid="fleet-back">
                    ← fleet #{instanceOf.fleetSessionId}
                  </button>{' '}
                  <span className="muted small">instance {instanceOf.name}</span>
                </nav>
              )}
              <SessionWorkspace key={sessionId} sessionId={sessionId} canAnalyse={info.value.canAnalyse} isDark={isDark} />
            </>
          )}
        </main>
      </div>
    </div>
  );
}
