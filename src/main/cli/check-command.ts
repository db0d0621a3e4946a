import type { Command } from 'commander';
import { STRENGTHS, type Strength } from '../../shared/report.js';
import { InvalidInputError } from '../../shared/errors.js';
import { CHECK_DURATION, CHECK_FULL_EVERY, DEFAULT_INTERVAL_MS, DEFAULT_MAX_CONCURRENT, DEFAULT_REQUEST_TIMEOUT_MS } from '../../shared/defaults.js';
import { isFailed, recordForCheck, refuseUnmeasured, refuseUnmeasuredFleet } from '../use-cases/check.js';
import { buildSessionReport, type LoadedSession } from '../use-cases/analyse.js';
import { loadProjectConfig, type LoadedConfig } from '../use-cases/project-config.js';
import { loadFiles } from '../use-cases/load-files.js';
import { parseRequest, parseRequestFields } from '../use-cases/request.js';
import type { RecordingRequest } from '../use-cases/record.js';
import type { SshConnector } from '../use-cases/connect.js';
import { checkResultOf, formatCheck } from '../use-cases/report-text.js';
import { addSshOptions, flagsOf, requestFieldsOf, sshConnectorAsking, sshConnectorsAsking } from './record-command.js';
import { checkFleet } from './fleet-command.js';
import { addFleetOptions, budgetOf, isFleetRun, resolveFleet, type FleetOptions } from './fleet-options.js';

