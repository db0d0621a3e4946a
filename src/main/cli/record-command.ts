import { InvalidArgumentError, Option, type Command } from 'commander';
import { InvalidInputError } from '../../shared/errors.js';
import type { Group } from '../../shared/model.js';
import type { SshHop } from '../../shared/contract.js';
import { DEFAULT_FULL_EVERY, DEFAULT_INTERVAL_MS, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_INPUT_BYTES, DEFAULT_RAW_RETENTION, DEFAULT_REQUEST_TIMEOUT_MS, RAW_RETENTIONS } from '../../shared/defaults.js';
import { parseDuration } from '../../shared/duration.js';
import { openHistory } from '../use-cases/session-history.js';
import { startRecording, type RecordingRequest, type TickSummary } from '../use-cases/record.js';
import { tunnelFor, type SshConnector } from '../use-cases/connect.js';
import { parseRequest, parseRequestFields } from '../use-cases/request.js';
import { storedSessionReport } from '../use-cases/stored-report.js';
import { NO_PROJECT_CONFIG } from '../use-cases/project-config.js';
import { fleetSummary } from '../use-cases/report-text.js';
import { askSshPassphrases } from './ssh-passphrase-prompt.js';
import { parseBytes } from './max-bytes-option.js';
import { shortFrame } from './format-snapshot.js';
import { LiveOutput } from './live-output.js';
import { runFleet } from './fleet-command.js';
import { addFleetOptions, budgetOf, isFleetRun, resolveFleet, type FleetOptions } from './fleet-options.js';

function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${text}" is not a positive whole number`);
  return n;
}

/** Sizes as `--max-bytes` reads them (one parser, in max-bytes-option.ts), for `check` too. */
export { parseBytes };

/**
 * Growth of each group above the lowest count it had in the session; a group missing from a counted
 * tick (or first seen later) had 0. The low point, not the first tick, is the baseline: after the
 * target restarts mid-session every group starts again near 0, and growth from the first tick would
 * show its leaks as shrinking (and some idle group as "fastest") for the rest of the session.
 */
export class GrowthTracker {
  private readonly low = new Map<string, number>();
  private hasBaseline = false;

  /** The group that grew most above its low point, with its growth; null if none grew. */
  fastest(groups: readonly Group[]): { group: Group; growth: number } | null {
    const seen = new Set<string>();
    let best: { group: Group; growth: number } | null = null;
    for (const g of groups) {
      seen.add(g.key);
      const low = this.hasBaseline ? Math.min(this.low.get(g.key) ?? 0, g.count) : g.count;
      this.low.set(g.key, low);
      const growth = g.count - low;
      if (growth > 0 && (!best || growth > best.growth)) best = { group: g, growth };
    }
    for (const key of this.low.keys()) if (!seen.has(key)) this.low.set(key, 0);
    this.hasBaseline = true;
    return best;
  }
}

function via(how: string): string {
  return how === 'direct' ? '' : ` via ${how}`;
}

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/**
 * One live line: time, tick, total, the fastest-growing group, errors. The runtime's own count, when it
 * differs, goes last so that the columns before it stay aligned from line to line.
 */
export function tickLine(t: TickSummary, growth: GrowthTracker): string {
  const parts = [clock(t.atMs), `#${String(t.tick + 1).padEnd(4)}`];
  if (t.counted) {
    parts.push(`${String(t.counted.total).padStart(7)} goroutines`);
    parts.push(t.isFull ? 'full' : '    ');
    const fastest = growth.fastest(t.counted.groups);
    parts.push(fastest ? `fastest +${fastest.growth} ${shortFrame(fastest.group.blockingSite)}` : 'no growth');
    if (t.numGoroutine !== null && t.numGoroutine !== t.counted.total) parts.push(`(runtime says ${t.numGoroutine})`);
  } else {
    parts.push('FAILED');
  }
  const lines = [parts.join('  ')];
  for (const e of t.errors) lines.push(`    ${e.kind} failed (${e.code}): ${e.message}`);
  if (t.errors.length > 0 && t.nextTickInMs !== null) lines.push(`    next try in ${(t.nextTickInMs / 1000).toFixed(1)}s`);
  return lines.join('\n');
}

