import type { RequestOutput } from '../../../shared/contract.js';
import type { InstanceCost } from '../../../shared/report.js';

export type FleetData = RequestOutput<'session.fleet'>;

/** One cell of the grid: a group's counts on one instance, and its growth there when it is a suspect there. */
export interface FleetCell {
  values: number[];
  /** Goroutines/min where the group grows on this instance; null where it is flat (or absent). */
  growthPerMin: number | null;
  last: number;
}

export interface FleetRow {
  name: string;
  url: string;
  /** The instance's own session (drill-down); null when unknown. */
  sessionId: number | null;
  rank: number;
  ticks: number;
  failedTicks: number;
  totals: number[];
  cost: InstanceCost;
  cells: FleetCell[];
}

export interface FleetGrid {
  /** The top groups (columns), most suspect first. */
  columns: { key: string; label: string; growsOn: string }[];
  rows: FleetRow[];
}

/** Columns shown: the top suspects; more are in the report. */
export const MAX_COLUMNS = 6;

/** Nulls (failed ticks) drawn as 0 would read as a drop: carry the previous value instead. */
function filled(values: readonly (number | null)[]): number[] {
  let last = 0;
  return values.map((v) => (v === null ? last : (last = v)));
}

function label(site: FleetData['suspects'][number]['blockingSite'], key: string): string {
  if (!site) return key;
  const file = site.file.split(/[\\/]/).pop() ?? site.file;
  return `${site.func.split('/').pop() ?? site.func} ${file}:${site.line}`;
}

/**
 * Instances × top groups: one row per instance in the fleet's rank order, one column per suspect
 * (at most MAX_COLUMNS), each cell the group's count over that instance's session. Pure.
 */
export function fleetGrid(data: FleetData): FleetGrid {
  const suspects = data.suspects.slice(0, MAX_COLUMNS);
  return {
    columns: suspects.map((s) => ({ key: s.key, label: label(s.blockingSite, s.key), growsOn: s.growsOn ?? '' })),
    rows: data.fleet.instances.map((i) => ({
      name: i.name,
      url: i.url,
      sessionId: i.sessionId === null ? null : Number(i.sessionId),
      rank: i.rank,
      ticks: i.ticks,
      failedTicks: i.failedTicks,
      totals: filled(i.totals),
      cost: i.cost,
      cells: suspects.map((s) => {
        const values = filled(s.instanceSeries?.find((x) => x.name === i.name)?.series ?? []);
        const growth = s.instances?.find((x) => x.name === i.name)?.growthPerMin ?? null;
        return { values, growthPerMin: growth, last: values[values.length - 1] ?? 0 };
      }),
    })),
  };
}

/** `412 requests · 18.2 MB · 12 full dumps, 840 ms` */
export function costText(c: InstanceCost): string {
  const mb = (c.bytes / (1024 * 1024)).toFixed(1);
  return `${c.requests} requests${c.failedRequests > 0 ? ` (${c.failedRequests} failed)` : ''} · ${mb} MB · ${c.fullDumps} full dump${c.fullDumps === 1 ? '' : 's'}, ${Math.round(c.fullDumpMs)} ms`;
}
