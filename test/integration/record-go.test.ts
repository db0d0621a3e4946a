import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecording } from '../../src/main/use-cases/record.js';
import { buildFixture, goToolchains, type ToolchainName } from '../helpers/go-toolchains.js';
import { expectLeakAGrowing, fixture, recordTicks, tempStore } from './record-helpers.js';

// Real Go services over 127.0.0.1, built with Debian's Go 1.19 and Go 1.27. A missing toolchain fails.
const bins: Record<string, string> = {};
let outDir = '';

beforeAll(async () => {
  goToolchains();
  outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-fixtures-'));
  const builds: [string, ToolchainName][] = [['leaky', 'go1.19'], ['leaky', 'go1.27'], ['healthy', 'go1.19'], ['bursty', 'go1.27']];
  for (const [name, tc] of builds) bins[`${name}-${tc}`] = await buildFixture(name as 'leaky', tc, outDir);
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});


describe.each(['go1.19', 'go1.27'] as const)('recording the leaky service built with %s', (tc) => {
  it('records growing leak groups with IDs that persist, and on Go 1.27 the goroutineleak profile', { timeout: 30_000 }, async () => {
    const svc = await fixture(bins[`leaky-${tc}`]!, ['-rate', '20', '-kinds', 'ABCD']);
    const { store } = tempStore();
    // Ticks 0–4, then the stop's last full tick (5).
    const { recording, outcome } = await recordTicks(store, { url: `${svc.url}/debug/pprof/`, intervalMs: 200, fullEvery: 3, requestTimeoutMs: 5_000 }, 4);
    expect(recording.discovery).toEqual({ baseUrl: svc.url, goroutine: true, goroutineLeak: tc === 'go1.27', expvar: true, metrics: true });
    expect(outcome).toMatchObject({ ticks: 6, failedTicks: 0, endedBy: 'stop' });

    const series = store.sessionSeries(recording.sessionId);
    const fullTicks = series.ticks.filter((t) => t.fullSnapshotId !== null).map((t) => t.tick);
    expect(fullTicks).toEqual([0, 3, 5]);
    for (const t of series.ticks) {
      expect(t.compactTotal).toBeGreaterThan(0);
      expect(t.prometheus?.numGoroutine).toBeGreaterThan(0);
      expect(t.prometheus?.threads).toBeGreaterThan(0);
      expect(t.expvar?.heapAllocBytes).toBeGreaterThan(0);
    }
    const { a, counts } = expectLeakAGrowing(store, series);

    // The IDs of the second full dump (tick 3) are still there in the last one: the same goroutines, stuck.
    const dumps = store.fullDumpIds(recording.sessionId);
    expect(dumps.map((d) => d.tick)).toEqual([0, 3, 5]);
    const idsOf = (i: number) => dumps[i]!.groups.find((g) => g.stackId === a.stackId)?.ids ?? [];
    const last = new Set(idsOf(2));
    // One ID per goroutine of that dump's group. (Not the compact count of the tick: the profile was
    // taken milliseconds earlier, before goroutineleak's GC cycle on Go 1.27, and counts drift by design.)
    const fullCount = store.snapshot(series.ticks[3]!.fullSnapshotId!).groups.find((g) => g.key === a.key)!.count;
    expect(idsOf(1).length).toBe(fullCount);
    expect(Math.abs(fullCount - counts[3]!)).toBeLessThanOrEqual(20);
    expect(idsOf(1).every((id) => last.has(id))).toBe(true);

    if (tc === 'go1.27') {
      expect(fullTicks.map((t) => series.ticks[t]!.leakSnapshotId !== null)).toEqual([true, true, true]);
      // Tick 0 comes right after start, before the service's first leak.
      for (const t of fullTicks.slice(1)) {
        const tick = series.ticks[t]!;
        expect(tick.leakTotal).toBeGreaterThan(0);
        const leakedA = series.groups.find((g) => g.stackId === a.stackId)!.leaked.get(t)!;
        expect(leakedA).toBeGreaterThan(0);
        // The goroutineleak request ran just before the full dump: its goroutines carry `(leaked)`.
        const full = store.snapshot(tick.fullSnapshotId!);
        expect(full.groups.find((g) => g.key === a.key)!.leakedCount).toBeGreaterThanOrEqual(leakedA);
      }
    } else {
      expect(series.ticks.every((t) => t.leakSnapshotId === null)).toBe(true);
    }
  });
});

describe('recording services that do not leak', () => {
  it('a healthy service under load (Go 1.19) keeps a stable count', { timeout: 30_000 }, async () => {
    const svc = await fixture(bins['healthy-go1.19']!, ['-workers', '8', '-job-every', '2ms']);
    const { store } = tempStore();
    const { recording, outcome } = await recordTicks(store, { url: svc.url, intervalMs: 200, fullEvery: 10, requestTimeoutMs: 5_000 }, 3);
    expect(outcome).toMatchObject({ ticks: 5, failedTicks: 0, endedBy: 'stop' });
    const totals = store.sessionSeries(recording.sessionId).ticks.map((t) => t.compactTotal!);
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(4);
  });

  it('a bursty service (Go 1.27) spikes and drains, and its goroutineleak profile finds nothing', { timeout: 30_000 }, async () => {
    const svc = await fixture(bins['bursty-go1.27']!, ['-burst', '300', '-burst-every', '700ms']);
    const { store } = tempStore();
    const recording = await startRecording(store, { url: svc.url, intervalMs: 150, fullEvery: 4, durationMs: 2_100, requestTimeoutMs: 5_000 });
    expect(recording.discovery.goroutineLeak).toBe(true);
    const outcome = await recording.done;
    expect(outcome.failedTicks).toBe(0);
    const series = store.sessionSeries(recording.sessionId);
    const totals = series.ticks.map((t) => t.compactTotal!);
    expect(Math.max(...totals) - Math.min(...totals)).toBeGreaterThanOrEqual(200);
    const leakTotals = series.ticks.filter((t) => t.leakSnapshotId !== null).map((t) => t.leakTotal);
    expect(leakTotals.length).toBeGreaterThanOrEqual(3);
    expect(leakTotals.every((n) => n === 0)).toBe(true);
  });
});
