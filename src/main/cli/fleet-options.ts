import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_FULL_DUMP_BUDGET, DEFAULT_LOOKBACK, DEFAULT_MAX_CONCURRENT } from '../../shared/defaults.js';
import { parseDuration } from '../../shared/duration.js';
import type { FullDumpBudget } from '../use-cases/record-fleet.js';
import { MAX_FLEET_INSTANCES, type FleetSource } from '../use-cases/fleet-targets.js';
import { parseBytes } from './max-bytes-option.js';

export { resolveFleet, readTargetsFile, type ResolvedFleet } from '../use-cases/fleet-targets.js';

/** The options `record` and a recording `check` take for fleets: where the instances come from, and how gently to record them. */
export interface FleetOptions extends FleetSource {
  maxConcurrent?: number;
  fullDumpTime?: string;
  fullDumpSize?: string;
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
    .option('--lookback <window>', 'PromQL range the growth ranking uses: deriv(go_goroutines[WINDOW])', DEFAULT_LOOKBACK)
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

/** `--full-dump-time` and `--full-dump-size` (durations and sizes as every other option reads them), else the defaults. */
export function budgetOf(o: FleetOptions): FullDumpBudget {
  return {
    maxDurationMs: o.fullDumpTime !== undefined ? parseDuration(o.fullDumpTime, '--full-dump-time') : DEFAULT_FULL_DUMP_BUDGET.maxDurationMs,
    maxBytes: o.fullDumpSize !== undefined ? parseBytes(o.fullDumpSize) : DEFAULT_FULL_DUMP_BUDGET.maxBytes,
  };
}

