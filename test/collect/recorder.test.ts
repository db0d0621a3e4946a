import { describe, expect, it, onTestFinished } from 'vitest';
import { startRecording } from '../../src/main/api/session-record.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { tempDir } from '../store/temp-db.js';
import { startFakeTarget, type Mode } from './fake-target.js';

describe('Recorder against a misbehaving endpoint', () => {
  it('stores each fault as a specific failed tick, keeps running, and resumes', { timeout: 20_000 }, async () => {
    const fake = await startFakeTarget('ok');
    onTestFinished(() => fake.close());
    const t = tempDir();
    const store = HistoryStore.open(t.file('h.db'));
    onTestFinished(() => {
      store.dispose();
      t.remove();
    });
    // The mode for tick N+1 is set when tick N is reported.
    const plan: Mode[] = ['html', '404', 'hang', 'endless', 'truncated', 'ok', 'ok'];
    const recording = await startRecording(store, {
      url: fake.url, intervalMs: 50, fullEvery: 100, durationMs: null, requestTimeoutMs: 400, maxBytes: 1 << 20,
      onTick: (s) => {
        if (s.tick < plan.length) fake.mode = plan[s.tick]!;
        if (s.tick === plan.length - 1) recording.stop();
      },
    });
    onTestFinished(() => recording.dispose());
    const outcome = await recording.done;
    expect(outcome).toEqual({ sessionId: recording.sessionId, ticks: 8, failedTicks: 5, endedBy: 'stop' });

    const series = store.sessionSeries(recording.sessionId);
    const u = `${fake.url}/debug/pprof/goroutine?debug=1`;
    expect(series.ticks.map((x) => x.errors.map((e) => `${e.kind} ${e.code}`))).toEqual([
      [], ['compact NOT_GO_ENDPOINT'], ['compact HTTP_STATUS'], ['compact TIMEOUT'], ['compact RESPONSE_TOO_LARGE'], ['compact TARGET_UNREACHABLE'], [], [],
    ]);
    expect(series.ticks.map((x) => x.errors[0]?.message ?? null)).toEqual([
      null,
      `GET ${u}: this is an HTML page ("Acme Shop"), not a pprof endpoint; give the Go service's base URL (http://host:port, where /debug/pprof/ is served)`,
      `GET ${u}: HTTP 404 Not Found; the service does not serve this profile: does it import net/http/pprof? (body: "404 page not found")`,
      `GET ${u}: no complete answer within 400 ms`,
      expect.stringMatching(/: body exceeds the 1 MiB cap \(\d+ bytes read so far\); raise --max-bytes/),
      expect.stringMatching(/: the connection closed after 100 of \d+ body bytes, before the response was complete; the service may have crashed or restarted$/),
      null,
      null,
    ]);
    expect(series.ticks.map((x) => x.compactTotal)).toEqual([103, null, null, null, null, null, 103, 103]);
    // Full dumps: the first tick, each first tick after the target was unreachable, the last one.
    expect(series.ticks.map((x) => x.fullTotal)).toEqual([103, null, null, null, 103, null, 103, 103]);
    // expvar is still taken when the profile answered wrongly, not when the target timed out or broke off.
    expect(series.ticks.map((x) => x.expvar?.numGoroutine ?? null)).toEqual([103, 103, 103, null, 103, null, 103, 103]);
    expect(store.session(recording.sessionId)).toMatchObject({ ticks: 8, failedTicks: 5, endpoints: ['goroutine', '/debug/vars'] });
    expect(store.session(recording.sessionId).endedAtMs).not.toBeNull();
  });

  it('dispose() cancels the request in flight and ends the session; twice is harmless', { timeout: 10_000 }, async () => {
    const fake = await startFakeTarget('ok');
    onTestFinished(() => fake.close());
    const t = tempDir();
    const store = HistoryStore.open(t.file('h.db'));
    onTestFinished(() => {
      store.dispose();
      t.remove();
    });
    const recording = await startRecording(store, {
      url: fake.url, intervalMs: 50, fullEvery: 10, durationMs: null, requestTimeoutMs: 5_000, maxBytes: 1 << 20,
      onTick: (s) => {
        if (s.tick === 1) fake.mode = 'hang';
      },
    });
    while (!fake.requests.includes('GET /debug/pprof/goroutine?debug=1') || fake.mode !== 'hang') await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    recording.dispose();
    recording.dispose();
    const outcome = await recording.done;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(outcome.endedBy).toBe('abort');
    expect(outcome.ticks).toBe(2);
    expect(store.session(recording.sessionId)).toMatchObject({ ticks: 2, failedTicks: 0 });
  });

  it('ends on its own after --duration with a full dump on the last tick', { timeout: 10_000 }, async () => {
    const fake = await startFakeTarget('ok');
    onTestFinished(() => fake.close());
    const t = tempDir();
    const store = HistoryStore.open(t.file('h.db'));
    onTestFinished(() => {
      store.dispose();
      t.remove();
    });
    const recording = await startRecording(store, { url: fake.url, intervalMs: 100, fullEvery: 3, durationMs: 550, requestTimeoutMs: 2_000, maxBytes: 1 << 20 });
    const outcome = await recording.done;
    expect(outcome).toMatchObject({ ticks: 6, failedTicks: 0, endedBy: 'duration' });
    const series = store.sessionSeries(recording.sessionId);
    expect(series.ticks.map((x) => x.fullSnapshotId !== null)).toEqual([true, false, false, true, false, true]);
  });
});
