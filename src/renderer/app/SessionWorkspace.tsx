import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useAction, useEvent, useRequest } from '../client/hooks.js';
import { Empty, ErrorNotice, Loading } from '../ui/StatusViews.js';
import { formatClock, formatCount, formatDateTime } from '../ui/format.js';
import { TimelineView } from '../views/timeline/TimelineView.js';
import { GroupsTable } from '../views/groups/GroupsTable.js';
import { GroupDetail } from '../views/group-detail/GroupDetail.js';
import { DumpView } from '../views/dump-view/DumpView.js';
import { DiffView } from '../views/diff/DiffView.js';
import { ReportView } from '../views/report/ReportView.js';
import { SourceView, type SourceEditorProps } from '../views/source-view/SourceView.js';
import { SourceCode } from './SourceCode.js';
import { SingleDumpView } from '../views/single-dump/SingleDumpView.js';
import { dumpOfTick, snapshotOfTick } from './tick-selection.js';
import { useThrottled } from './use-throttled.js';

type Tab = 'overview' | 'group' | 'dump' | 'diff' | 'report';
const POLL_MS = 2_000;
const TABS: { id: Tab; label: string }[] = [
  { id: 'overview', label: 'One page' },
  { id: 'group', label: 'Group' },
  { id: 'dump', label: 'Dump' },
  { id: 'diff', label: 'Diff' },
  { id: 'report', label: 'Report' },
];

export interface SessionWorkspaceProps {
  sessionId: number;
  canAnalyse: boolean;
  isDark: boolean;
}

