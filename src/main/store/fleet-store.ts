import type Database from 'better-sqlite3';
import type { LabelSet } from '../../shared/model.js';
import type { FleetInstance, FleetSection } from '../../shared/report.js';
import type { Row } from './rows.js';

/**
 * How a fleet's instances were chosen: the report's fleet section says the same (`shared/report.ts`).
 * `skipped`: instances left out, each with why; `maxConcurrent`: requests in flight at most, across all
 * instances; `rankingQuery`: the PromQL the instances were ranked by.
 */
export type NewFleet = Pick<FleetSection, 'source' | 'prometheusUrl' | 'job' | 'rankingQuery' | 'maxConcurrent' | 'skipped'>;

/** An instance as discovered; `discoveredGrowthPerMin` is Prometheus' `deriv(go_goroutines)` in goroutines/min. */
export type NewFleetInstance = Pick<FleetInstance, 'name' | 'url' | 'discoveredGrowthPerMin'> & {
  labels: LabelSet;
  discoveredGoroutines: number | null;
  fullEvery: number;
};

export interface FleetInstanceRecord extends NewFleetInstance {
  ordinal: number;
  /** The session this instance records into. */
  sessionId: number;
  /** Why the full-dump cadence changed, oldest first. */
  cadenceNotes: string[];
}

export interface FleetRecord extends NewFleet {
  sessionId: number;
  instances: FleetInstanceRecord[];
}

/**
 * The fleet tables (migration 0004). HistoryStore owns one and hands it out as `store.fleets`, so all
 * SQL still lives in the store module; statements are prepared once, here.
 */
export class FleetHistory {
  private readonly st;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      insertFleet: p('INSERT INTO fleets (session_id, source, prometheus_url, job, ranking_query, max_concurrent, skipped) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      setSkipped: p('UPDATE fleets SET skipped = ? WHERE session_id = ?'),
      insertInstance: p(`INSERT INTO fleet_instances (fleet_session_id, ordinal, session_id, name, url, labels, discovered_growth_per_min, discovered_goroutines, full_every, cadence_notes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]')`),
      setCadence: p(`UPDATE fleet_instances SET full_every = ?, cadence_notes = json_insert(cadence_notes, '$[#]', ?) WHERE session_id = ?`),
      fleet: p('SELECT * FROM fleets WHERE session_id = ?'),
      instances: p('SELECT * FROM fleet_instances WHERE fleet_session_id = ? ORDER BY ordinal'),
      fleetOfInstance: p('SELECT fleet_session_id, name FROM fleet_instances WHERE session_id = ?'),
      memberSessions: p('SELECT session_id FROM fleet_instances WHERE fleet_session_id = ?').pluck(),
    };
  }

  /** Marks `sessionId` (just created, with no snapshots) as a fleet. */
  create(sessionId: number, f: NewFleet): void {
    this.st.insertFleet.run(sessionId, f.source, f.prometheusUrl, f.job, f.rankingQuery, f.maxConcurrent, JSON.stringify(f.skipped));
  }

  setSkipped(fleetSessionId: number, skipped: NewFleet['skipped']): void {
    this.st.setSkipped.run(JSON.stringify(skipped), fleetSessionId);
  }

  addInstance(fleetSessionId: number, ordinal: number, sessionId: number, i: NewFleetInstance): void {
    this.st.insertInstance.run(fleetSessionId, ordinal, sessionId, i.name, i.url, JSON.stringify(i.labels), i.discoveredGrowthPerMin, i.discoveredGoroutines, i.fullEvery);
  }

  /** Records a change of an instance's full-dump cadence with the sentence that explains it. */
  setCadence(instanceSessionId: number, fullEvery: number, note: string): void {
    this.st.setCadence.run(fullEvery, note, instanceSessionId);
  }

  /** The fleet whose session is `sessionId`, with its instances in order; null for any other session. */
  fleet(sessionId: number): FleetRecord | null {
    const f = this.st.fleet.get(sessionId) as Row | undefined;
    if (!f) return null;
    return {
      sessionId,
      source: f.source as NewFleet['source'],
      prometheusUrl: f.prometheus_url as string | null,
      job: f.job as string | null,
      rankingQuery: f.ranking_query as string | null,
      maxConcurrent: f.max_concurrent as number,
      skipped: JSON.parse(f.skipped as string) as NewFleet['skipped'],
      instances: (this.st.instances.all(sessionId) as Row[]).map((r) => ({
        ordinal: r.ordinal as number,
        sessionId: r.session_id as number,
        name: r.name as string,
        url: r.url as string,
        labels: JSON.parse(r.labels as string) as Record<string, string>,
        discoveredGrowthPerMin: r.discovered_growth_per_min as number | null,
        discoveredGoroutines: r.discovered_goroutines as number | null,
        fullEvery: r.full_every as number,
        cadenceNotes: JSON.parse(r.cadence_notes as string) as string[],
      })),
    };
  }

  /** The fleet an instance session belongs to, and the instance's name; null for a session of its own. */
  fleetOf(sessionId: number): { fleetSessionId: number; name: string } | null {
    const r = this.st.fleetOfInstance.get(sessionId) as Row | undefined;
    return r ? { fleetSessionId: r.fleet_session_id as number, name: r.name as string } : null;
  }

  /** The instance sessions of a fleet (empty for any other session). */
  memberSessions(fleetSessionId: number): number[] {
    return this.st.memberSessions.all(fleetSessionId) as number[];
  }
}
