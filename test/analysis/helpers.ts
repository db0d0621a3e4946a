// Builders for analysis tests: real corpus files read from ../shared/corpus (never copied), and small
// sessions filled through SessionBuilder the way the store fills them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../../src/shared/model.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { ticksFromFiles } from '../../src/main/analysis/file-ticks.js';
import { fromSnapshots } from '../../src/main/analysis/from-snapshots.js';
import type { AnalysisSession, LoadedSession } from '../../src/main/analysis/session.js';
import { SessionBuilder } from '../../src/main/analysis/session-builder.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GENERATED = path.join(REPO_ROOT, '..', 'shared', 'corpus', 'generated');

export function corpusPath(pattern: string, file: string): string {
  return path.join(GENERATED, pattern, file);
}

/** The corpus files of a pattern, in the order given, as the CLI would load them (2 s assumed apart). */
export function loadCorpus(pattern: string, files: readonly string[]): LoadedSession {
  const parsed = files.map((f) => ({ name: f, snapshots: parseSnapshots(readFileSync(corpusPath(pattern, f))) }));
  const ticks = ticksFromFiles(parsed, { intervalMs: 2000 });
  return {
    session: fromSnapshots(ticks.entries),
    source: { kind: 'files', files: [...files] },
    timesAssumed: ticks.timesAssumed,
    assumedIntervalMs: ticks.timesAssumed ? 2000 : null,
  };
}

export function frame(func: string, file = '/src/app/main.go', line = 10): Frame {
  return { func, file, line };
}

export interface FakeGroup {
  key: string;
  frames?: Frame[];
  createdBy?: Frame | null;
  /** One count per tick; null: the tick measured nothing (a failed tick). */
  counts: readonly (number | null)[];
  /** Full dumps by tick: ids, longest wait, states. */
  fullDumps?: Record<number, { ids: number[]; waitMinutes: number; states?: Record<string, number> }>;
  leaked?: Record<number, number>;
}

/**
 * A session of `ticks` ticks `intervalMs` apart; a tick where every group's count is null failed.
 * `gcCycles`: the GC count expvar reported at each tick (null: not measured).
 */
export function fakeSession(groups: readonly FakeGroup[], intervalMs = 2000, gcCycles?: readonly (number | null)[]): AnalysisSession {
  const b = new SessionBuilder();
  const n = groups[0]!.counts.length;
  for (const g of groups) {
    b.defineGroup({ key: g.key, frames: g.frames ?? [frame(`main.${g.key}`)], blockingSite: (g.frames ?? [frame(`main.${g.key}`)])[0]!, createdBy: g.createdBy ?? null });
  }
  for (let t = 0; t < n; t++) {
    const isFailed = groups.every((g) => g.counts[t] === null);
    const gc = gcCycles?.[t] ?? null;
    const metrics = gc === null ? null : { numGoroutine: null, threads: null, heapAllocBytes: null, heapInuseBytes: null, gcCycles: gc };
    const tick = b.addTick({ atMs: 1_000_000 + t * intervalMs, isFailed, error: isFailed ? 'GET /debug/pprof/goroutine?debug=1: timeout' : null, metrics });
    if (isFailed) continue;
    const total = groups.reduce((sum, g) => sum + (g.counts[t] ?? 0), 0);
    b.addProfile(tick, { format: 'debug1', profile: 'goroutine', total }, true);
    for (const g of groups) {
      if (g.counts[t] !== null) b.setCount(tick, g.key, g.counts[t]!);
      const dump = g.fullDumps?.[t];
      if (dump) b.setFullDumpGroup(tick, g.key, { ids: dump.ids, maxWaitMinutes: dump.waitMinutes, states: dump.states ?? { select: dump.ids.length } });
      const leaked = g.leaked?.[t];
      if (leaked !== undefined) b.setLeaked(tick, g.key, leaked);
    }
  }
  return b.build();
}

/** `[from, from+1, …]` of length n. */
export function range(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}
