import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startRecording, type TickSummary } from '../../src/main/use-cases/record.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { startFixture } from '../helpers/go-toolchains.js';
import { buildLeakyForFile, fixture, runCli, tempStore, waitFor } from './record-helpers.js';

const leakyBinary = buildLeakyForFile();

describe('faults while recording', () => {
  it('records failed ticks while the service is SIGKILLed, and resumes when it is back on the same port', { timeout: 40_000 }, async () => {
    const first = await fixture(leakyBinary(), ['-rate', '20', '-kinds', 'ABCD']);
    const { store } = tempStore();
    const seen: TickSummary[] = [];
    const recording = await startRecording(store, {
      url: first.url, intervalMs: 150, fullEvery: 100, durationMs: null, requestTimeoutMs: 2_000, onTick: (s) => seen.push(s),
    });
    onTestFinished(() => recording.dispose());
    await waitFor('3 ticks', () => seen.length >= 3, 10_000);
    first.kill9();
    await first.exited;
    const beforeKill = seen.filter((s) => s.errors.length === 0).map((s) => [s.tick, s.counted!.total]);
    await waitFor('2 failed ticks', () => seen.filter((s) => s.errors.length > 0).length >= 2, 10_000);
    const second = await startFixture(leakyBinary(), ['-addr', first.addr, '-rate', '20', '-kinds', 'ABCD']);
    onTestFinished(() => second.stop());
    const failedBeforeRestart = seen.filter((s) => s.errors.length > 0).length;
    await waitFor('a good tick after the restart', () => seen.some((s) => s.errors.length === 0 && s.tick > beforeKill.length + failedBeforeRestart - 1), 15_000);
    recording.stop();
    const outcome = await recording.done;
    expect(outcome.endedBy).toBe('stop');

    const series = store.sessionSeries(recording.sessionId);
    // Earlier snapshots are intact: what was reported live is what is stored.
    for (const [tick, total] of beforeKill) expect(series.ticks[tick!]!.compactTotal).toBe(total);
    const failed = series.ticks.filter((t) => t.errors.length > 0);
    expect(failed.length).toBe(outcome.failedTicks);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const t of failed) {
      expect(t.errors.map((e) => [e.kind, e.code])).toEqual([['compact', 'TARGET_UNREACHABLE']]);
      expect(t.countedSnapshotId).toBeNull();
    }
    const url = `${first.url}/debug/pprof/goroutine?debug=1`;
    expect(failed.map((t) => t.errors[0]!.message)).toContain(
      `GET ${url}: connection refused by ${first.addr}: nothing listens there; is the service running, on this port?`,
    );
    // Back-off: failed attempts are spaced ×2, ×4, ×8 the interval.
    const gaps = failed.slice(1).map((t, i) => t.atMs - failed[i]!.atMs);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(290);
    // The first tick after the outage takes a full dump (a restarted service has new goroutine IDs).
    const resumed = series.ticks[failed[failed.length - 1]!.tick + 1]!;
    expect(resumed.errors).toEqual([]);
    expect(resumed.fullSnapshotId).not.toBeNull();
    expect(resumed.compactTotal).toBeGreaterThan(0);
    expect(series.ticks[series.ticks.length - 1]!.fullSnapshotId).not.toBeNull();
  });

  it('leaves a sound database when the recorder process is SIGKILLed mid-write', { timeout: 60_000 }, async () => {
    const svc = await fixture(leakyBinary(), ['-rate', '0', '-kinds', 'ABCD']);
    const res = await fetch(`${svc.url}/leak?n=2500`, { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    const { dir } = tempStore();
    const file = path.join(dir, 'killed.db');
    // Two runs, killed at different moments of their write cycle (every tick is a full dump with its raw bytes).
    for (const [run, extraMs] of [[1, 0], [2, 53]] as const) {
      const cli = runCli(['record', svc.url, '--interval', '200ms', '--full-every', '1', '--keep-raw', 'all', '--name', `killed ${run}`, '--db', file]);
      const ticksPrinted = () => [...cli.stdout().matchAll(/^\d\d:\d\d:\d\d {2}#(\d+)\s+(\d+) goroutines/gm)].map((m) => [Number(m[1]) - 1, Number(m[2])]);
      await waitFor(`4 tick lines from run ${run}`, () => ticksPrinted().length >= 4, 30_000);
      await new Promise((r) => setTimeout(r, extraMs));
      cli.kill('SIGKILL');
      expect(await cli.exited).toBe('SIGKILL');
      const printed = ticksPrinted();

      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.pragma('foreign_key_check')).toEqual([]);
      raw.close();
      const store = HistoryStore.open(file);
      try {
        const session = store.listSessions().find((s) => s.name === `killed ${run}`)!;
        expect(session.endedAtMs).toBeNull();
        const series = store.sessionSeries(session.id);
        // Every tick the CLI printed had been committed before it was printed.
        expect(series.ticks.length).toBeGreaterThanOrEqual(printed.length);
        for (const [tick, total] of printed) {
          expect(series.ticks[tick!]!.compactTotal).toBe(total);
          // Its group counts too (packed per tick, never closed by the killed process).
          expect(series.groups.reduce((n, g) => n + (g.counts[tick!] ?? 0), 0)).toBe(total);
          expect(store.snapshot(series.ticks[tick!]!.fullSnapshotId!).total).toBeGreaterThan(10_000);
        }
        expect(store.fullDumpIds(session.id).length).toBe(series.ticks.filter((t) => t.fullSnapshotId !== null).length);
      } finally {
        store.dispose();
      }
    }
  });
});
