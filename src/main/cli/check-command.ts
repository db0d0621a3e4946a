import { formatSplit, splitByLabel } from '../../shared/labels.js';
import type { Command } from 'commander';
import type { Frame } from '../../shared/model.js';
import { STRENGTHS, type Report, type Strength } from '../../shared/report.js';
import { InvalidInputError, TargetUnreachableError } from '../../shared/errors.js';
import type { LoadedSession } from '../analysis/session.js';
import { baseName } from '../analysis/explain.js';
import { checkResultOf } from '../analysis/report/json.js';
import { classesLine, snapshotGroupsLine, sourceLine, windowLine } from '../analysis/report/report-text.js';
import type { SshConnector } from '../collect/ssh-connector.js';
import { DEFAULT_TIMEOUT_MS } from '../collect/target-client.js';
import { CHECK_FULL_EVERY, defaultBackends, type AnalysisBackends } from '../use-cases/check.js';
import { buildSessionReport } from '../use-cases/analyse.js';
import { loadProjectConfig } from '../use-cases/project-config.js';
import { loadFiles, parseDuration } from '../use-cases/load-files.js';
import { addSshOptions, parseBytes, parseDurationMs, sshConnectorAsking, sshConnectorsAsking } from './record-command.js';
import { DEFAULT_MAX_CONCURRENT } from '../use-cases/record-fleet.js';
import type { LoadedConfig } from '../use-cases/project-config.js';
import { checkFleet, fleetSummary } from './fleet-command.js';
import { addFleetOptions, budgetOf, isFleetRun, resolveFleet, type FleetOptions } from './fleet-options.js';

interface CheckOptions extends FleetOptions {
  duration: string;
  interval?: string;
  failOn: string;
  db?: string;
  json?: boolean;
  groupByLabel?: string;
  config?: string;
  ssh?: string;
  sshKey?: string;
  knownHosts?: string;
  sshConfig?: string;
}

/**
 * `goroscope check <url | files…> [--duration 60s] [--interval 2s] [--db FILE] [--json]`: for CI.
 * Exit 1 when there is a suspect, 0 when none, 2 on error. With files of several formats per tick,
 * each tick counts from one profile (protobuf, else debug=1, else debug=2); a debug=2 dump adds ids,
 * states and wait minutes; a goroutineleak profile adds the runtime's proof.
 */
export function registerCheck(program: Command, backends: AnalysisBackends = defaultBackends()): void {
  addFleetOptions(addSshOptions(program
    .command('check')
    .description('record a service (or read dump files in time order), print the leak suspects; exit 1 when there is one')
    .argument('[inputs...]', 'a service URL (http://host:port), several URLs (a fleet), or dump files of any format in time order')
    .option('--duration <duration>', 'how long to record a URL', '60s')
    .option('--interval <duration>', 'time between ticks when recording (default 2s); between files that carry no timestamp (default: none, growth as counts)')
    .option('--fail-on <strength>', 'exit 1 for suspects at least this strong: weak, strong or proof', 'weak')
    .option('--db <file>', 'keep the recording in this history file (default: a throwaway database)')
    .option('--json', 'print {suspects: [...]} (documented in src/shared/report.ts, CheckResultSchema)')
    .option('--group-by-label <key>', 'split each suspect\'s count by the values of this pprof label')
    .option('--config <file>', 'ignore rules and settings (default: .goroscope.json in the working folder, if any)')))
    .action(async (inputs: string[], options: CheckOptions) => {
      const givenIntervalMs = options.interval === undefined ? null : parseDuration(options.interval, '--interval');
      const failOn = strengthOption(options.failOn);
      const config = loadProjectConfig(options.config);
      const isUrl = /^https?:\/\//i.test(inputs[0] ?? '');
      const intervalMs = givenIntervalMs ?? DEFAULT_RECORD_INTERVAL_MS;
      if (isFleetRun(isUrl ? inputs : [], options) || (isUrl && inputs.length > 1)) {
        await checkFleetCommand(inputs, options, intervalMs, config);
        return;
      }
      if (inputs.length === 0) throw new InvalidInputError('check needs a service URL, several URLs, --targets FILE, --prometheus URL --job NAME, or dump files');
      if (options.ssh !== undefined && !isUrl) throw new InvalidInputError(`--ssh applies to a service URL, not to dump files (${inputs[0]})`);
      const connector = await sshConnectorAsking(options, DEFAULT_TIMEOUT_MS);
      let loaded: LoadedSession;
      try {
        loaded = isUrl ? await recordUrl(backends, inputs[0]!, parseDuration(options.duration, '--duration'), intervalMs, options.db ?? null, connector) : await loadFiles(inputs, givenIntervalMs);
      } finally {
        connector?.dispose();
      }
      const report = buildSessionReport(loaded, config);
      if (isUrl) refuseUnmeasured(report, inputs[0]!);
      process.stdout.write(options.json ? `${JSON.stringify(checkResultOf(report), null, 2)}\n` : formatCheck(report, options.groupByLabel ?? null));
      if (report.suspects.some((s) => STRENGTHS.indexOf(s.strength) <= STRENGTHS.indexOf(failOn))) process.exitCode = 1;
    });
}

