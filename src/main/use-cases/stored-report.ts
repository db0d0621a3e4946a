import type { InstanceCost, Report } from '../../shared/report.js';
import { buildFleetReport, type FleetMember } from '../analysis/report/fleet-report.js';
import { NOT_MEASURED, type AnalysisSession } from '../analysis/session.js';
import type { HistoryStore } from '../store/history-store.js';
import type { FleetInstanceRecord, FleetRecord } from '../store/fleet-store.js';
import type { SnapshotInfo } from '../store/types.js';
import { buildSessionReport } from './analyse.js';
import type { LoadedConfig } from './project-config.js';
import { loadStoredSession } from './stored-session.js';
import { openHistory } from './session-history.js';

/**
 * What recording an instance cost it, from its stored requests: every request counts (failed ones
 * too: the target may still have done the work), bytes as received, and the time the target spent
 * answering full debug=2 dumps (each one stops its world).
 */
export function instanceCost(snapshots: readonly SnapshotInfo[], instance: Pick<FleetInstanceRecord, 'fullEvery' | 'cadenceNotes'> | null): InstanceCost {
  const full = snapshots.filter((s) => s.kind === 'full' && s.error === null);
  return {
    requests: snapshots.length,
    failedRequests: snapshots.filter((s) => s.error !== null).length,
    bytes: snapshots.reduce((n, s) => n + s.bytes, 0),
    fullDumps: full.length,
    fullDumpMs: Math.round(full.reduce((n, s) => n + s.durationMs, 0) * 10) / 10,
    largestFullDumpBytes: full.reduce((n, s) => Math.max(n, s.bytes), 0),
    fullEvery: instance?.fullEvery ?? null,
    cadenceNotes: instance?.cadenceNotes ?? [],
  };
}

/** A group's counts per tick as the report writes them: null where not measured, 0 where the group is absent. */
function countsOf(session: AnalysisSession, key: string): (number | null)[] {
  const g = session.groups.find((x) => x.key === key);
  return session.ticks.map((t, i) => {
    if (t.countFormat === null) return null;
    const n = g ? g.counts[i]! : 0;
    return n === NOT_MEASURED ? null : n;
  });
}

function fleetTarget(f: FleetRecord): string {
  return f.source === 'prometheus' ? `${f.prometheusUrl ?? ''} job ${f.job ?? ''}` : `${f.instances.length} instances`;
}

/**
 * The report of a stored session: a fleet's (each instance analysed on its own session, then merged
 * by `buildFleetReport`) or a one-target session's. Throws NotFoundError for an unknown id.
 */
export function storedSessionReport(store: HistoryStore, sessionId: number, config: LoadedConfig, options: { shouldRedactLabels?: boolean } = {}): Report {
  const fleet = store.fleets.fleet(sessionId);
  if (!fleet) return buildSessionReport(loadStoredSession(store, sessionId), config, options);
  const members: FleetMember[] = fleet.instances.map((i) => {
    const loaded = loadStoredSession(store, i.sessionId);
    return {
      name: i.name,
      url: i.url,
      sessionId: String(i.sessionId),
      report: buildSessionReport(loaded, config, options),
      discoveredGrowthPerMin: i.discoveredGrowthPerMin,
      cost: instanceCost(store.sessionSnapshots(i.sessionId), i),
      seriesOf: (key) => countsOf(loaded.session, key),
    };
  });
  return buildFleetReport(members, {
    source: { kind: 'session', sessionId: String(sessionId), target: fleetTarget(fleet) },
    fleet: { source: fleet.source, prometheusUrl: fleet.prometheusUrl, job: fleet.job, rankingQuery: fleet.rankingQuery, maxConcurrent: fleet.maxConcurrent, skipped: fleet.skipped },
  });
}

/**
 * A stamp that changes whenever a session (or any instance of a fleet) gains ticks or ends, so a
 * cached report can be reused until then.
 */
export function sessionStamp(store: HistoryStore, sessionId: number): string {
  const ids = [sessionId, ...store.fleets.memberSessions(sessionId)];
  return ids
    .map((id) => {
      const s = store.session(id);
      return `${s.ticks}/${s.snapshots}/${s.failedTicks}/${s.endedAtMs}`;
    })
    .join(',');
}

/** What a session summary says about fleets: a fleet's instance count, or the fleet an instance belongs to. */
export function fleetFieldsOf(store: HistoryStore, sessionId: number): { fleet: { instances: number } | null; instanceOf: { fleetSessionId: number; name: string } | null } {
  const members = store.fleets.memberSessions(sessionId);
  return { fleet: members.length > 0 ? { instances: members.length } : null, instanceOf: store.fleets.fleetOf(sessionId) };
}

/**
 * `report <session-id>`: opens the history (`dbPath`, else $GOROSCOPE_DB, else the app-data folder),
 * builds the stored session's report (a fleet's over its instances) and closes it. NotFoundError for an
 * unknown id.
 */
export function reportOfStoredSession(dbPath: string | null, sessionId: number, config: LoadedConfig, options: { shouldRedactLabels?: boolean } = {}): Report {
  const store = openHistory(dbPath ?? undefined);
  try {
    return storedSessionReport(store, sessionId, config, options);
  } finally {
    store.dispose();
  }
}
