import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFleetRecording } from '../use-cases/record-fleet.js';
import { HistoryStore } from '../store/history-store.js';
import { benchGoBuild, findRepoRoot, startGoService } from './go-fixture.js';

// Issue 15's "Must show": what a fleet costs the machine Goroscope runs on. 8 real Go services
// (test/fixtures/go/fleet, 10,000 goroutines each) recorded as one fleet at 1 s ticks with a full
// dump every 10 ticks: recorder CPU per instance-tick and the recorder's memory.

const INSTANCES = 8;
const GOROUTINES = 10_000;
const TICKS = 20;

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** Records 8 × 10k goroutines at 1 s ticks for 20 ticks; keys are labels with their unit. */
export async function runFleetBench(): Promise<Record<string, number>> {
  const root = findRepoRoot();
  const work = mkdtempSync(path.join(tmpdir(), 'goroscope-fleet-bench-'));
  const services: ChildProcess[] = [];
  try {
    const binary = path.join(work, 'fleet');
    await benchGoBuild(root, binary, { fixture: 'fleet' });
    const urls: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const svc = await startGoService(binary, ['-workers', String(GOROUTINES), '-addr', '127.0.0.1:0']);
      services.push(svc.child);
      urls.push(svc.url);
    }
    const store = HistoryStore.open(path.join(work, 'fleet.db'));
    try {
      global.gc?.();
      const baseline = process.memoryUsage();
      let peakRss = baseline.rss;
      let peakHeap = baseline.heapUsed;
      let instanceTicks = 0;
      let fullTicks = 0;
      let goroutines = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const fleet = await startFleetRecording(store, {
        name: 'bench fleet',
        targets: urls.map((url, i) => ({ name: `bench-${i}`, url })),
        origin: { source: 'targets', prometheusUrl: null, job: null, rankingQuery: null, skipped: [] },
        intervalMs: 1_000,
        durationMs: TICKS * 1_000 - 500,
        fullEvery: 10,
        rawRetention: 'full',
        onTick: (_name, t) => {
          instanceTicks++;
          if (t.isFull) fullTicks++;
          goroutines = Math.max(goroutines, t.counted?.total ?? 0);
          const m = process.memoryUsage();
          peakRss = Math.max(peakRss, m.rss);
          peakHeap = Math.max(peakHeap, m.heapUsed);
        },
      });
      const outcome = await fleet.done;
      const cpu = process.cpuUsage(cpu0);
      const wallS = (performance.now() - t0) / 1000;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const failed = outcome.instances.reduce((n, i) => n + i.outcome.failedTicks, 0);
      return {
        'fleet 8 × 10k goroutines: instances': INSTANCES,
        'fleet 8 × 10k goroutines: goroutines per instance': goroutines,
        'fleet 8 × 10k goroutines: instance-ticks': instanceTicks,
        'fleet 8 × 10k goroutines: of which with a full dump': fullTicks,
        'fleet 8 × 10k goroutines: failed ticks': failed,
        'fleet 8 × 10k goroutines: recorder CPU ms per instance-tick (mean, full dump every 10)': round(cpuMs / instanceTicks),
        'fleet 8 × 10k goroutines: recorder CPU share of one core (%)': round((cpuMs / 1000 / wallS) * 100),
        'fleet 8 × 10k goroutines: peak RSS MB': round(peakRss / 1e6),
        'fleet 8 × 10k goroutines: RSS growth over the recording MB': round((peakRss - baseline.rss) / 1e6),
        'fleet 8 × 10k goroutines: peak JS heap MB': round(peakHeap / 1e6),
        'fleet 8 × 10k goroutines: peak requests in flight (max-concurrent 4)': fleet.gate.stats.peakInFlight,
        // Full dumps slower than the budget (250 ms) on a loaded machine are spaced out: say how often.
        'fleet 8 × 10k goroutines: full-dump cadence changes': store.fleets.fleet(outcome.sessionId)!.instances.reduce((n, i) => n + i.cadenceNotes.length, 0),
      };
    } finally {
      store.dispose();
    }
  } finally {
    for (const s of services) s.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}
