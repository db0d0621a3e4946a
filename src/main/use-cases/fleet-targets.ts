import { readFileSync } from 'node:fs';
import { DEFAULT_LOOKBACK } from '../../shared/defaults.js';
import { InvalidInputError } from '../../shared/errors.js';
import { discoverFleet } from '../collect/prometheus-source.js';
import { normaliseTarget } from '../collect/target-url.js';
import type { FleetRequest, FleetTarget } from './record-fleet.js';

export { MAX_FLEET_INSTANCES } from '../collect/prometheus-source.js';

/**
 * Which instances a fleet recording covers (the first step of `record`/`check` over a fleet): the URLs
 * given, a targets file, or a Prometheus job ranked by growth. The CLI's flags say which (`FleetSource`).
 */

/** Where a fleet's instances come from, as the CLI's flags say it. */
export interface FleetSource {
  targets?: string;
  prometheus?: string;
  job?: string;
  match?: string[];
  pprofPort?: number;
  top?: number;
  lookback?: string;
}

/** The targets of a fleet run, and how they were found. */
export interface ResolvedFleet {
  targets: FleetTarget[];
  origin: FleetRequest['origin'];
  /** Lines shown before recording: the ranking from Prometheus, what was skipped. */
  preamble: string[];
}

/** `api-1 http://10.0.0.1:6060` or `http://10.0.0.1:6060` (named by its host:port). */
function targetOfLine(line: string, where: string): FleetTarget {
  const parts = line.split(/\s+/);
  if (parts.length > 2) throw new InvalidInputError(`${where}: expected "URL" or "NAME URL", got "${line}"`);
  const url = normaliseTarget(parts[parts.length - 1]!).baseUrl;
  return { name: parts.length === 2 ? parts[0]! : url.replace(/^https?:\/\//, ''), url };
}

/** Reads `--targets FILE`. Throws InvalidInputError naming the file (and line) when it cannot. */
export function readTargetsFile(file: string): FleetTarget[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InvalidInputError(`--targets ${file}: ${(cause as Error).message}`, { cause });
  }
  const targets: FleetTarget[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') targets.push(targetOfLine(line, `${file}:${i + 1}`));
  });
  if (targets.length === 0) throw new InvalidInputError(`--targets ${file}: no URL in it; expected one per line`);
  return targets;
}

function perMin(v: number | null): string {
  return v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}/min`;
}

/**
 * The fleet's targets: the URLs given, `--targets FILE`, or a Prometheus job (ranked by growth, with
 * the ranking shown in `preamble`). Throws InvalidInputError for options that do not go together.
 */
export async function resolveFleet(urls: readonly string[], o: FleetSource, signal?: AbortSignal): Promise<ResolvedFleet> {
  const promOnly = o.job !== undefined || o.match !== undefined || o.pprofPort !== undefined || o.top !== undefined;
  if (o.prometheus === undefined) {
    if (promOnly) throw new InvalidInputError('--job, --match, --pprof-port and --top apply to --prometheus');
    const targets = [...urls.map((u) => targetOfLine(u, 'argument')), ...(o.targets !== undefined ? readTargetsFile(o.targets) : [])];
    return { targets, origin: { source: 'targets', prometheusUrl: null, job: null, rankingQuery: null, skipped: [] }, preamble: [] };
  }
  if (urls.length > 0 || o.targets !== undefined) throw new InvalidInputError('--prometheus finds the targets itself: give no URL and no --targets with it');
  if (o.job === undefined) throw new InvalidInputError('--prometheus needs --job NAME: the job whose targets to record');
  const found = await discoverFleet({
    prometheusUrl: o.prometheus, job: o.job, match: o.match ?? [], pprofPort: o.pprofPort ?? null, lookback: o.lookback ?? DEFAULT_LOOKBACK, top: o.top ?? null, ...(signal ? { signal } : {}),
  });
  const preamble = [
    `Prometheus ${o.prometheus}: job "${o.job}", ${found.instances.length + found.skipped.length} target${found.instances.length + found.skipped.length === 1 ? '' : 's'}, ranked by ${found.query}`,
    ...found.instances.map((i, k) => `  ${String(k + 1).padStart(2)}. ${i.name.padEnd(22)} ${perMin(i.growthPerMin).padStart(12)}  ${i.goroutines === null ? '' : `${i.goroutines} goroutines  `}${i.url}`),
    ...found.skipped.map((s) => `   -  ${s.name.padEnd(22)} skipped: ${s.why}`),
  ];
  return {
    targets: found.instances.map((i) => ({ name: i.name, url: i.url, labels: i.labels, discoveredGrowthPerMin: i.growthPerMin, discoveredGoroutines: i.goroutines })),
    origin: { source: 'prometheus', prometheusUrl: o.prometheus, job: o.job, rankingQuery: found.query, skipped: found.skipped },
    preamble,
  };
}
