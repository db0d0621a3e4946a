import type { DumpFormat } from '../../shared/model.js';
import type { LoadedSession } from '../analysis/session.js';
import { mergeMetrics } from '../analysis/from-snapshots.js';
import { SessionBuilder } from '../analysis/session-builder.js';
import type { HistoryStore } from '../store/history-store.js';
import { importTimeBasis } from './import-files.js';
import { parseDump } from '../dump/parse-dump.js';
import type { ParsedDump } from '../dump/types.js';

const GOROUTINE_FORMATS: ReadonlySet<DumpFormat> = new Set(['pprof-proto', 'debug1', 'traceback']);

/**
 * A recorded session as analysis reads it, filled from the store's series (one row set per group, not
 * one Snapshot per tick, so hours of 1 s ticks load quickly). Full dumps — every Nth tick — are read
 * whole for their states, ids, wait minutes and `(leaked)` marks. Counts come from each tick's
 * counted snapshot (the compact profile, else the full dump), as the recorder stored them.
 * With `shouldReadDump` (the default), a one-tick session's kept traceback is read again whole for the
 * one-page overview (`singleDump`); the groups table's suspects do without it, and a 56 MB dump takes
 * about a second to decompress and parse on the caller's thread.
 * Throws NotFoundError for an unknown session.
 */
export function loadStoredSession(store: HistoryStore, sessionId: number, { shouldReadDump = true }: { shouldReadDump?: boolean } = {}): LoadedSession {
  const summary = store.session(sessionId);
  const { series, requests } = store.sessionSeriesAndRequests(sessionId);
  const builder = new SessionBuilder();
  const tickIndex = new Map<number, number>();
  // Requests come in tick order, as the series' ticks do: walk both together (a day of 1 s ticks
  // is 172,800 requests, so no arrays per tick).
  let at = 0;
  for (const t of series.ticks) {
    while (at < requests.length && requests[at]!.tick < t.tick) at++;
    const from = at;
    let isFailed = true;
    let error: string | null = null;
    for (; at < requests.length && requests[at]!.tick === t.tick; at++) {
      const i = requests[at]!;
      if (i.error === null) isFailed = false;
      else error = `${error === null ? '' : `${error}; `}${i.endpoint}: ${i.error.message}`;
    }
    const index = builder.addTick({ atMs: t.atMs, isFailed, error, metrics: mergeMetrics([t.expvar, t.prometheus]) });
    tickIndex.set(t.tick, index);
    for (let k = from; k < at; k++) {
      const i = requests[k]!;
      if (i.error !== null || i.format === null || !GOROUTINE_FORMATS.has(i.format) || i.total === null) continue;
      builder.addProfile(index, { format: i.format, profile: i.profile, total: i.total }, i.id === t.countedSnapshotId);
    }
  }
  for (const stack of store.sessionStacks(sessionId)) {
    builder.defineGroup({ key: stack.key, frames: stack.frames, blockingSite: stack.blockingSite, createdBy: stack.createdBy });
  }
  for (const g of series.groups) {
    builder.setCountSeries(g.key, g.counts);
    for (const [t, n] of g.leaked) builder.setLeaked(t, g.key, n);
  }
  for (const t of series.ticks) {
    if (t.fullSnapshotId === null) continue;
    const index = tickIndex.get(t.tick)!;
    for (const g of store.snapshot(t.fullSnapshotId).groups) {
      builder.defineGroup({ key: g.key, frames: g.frames, blockingSite: g.blockingSite, createdBy: g.createdBy, labels: g.labels, isLocked: g.isLocked });
      builder.setFullDumpGroup(index, g.key, { states: g.states, ids: g.ids, maxWaitMinutes: g.maxWaitMinutes });
      if (g.leakedCount > 0) builder.setLeaked(index, g.key, g.leakedCount);
    }
  }
  // Labels of every snapshot that had them (compact profiles too): first and latest per group.
  for (const [key, span] of store.sessionLabelSpans(sessionId)) builder.setLabelSpan(key, span.first, span.last);
  return {
    session: builder.build(),
    source: { kind: 'session', sessionId: String(sessionId), target: summary.target },
    ...timingOf(summary.source, summary.intervalMs),
    singleDump: shouldReadDump && series.ticks.length === 1 ? storedTraceback(store, series.ticks[0]!.fullSnapshotId) : null,
  };
}

/** The kept text of a one-tick session's full dump, read again goroutine by goroutine; null when none was kept. */
export function storedSingleDump(store: HistoryStore, sessionId: number): ParsedDump | null {
  const { ticks } = store.sessionSeries(sessionId);
  return ticks.length === 1 ? storedTraceback(store, ticks[0]!.fullSnapshotId) : null;
}

function storedTraceback(store: HistoryStore, snapshotId: number | null): ParsedDump | null {
  const raw = snapshotId === null ? null : store.rawDump(snapshotId);
  if (!raw || raw.format !== 'traceback') return null;
  return parseDump(raw.bytes).find((d) => d.format === 'traceback') ?? null;
}

/** A recording's times are measured; an import's are as `importFiles` timed its files. */
function timingOf(source: 'recording' | 'import', intervalMs: number | null): Pick<LoadedSession, 'timesAssumed' | 'assumedIntervalMs' | 'timeBasis'> {
  if (source === 'recording') return { timesAssumed: false, assumedIntervalMs: null, timeBasis: 'measured' };
  const t = importTimeBasis(intervalMs);
  return { timesAssumed: t.timeBasis !== 'content', assumedIntervalMs: t.intervalMs, timeBasis: t.timeBasis };
}