/** `record`'s flags as commander gives them: durations as typed, read by `requestFieldsOf`. */
interface RecordFlags extends FleetOptions {
  interval: string;
  duration?: string;
  fullEvery: number;
  name?: string;
  db?: string;
  timeout: string;
  maxBytes: number;
  keepRaw: (typeof RAW_RETENTIONS)[number];
  ssh?: string;
  sshKey?: string;
  knownHosts?: string;
  sshConfig?: string;
}

/** What the SSH options of `record` and `check` say. */
export interface SshCliOptions {
  ssh?: string;
  sshKey?: string;
  knownHosts?: string;
  sshConfig?: string;
}

/** The contract's hop for `--ssh` and its companions (null without `--ssh`). */
export function sshHopOf(o: SshCliOptions): SshHop | null {
  if (o.ssh === undefined) return null;
  return {
    destination: o.ssh,
    ...(o.sshKey !== undefined ? { keyFile: o.sshKey } : {}),
    ...(o.knownHosts !== undefined ? { knownHostsFile: o.knownHosts } : {}),
    ...(o.sshConfig !== undefined ? { configFile: o.sshConfig } : {}),
  };
}

/**
 * The tunnel `--ssh` asks for, after asking on the terminal for the passphrases of encrypted keys it
 * needs (`askSshPassphrases`); null for a direct connection.
 */
export async function sshConnectorAsking(o: SshCliOptions, requestTimeoutMs: number): Promise<SshConnector | null> {
  const hop = sshHopOf(o);
  const passphrases = hop !== null ? await askSshPassphrases(hop) : new Map<string, string>();
  return sshConnectorOf(o, requestTimeoutMs, passphrases);
}

/**
 * For a fleet: asks the passphrases `--ssh` needs once, and returns a maker of one tunnel per instance
 * (null without `--ssh`). Throws as sshConnectorOf does, before anything connects.
 */
export async function sshConnectorsAsking(o: SshCliOptions, requestTimeoutMs: number): Promise<(() => SshConnector) | null> {
  const hop = sshHopOf(o);
  const passphrases = hop !== null ? await askSshPassphrases(hop) : new Map<string, string>();
  sshConnectorOf(o, requestTimeoutMs, passphrases)?.dispose();
  return hop === null ? null : () => sshConnectorOf(o, requestTimeoutMs, passphrases)!;
}

/**
 * The tunnel `--ssh` asks for (built as the api builds one, `sshConnectorFor`), or null for a direct
 * connection. Throws InvalidInputError for a bad destination, an unusable key, or `--ssh-key` /
 * `--known-hosts` without `--ssh`.
 */
export function sshConnectorOf(o: SshCliOptions, requestTimeoutMs: number, passphrases?: ReadonlyMap<string, string>): SshConnector | null {
  const hop = sshHopOf(o);
  if (hop === null) {
    const stray = o.sshKey !== undefined ? '--ssh-key' : o.knownHosts !== undefined ? '--known-hosts' : o.sshConfig !== undefined ? '--ssh-config' : null;
    if (stray !== null) throw new InvalidInputError(`${stray} needs --ssh user@host: it only applies to a tunnel`);
    return null;
  }
  return tunnelFor(hop, requestTimeoutMs, '--ssh', passphrases);
}

/** The three options `record` (and a recording `check`) take for a tunnel. */
export function addSshOptions(command: Command): Command {
  return command
    .option('--ssh <destination>', 'reach the service through an SSH tunnel: user@host[:port] or a Host alias of the ssh config (with its ProxyJump); the URL is then its address as seen from that host, e.g. http://127.0.0.1:6060')
    .option('--ssh-config <file>', 'ssh config file to read instead of ~/.ssh/config and /etc/ssh/ssh_config (as ssh -F)')
    .option('--ssh-key <file>', 'private key to log in with (an encrypted one: asked for on the terminal, or $GOROSCOPE_SSH_PASSPHRASE); default: the ssh-agent and the IdentityFiles of the ssh config')
    .option('--known-hosts <file>', 'known_hosts file every SSH host key is checked against (default: UserKnownHostsFile of the ssh config, ~/.ssh/known_hosts)');
}

