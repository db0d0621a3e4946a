import type { Report } from '../../shared/report.js';
import { analyzeSession } from '../analysis/analyze-session.js';
import { rulesOf } from '../analysis/ignore-rules.js';
import { buildReport } from '../analysis/report/build-report.js';
import { timeBasisOf, type LoadedSession } from '../analysis/session.js';
import { dumpOverview, type OverviewSuspect } from '../analysis/dump-overview.js';
import type { ParsedDump } from '../dump/types.js';
import { redactSessionLabels } from '../analysis/redact-labels.js';
import { PROJECT_FILE, type LoadedConfig } from './project-config.js';

export type { LoadedSession } from '../analysis/session.js';

/**
 * The one path from a loaded session (dump files, or a session of the history) to the report model:
 * analysis with the project's ignore rules and growth threshold, then the report every renderer (HTML,
 * Markdown, JSON, `check`'s verdict, the app's suspects) reads. Rules are named after `fileName`, else
 * `.goroscope.json`. Pure over its inputs; throws only on a broken invariant (BugError).
 */
export function buildSessionReport(
  loaded: LoadedSession,
  { config, fileName }: LoadedConfig,
  { shouldRedactLabels = false }: { shouldRedactLabels?: boolean } = {},
): Report {
  // Redacted before analysis, so every text the report builds (label origin, evidence) has hashes only.
  const session = shouldRedactLabels ? redactSessionLabels(loaded.session) : loaded.session;
  const analysis = analyzeSession(session, {
    rules: rulesOf(config, fileName ?? PROJECT_FILE),
    minGrowth: config.minGrowth,
    timesAssumed: loaded.timesAssumed,
    hasRate: timeBasisOf(loaded) !== 'none',
  });
  const report = buildReport(session, analysis, {
    labelsRedacted: shouldRedactLabels,
    source: loaded.source,
    timesAssumed: loaded.timesAssumed,
    assumedIntervalMs: loaded.assumedIntervalMs,
    timeBasis: timeBasisOf(loaded),
  });
  return loaded.singleDump ? withDumpOverview(report, loaded.singleDump) : report;
}

/**
 * The report of a one-snapshot session with its one-page overview of `dump` (that snapshot's
 * traceback) set, the report's suspects marked on its groups; any other report as it is. Sets
 * `report.overview` in place and returns the report.
 */
export function withDumpOverview(report: Report, dump: ParsedDump): Report {
  if (!report.singleSnapshot) return report;
  const suspects = new Map<string, OverviewSuspect>(report.suspects.map((s) => [s.key, { strength: s.strength, score: s.score, reasons: s.reasons }]));
  report.overview = dumpOverview(dump, { suspects });
  return report;
}
