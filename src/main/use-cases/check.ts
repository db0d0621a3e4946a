import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetUnreachableError } from '../../shared/errors.js';
import { STRENGTHS, type Report, type Strength } from '../../shared/report.js';
import type { LoadedSession } from '../analysis/session.js';
import type { Connector } from '../collect/connector.js';
import { HistoryStore } from '../store/history-store.js';
import { openHistory } from './session-history.js';
import { startRecording, type RecordingRequest, type TickSummary } from './record.js';
import { loadStoredSession } from './stored-session.js';

/**
 * The check use case (`goroscope check`, for CI): record a service for a while (or read dump files,
 * `load-files.ts`), analyse it (`analyse.ts`), and give a verdict: does a suspect at least as strong as
 * asked exist, and was enough measured for "none" to mean anything.
 */

/** How `check URL` records, beyond its request: where to, and what to tell the caller. */
export interface CheckRecording {
  /** The history file to record into; null: a throwaway database removed afterwards. */
  dbPath: string | null;
  /** Ends the recording early (Ctrl-C): what was recorded is analysed. */
  signal?: AbortSignal;
  onTick?: (summary: TickSummary) => void;
  /** How to reach the service (default: direct TCP; an SshConnector for `--ssh`). The recording disposes it. */
  connector?: Connector;
}

/**
 * Runs `use` over the history at `dbPath`, else over a throwaway one removed afterwards: where `check`
 * records (one service or a fleet). The history is closed when `use` settles.
 */
export async function withCheckHistory<T>(dbPath: string | null, use: (store: HistoryStore) => Promise<T>): Promise<T> {
  const tempDir = dbPath === null ? mkdtempSync(join(tmpdir(), 'goroscope-check-')) : null;
  try {
    const store = tempDir ? HistoryStore.open(join(tempDir, 'check.db')) : openHistory(dbPath!);
    try {
      return await use(store);
    } finally {
      store.dispose();
    }
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

/**
 * Records `request.url` for `request.durationMs` every `request.intervalMs` (compact profile each tick,
 * a full dump every CHECK_FULL_EVERY ticks, the goroutineleak profile where served; no raw dumps kept)
 * and loads the session for analysis. Throws a GoroscopeError naming the target and endpoint when it
 * cannot record.
 */
export async function recordForCheck(request: RecordingRequest, options: CheckRecording): Promise<LoadedSession> {
  return await withCheckHistory(options.dbPath, async (store) => {
    const recording = await startRecording(store, {
      url: request.url,
      name: request.name ?? `check ${request.url}`,
      intervalMs: request.intervalMs,
      durationMs: request.durationMs,
      fullEvery: request.fullEvery,
      rawRetention: 'none',
      ...(options.onTick ? { onTick: options.onTick } : {}),
      ...(options.connector ? { connector: options.connector } : {}),
    });
    const stop = (): void => recording.stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      await recording.done;
    } finally {
      options.signal?.removeEventListener('abort', stop);
      recording.dispose();
    }
    return loadStoredSession(store, recording.sessionId);
  });
}


/** True when the report has a suspect at least as strong as `failOn`: `check` then exits 1. */
export function isFailed(report: Report, failOn: Strength): boolean {
  return report.suspects.some((s) => STRENGTHS.indexOf(s.strength) <= STRENGTHS.indexOf(failOn));
}

/**
 * A recording that measured goroutines at fewer than two ticks cannot show growth: with no suspect
 * from that one snapshot (the runtime's proof or the single-snapshot verdicts), "no suspects" would pass a CI check that measured nothing (the service went down
 * after the first tick, every request timed out). Throws TargetUnreachableError naming the last failure.
 */
export function refuseUnmeasured(r: Report, url: string): void {
  const measured = r.window.ticks - r.window.failedTicks;
  if (measured >= 2 || r.suspects.length > 0) return;
  const lastError = [...r.ticks].reverse().find((t) => t.isFailed)?.error ?? null;
  throw new TargetUnreachableError(
    'network',
    `check ${url}: goroutines were measured at ${measured} of ${r.window.ticks} tick${r.window.ticks === 1 ? '' : 's'}; growth needs at least two` +
      `${lastError ? ` (last failure: ${lastError})` : ''}. Is the service still up? A longer --duration or --timeout may help`,
  );
}

/** A fleet where no instance was measured at two ticks cannot show growth (see refuseUnmeasured). */
export function refuseUnmeasuredFleet(r: Report): void {
  const instances = r.fleet?.instances ?? [];
  if (r.suspects.length > 0 || instances.some((i) => i.ticks - i.failedTicks >= 2)) return;
  throw new TargetUnreachableError(
    'network',
    `check: no instance of the fleet was measured at two ticks or more (${instances.map((i) => `${i.name}: ${i.ticks - i.failedTicks} of ${i.ticks}`).join(', ')}); growth needs at least two. Are the services up?`,
  );
}
