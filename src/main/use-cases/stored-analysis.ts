import type { DiffRow, ReportFormat, Suspect } from '../../shared/contract.js';
import type { Report } from '../../shared/report.js';
import { NotFoundError } from '../../shared/errors.js';
import { diffSnapshots, type GroupChange, type SnapshotDiff } from '../analysis/diff.js';
import type { HistoryStore } from '../store/history-store.js';
import { restartTicks } from '../analysis/restarts.js';
import { loadStoredSession, storedSingleDump } from './stored-session.js';
import { buildSessionReport, withDumpOverview } from './analyse.js';
import { sessionStamp, storedSessionReport } from './stored-report.js';
import type { Snapshot } from '../../shared/model.js';
import type { ReportSources } from '../analysis/report/source-excerpt.js';
import { mimeTypeOf, renderReport } from './report.js';
import { NO_PROJECT_CONFIG, type LoadedConfig } from './project-config.js';

export interface RenderedReport {
  fileName: string;
  mimeType: string;
  content: string;
}

/**
 * Leak analysis over the history (issue 5): the analyse and report use cases as the api's handlers call
 * them (`api/ports.ts` re-exports it; `storeAnalysis` below is its one implementation). Every method is
 * synchronous and pure over stored data.
 */
export interface AnalysisPort {
  /** Suspects of a session by group key; groups with no evidence are absent. */
  suspects(sessionId: number): ReadonlyMap<string, Suspect>;
  /** Groups that appeared, vanished, grew or shrank between two snapshots, largest change first. */
  diff(from: Snapshot, to: Snapshot): DiffRow[];
  /**
   * The report as `goroscope report <session-id> --format …` writes it; with `sources`, suspects show
   * their code; `shouldRedactLabels`: label values replaced by stable short hashes (keys kept).
   */
  report(sessionId: number, format: ReportFormat, sources?: ReportSources, options?: { shouldRedactLabels?: boolean }): RenderedReport;
  /** The report model the renderers read (for the code excerpts the caller adds). */
  reportModel(sessionId: number): Report;
  /** The fleet report of a fleet session (its `fleet` section set); NotFoundError for any other session. */
  fleetReport(sessionId: number): Report;
  /** Tick indexes where the recorded service restarted (analysis/restarts.ts), ascending. */
  restarts(sessionId: number): number[];
}

function toDiffRows(diff: SnapshotDiff): DiffRow[] {
  const rows = (changes: GroupChange[], change: DiffRow['change']): DiffRow[] =>
    changes.map((c) => ({
      key: c.key,
      blockingSite: c.blockingSite,
      createdBy: c.createdBy,
      before: c.before,
      after: c.after,
      change,
      newIds: c.ids?.added.length ?? null,
      persistedIds: c.ids?.persisted.length ?? null,
    }));
  const all = [...rows(diff.appeared, 'appeared'), ...rows(diff.grew, 'grew'), ...rows(diff.shrank, 'shrank'), ...rows(diff.vanished, 'vanished'), ...rows(diff.unchanged, 'unchanged')];
  return all.sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before) || y.after - x.after || (x.key < y.key ? -1 : 1));
}

/**
 * Leak analysis (src/main/analysis) over the history, behind the api's AnalysisPort: the report
 * `goroscope report <session-id>` builds (`buildSessionReport`). The report of a session is cached
 * until the session gains ticks or snapshots, so a live groups table does not re-analyse an unchanged
 * session. Uses the built-in ignore rules unless `config` (a project file read by the caller) says otherwise.
 */
export function storeAnalysis(store: HistoryStore, config: LoadedConfig = NO_PROJECT_CONFIG): AnalysisPort {
  let cached: { sessionId: number; stamp: string; report: Report; restarts: number[]; hasOverview: boolean } | null = null;
  const analysed = (sessionId: number): { report: Report; restarts: number[]; hasOverview: boolean } => {
    const stamp = sessionStamp(store, sessionId);
    if (cached?.sessionId === sessionId && cached.stamp === stamp) return cached;
    // A single target's session is loaded once for both; a fleet's restarts are its instances' own.
    if (store.fleets.fleet(sessionId)) {
      cached = { sessionId, stamp, report: storedSessionReport(store, sessionId, config), restarts: [], hasOverview: true };
    } else {
      // The suspects and restarts do without the one-page overview, which reads the kept dump again
      // whole (about a second at 200,000 goroutines): it is added when a report is asked for.
      const loaded = loadStoredSession(store, sessionId, { shouldReadDump: false });
      cached = { sessionId, stamp, report: buildSessionReport(loaded, config), restarts: restartTicks(loaded.session), hasOverview: false };
    }
    return cached;
  };
  const reportOf = (sessionId: number): Report => analysed(sessionId).report;
  const fullReportOf = (sessionId: number): Report => {
    const entry = analysed(sessionId);
    if (!entry.hasOverview) {
      const dump = entry.report.singleSnapshot ? storedSingleDump(store, sessionId) : null;
      if (dump) withDumpOverview(entry.report, dump);
      entry.hasOverview = true;
    }
    return entry.report;
  };
  return {
    suspects(sessionId) {
      const out = new Map<string, Suspect>();
      for (const s of reportOf(sessionId).suspects) {
        out.set(s.key, {
          // One scale everywhere: the report's own 0–100 figure, not a second rounding of the 0–1 one.
          score: s.score100,
          growthPerMin: s.ratePerMin,
          isConfirmed: s.isRuntimeProved,
          evidence: s.evidence.map((e) => e.text),
          explanation: s.explanation.text === '' ? null : s.explanation.text,
          strength: s.strength,
          basis: s.basis,
          reasons: s.reasons,
        });
      }
      return out;
    },
    diff: (from, to) => toDiffRows(diffSnapshots(from, to)),
    reportModel: fullReportOf,
    restarts: (sessionId) => analysed(sessionId).restarts,
    fleetReport(sessionId) {
      const report = reportOf(sessionId);
      if (!report.fleet) throw new NotFoundError(`session ${sessionId} is not a fleet: it records one target`);
      return report;
    },
    report(sessionId, format, sources, options = {}): RenderedReport {
      // A redacted report is built afresh (never cached): it is an export, not what the views read.
      const report = options.shouldRedactLabels ? storedSessionReport(store, sessionId, config, options) : fullReportOf(sessionId);
      return { fileName: `goroscope-session-${sessionId}.${format}`, mimeType: mimeTypeOf(format), content: renderReport(report, format, sources) };
    },
  };
}
