import type { DumpFormat, RuntimeMetrics, Snapshot } from '../../shared/model.js';
import type { AnalysisSession } from './session.js';
import { SessionBuilder } from './session-builder.js';

/** One snapshot at the time it was taken, or a tick that failed. Equal `atMs` means the same tick. */
export type TimedSnapshot = { atMs: number; snapshot: Snapshot } | { atMs: number; error: string };

// The compact profiles are what the recorder takes every tick; debug=2 counts only where they are missing.
const COUNT_PREFERENCE: readonly DumpFormat[] = ['pprof-proto', 'debug1', 'traceback'];

/**
 * Builds the analysis session from timed snapshots (any order: sorted stably by time). Entries with
 * the same `atMs` form one tick: its group counts come from one goroutine profile (protobuf, else
 * debug=1, else debug=2), a debug=2 dump adds states, ids and wait minutes, a goroutineleak profile
 * is leak evidence for the tick, expvar/Prometheus add runtime figures. Never throws for data.
 */
export function fromSnapshots(entries: readonly TimedSnapshot[]): AnalysisSession {
  const sorted = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i);
  const builder = new SessionBuilder();
  let start = 0;
  while (start < sorted.length) {
    let end = start + 1;
    while (end < sorted.length && sorted[end]!.e.atMs === sorted[start]!.e.atMs) end++;
    addTick(builder, sorted.slice(start, end).map((x) => x.e));
    start = end;
  }
  return builder.build();
}

function addTick(builder: SessionBuilder, entries: TimedSnapshot[]): void {
  const snapshots = entries.flatMap((e) => ('snapshot' in e ? [e.snapshot] : []));
  const errors = entries.flatMap((e) => ('error' in e ? [e.error] : []));
  const tick = builder.addTick({
    atMs: entries[0]!.atMs,
    isFailed: snapshots.length === 0,
    error: errors.length > 0 ? errors.join('; ') : null,
    metrics: mergeMetrics(snapshots.map((s) => s.metrics)),
  });
  const countSource = pickCountSource(snapshots);
  for (const s of snapshots) {
    if (s.format === 'expvar' || s.format === 'prometheus') continue;
    builder.addProfile(tick, { format: s.format, profile: s.profile, total: s.total }, s === countSource);
    for (const g of s.groups) {
      builder.defineGroup({
        key: g.key,
        frames: g.frames,
        blockingSite: g.blockingSite,
        createdBy: g.createdBy,
        labels: g.labels,
        isLocked: g.isLocked,
      });
      if (s === countSource) builder.setCount(tick, g.key, g.count);
      if (s.profile === 'goroutineleak') builder.setLeaked(tick, g.key, g.count);
      if (s.format === 'traceback') {
        builder.setFullDumpGroup(tick, g.key, { states: g.states, ids: g.ids, maxWaitMinutes: g.maxWaitMinutes });
        if (g.leakedCount > 0) builder.setLeaked(tick, g.key, g.leakedCount);
      }
    }
  }
}

function pickCountSource(snapshots: Snapshot[]): Snapshot | null {
  for (const format of COUNT_PREFERENCE) {
    const s = snapshots.find((x) => x.format === format && x.profile !== 'goroutineleak');
    if (s) return s;
  }
  return null;
}

/**
 * A tick's runtime metrics from its expvar/Prometheus snapshots: the first measured value of each field,
 * in the order given (expvar before Prometheus for a stored session). Null when none has metrics.
 */
export function mergeMetrics(all: readonly (RuntimeMetrics | null | undefined)[]): RuntimeMetrics | null {
  let merged: RuntimeMetrics | null = null;
  for (const m of all) {
    if (!m) continue;
    if (!merged) {
      merged = { ...m };
      continue;
    }
    for (const k of Object.keys(merged) as (keyof RuntimeMetrics)[]) merged[k] ??= m[k];
  }
  return merged;
}
