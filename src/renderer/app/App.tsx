import { useEffect, useRef } from 'react';
import { useEvent, useRequest } from '../client/hooks.js';
import type { ContractClient } from '../client/contract-client.js';
import { Empty, ErrorNotice, Loading } from '../ui/StatusViews.js';
import { TargetsView } from '../views/targets/TargetsView.js';
import { FleetView } from '../views/fleet/FleetView.js';
import { SessionWorkspace } from './SessionWorkspace.js';
import { useIsDark } from './use-color-scheme.js';
import { useThrottled } from './use-throttled.js';
import { usePlace } from './use-place.js';
import { SplitPane } from '../ui/SplitPane.js';
import { usePersistedState } from '../ui/use-persisted-state.js';

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/** The whole window: targets and sessions on the left, the open session on the right. */
export function App({ transport }: { transport: ContractClient['transport'] }): React.JSX.Element {
  const isDark = useIsDark();
  const info = useRequest('app.info', {});
  const sessions = useRequest('session.list', {});
  const [place, changePlace] = usePlace();
  const sessionId = place.sessionId;
  const [isSidebarCollapsed, setSidebarCollapsed] = usePersistedState('sidebar.collapsed', false, isBoolean);
  const reloadSessions = useThrottled(sessions.reload, 2000);
  // The place the page opened with can name a session removed since (by another window, or
  // `goroscope` in a terminal): checked against the first list only, since a session opened later
  // (an import) may be newer than the list on screen.
  const openedWith = useRef(sessionId);
  const isGone = openedWith.current !== null && sessionId === openedWith.current && sessions.value !== null && !sessions.value.some((s) => s.id === sessionId);
  useEffect(() => {
    if (sessions.value !== null) openedWith.current = null;
    if (isGone) changePlace({ sessionId: null });
  }, [isGone, changePlace, sessions.value]);
  const openSession = (id: number): void => changePlace({ sessionId: id, view: null, groupKey: null, tick: null });

  useEvent('session.created', () => sessions.reload());
  useEvent('session.ended', () => sessions.reload());
  useEvent('session.tickRecorded', reloadSessions);
  useEvent('session.removed', (e) => {
    sessions.reload();
    if (e.sessionId === sessionId) changePlace({ sessionId: null });
  });

  const opened = sessions.value?.find((s) => s.id === sessionId) ?? null;
  const instanceOf = opened?.instanceOf ?? null;

  if (info.status === 'error') return <ErrorNotice error={info.error} onRetry={info.reload} />;
  if (info.value === null) return <Loading what="Goroscope" />;
  const sidebar = (
    <aside className="sidebar" aria-label="Targets and sessions">
      <TargetsView
        sessions={sessions.value}
        sessionsError={sessions.status === 'error' ? sessions.error : null}
        selectedSessionId={sessionId}
        canRecord={info.value.canRecord}
        onOpenSession={openSession}
        onSessionsChanged={sessions.reload}
      />
    </aside>
  );
  const main = (
    <main className="main">
      {sessionId === null || isGone ? (
        <Empty title="Open a session">Import a goroutine dump (drop it anywhere, or paste it), record a running service, or pick a session on the left.</Empty>
      ) : opened?.fleet ? (
        <FleetView key={sessionId} sessionId={sessionId} onOpenInstance={openSession} />
      ) : (
        <>
          {instanceOf && (
            <nav className="fleet-back" aria-label="Fleet">
              <button type="button" className="link-button" onClick={() => openSession(instanceOf.fleetSessionId)} data-testid="fleet-back">
                ← fleet #{instanceOf.fleetSessionId}
              </button>{' '}
              <span className="muted small">instance {instanceOf.name}</span>
            </nav>
          )}
          <SessionWorkspace key={sessionId} sessionId={sessionId} canAnalyse={info.value.canAnalyse} isDark={isDark} place={place} onPlaceChange={changePlace} />
        </>
      )}
    </main>
  );
  return (
    <div className="app">
      <header className="app-head">
        <button
          type="button"
          className="quiet sidebar-toggle"
          aria-pressed={!isSidebarCollapsed}
          aria-label={isSidebarCollapsed ? 'Show the sidebar' : 'Hide the sidebar'}
          title={isSidebarCollapsed ? 'Show targets and sessions' : 'Hide targets and sessions'}
          onClick={() => setSidebarCollapsed((c) => !c)}
          data-testid="sidebar-toggle"
        >
          {isSidebarCollapsed ? '»' : '«'}
        </button>
        <span className="brand">Goroscope</span>
        <span className="muted small" title={info.value.historyPath}>
          history {info.value.historyPath} · {transport === 'ipc' ? 'app' : 'browser'} · v{info.value.version}
        </span>
      </header>
      <SplitPane
        id="sidebar"
        className="app-body"
        direction="row"
        defaultShare={0.2}
        minFirst={220}
        minSecond={640}
        isFirstCollapsed={isSidebarCollapsed}
        handleLabel="Resize the sidebar"
        first={sidebar}
        second={main}
      />
    </div>
  );
}
