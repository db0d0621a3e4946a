import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetRecording, type FleetOutcome, type FleetRecording } from '../../src/main/use-cases/record-fleet.js';
import { storedSessionReport } from '../../src/main/use-cases/stored-report.js';
import { NO_PROJECT_CONFIG } from '../../src/main/use-cases/project-config.js';
import { buildFixture, goToolchains, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import { tempStore } from './record-helpers.js';

// Issue 15, "Gentle on production", against real Go 1.27 services (they serve goroutineleak): a fleet
// of 4 instances recorded in-process at 300 ms ticks with a full dump every tick, so goroutineleak and
// debug=2 requests of different instances fall due together. The gate must hold the bounds, and a
// full-dump budget every dump exceeds must space dumps out, saying so. Loopback only.

const services: RunningFixture[] = [];
let outDir = '';

beforeAll(async () => {
  goToolchains();
  outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-fleet-gentle-'));
  const bin = await buildFixture('fleet', 'go1.27', outDir);
  for (let i = 0; i < 4; i++) services.push(await startFixture(bin, i === 0 ? ['-leak-every', '100ms'] : []));
}, 120_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Records until every instance has taken `ticks` ticks, then stops the fleet (one last tick each). */
async function recordFleet(store: ReturnType<typeof tempStore>['store'], maxConcurrent: number, budgetBytes: number, ticks: number, notes: string[]): Promise<{ fleet: FleetRecording; outcome: FleetOutcome }> {
  const seen = new Map<string, number>();
  let fleet: FleetRecording | null = null;
  fleet = await startFleetRecording(store, {
    name: 'gentle',
    targets: services.map((s, i) => ({ name: `svc-${i}`, url: s.url })),
    origin: { source: 'targets', prometheusUrl: null, job: null, rankingQuery: null, skipped: [] },
    intervalMs: 300,
    durationMs: null,
    fullEvery: 1,
    maxConcurrent,
    fullDumpBudget: { maxDurationMs: 60_000, maxBytes: budgetBytes },
    rawRetention: 'none',
    onTick: (name, t) => {
      seen.set(name, t.tick);
      if ([...seen.values()].filter((n) => n >= ticks).length === services.length) fleet?.stop();
    },
    onCadence: (name, note) => notes.push(`${name}: ${note}`),
  });
  return { fleet, outcome: await fleet.done };
}

describe('a fleet is gentle on production', () => {
  it('keeps at most max-concurrent requests in flight and one goroutineleak request at a time', { timeout: 60_000 }, async () => {
    const { store } = tempStore();
    const { fleet, outcome } = await recordFleet(store, 2, 1 << 30, 6, []);
    expect(outcome.instances.map((i) => i.outcome.failedTicks)).toEqual([0, 0, 0, 0]);
    expect(fleet.gate.stats.peakInFlight).toBe(2);
    expect(fleet.gate.stats.peakLeakInFlight).toBe(1);
    // Each instance asked goroutineleak on every tick (full dump every tick): the rule was exercised.
    for (const i of fleet.instances) expect(store.sessionSnapshots(i.sessionId).filter((s) => s.kind === 'leak').length).toBeGreaterThanOrEqual(7);
  });

  it('takes full dumps less often when they exceed the budget, and says so in the session', { timeout: 60_000 }, async () => {
    const { store } = tempStore();
    const notes: string[] = [];
    // Every debug=2 dump of these services is larger than 100 bytes.
    const { fleet, outcome } = await recordFleet(store, 4, 100, 9, notes);
    expect(notes.filter((n) => n.startsWith('svc-1: ')).map((n) => n.replace(/took \d+ ms, /, 'took N ms, '))).toEqual([
      'svc-1: full dump took N ms, 0.0 MB (budget 60000 ms, 0.0 MB): one every 2 ticks instead of 1',
      'svc-1: full dump took N ms, 0.0 MB (budget 60000 ms, 0.0 MB): one every 4 ticks instead of 2',
      'svc-1: full dump took N ms, 0.0 MB (budget 60000 ms, 0.0 MB): one every 8 ticks instead of 4',
    ]);
    const stored = store.fleets.fleet(outcome.sessionId)!;
    for (const i of stored.instances) {
      expect(i.fullEvery, i.name).toBe(8);
      expect(i.cadenceNotes, i.name).toHaveLength(3);
      // Ticks 0, 2 and 6 as the cadence stretches (1 → 2 → 4 → 8), then only the last tick's: 4 of 10+.
      const fullTicks = store.sessionSnapshots(i.sessionId).filter((s) => s.kind === 'full').map((s) => s.tick);
      expect(fullTicks.slice(0, 3), i.name).toEqual([0, 2, 6]);
      expect(fullTicks, i.name).toHaveLength(4);
    }
    const report = storedSessionReport(store, fleet.sessionId, NO_PROJECT_CONFIG);
    const svc1 = report.fleet!.instances.find((i) => i.name === 'svc-1')!;
    expect(svc1.cost.cadenceNotes).toHaveLength(3);
    expect(svc1.cost.fullEvery).toBe(8);
    expect(svc1.cost.fullDumps).toBe(store.sessionSnapshots(stored.instances[1]!.sessionId).filter((s) => s.kind === 'full').length);
    expect(report.suspects.map((s) => s.growsOn)).toContain('grows on 1 of 4: svc-0; flat elsewhere');
  });
});