/** `check`'s flags as commander gives them. */
interface CheckFlags extends FleetOptions {
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
export function registerCheck(program: Command): void {
  addFleetOptions(addSshOptions(program
    .command('check')
    .description('record a service (or read dump files in time order), print the leak suspects; exit 1 when there is one')
    .argument('[inputs...]', 'a service URL (http://host:port), several URLs (a fleet), or dump files of any format in time order')
    .option('--duration <duration>', 'how long to record a URL', CHECK_DURATION)
    .option('--interval <duration>', `time between ticks when recording (default ${DEFAULT_INTERVAL_MS / 1000}s, at least 200ms); between files that carry no timestamp (default: none, growth as counts)`)
    .option('--fail-on <strength>', 'exit 1 for suspects at least this strong: weak, strong or proof', 'weak')
    .option('--db <file>', 'keep the recording in this history file (default: a throwaway database)')
    .option('--json', 'print {suspects: [...]} (documented in src/shared/report.ts, CheckResultSchema)')
    .option('--group-by-label <key>', 'split each suspect\'s count by the values of this pprof label')
    .option('--config <file>', 'ignore rules and settings (default: .goroscope.json in the working folder, if any)')))
    .action(async (inputs: string[], options: CheckFlags) => {
      const failOn = strengthOption(options.failOn);
      const config = loadProjectConfig(options.config);
      const isUrl = /^https?:\/\//i.test(inputs[0] ?? '');
      // Recording, check takes `recording.start`'s request (its own cadence of full dumps); with files, the
      // interval is the one `dump.import` takes. Either way the contract's schema checks it.
      const interval = options.interval ?? `${DEFAULT_INTERVAL_MS / 1000}s`;
      const flagged = { ...options, interval, fullEvery: CHECK_FULL_EVERY };
      const fields = requestFieldsOf(flagged);
      const flags = flagsOf(flagged);
      if (isFleetRun(isUrl ? inputs : [], options) || (isUrl && inputs.length > 1)) {
        const { intervalMs, durationMs, fullEvery } = parseRequestFields('recording.start', ['intervalMs', 'durationMs', 'fullEvery', 'ssh'], fields, flags);
        await checkFleetCommand(inputs, options, { intervalMs, durationMs, fullEvery }, config);
        return;
      }
      if (inputs.length === 0) throw new InvalidInputError('check needs a service URL, several URLs, --targets FILE, --prometheus URL --job NAME, or dump files');
      if (options.ssh !== undefined && !isUrl) throw new InvalidInputError(`--ssh applies to a service URL, not to dump files (${inputs[0]})`);
      const request = isUrl ? parseRequest('recording.start', { url: inputs[0]!, ...fields }, flags) : null;
      const fileIntervalMs = options.interval === undefined ? null : (parseRequestFields('dump.import', ['intervalMs'], { intervalMs: fields.intervalMs }, flags).intervalMs ?? null);
      const connector = await sshConnectorAsking(options, DEFAULT_REQUEST_TIMEOUT_MS);
      let loaded: LoadedSession;
      try {
        loaded = request !== null ? await recordUrl(request, options.db ?? null, connector) : await loadFiles(inputs, fileIntervalMs);
      } finally {
        connector?.dispose();
      }
      const report = buildSessionReport(loaded, config);
      if (isUrl) refuseUnmeasured(report, inputs[0]!);
      process.stdout.write(options.json ? `${JSON.stringify(checkResultOf(report), null, 2)}\n` : formatCheck(report, options.groupByLabel ?? null));
      if (isFailed(report, failOn)) process.exitCode = 1;
    });
}

/** `check URL URL …`, `--targets FILE`, `--prometheus URL --job NAME`: one fleet, each instance analysed on its own. */
async function checkFleetCommand(inputs: string[], options: CheckFlags, timing: Pick<RecordingRequest, 'intervalMs' | 'durationMs' | 'fullEvery'>, config: LoadedConfig): Promise<void> {
  const notUrl = inputs.find((i) => !/^https?:\/\//i.test(i));
  if (notUrl !== undefined) throw new InvalidInputError(`a fleet check takes service URLs, not files: ${notUrl}`);
  // Passphrases are asked once, before anything connects; each instance then gets its own tunnel.
  const connectorFor = await sshConnectorsAsking(options, DEFAULT_REQUEST_TIMEOUT_MS);
  const fleet = await resolveFleet(inputs, options);
  process.stderr.write(`checking ${fleet.targets.length} instances for ${(timing.durationMs ?? 0) / 1000}s, a tick every ${timing.intervalMs / 1000}s (Ctrl-C ends early)\n`);
  const report = await checkFleet(
    fleet,
    {
      name: `check ${fleet.origin.job !== null ? `job ${fleet.origin.job}` : `${fleet.targets.length} targets`}`,
      ...timing, rawRetention: 'none', maxConcurrent: options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
      fullDumpBudget: budgetOf(options),
      ...(connectorFor !== null ? { connectorFor } : {}),
    },
    options.db ?? null,
    config,
  );
  refuseUnmeasuredFleet(report);
  process.stdout.write(options.json ? `${JSON.stringify(checkResultOf(report), null, 2)}\n` : formatCheck(report));
  if (report.suspects.length > 0) process.exitCode = 1;
}

/** `--fail-on weak|strong|proof` → the weakest strength that fails the check. */
function strengthOption(text: string): Strength {
  if ((STRENGTHS as readonly string[]).includes(text)) return text as Strength;
  throw new InvalidInputError(`--fail-on: expected weak, strong or proof, got "${text}"`);
}

async function recordUrl(request: RecordingRequest, dbPath: string | null, connector: SshConnector | null): Promise<LoadedSession> {
  // Ctrl-C ends the recording early; what was recorded is still analysed.
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  process.stderr.write(`checking ${request.url}${connector ? ` via ${connector.via}` : ''} for ${(request.durationMs ?? 0) / 1000}s, a tick every ${request.intervalMs / 1000}s (Ctrl-C ends early)\n`);
  try {
    return await recordForCheck(request, {
      dbPath,
      signal: controller.signal,
      ...(connector ? { connector } : {}),
      onTick: (t) => process.stderr.write(`  #${t.tick} ${t.counted ? `${t.counted.total} goroutines` : `failed: ${t.errors[0]?.message ?? 'no profile'}`}\n`),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
  }
}
