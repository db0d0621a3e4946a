import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { InvalidInputError } from '../../shared/errors.js';
import { DEFAULT_MAX_CONCURRENT, type FleetRequest, type FleetTarget } from '../use-cases/record-fleet.js';
import { DEFAULT_FULL_DUMP_BUDGET, type FullDumpBudget } from '../collect/full-dump-cadence.js';
import { discoverFleet, MAX_FLEET_INSTANCES } from '../collect/prometheus-source.js';
import { normaliseTarget } from '../collect/target-url.js';

/** The options `record` and a recording `check` take for fleets. */
export interface FleetOptions {
  targets?: string;
  prometheus?: string;
  job?: string;
  match?: string[];
  pprofPort?: number;
  top?: number;
  lookback?: string;
  maxConcurrent?: number;
  fullDumpTime?: string;
  fullDumpSize?: string;
}

/** The targets of a fleet run, and how they were found. */
export interface ResolvedFleet {
  targets: FleetTarget[];
  origin: FleetRequest['origin'];
  /** Lines shown before recording: the ranking from Prometheus, what was skipped. */
  preamble: string[];
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${text}" is not a positive whole number`);
  return n;
}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`"${text}" is not a TCP port (1-65535)`);
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addFleetOptions(command: Command): Command {
  return command
    .option('--targets <file>', 'record every service listed in this file (one URL per line, optionally "NAME URL"; # comments) as one fleet session')
    .option('--prometheus <url>', 'find the instances to record from this Prometheus server (with --job)')
    .option('--job <name>', 'the Prometheus job whose active targets are the instances')
    .option('--match <label=value>', 'only targets with this label value (repeatable)', collect)
    .addOption(new Option('--pprof-port <port>', 'pprof listens on this port of each instance (default: the port Prometheus scrapes)').argParser(port))
    .addOption(new Option('--top <k>', `record only the K instances whose goroutines grow fastest (default: all, up to ${MAX_FLEET_INSTANCES})`).argParser(positiveInt))
    .option('--lookback <window>', 'PromQL range the growth ranking uses: deriv(go_goroutines[WINDOW])', '15m')
    .addOption(new Option('--max-concurrent <n>', 'requests in flight at most across a fleet').argParser(positiveInt).default(DEFAULT_MAX_CONCURRENT))
    .option('--full-dump-time <duration>', `full dumps slower than this are taken less often (default ${DEFAULT_FULL_DUMP_BUDGET.maxDurationMs}ms)`)
    .option('--full-dump-size <size>', `full dumps larger than this are taken less often (default ${DEFAULT_FULL_DUMP_BUDGET.maxBytes >> 20}MB)`);
}

/**
 * True when the command records a fleet rather than one service (a Prometheus-only option without
 * `--prometheus` counts too, so that resolveFleet refuses it instead of it being ignored).
 */
export function isFleetRun(urls: readonly string[], o: FleetOptions): boolean {
  const promOnly = o.job !== undefined || o.match !== undefined || o.pprofPort !== undefined || o.top !== undefined;
  return urls.length > 1 || o.targets !== undefined || o.prometheus !== undefined || promOnly;
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

export function budgetOf(o: FleetOptions, parseMs: (text: string) => number, parseSize: (text: string) => number): FullDumpBudget {
  return {
    maxDurationMs: o.fullDumpTime !== undefined ? parseMs(o.fullDumpTime) : DEFAULT_FULL_DUMP_BUDGET.maxDurationMs,
    maxBytes: o.fullDumpSize !== undefined ? parseSize(o.fullDumpSize) : DEFAULT_FULL_DUMP_BUDGET.maxBytes,
  };
}

function perMin(v: number | null): string {
  return v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}/min`;
}

/**
 * The fleet's targets: the URLs given, `--targets FILE`, or a Prometheus job (ranked by growth, with
 * the ranking shown in `preamble`). Throws InvalidInputError for options that do not go together.
 */
export async function resolveFleet(urls: readonly string[], o: FleetOptions, signal?: AbortSignal): Promise<ResolvedFleet> {
  const promOnly = o.job !== undefined || o.match !== undefined || o.pprofPort !== undefined || o.top !== undefined;
  if (o.prometheus === undefined) {
    if (promOnly) throw new InvalidInputError('--job, --match, --pprof-port and --top apply to --prometheus');
    const targets = [...urls.map((u) => targetOfLine(u, 'argument')), ...(o.targets !== undefined ? readTargetsFile(o.targets) : [])];
    return { targets, origin: { source: 'targets', prometheusUrl: null, job: null, rankingQuery: null, skipped: [] }, preamble: [] };
  }
  if (urls.length > 0 || o.targets !== undefined) throw new InvalidInputError('--prometheus finds the targets itself: give no URL and no --targets with it');
  if (o.job === undefined) throw new InvalidInputError('--prometheus needs --job NAME: the job whose targets to record');
  const found = await discoverFleet({
    prometheusUrl: o.prometheus, job: o.job, match: o.match ?? [], pprofPort: o.pprofPort ?? null, lookback: o.lookback ?? '15m', top: o.top ?? null, ...(signal ? { signal } : {}),
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