/** `check URL URL …`, `--targets FILE`, `--prometheus URL --job NAME`: one fleet, each instance analysed on its own. */
async function checkFleetCommand(inputs: string[], options: CheckOptions, intervalMs: number, config: LoadedConfig): Promise<void> {
  const notUrl = inputs.find((i) => !/^https?:\/\//i.test(i));
  if (notUrl !== undefined) throw new InvalidInputError(`a fleet check takes service URLs, not files: ${notUrl}`);
  // Passphrases are asked once, before anything connects; each instance then gets its own tunnel.
  const connectorFor = await sshConnectorsAsking(options, DEFAULT_TIMEOUT_MS);
  const fleet = await resolveFleet(inputs, options);
  const durationMs = parseDuration(options.duration, '--duration');
  process.stderr.write(`checking ${fleet.targets.length} instances for ${durationMs / 1000}s, a tick every ${intervalMs / 1000}s (Ctrl-C ends early)\n`);
  const report = await checkFleet(
    fleet,
    {
      name: `check ${fleet.origin.job !== null ? `job ${fleet.origin.job}` : `${fleet.targets.length} targets`}`,
      intervalMs, durationMs, fullEvery: CHECK_FULL_EVERY, rawRetention: 'none', maxConcurrent: options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
      fullDumpBudget: budgetOf(options, parseDurationMs, parseBytes),
      ...(connectorFor !== null ? { connectorFor } : {}),
    },
    options.db ?? null,
    config,
  );
  refuseUnmeasuredFleet(report);
  process.stdout.write(options.json ? `${JSON.stringify(checkResultOf(report), null, 2)}\n` : formatCheck(report));
  if (report.suspects.length > 0) process.exitCode = 1;
}

/** A fleet where no instance was measured at two ticks cannot show growth (see refuseUnmeasured). */
function refuseUnmeasuredFleet(r: Report): void {
  const instances = r.fleet?.instances ?? [];
  if (r.suspects.length > 0 || instances.some((i) => i.ticks - i.failedTicks >= 2)) return;
  throw new TargetUnreachableError(
    'network',
    `check: no instance of the fleet was measured at two ticks or more (${instances.map((i) => `${i.name}: ${i.ticks - i.failedTicks} of ${i.ticks}`).join(', ')}); growth needs at least two. Are the services up?`,
  );
}

const DEFAULT_RECORD_INTERVAL_MS = 2000;

/** `--fail-on weak|strong|proof` → the weakest strength that fails the check. */
function strengthOption(text: string): Strength {
  if ((STRENGTHS as readonly string[]).includes(text)) return text as Strength;
  throw new InvalidInputError(`--fail-on: expected weak, strong or proof, got "${text}"`);
}

async function recordUrl(backends: AnalysisBackends, url: string, durationMs: number, intervalMs: number, dbPath: string | null, connector: SshConnector | null): Promise<LoadedSession> {
  // Ctrl-C ends the recording early; what was recorded is still analysed.
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  process.stderr.write(`checking ${url}${connector ? ` via ${connector.via}` : ''} for ${durationMs / 1000}s, a tick every ${intervalMs / 1000}s (Ctrl-C ends early)\n`);
  let recorded: Awaited<ReturnType<AnalysisBackends['record']>>;
  try {
    recorded = await backends.record(url, {
      durationMs,
      intervalMs,
      dbPath,
      signal: controller.signal,
      ...(connector ? { connector } : {}),
      onTick: (t) => process.stderr.write(`  #${t.tick} ${t.counted ? `${t.counted.total} goroutines` : `failed: ${t.errors[0]?.message ?? 'no profile'}`}\n`),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
  }
  const { sessionId, sessions } = recorded;
  try {
    return sessions.loadSession(sessionId);
  } finally {
    sessions.dispose();
  }
}

/**
 * A recording that measured goroutines at fewer than two ticks cannot show growth: with no suspect
 * from that one snapshot (the runtime's proof or the single-snapshot verdicts), "no suspects" would pass a CI check that measured nothing (the service went down
 * after the first tick, every request timed out). Throws TargetUnreachableError naming the last failure.
 */
function refuseUnmeasured(r: Report, url: string): void {
  const measured = r.window.ticks - r.window.failedTicks;
  if (measured >= 2 || r.suspects.length > 0) return;
  const lastError = [...r.ticks].reverse().find((t) => t.isFailed)?.error ?? null;
  throw new TargetUnreachableError(
    'network',
    `check ${url}: goroutines were measured at ${measured} of ${r.window.ticks} tick${r.window.ticks === 1 ? '' : 's'}; growth needs at least two` +
      `${lastError ? ` (last failure: ${lastError})` : ''}. Is the service still up? A longer --duration or --timeout may help`,
  );
}

/** The human-readable verdict: one block per suspect, then the runtime note. */
export function formatCheck(r: Report, groupByLabel: string | null = null): string {
  const lines: string[] = [];
  const n = r.suspects.length;
  const c = r.summary.byClass;
  lines.push(`goroscope check: ${n === 0 ? 'no suspects' : `${n} suspect${n === 1 ? '' : 's'}`} (${sourceLine(r)}; ${windowLine(r)})`);
  lines.push(
    `  ${snapshotGroupsLine(r) ?? `${r.summary.groups} group${r.summary.groups === 1 ? '' : 's'}: ${classesLine(c)}, ${r.summary.ignoredGroups} ignored`}`,
  );
  if (r.warmUp) lines.push(`  warm-up: ${r.warmUp.text}`);
  for (const s of r.suspects) {
    lines.push('');
    const growth = s.basis === 'snapshot' ? 'one snapshot' : s.ratePerMin !== null ? `${s.ratePerMin}/min` : `+${s.rise} (no rate: no time)`;
    lines.push(`#${s.rank} ${site(s.blockingSite)}  ${s.count} goroutines, ${growth}, ${s.strength} evidence, score ${s.score100}/100${s.isRuntimeProved ? ', runtime-proved' : ''}`);
    if (s.createdBy) lines.push(`   created by ${site(s.createdBy)}`);
    if (s.instances) lines.push(`   ${s.instances.map((i) => `${i.name} +${i.growthPerMin}/min (${i.count})`).join(', ')}`);
    lines.push(`   ${s.explanation.title}: ${s.explanation.text}`);
    for (const x of s.explanation.support) if (!x.startsWith('created by')) lines.push(`   - ${x}`);
    lines.push(`   because: ${s.reasons.join('; ')}`);
    if (s.labelOrigin) lines.push(`   by label: ${s.labelOrigin.text}`);
    if (groupByLabel !== null) lines.push(`   by ${groupByLabel}: ${formatSplit(splitByLabel(s.count, s.labels, groupByLabel))}`);
  }
  if (r.runtimeLeakProfile.recorded || n > 0) lines.push('', r.runtimeLeakProfile.note);
  if (r.fleet) lines.push('', fleetSummary(r).trimEnd());
  if (r.singleSnapshot) lines.push('', r.singleSnapshot.note);
  else if (!r.fleet && r.window.ticks - r.window.failedTicks < 2) {
    lines.push('', 'Only one tick: growth needs two or more snapshots in time order; only the runtime’s goroutineleak evidence can name a suspect from one.');
  }
  return `${lines.join('\n')}\n`;
}

function site(f: Frame | null): string {
  if (!f) return 'unknown';
  return `${f.func} ${baseName(f.file)}:${f.line}`;
}
