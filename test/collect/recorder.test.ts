import { describe, expect, it, onTestFinished } from 'vitest';
import { startRecording } from '../../src/main/use-cases/record.js';
import { tempStore } from '../integration/record-helpers.js';
import { startFakeTarget, type Mode } from './fake-target.js';

describe('Recorder against a misbehaving endpoint', () => {
  it('stores each fault as a specific failed tick, keeps running, and resumes', { timeout: 20_000 }, async () => {
    const fake = await startFakeTarget('ok');
    onTestFinished(() => fake.close());
    const { store } = tempStore();
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
    const { store } = tempStore();
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
    const { store } = tempStore();
    const recording = await startRecording(store, { url: fake.url, intervalMs: 100, fullEvery: 3, durationMs: 550, requestTimeoutMs: 2_000, maxBytes: 1 << 20 });
    const outcome = await recording.done;
    expect(outcome).toMatchObject({ failedTicks: 0, endedBy: 'duration' });
    const series = store.sessionSeries(recording.sessionId);
    const isFull = series.ticks.map((x) => x.fullSnapshotId !== null);
    // Six ticks on an idle machine (0, 100, …, 500 ms); a loaded one may fit one or two fewer, since
    // a late tick does not catch up. The cadence holds either way: full at 0, every 3rd, and the last.
    expect(outcome.ticks).toBeGreaterThanOrEqual(4);
    expect(outcome.ticks).toBeLessThanOrEqual(6);
    expect(isFull).toEqual(Array.from({ length: outcome.ticks }, (_, i) => i === 0 || i === 3 || i === outcome.ticks - 1));
    // The end is decided when a tick starts, not by a timer: a tick starting within one interval of
    // the end is the last one, so every earlier tick started over an interval before it (a loaded
    // machine may only start the last one late). A request's time is taken a moment after its tick starts.
    for (const t of series.ticks.slice(0, -1)) expect(t.atMs - series.ticks[0]!.atMs).toBeLessThan(550 - 100 + 30);
  });
});

describe('Recorder cadence and cancellation', () => {
  async function setup() {
    const fake = await startFakeTarget('ok');
    onTestFinished(() => fake.close());
    const { store } = tempStore();
    return { fake, store };
  }

  it('retries a failing full dump at the next full-dump tick, not on every tick', { timeout: 10_000 }, async () => {
    const { fake, store } = await setup();
    // A debug=2 dump over the cap: asking again every tick would stop the target's world every tick.
    fake.fullMode = 'endless';
    const recording = await startRecording(store, {
      url: fake.url, intervalMs: 30, fullEvery: 3, durationMs: null, requestTimeoutMs: 2_000, maxBytes: 1 << 20,
      onTick: (s) => {
        if (s.tick === 6) recording.stop();
      },
    });
    onTestFinished(() => recording.dispose());
    expect(await recording.done).toMatchObject({ ticks: 8, failedTicks: 4, endedBy: 'stop' });
    const series = store.sessionSeries(recording.sessionId);
    const fullTried = series.ticks.filter((t) => t.errors.some((e) => e.kind === 'full')).map((t) => t.tick);
    // Ticks 0, 3 and 6 by the cadence, 7 as the last tick.
    expect(fullTried).toEqual([0, 3, 6, 7]);
    expect(fake.requests.filter((r) => r === 'GET /debug/pprof/goroutine?debug=2')).toHaveLength(4);
    expect(series.ticks.map((t) => t.compactTotal)).toEqual([103, 103, 103, 103, 103, 103, 103, 103]);
  });

  it('takes a full dump on the first tick after the target timed out, whatever the cadence', { timeout: 10_000 }, async () => {
    const { fake, store } = await setup();
    // Tick 1 times out: the target may be restarting, with new goroutine IDs. Only the first tick, the
    // one after the outage and the last have a full dump (fullEvery is 100).
    const recording = await startRecording(store, {
      url: fake.url, intervalMs: 30, fullEvery: 100, durationMs: null, requestTimeoutMs: 300, maxBytes: 1 << 20,
      onTick: (s) => {
        if (s.tick === 0) fake.mode = 'hang';
        if (s.tick === 1) fake.mode = 'ok';
        if (s.tick === 4) recording.stop();
      },
    });
    onTestFinished(() => recording.dispose());
    await recording.done;
    const series = store.sessionSeries(recording.sessionId);
    expect(series.ticks.map((t) => t.fullSnapshotId !== null)).toEqual([true, false, true, false, false, true]);
    expect(series.ticks.map((t) => t.errors.map((e) => `${e.kind} ${e.code}`))).toEqual([[], ['compact TIMEOUT'], [], [], [], []]);
  });

  it('names the URL and what was expected when an endpoint answers with something that is not a dump', { timeout: 10_000 }, async () => {
    const { fake, store } = await setup();
    const recording = await startRecording(store, {
      url: fake.url, intervalMs: 30, fullEvery: 100, durationMs: null, requestTimeoutMs: 2_000, maxBytes: 1 << 20,
      onTick: (s) => {
        if (s.tick === 0) fake.mode = 'json';
        if (s.tick === 1) recording.stop();
      },
    });
    onTestFinished(() => recording.dispose());
    await recording.done;
    const error = store.sessionSeries(recording.sessionId).ticks[1]!.errors[0]!;
    expect(error.code).toBe('NOT_GO_ENDPOINT');
    expect(error.message).toMatch(new RegExp(`^GET ${fake.url.replace(/[.]/g, '\\.')}/debug/pprof/goroutine\\?debug=1: expected a goroutine profile, got JSON `));
  });

  it('dispose() during a tick stores what the tick had already fetched', { timeout: 10_000 }, async () => {
    const { fake, store } = await setup();
    // Tick 0 takes the full dump; tick 2 is the next one to, and its full dump never answers.
    const recording = await startRecording(store, {
      url: fake.url, intervalMs: 30, fullEvery: 2, durationMs: null, requestTimeoutMs: 5_000, maxBytes: 1 << 20,
      onTick: (s) => {
        if (s.tick === 0) fake.fullMode = 'hang';
      },
    });
    onTestFinished(() => recording.dispose());
    const fulls = () => fake.requests.filter((r) => r === 'GET /debug/pprof/goroutine?debug=2').length;
    while (fulls() < 2) await new Promise((r) => setTimeout(r, 10));
    recording.dispose();
    const outcome = await recording.done;
    expect(outcome).toMatchObject({ ticks: 3, failedTicks: 0, endedBy: 'abort' });
    const series = store.sessionSeries(recording.sessionId);
    expect(series.ticks.map((t) => [t.tick, t.compactTotal, t.expvar?.numGoroutine ?? null, t.fullTotal])).toEqual([
      [0, 103, 103, 103], [1, 103, 103, null], [2, 103, 103, null],
    ]);
    expect(store.session(recording.sessionId).endedAtMs).not.toBeNull();
  });

  it('ends with a NotFoundError naming the session when the session is removed while recording', { timeout: 10_000 }, async () => {
    const { fake, store } = await setup();
    const recording = await startRecording(store, {
      url: fake.url, intervalMs: 30, fullEvery: 100, durationMs: null, requestTimeoutMs: 2_000, maxBytes: 1 << 20,
      onTick: (s) => {
        // `goroscope sessions rm` from another terminal.
        if (s.tick === 1) store.removeSession(recording.sessionId);
      },
    });
    onTestFinished(() => recording.dispose());
    await expect(recording.done).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `no session ${recording.sessionId} in the history; \`goroscope sessions\` lists them`,
    });
    expect(store.listSessions()).toEqual([]);
  });
});
