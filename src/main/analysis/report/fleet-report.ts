import type { FleetInstance, FleetSection, InstanceCost, InstanceGrowth, Report, ReportSuspect } from '../../../shared/report.js';
import { GROUP_CLASSES } from '../classify.js';
import { round } from '../evidence.js';

/** One instance of a fleet with the report of its own session. */
export interface FleetMember {
  name: string;
  url: string;
  /** The instance's session in the history; null when not stored. */
  sessionId: string | null;
  report: Report;
  discoveredGrowthPerMin: number | null;
  cost: InstanceCost;
  /** The group's count per tick on this instance (0 where it has none, null where not measured). */
  seriesOf(key: string): (number | null)[];
}

export interface FleetMeta {
  source: Report['source'];
  fleet: Omit<FleetSection, 'instances' | 'cost'>;
}

/** Names listed in a `grows on` sentence before `…`. */
const NAMES_SHOWN = 8;

/**
 * `grows on 3 of 8: api-2, api-5, api-7; flat elsewhere` (`grows on 2 of 2: a, b` when it grows
 * everywhere). `names` are the instances where it grows, fastest first.
 */
export function growsOnText(names: readonly string[], of: number): string {
  const shown = names.length > NAMES_SHOWN ? [...names.slice(0, NAMES_SHOWN), `… ${names.length - NAMES_SHOWN} more`] : names;
  return `grows on ${names.length} of ${of}: ${shown.join(', ')}${names.length < of ? '; flat elsewhere' : ''}`;
}

/** The goroutine total each tick counted (the compact profile, else the full dump); null at failed ticks. */
function totalsOf(r: Report): (number | null)[] {
  return r.ticks.map((t) => (t.isFailed ? null : (t.profiles.find((p) => p.format !== 'traceback') ?? t.profiles[0])?.total ?? null));
}

/** Growth of the total per minute between the first and last measured ticks; 0 with fewer than two. */
function totalSlopePerMin(r: Report): number {
  const measured = r.ticks.map((t, i) => ({ atMs: t.atMs, total: totalsOf(r)[i] })).filter((p): p is { atMs: number; total: number } => p.total !== null && p.total !== undefined);
  if (measured.length < 2) return 0;
  const a = measured[0]!;
  const b = measured[measured.length - 1]!;
  return b.atMs > a.atMs ? ((b.total - a.total) * 60_000) / (b.atMs - a.atMs) : 0;
}

export function sumCosts(costs: readonly InstanceCost[]): InstanceCost {
  return {
    requests: costs.reduce((n, c) => n + c.requests, 0),
    failedRequests: costs.reduce((n, c) => n + c.failedRequests, 0),
    bytes: costs.reduce((n, c) => n + c.bytes, 0),
    fullDumps: costs.reduce((n, c) => n + c.fullDumps, 0),
    fullDumpMs: round(costs.reduce((n, c) => n + c.fullDumpMs, 0), 1),
    largestFullDumpBytes: costs.reduce((n, c) => Math.max(n, c.largestFullDumpBytes), 0),
    fullEvery: null,
    cadenceNotes: [],
  };
}

/**
 * One report over many instances, each analysed on its own (a leak is judged by its growth on the
 * instance where it lives, never on a sum that a healthy majority would flatten). Groups are keyed
 * across instances by their group key; a suspect lists the instances where it grows (`instances`,
 * `growsOn`) with its count and growth summed over them, the evidence of the instance where it scores
 * highest, and that instance's series. Instances are ranked by the growth of their suspects, then by
 * the growth of their goroutine total. Pure.
 */
