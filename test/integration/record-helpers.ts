import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, onTestFinished } from 'vitest';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildFixture, goToolchains, leakMarkers, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import type { SessionSeries, StackInfo } from '../../src/main/store/types.js';
import { startRecording, type Recording, type RecordingOutcome, type RecordRequest } from '../../src/main/use-cases/record.js';
import { tempDir } from '../store/temp-db.js';

import { CLI_BIN } from '../helpers/cli-build.js';

export const CLI = CLI_BIN;

/**
 * Records until tick `lastTick` is taken, then stops (the stop adds one last tick with a full dump):
 * a tick count that machine load cannot change, unlike a duration.
 */
export async function recordTicks(store: HistoryStore, request: Omit<RecordRequest, 'durationMs' | 'onTick'>, lastTick: number): Promise<{ recording: Recording; outcome: RecordingOutcome }> {
  let stop = (): void => undefined;
  const recording = await startRecording(store, {
    ...request,
    durationMs: null,
    onTick: (t) => {
      if (t.tick === lastTick) stop();
    },
  });
  stop = () => recording.stop();
  onTestFinished(() => recording.dispose());
  return { recording, outcome: await recording.done };
}

/** A history in a fresh temp folder, disposed and deleted when the test ends. */
export function tempStore(): { store: HistoryStore; file: string; dir: string } {
  const t = tempDir('goroscope-rec-');
  const file = t.file('h.db');
  const store = HistoryStore.open(file);
  onTestFinished(() => {
    store.dispose();
    t.remove();
  });
  return { store, file, dir: t.dir };
}

/** Starts a fixture and stops it when the test ends. */
export async function fixture(binary: string, args: string[]): Promise<RunningFixture> {
  const f = await startFixture(binary, args);
  onTestFinished(() => f.stop());
  return f;
}

export interface CliRun {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Exit code, or the signal name when killed. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs `node bin/goroscope.js …` (plain Node, no Electron); killed with SIGKILL at test end if still running. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { pid: child.pid!, stdout: () => out, stderr: () => err, exited, kill: (s) => child.kill(s) };
}

/** Polls `predicate` every 20 ms until true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Builds the leaky fixture with Go 1.19 once for the file (after checking the CLI bundle is current)
 * and removes it afterwards. Returns a getter: the path exists only once beforeAll ran.
 */
export function buildLeakyForFile(): () => string {
  let leaky = '';
  let outDir = '';
  beforeAll(async () => {
    goToolchains();
    await ensureCliBuilt();
    outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-fixtures-'));
    leaky = await buildFixture('leaky', 'go1.19', outDir);
  }, 120_000);
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });
  return () => leaky;
}

/**
 * The leaky service's leak A as six recorded ticks show it: its stack at the LEAK-A line with its
 * creation site and state, and a count that only grows (by 10 or more). Returns the stack and counts.
 */
export function expectLeakAGrowing(store: HistoryStore, series: SessionSeries): { a: StackInfo; counts: number[] } {
  // A sender caught on its way (still at `<-slowWork`, one line up) is a stack of its own under load:
  // leak A is the stack blocked at the LEAK-A line.
  const senders = store.sessionStacks(series.sessionId).filter((s) => s.blockingSite?.func === 'main.leakASender');
  const a = senders.find((s) => s.blockingSite!.line === leakMarkers('leaky')['LEAK-A']);
  expect(a, `leakASender stacks at lines ${senders.map((s) => s.blockingSite!.line).join(', ')}`).toBeDefined();
  if (!a) throw new Error('unreachable');
  expect(a.createdBy?.func).toBe('main.leakA');
  expect(Object.keys(a.states)).toEqual(['chan send']);
  const counts = series.groups.find((g) => g.stackId === a.stackId)!.counts as number[];
  for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
  expect(counts[5]! - counts[0]!).toBeGreaterThanOrEqual(10);
  return { a, counts };
}