export function registerRecord(program: Command): void {
  const command = program
    .command('record')
    .description('record a session from a running Go service (net/http/pprof) into the history')
    .argument('[urls...]', 'the service base URL, e.g. http://127.0.0.1:6060 (a pasted .../debug/pprof/... URL works too); several URLs record a fleet')
    .option('--interval <duration>', 'time between ticks, at least 200ms', `${DEFAULT_INTERVAL_MS / 1000}s`)
    .option('--duration <duration>', 'end the session after this long (default: until Ctrl-C)')
    .option('--full-every <n>', 'take a full debug=2 dump every n ticks (and on the first and last)', parsePositiveInt, DEFAULT_FULL_EVERY)
    .option('--name <name>', 'session name')
    .option('--db <file>', 'history database (default: $GOROSCOPE_DB, else goroscope.db in the app-data folder)')
    .option('--timeout <duration>', 'time limit of each request', `${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s`)
    .addOption(new Option('--max-bytes <size>', 'largest response accepted').argParser(parseBytes).default(DEFAULT_MAX_INPUT_BYTES, `${DEFAULT_MAX_INPUT_BYTES >> 20}MB`))
    .addOption(new Option('--keep-raw <which>', 'raw dumps to keep: full dumps only, all, or none').choices(RAW_RETENTIONS).default(DEFAULT_RAW_RETENTION));
  addFleetOptions(addSshOptions(command)).action(async (urls: string[], o: RecordFlags) => {
    if (isFleetRun(urls, o)) {
      await recordFleet(urls, o);
      return;
    }
    if (urls.length === 0) throw new InvalidInputError('record needs a service URL, several URLs, --targets FILE or --prometheus URL --job NAME');
    const request = parseRequest('recording.start', { url: urls[0]!, ...requestFieldsOf(o) }, flagsOf(o));
    const timeoutMs = parseDuration(o.timeout, '--timeout');
    const connector = await sshConnectorAsking(o, timeoutMs);
    try {
      await record(request, o, timeoutMs, connector);
    } finally {
      connector?.dispose();
    }
  });
}

/** What `record` and a recording `check` read from their flags into `recording.start`'s request. */
export interface RequestFlags extends SshCliOptions {
  interval: string;
  duration?: string | undefined;
  fullEvery?: number;
  name?: string | undefined;
}

/**
 * `recording.start`'s request, but its URL, from the flags: durations in the one syntax
 * (`parseDuration`), the SSH hop as `--ssh` and its companions say. The caller parses it with the
 * contract's schema (`parseRequest`), as the transports do a client's.
 */
export function requestFieldsOf(o: RequestFlags): Omit<RecordingRequest, 'url'> {
  const hop = sshHopOf(o);
  return {
    intervalMs: parseDuration(o.interval, '--interval'),
    durationMs: o.duration !== undefined ? parseDuration(o.duration, '--duration') : null,
    fullEvery: o.fullEvery ?? DEFAULT_FULL_EVERY,
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(hop !== null ? { ssh: hop } : {}),
  };
}

/** Which flag each field of `recording.start` comes from, for the contract's messages. */
export function flagsOf(o: RequestFlags): Record<string, string> {
  return {
    url: 'URL',
    name: '--name',
    intervalMs: `--interval ${o.interval}`,
    durationMs: `--duration ${o.duration ?? ''}`.trimEnd(),
    fullEvery: '--full-every',
    'ssh.destination': `--ssh ${o.ssh ?? ''}`.trimEnd(),
    'ssh.keyFile': '--ssh-key',
    'ssh.knownHostsFile': '--known-hosts',
    'ssh.configFile': '--ssh-config',
  };
}

