import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Place } from './place.js';
import { SplitPane } from '../ui/SplitPane.js';
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
import { dumpOfTick, entryOfSessionIndex, indexOfTick, snapshotOfTick } from './tick-selection.js';
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
  /** View, group and pinned tick, kept in the address by the App (see place.ts). */
  place: Place;
  onPlaceChange: (change: Partial<Place>) => void;
}

const isTab = (view: string | null): view is Tab => TABS.some((t) => t.id === view);

/** One session: timeline, groups of the picked tick, and the group / dump / diff / report panes. */
export function SessionWorkspace({ sessionId, canAnalyse, isDark, place, onPlaceChange }: SessionWorkspaceProps): React.JSX.Element {
  const session = useRequest('session.get', { sessionId });
  const [maxGroups, setMaxGroups] = useState(10);
  // A long session comes downsampled to the chart's pixel columns (min and max per column, contract.ts):
  // the window's width in device pixels bounds the chart's, so every pixel column keeps its spikes.
  const [columns] = useState(() => Math.min(20_000, Math.max(16, Math.round(window.innerWidth * (window.devicePixelRatio || 1)))));
  const series = useRequest('session.series', { sessionId, maxGroups, columns });
  const stop = useAction('recording.stop');
  const groupKey = place.groupKey;
  const setTab = useCallback((view: Tab) => onPlaceChange({ view }), [onPlaceChange]);
  const setGroupKey = useCallback((key: string | null) => onPlaceChange({ groupKey: key }), [onPlaceChange]);
  // Monaco stays mounted once opened: reopening a 14 MB dump on every tab switch would cost a second.
  const [hasOpenedDump, setOpenedDump] = useState(false);
  const tabs = useRef<HTMLDivElement>(null);

  const ticks = series.value?.ticks ?? [];
  // Following live (no tick in the place): the latest tick, and the dump view moves to each new full
  // dump. A picked tick pins both; picking the last tick of a live session follows again.
  const isFollowing = place.tick === null;
  const pickedTick = isFollowing ? null : indexOfTick(ticks, place.tick!);
  const tickIndex = pickedTick ?? (ticks.length > 0 ? ticks.length - 1 : null);
  const tick = tickIndex === null ? undefined : ticks[tickIndex];
  const groupsSnapshot = snapshotOfTick(tick);
  const groups = useRequest('session.groups', series.value ? { sessionId, snapshotId: groupsSnapshot } : null);
  // A pinned tick keeps the dump it was first shown with: a full dump recorded later may be nearer
  // to it, but the text under the reader must not change unless they follow live.
  const pinnedDump = useRef<{ tick: number; dump: ReturnType<typeof dumpOfTick> } | null>(null);
  let dump = tickIndex === null ? null : dumpOfTick(ticks, tickIndex);
  if (isFollowing || tickIndex === null) pinnedDump.current = null;
  else if (pinnedDump.current?.tick === tickIndex && pinnedDump.current.dump !== null) dump = pinnedDump.current.dump;
  else pinnedDump.current = { tick: tickIndex, dump };
  const dumpTick = dump?.tick ?? null;
  const dumpSnapshot = dump?.snapshotId ?? null;
  // No view in the place: a session of one snapshot with a full dump opens on its one-page view, others on the group.
  const tab: Tab = isTab(place.view) ? place.view : ticks.length === 1 && dumpSnapshot !== null ? 'overview' : 'group';
  if (tab === 'dump' && !hasOpenedDump) setOpenedDump(true);
  // The snapshot list is the diff view's alone, and a day of 1 s ticks has 172,800 snapshots: asked
  // for once the diff is first opened, not with the timeline.
  const [hasOpenedDiff, setOpenedDiff] = useState(false);
  if (tab === 'diff' && !hasOpenedDiff) setOpenedDiff(true);
  const snapshots = useRequest('snapshot.list', hasOpenedDiff ? { sessionId } : null);

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
  const isLive = session.value !== null && session.value.endedAtMs === null;
  const pickTick = useCallback(
    (index: number) => {
      const picked = ticks[index];
      if (!picked) return;
      onPlaceChange({ tick: isLive && index === ticks.length - 1 ? null : picked.tick });
    },
    [ticks, isLive, onPlaceChange],
  );
  useEffect(() => {
    if (!isRecordedElsewhere) return;
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, [isRecordedElsewhere, refresh]);

  // Scores and restarts come with the groups (they need leak analysis); the timeline colours and marks
  // them. Keyed by content: a groups answer that changes neither must not redraw the chart.
  const analysisKey = useMemo(() => {
    const scores = (groups.value?.rows ?? []).filter((r) => r.suspect !== null).map((r) => `${r.key}=${r.suspect!.score}`);
    return `${scores.join(',')}|${(groups.value?.restartTicks ?? []).join(',')}`;
  }, [groups.value]);
  const sessionTicks = series.value?.downsampled?.sessionTicks;
  const timelineAnalysis = useMemo(() => {
    const [scores = '', restarts = ''] = analysisKey.split('|');
    const suspectScores = new Map<string, number>();
    for (const pair of scores === '' ? [] : scores.split(',')) {
      const at = pair.lastIndexOf('=');
      suspectScores.set(pair.slice(0, at), Number(pair.slice(at + 1)));
    }
    // Restarts are indexes into all of the session's ticks: a downsampled series has them in its columns.
    const restartTicks = (restarts === '' ? [] : restarts.split(',').map(Number)).map((i) =>
      sessionTicks === undefined ? i : entryOfSessionIndex(i, { sessionTicks, columns }),
    );
    return { suspectScores, restartTicks };
  }, [analysisKey, sessionTicks, columns]);
  const row = useMemo(() => groups.value?.rows.find((r) => r.key === groupKey) ?? null, [groups.value, groupKey]);
  const selectGroup = useCallback((key: string) => setGroupKey(key), [setGroupKey]);
  const showInDump = useCallback(() => setTab('dump'), [setTab]);
  const renderSource = useCallback((p: SourceEditorProps) => <SourceCode {...p} isDark={isDark} />, [isDark]);
  const openGroup = useCallback((key: string) => onPlaceChange({ groupKey: key, view: 'group' }), [onPlaceChange]);

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

  const groupsPane = (
    <section className="pane groups-pane" aria-label="Groups">
      {groups.status === 'error' && <ErrorNotice error={groups.error} onRetry={groups.reload} />}
      {tick && groups.value?.snapshot && groups.value.snapshot.tick !== tick.tick && (
        <p className="muted small note" data-testid="groups-note">
          Tick {tick.tick} has no goroutine profile{tick.errors.length > 0 ? ' (it failed)' : ''}: these are the groups of tick {groups.value.snapshot.tick}.
        </p>
      )}
      {groups.value === null ? (
        groups.status === 'loading' || series.value === null ? <Loading what="groups" /> : <Empty title="No groups">This tick has no goroutine profile.</Empty>
      ) : (
        <GroupsTable rows={groups.value.rows} selectedKey={groupKey} onSelect={selectGroup} onOpen={openGroup} />
      )}
    </section>
  );
  const detailPane = (
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
          ) : groups.value === null && groups.status !== 'error' ? (
            // The groups first: both read the whole dump in main, and a 200,000-goroutine overview
            // answered first would hold the groups table back by seconds.
            <Loading what="the groups first" />
          ) : (
            <SingleDumpView snapshotId={dumpSnapshot} onOpenGroup={openGroup} />
          ))}
        {tab === 'group' && (
          <div className="group-with-source">
            <GroupDetail row={row} sessionId={sessionId} canAnalyse={canAnalyse} onShowInDump={showInDump} />
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
  );
  const split = (
    <SplitPane
      id="workspace.detail"
      direction="row"
      defaultShare={0.5}
      minFirst={320}
      minSecond={340}
      handleLabel="Resize the groups and the details"
      first={groupsPane}
      second={detailPane}
    />
  );
  const hasChart = series.value !== null && ticks.length > 1;

  return (
    <div className="workspace" data-testid="workspace">
      <header className="workspace-head">
        <div>
          <h1 data-testid="session-title" title={s.name}>
            {s.name}
          </h1>
          <p className="muted small" title={s.source === 'import' ? undefined : (s.target ?? undefined)}>
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
          {isLive ? (
            <button
              type="button"
              className={`follow-live${isFollowing ? ' on' : ''}`}
              aria-pressed={isFollowing}
              onClick={() => onPlaceChange({ tick: isFollowing ? (ticks[ticks.length - 1]?.tick ?? null) : null })}
              title={isFollowing ? 'Showing each new tick as it arrives: click to stay on this tick' : 'Pinned to one tick: click to follow the latest tick live'}
              data-testid="follow-live"
            >
              {isFollowing ? '● Following live' : '○ Follow live'}
            </button>
          ) : (
            pickedTick !== null && (
              <button type="button" onClick={() => onPlaceChange({ tick: null })} title="Show the latest tick">
                Latest
              </button>
            )
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
      {hasChart ? (
        <SplitPane
          id="workspace.timeline"
          className="workspace-body"
          direction="column"
          defaultShare={0.34}
          minFirst={150}
          minSecond={280}
          handleLabel="Resize the timeline"
          first={<TimelineView series={series.value!} selectedTick={tickIndex} onSelectTick={pickTick} isDark={isDark} analysis={timelineAnalysis} />}
          second={split}
        />
      ) : (
        <>
          {series.value === null ? (
            <Loading what="the timeline" />
          ) : ticks.length === 0 ? (
            <Empty title="No ticks yet">The first tick appears as soon as the recorder has taken it.</Empty>
          ) : (
            <p className="one-tick muted" data-testid="one-tick">
              One snapshot: {formatCount(ticks[0]!.compactTotal ?? ticks[0]!.fullTotal)} goroutines at {formatClock(ticks[0]!.atMs)}. Import several dumps together, or record the
              service, to see the groups over time.
            </p>
          )}
          <div className="workspace-body">{split}</div>
        </>
      )}
    </div>
  );
}