/** One session: timeline, groups of the picked tick, and the group / dump / diff / report panes. */
export function SessionWorkspace({ sessionId, canAnalyse, isDark }: SessionWorkspaceProps): React.JSX.Element {
  const session = useRequest('session.get', { sessionId });
  const [maxGroups, setMaxGroups] = useState(10);
  const series = useRequest('session.series', { sessionId, maxGroups });
  const snapshots = useRequest('snapshot.list', { sessionId });
  const stop = useAction('recording.stop');
  const [pickedTick, setPickedTick] = useState<number | null>(null);
  const [groupKey, setGroupKey] = useState<string | null>(null);
  // Unpicked: a session of one snapshot with a full dump opens on its one-page view, others on the group.
  const [pickedTab, setTab] = useState<Tab | null>(null);
  // Monaco stays mounted once opened: reopening a 14 MB dump on every tab switch would cost a second.
  const [hasOpenedDump, setOpenedDump] = useState(false);
  const tabs = useRef<HTMLDivElement>(null);

  const ticks = series.value?.ticks ?? [];
  const tickIndex = pickedTick ?? (ticks.length > 0 ? ticks.length - 1 : null);
  const tick = tickIndex === null ? undefined : ticks[tickIndex];
  const groupsSnapshot = snapshotOfTick(tick);
  const groups = useRequest('session.groups', series.value ? { sessionId, snapshotId: groupsSnapshot } : null);
  const dump = tickIndex === null ? null : dumpOfTick(ticks, tickIndex);
  const dumpTick = dump?.tick ?? null;
  const dumpSnapshot = dump?.snapshotId ?? null;
  const tab: Tab = pickedTab ?? (ticks.length === 1 && dumpSnapshot !== null ? 'overview' : 'group');
  if (tab === 'dump' && !hasOpenedDump) setOpenedDump(true);

  const refresh = useThrottled(() => {
    session.reload();
    series.reload();
    snapshots.reload();
  }, 1000);
  useEvent('session.tickRecorded', (e) => e.sessionId === sessionId && refresh());
  useEvent('session.ended', (e) => e.sessionId === sessionId && refresh());
  // A session another process records into the same history (`goroscope record` in a terminal) sends
  // no events here: poll it while it has not ended.
  const isRecordedElsewhere = session.value !== null && session.value.endedAtMs === null && !session.value.isRecording;
  useEffect(() => {
    if (!isRecordedElsewhere) return;
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, [isRecordedElsewhere, refresh]);

  const row = useMemo(() => groups.value?.rows.find((r) => r.key === groupKey) ?? null, [groups.value, groupKey]);
  const selectGroup = useCallback((key: string) => setGroupKey(key), []);
  const showInDump = useCallback(() => setTab('dump'), []);
  const renderSource = useCallback((p: SourceEditorProps) => <SourceCode {...p} isDark={isDark} />, [isDark]);
  const openGroup = useCallback((key: string) => {
    setGroupKey(key);
    setTab('group');
  }, []);

  if (session.status === 'error' && session.value === null) return <ErrorNotice error={session.error} onRetry={session.reload} />;
  if (session.value === null) return <Loading what="the session" />;
  const s = session.value;

  const onTabKey = (e: React.KeyboardEvent): void => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const at = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(at + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    setTab(next.id);
    tabs.current?.querySelector<HTMLButtonElement>(`#tab-${next.id}`)?.focus();
  };

  return (
    <div className="workspace" data-testid="workspace">
      <header className="workspace-head">
        <div>
          <h1 data-testid="session-title">{s.name}</h1>
          <p className="muted small">
            #{s.id} · {s.source === 'import' ? 'imported' : s.target} · started {formatDateTime(s.startedAtMs)} · {formatCount(s.ticks)} ticks · {formatCount(s.snapshots)} snapshots
            {s.failedTicks > 0 && <span className="failed"> · {s.failedTicks} failed ticks</span>}
          </p>
        </div>
        <div className="workspace-actions">
          <label className="inline-label">
            top
            <select value={maxGroups} onChange={(e) => setMaxGroups(Number(e.target.value))} aria-label="Groups drawn one by one on the timeline" data-testid="max-groups">
              {[5, 10, 25, 50].map((n) => (
                <option key={n} value={n}>
                  {n} groups
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={refresh} title="Reload the session from the history" data-testid="reload">
            Reload
          </button>
          {tick && (
            <span className="tick-label" data-testid="tick-label">
              tick {tick.tick} · {formatClock(tick.atMs)}
            </span>
          )}
          {pickedTick !== null && (
            <button type="button" onClick={() => setPickedTick(null)} title="Show the latest tick">
              Latest
            </button>
          )}
          {s.isRecording && (
            <button type="button" className="danger" disabled={stop.status === 'loading'} onClick={() => void stop.run({ sessionId }).then(refresh)} data-testid="stop-recording">
              <span className="rec-dot" aria-hidden="true" /> Stop recording
            </button>
          )}
        </div>
      </header>
      {stop.status === 'error' && <ErrorNotice error={stop.error} />}
      {series.status === 'error' && <ErrorNotice error={series.error} onRetry={series.reload} />}
      {series.value === null ? (
        <Loading what="the timeline" />
      ) : ticks.length === 0 ? (
        <Empty title="No ticks yet">The first tick appears as soon as the recorder has taken it.</Empty>
      ) : ticks.length === 1 ? (
        <p className="one-tick muted" data-testid="one-tick">
          One snapshot: {formatCount(ticks[0]!.compactTotal ?? ticks[0]!.fullTotal)} goroutines at {formatClock(ticks[0]!.atMs)}. Import several dumps together, or record the
          service, to see the groups over time.
        </p>
      ) : (
        <TimelineView series={series.value} selectedTick={tickIndex} onSelectTick={setPickedTick} isDark={isDark} />
      )}
      <div className="workspace-split">
        <section className="pane groups-pane" aria-label="Groups">
          {groups.status === 'error' && <ErrorNotice error={groups.error} onRetry={groups.reload} />}
          {tick && groups.value?.snapshot && groups.value.snapshot.tick !== tick.tick && (
            <p className="muted small note" data-testid="groups-note">
              Tick {tick.tick} has no goroutine profile{tick.errors.length > 0 ? ' (it failed)' : ''}: these are the groups of tick {groups.value.snapshot.tick}.
            </p>
          )}
          {groups.value === null ? (
            groups.status === 'loading' ? <Loading what="groups" /> : <Empty title="No groups">This tick has no goroutine profile.</Empty>
          ) : (
            <GroupsTable rows={groups.value.rows} selectedKey={groupKey} onSelect={selectGroup} onOpen={openGroup} />
          )}
        </section>
        <section className="pane detail-pane" aria-label="Details">
          <div className="tabs" role="tablist" ref={tabs} onKeyDown={onTabKey}>
            {TABS.map((t) => (
              <button
                type="button"
                role="tab"
                key={t.id}
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div className={`tab-panel tab-${tab}`} role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'overview' &&
              (dumpSnapshot === null ? (
                <Empty title="No full dump">The one-page view reads a debug=2 dump, crash or SIGQUIT output; this session has none.</Empty>
              ) : (
                <SingleDumpView snapshotId={dumpSnapshot} onOpenGroup={openGroup} />
              ))}
            {tab === 'group' && (
              <div className="group-with-source">
                <GroupDetail row={row} canAnalyse={canAnalyse} onShowInDump={showInDump} />
                {row !== null && <SourceView key={row.key} frames={row.frames} blockingSite={row.blockingSite} createdBy={row.createdBy} renderEditor={renderSource} />}
              </div>
            )}
            {hasOpenedDump && (
              <div className="dump-pane" hidden={tab !== 'dump'}>
                {dumpTick !== null && dumpTick !== tickIndex && (
                  <p className="muted small note">Tick {tick?.tick} has no full dump: showing tick {ticks[dumpTick]?.tick}, the nearest one.</p>
                )}
                <DumpView snapshotId={dumpSnapshot} groupKey={groupKey} isDark={isDark} onSelectGroup={selectGroup} />
              </div>
            )}
            {tab === 'diff' &&
              (snapshots.value === null ? <Loading what="snapshots" /> : <DiffView snapshots={snapshots.value} onSelectGroup={openGroup} />)}
            {tab === 'report' && <ReportView sessionId={sessionId} canAnalyse={canAnalyse} />}
          </div>
        </section>
      </div>
    </div>
  );
}