export function buildFleetReport(members: readonly FleetMember[], meta: FleetMeta): Report {
  const n = members.length;
  const bySuspect = new Map<string, { best: ReportSuspect; on: InstanceGrowth[] }>();
  for (const m of members) {
    for (const s of m.report.suspects) {
      const growth: InstanceGrowth = {
        name: m.name, url: m.url, sessionId: m.sessionId, growthPerMin: s.growthPerMin, count: s.count, baseline: s.baseline, score: s.score, series: s.series,
      };
      const entry = bySuspect.get(s.key);
      if (!entry) bySuspect.set(s.key, { best: s, on: [growth] });
      else {
        entry.on.push(growth);
        if (s.score > entry.best.score) entry.best = s;
      }
    }
  }
  const suspects: ReportSuspect[] = [...bySuspect.values()]
    .map(({ best, on }) => {
      on.sort((a, b) => b.growthPerMin - a.growthPerMin || (a.name < b.name ? -1 : 1));
      const growsOn = growsOnText(on.map((i) => i.name), n);
      return {
        ...best,
        count: on.reduce((k, i) => k + i.count, 0),
        baseline: on.reduce((k, i) => k + i.baseline, 0),
        growthPerMin: round(on.reduce((k, i) => k + i.growthPerMin, 0), 2),
        ratePerMin: best.ratePerMin === null ? null : round(on.reduce((k, i) => k + i.growthPerMin, 0), 2),
        reasons: [growsOn, ...best.reasons],
        instances: on,
        growsOn,
        instanceSeries: members.map((m) => ({ name: m.name, series: m.seriesOf(best.key) })),
      };
    })
    .sort((a, b) => b.score - a.score || b.growthPerMin - a.growthPerMin || (a.key < b.key ? -1 : 1))
    .map((s, i) => ({ ...s, rank: i + 1 }));

  const groups = new Map<string, Report['groups'][number]>();
  for (const m of members) for (const g of m.report.groups) if ((groups.get(g.key)?.score ?? -1) < g.score) groups.set(g.key, g);
  const byClass = Object.fromEntries(GROUP_CLASSES.map((c) => [c, 0])) as Report['summary']['byClass'];
  for (const g of groups.values()) byClass[g.class]++;
  const setAside = new Map<string, Report['setAside'][number]>();
  for (const m of members) for (const s of m.report.setAside) if (!bySuspect.has(s.key) && !setAside.has(s.key)) setAside.set(s.key, s);

  const ranked = rankInstances(members);
  const withTicks = members.filter((m) => m.report.window.ticks > 0);
  const widest = [...members].sort((a, b) => b.report.countAgreement.maxSpread - a.report.countAgreement.maxSpread)[0];
  const sum = (f: (r: Report) => number): number => members.reduce((k, m) => k + f(m.report), 0);
  return {
    schemaVersion: 1,
    // Every member is built with the same redaction (storedSessionReport passes it to each).
    labelsRedacted: members.some((m) => m.report.labelsRedacted),
    source: meta.source,
    window: {
      startMs: withTicks.length > 0 ? Math.min(...withTicks.map((m) => m.report.window.startMs)) : 0,
      endMs: withTicks.length > 0 ? Math.max(...withTicks.map((m) => m.report.window.endMs)) : 0,
      ticks: sum((r) => r.window.ticks),
      failedTicks: sum((r) => r.window.failedTicks),
      fullDumps: sum((r) => r.window.fullDumps),
      leakEvidenceTicks: sum((r) => r.window.leakEvidenceTicks),
      timesAssumed: false,
      assumedIntervalMs: null,
      timeBasis: 'measured',
    },
    singleSnapshot: null,
    overview: null,
    summary: {
      groups: groups.size,
      suspects: suspects.length,
      runtimeProved: suspects.filter((s) => s.isRuntimeProved).length,
      byClass,
      ignoredGroups: [...groups.values()].filter((g) => g.ignoredBy !== null).length,
      setAside: setAside.size,
    },
    // Ticks are per instance: see fleet.instances[].totals.
    ticks: [],
    countAgreement: widest ? { ...widest.report.countAgreement, text: `${widest.name}: ${widest.report.countAgreement.text}` } : { text: 'no instance recorded', maxSpread: 0, maxSpreadTick: null },
    suspects,
    setAside: [...setAside.values()],
    groups: [...groups.values()].sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1)),
    ignoreRules: mergeIgnoreRules(members),
    runtimeLeakProfile: mergeLeakProfiles(members),
    fleet: { ...meta.fleet, instances: ranked, cost: sumCosts(members.map((m) => m.cost)) },
  };
}

function rankInstances(members: readonly FleetMember[]): FleetInstance[] {
  return members
    .map((m) => ({
      m,
      growth: round(m.report.suspects.reduce((k, s) => k + s.growthPerMin, 0), 2),
      slope: totalSlopePerMin(m.report),
    }))
    .sort((a, b) => b.growth - a.growth || b.slope - a.slope || (a.m.name < b.m.name ? -1 : 1))
    .map(({ m, growth }, i) => ({
      rank: i + 1,
      name: m.name,
      url: m.url,
      sessionId: m.sessionId,
      ticks: m.report.window.ticks,
      failedTicks: m.report.window.failedTicks,
      suspects: m.report.suspects.length,
      growthPerMin: growth,
      discoveredGrowthPerMin: m.discoveredGrowthPerMin === null ? null : round(m.discoveredGrowthPerMin, 2),
      totals: totalsOf(m.report),
      atMs: m.report.ticks.map((t) => t.atMs),
      cost: m.cost,
    }));
}

function mergeIgnoreRules(members: readonly FleetMember[]): Report['ignoreRules'] {
  const rules = new Map<string, Report['ignoreRules'][number]>();
  for (const m of members) {
    for (const r of m.report.ignoreRules) {
      const seen = rules.get(r.id);
      if (!seen) rules.set(r.id, { ...r });
      else {
        seen.matchedGroups = Math.max(seen.matchedGroups, r.matchedGroups);
        seen.matchedGoroutines += r.matchedGoroutines;
      }
    }
  }
  return [...rules.values()];
}

function mergeLeakProfiles(members: readonly FleetMember[]): Report['runtimeLeakProfile'] {
  const proved = new Map<string, Report['runtimeLeakProfile']['proved'][number]>();
  const notProved = new Map<string, Report['runtimeLeakProfile']['notProved'][number]>();
  for (const m of members) {
    for (const p of m.report.runtimeLeakProfile.proved) {
      const seen = proved.get(p.key);
      if (seen) seen.leaked += p.leaked;
      else proved.set(p.key, { ...p });
    }
    for (const p of m.report.runtimeLeakProfile.notProved) notProved.set(p.key, p);
  }
  for (const key of proved.keys()) notProved.delete(key);
  const recorded = members.filter((m) => m.report.runtimeLeakProfile.recorded);
  return {
    recorded: recorded.length > 0,
    ticks: [],
    proved: [...proved.values()],
    notProved: [...notProved.values()],
    note: recorded.length > 0 ? `${recorded.length} of ${members.length} instances served goroutineleak. ${recorded[0]!.report.runtimeLeakProfile.note}` : (members[0]?.report.runtimeLeakProfile.note ?? ''),
  };
}
