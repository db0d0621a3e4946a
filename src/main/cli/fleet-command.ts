import type { Report } from '../../shared/report.js';
import { startFleetRecording, type FleetOutcome, type FleetRecording, type FleetRequest } from '../use-cases/record-fleet.js';
import { storedSessionReport } from '../use-cases/stored-report.js';
import type { LoadedConfig } from '../use-cases/project-config.js';
import type { HistoryStore } from '../use-cases/session-history.js';
import { withCheckHistory } from '../use-cases/check.js';
import type { ResolvedFleet } from './fleet-options.js';
import { GrowthTracker, tickLine } from './record-command.js';

export type FleetSettings = Omit<FleetRequest, 'targets' | 'origin' | 'onTick' | 'onCadence' | 'signal'>;

/** Prefixes each line of a one-target tick line with the instance's name. */
function instanceLines(name: string, text: string): string {
  return text
    .split('\n')
    .map((l) => `[${name}] ${l}`)
    .join('\n');
}

/**
 * Records a fleet into `store`, writing live lines through `write` (one per instance tick, each
 * prefixed with the instance), cadence changes as they happen, and ends on `signal` (gracefully, one
 * last full tick per instance) or at once on `cancel`. Resolves with the outcome once every instance has ended.
 */
export async function runFleet(
  store: HistoryStore,
  fleet: ResolvedFleet,
  settings: FleetSettings,
  write: (text: string) => void,
  signal: AbortSignal,
  cancel?: AbortSignal,
): Promise<{ recording: FleetRecording; outcome: FleetOutcome }> {
  for (const line of fleet.preamble) write(`${line}\n`);
  const trackers = new Map<string, GrowthTracker>();
  const recording = await startFleetRecording(store, {
    ...settings,
    targets: fleet.targets,
    origin: fleet.origin,
    onTick: (name, t) => {
      let g = trackers.get(name);
      if (!g) trackers.set(name, (g = new GrowthTracker()));
      write(`${instanceLines(name, tickLine(t, g))}\n`);
    },
    onCadence: (name, note) => write(`[${name}] taking full dumps less often: ${note}\n`),
  });
  for (const s of recording.skipped.slice(fleet.origin.skipped.length)) write(`[${s.name}] skipped: ${s.why}\n`);
  const stop = (): void => recording.stop();
  const dispose = (): void => recording.dispose();
  signal.addEventListener('abort', stop, { once: true });
  cancel?.addEventListener('abort', dispose, { once: true });
  if (signal.aborted) stop();
  try {
    const outcome = await recording.done;
    return { recording, outcome };
  } finally {
    signal.removeEventListener('abort', stop);
    cancel?.removeEventListener('abort', dispose);
    recording.dispose();
  }
}

/**
 * `check` over a fleet: records it into `dbPath` (else a throwaway history) for the duration, and
 * returns the fleet report. Ctrl-C ends early; what was recorded is analysed.
 */
export async function checkFleet(fleet: ResolvedFleet, settings: FleetSettings, dbPath: string | null, config: LoadedConfig): Promise<Report> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    return await withCheckHistory(dbPath, async (store) => {
      const { outcome } = await runFleet(store, fleet, settings, (t) => process.stderr.write(t), controller.signal);
      return storedSessionReport(store, outcome.sessionId, config);
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
  }
}
