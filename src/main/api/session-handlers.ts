import { labelSeriesOf } from './label-series.js';
import type { RequestOutput, RequestParams } from '../../shared/contract.js';
import { InvalidInputError, NotFoundError } from '../../shared/errors.js';
import { TextDecoder } from 'node:util';
import type { ApiContext } from './api-context.js';
import { reportSources } from '../source/report-sources.js';
import type { AnalysisPort } from './ports.js';
import { importUploads } from '../use-cases/import-uploads.js';
import { foldSeries, groupRows, toSessionSummary, toSnapshotInfo } from './session-views.js';
import { fleetFieldsOf } from '../use-cases/stored-report.js';
import { columnsFromChart, foldedColumns } from './series-columns.js';
import type { SessionSummary as StoredSummary } from '../store/types.js';
import { lastDumpText } from './last-dump-text.js';
import { dumpViewIndexes } from './dump-view-index.js';

function analysisOf(ctx: ApiContext, what: string): AnalysisPort {
  if (!ctx.analysis) throw new InvalidInputError(`${what} needs leak analysis, which this build of Goroscope does not include`);
  return ctx.analysis;
}

/** Requests over the history: sessions, their series and groups, snapshots, diffs, imports, reports. */
export function sessionHandlers(ctx: ApiContext) {
  const { store } = ctx;
  const summaryOf = (s: StoredSummary) => {
    const fleet = fleetFieldsOf(store, s.id);
    // An instance records as long as its fleet does.
    const isRecording = ctx.recordings.has(s.id) || (fleet.instanceOf !== null && ctx.recordings.has(fleet.instanceOf.fleetSessionId));
    return toSessionSummary(s, isRecording, fleet);
  };
  const summary = (id: number) => summaryOf(store.session(id));
  // The dump view asks for the text and its index of one snapshot at once: one decompression for both.
  const dumpText = lastDumpText(store);
  const indexes = dumpViewIndexes(store, dumpText, ctx.intake?.textIndexer);
  const snapshotOfSession = (sessionId: number, snapshotId: number) => {
    const info = store.snapshotInfo(snapshotId);
    if (info.sessionId !== sessionId) {
      throw new NotFoundError(`snapshot ${snapshotId} belongs to session ${info.sessionId}, not to session ${sessionId}`);
    }
    return info;
  };

  // The timeline's columns: from the chart summaries when the session has them, else from the typed
  // series; read in one transaction (the kept groups' runs are read during the fold).
  const timelineColumns = (sessionId: number, maxGroups: number, columns: number): RequestOutput<'session.series'> =>
    store.consistentRead(() => {
      const chart = store.sessionChartInputs(sessionId);
      return (chart && columnsFromChart(chart, maxGroups, columns))
        ?? foldedColumns(store.sessionTypedSeries(sessionId), store.sessionStacks(sessionId), maxGroups, columns);
    });

  return {
    'session.list': (): RequestOutput<'session.list'> =>
      store.listSessions().map(summaryOf),

    'session.get': ({ sessionId }: RequestParams<'session.get'>): RequestOutput<'session.get'> => summary(sessionId),

    'session.remove': ({ sessionId }: RequestParams<'session.remove'>): RequestOutput<'session.remove'> => {
      if (ctx.recordings.has(sessionId)) {
        throw new InvalidInputError(`session ${sessionId} is recording; stop the recording before removing it`);
      }
      store.removeSession(sessionId);
      ctx.events.emit('session.removed', { sessionId });
      return { sessionId };
    },

    // With columns (the timeline), counts stay Int32Arrays from the store to the columns' min/max.
    'session.series': ({ sessionId, maxGroups, columns }: RequestParams<'session.series'>): RequestOutput<'session.series'> =>
      columns === undefined
        ? foldSeries(store.sessionSeries(sessionId), store.sessionStacks(sessionId), maxGroups)
        : timelineColumns(sessionId, maxGroups, columns),

    'session.groups': ({ sessionId, snapshotId }: RequestParams<'session.groups'>): RequestOutput<'session.groups'> => {
      const series = store.sessionSeries(sessionId);
      let chosen = snapshotId;
      if (chosen === null) {
        for (let i = series.ticks.length - 1; i >= 0 && chosen === null; i--) chosen = series.ticks[i]!.countedSnapshotId;
      }
      const info = chosen === null ? null : snapshotOfSession(sessionId, chosen);
      const snapshot = info === null || info.error !== null ? null : store.snapshot(info.id);
      const suspects = ctx.analysis?.suspects(sessionId) ?? new Map();
      return {
        snapshot: info && toSnapshotInfo(info),
        rows: groupRows(snapshot, series, store.sessionStacks(sessionId), suspects),
        restartTicks: ctx.analysis?.restarts(sessionId) ?? [],
      };
    },

    'session.fleet': ({ sessionId }: RequestParams<'session.fleet'>): RequestOutput<'session.fleet'> => {
      const r = analysisOf(ctx, 'the fleet view').fleetReport(sessionId);
      return {
        sessionId,
        fleet: r.fleet!,
        suspects: r.suspects.map((s) => ({
          rank: s.rank, key: s.key, blockingSite: s.blockingSite, count: s.count, growthPerMin: s.growthPerMin, growsOn: s.growsOn, instances: s.instances, instanceSeries: s.instanceSeries,
        })),
      };
    },

    'session.labelSeries': ({ sessionId, key, labelKey }: RequestParams<'session.labelSeries'>): RequestOutput<'session.labelSeries'> =>
      labelSeriesOf(store.sessionSeries(sessionId), store.stackLabelsBySnapshot(sessionId, key), labelKey),

    'snapshot.list': ({ sessionId }: RequestParams<'snapshot.list'>): RequestOutput<'snapshot.list'> =>
      store.sessionSnapshots(sessionId).map(toSnapshotInfo),

    'snapshot.get': ({ snapshotId }: RequestParams<'snapshot.get'>): RequestOutput<'snapshot.get'> => ({
      info: toSnapshotInfo(store.snapshotInfo(snapshotId)),
      snapshot: store.snapshot(snapshotId),
    }),

    'snapshot.raw': ({ snapshotId }: RequestParams<'snapshot.raw'>): RequestOutput<'snapshot.raw'> => {
      const info = store.snapshotInfo(snapshotId);
      const raw = dumpText.raw(info);
      if (raw === null) {
        const why = info.error !== null ? `the request failed (${info.error.message})` : 'the session keeps the raw text of full dumps only, or retention dropped it';
        return { snapshotId, format: info.format, text: null, reason: `no raw dump kept for snapshot ${snapshotId}: ${why}` };
      }
      if (raw.format === 'pprof-proto') {
        return { snapshotId, format: raw.format, text: null, reason: `snapshot ${snapshotId} is a binary protobuf profile: it has no text to show` };
      }
      return { snapshotId, format: raw.format, text: new TextDecoder('utf-8').decode(raw.bytes), reason: null };
    },

    'snapshot.index': ({ snapshotId }: RequestParams<'snapshot.index'>): Promise<RequestOutput<'snapshot.index'>> => indexes.of(store.snapshotInfo(snapshotId)),

    'snapshot.diff': ({ fromSnapshotId, toSnapshotId }: RequestParams<'snapshot.diff'>): RequestOutput<'snapshot.diff'> => {
      const from = store.snapshot(fromSnapshotId);
      const to = store.snapshot(toSnapshotId);
      const rows = analysisOf(ctx, 'a diff').diff(from, to);
      return { from: toSnapshotInfo(store.snapshotInfo(fromSnapshotId)), to: toSnapshotInfo(store.snapshotInfo(toSnapshotId)), rows };
    },

    'dump.import': async (request: RequestParams<'dump.import'>): Promise<RequestOutput<'dump.import'>> => {
      const outcome = await importUploads(store, request, ctx.now(), ctx.intake);
      for (const { snapshotId, held } of outcome.heldTexts) indexes.held(store.snapshotInfo(snapshotId), held);
      const session = summary(outcome.sessionId);
      ctx.events.emit('session.created', { session });
      return { session, refused: outcome.refused, warnings: outcome.warnings };
    },

    'report.render': async ({ sessionId, format, redactLabels }: RequestParams<'report.render'>): Promise<RequestOutput<'report.render'>> => {
      store.session(sessionId);
      const analysis = analysisOf(ctx, 'a report');
      // The app's report is shared as a file: code excerpts yes (when roots are set), local-path links never.
      const sources = format !== 'json' && ctx.source !== null && (await ctx.source.hasRoots()) ? await reportSources(analysis.reportModel(sessionId), ctx.source.service, false) : undefined;
      return { format, ...analysis.report(sessionId, format, sources, { shouldRedactLabels: redactLabels }) };
    },
  };
}