/** `record URL URL …`, `--targets FILE` or `--prometheus URL --job NAME`: one fleet session. */
async function recordFleet(urls: string[], o: RecordFlags): Promise<void> {
  // The fleet's timing is the contract's, checked before anything is looked up or connects.
  const { intervalMs, durationMs, fullEvery } = parseRequestFields('recording.start', ['intervalMs', 'durationMs', 'fullEvery', 'ssh'], requestFieldsOf(o), flagsOf(o));
  const timeoutMs = parseDuration(o.timeout, '--timeout');
  // Checked (and passphrases asked) before anything connects: once, not once per instance.
  const connectorFor = await sshConnectorsAsking(o, timeoutMs);
  const fleet = await resolveFleet(urls, o);
  const store = openHistory(o.db);
  const out = new LiveOutput();
  const controller = new AbortController();
  const cancel = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) {
      process.stderr.write('\nstopping: taking a last full dump of each instance (Ctrl-C again to quit at once)\n');
      controller.abort();
    } else {
      cancel.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  out.onGone(() => controller.abort());
  try {
    const { outcome } = await runFleet(
      store,
      fleet,
      {
        name: o.name ?? `fleet ${fleet.origin.job ?? `${fleet.targets.length} targets`} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
        intervalMs, durationMs, fullEvery, maxConcurrent: o.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
        fullDumpBudget: budgetOf(o), requestTimeoutMs: timeoutMs, maxBytes: o.maxBytes, rawRetention: o.keepRaw,
        ...(connectorFor !== null ? { connectorFor } : {}),
      },
      (t) => out.write(t),
      controller.signal,
      cancel.signal,
    );
    const report = storedSessionReport(store, outcome.sessionId, NO_PROJECT_CONFIG);
    out.write(`fleet session ${outcome.sessionId} (${store.path}), peak ${outcome.gate.peakInFlight} requests in flight\n${fleetSummary(report)}${outcome.sessionId}\n`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    out.dispose();
    store.dispose();
  }
}

async function record(request: RecordingRequest, o: RecordFlags, timeoutMs: number, connector: SshConnector | null): Promise<void> {
  const store = openHistory(o.db);
  const out = new LiveOutput();
  try {
    const growth = new GrowthTracker();
    const recording = await startRecording(store, {
      url: request.url,
      ...(connector !== null ? { connector } : {}),
      intervalMs: request.intervalMs,
      durationMs: request.durationMs,
      fullEvery: request.fullEvery,
      requestTimeoutMs: timeoutMs,
      maxBytes: o.maxBytes,
      rawRetention: o.keepRaw,
      ...(request.name !== undefined ? { name: request.name } : {}),
      onTick: (t) => out.write(`${tickLine(t, growth)}\n`),
    });
    // The reader of a pipe went away (`| head`): end as Ctrl-C would, with a last full dump.
    out.onGone(() => recording.stop());
    out.write(
      `recording ${recording.target.baseUrl}${via(recording.via)} into session ${recording.sessionId} (${store.path})\n` +
        `  serves: ${recording.endpoints.join(', ')}\n` +
        `  every ${request.intervalMs / 1000}s, full dump every ${request.fullEvery} ticks, ${request.durationMs !== null ? `for ${request.durationMs / 1000}s` : 'until Ctrl-C'}\n`,
    );
    let signals = 0;
    const onSignal = (): void => {
      signals++;
      if (signals === 1) {
        process.stderr.write('\nstopping: taking a last full dump (Ctrl-C again to quit at once)\n');
        recording.stop();
      } else {
        recording.dispose();
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const outcome = await recording.done;
      const s = store.session(outcome.sessionId);
      out.write(
        `session ${s.id} "${s.name}"${via(recording.via)}: ${outcome.ticks} ticks, ${s.snapshots} snapshots, ${outcome.failedTicks} failed ticks` +
          ` (${outcome.endedBy === 'duration' ? 'ran its course' : outcome.endedBy === 'stop' ? 'stopped' : 'cancelled'})\n${s.id}\n`,
      );
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      recording.dispose();
    }
  } finally {
    out.dispose();
    store.dispose();
  }
}
