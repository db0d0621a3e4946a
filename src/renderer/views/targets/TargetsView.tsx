import type { SessionSummary } from '../../../shared/contract.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { useAction, useRequest } from '../../client/hooks.js';
import { Empty, ErrorNotice } from '../../ui/StatusViews.js';
import { ImportPanel } from './ImportPanel.js';
import { SessionList } from './SessionList.js';
import { TargetForm } from './TargetForm.js';

export interface TargetsViewProps {
  sessions: readonly SessionSummary[] | null;
  sessionsError: { code: ErrorCode; message: string } | null;
  selectedSessionId: number | null;
  canRecord: boolean;
  onOpenSession: (id: number) => void;
  /** Something changed the session list (the app reloads it). */
  onSessionsChanged: () => void;
}

/** Targets and sessions: import, add and record a target, open or remove past sessions. */
export function TargetsView({ sessions, sessionsError, selectedSessionId, canRecord, onOpenSession, onSessionsChanged }: TargetsViewProps): React.JSX.Element {
  const targets = useRequest('target.list', canRecord ? {} : null);
  const stop = useAction('recording.stop');
  const remove = useAction('session.remove');
  const opened = (s: SessionSummary): void => {
    onSessionsChanged();
    targets.reload();
    onOpenSession(s.id);
  };
  return (
    <div className="targets-view">
      <ImportPanel onImported={opened} />
      <section className="panel" aria-labelledby="record-title">
        <h2 id="record-title">Record a service</h2>
        <TargetForm canRecord={canRecord} knownTargets={targets.value ?? []} onStarted={opened} />
      </section>
      <section className="panel sessions-panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        {sessionsError && <ErrorNotice error={sessionsError} onRetry={onSessionsChanged} />}
        {stop.status === 'error' && <ErrorNotice error={stop.error} />}
        {remove.status === 'error' && <ErrorNotice error={remove.error} />}
        {sessions !== null && sessions.length === 0 && <Empty title="No sessions yet">Import a dump or record a service to start.</Empty>}
        {sessions !== null && sessions.length > 0 && (
          <SessionList
            sessions={sessions}
            selectedId={selectedSessionId}
            onOpen={onOpenSession}
            onStop={(id) => void stop.run({ sessionId: id }).then(onSessionsChanged)}
            onRemove={(id) => void remove.run({ sessionId: id }).then(onSessionsChanged)}
          />
        )}
      </section>
    </div>
  );
}
