import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openApi } from '../../src/main/api/open-api.js';
import { requests, type EventMessage } from '../../src/shared/contract.js';
import { buildFixture, goToolchains, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';

// The app's side of issue 15, through the api every transport uses: `recording.start` with several
// URLs records one fleet session of real Go services; `session.list` marks the fleet and its instances;
// `session.fleet` answers the grid the fleet view draws, checked against its contract schema.

const services: RunningFixture[] = [];
let outDir = '';

beforeAll(async () => {
  goToolchains();
  outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-fleet-api-'));
  const bin = await buildFixture('fleet', 'go1.19', outDir);
  services.push(await startFixture(bin, ['-leak-every', '100ms']));
  services.push(await startFixture(bin, []));
}, 120_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('a fleet through the api', () => {
  it('records several URLs as one fleet session and answers session.fleet', { timeout: 60_000 }, async () => {
    const opened = openApi(path.join(outDir, 'h.db'), '0.1.0-test', { isSshAllowed: false });
    onTestFinished(() => opened.close());
    const { api } = opened;
    const ticks = new Map<number, number>();
    let sawEnough: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (sawEnough = resolve));
    const sub = api.onEvent((e: EventMessage) => {
      if (e.name !== 'session.tickRecorded') return;
      ticks.set(e.payload.sessionId, e.payload.tick);
      if (ticks.size === 2 && [...ticks.values()].every((t) => t >= 8)) sawEnough();
    });
    onTestFinished(() => sub.dispose());
    const urls = services.map((s) => s.url);
    const { session } = await api.call('recording.start', { url: urls[0]!, urls, intervalMs: 300, fullEvery: 3, durationMs: null });
    expect(session.fleet).toEqual({ instances: 2 });
    await enough;
    await api.call('recording.stop', { sessionId: session.id });

    const list = await api.call('session.list', {});
    const instances = list.filter((s) => s.instanceOf?.fleetSessionId === session.id);
    expect(instances.map((s) => s.instanceOf!.name).sort()).toEqual(services.map((s) => s.addr).sort());
    expect(list.find((s) => s.id === session.id)).toMatchObject({ fleet: { instances: 2 }, instanceOf: null, isRecording: false });

    const view = requests['session.fleet'].output.parse(await api.call('session.fleet', { sessionId: session.id }));
    expect(view.fleet.instances.map((i) => i.name)).toEqual([services[0]!.addr, services[1]!.addr]);
    expect(view.fleet.instances[0]!.totals.length).toBeGreaterThanOrEqual(9);
    expect(view.fleet.cost.requests).toBeGreaterThan(0);
    const leak = view.suspects.find((s) => s.blockingSite?.func === 'main.forgottenReply')!;
    expect(leak.growsOn).toBe(`grows on 1 of 2: ${services[0]!.addr}; flat elsewhere`);
    expect(leak.instanceSeries!.map((i) => i.name)).toEqual([services[0]!.addr, services[1]!.addr]);
    expect(leak.instanceSeries![1]!.series.every((n) => n === 0)).toBe(true);
    // Drill-down: the instance session is a session like any other.
    const leaking = instances.find((s) => s.instanceOf!.name === services[0]!.addr)!;
    const series = await api.call('session.series', { sessionId: leaking.id, maxGroups: 10 });
    expect(series.ticks.length).toBe(view.fleet.instances[0]!.ticks);
    await expect(api.call('session.fleet', { sessionId: leaking.id })).rejects.toThrow(`session ${leaking.id} is not a fleet: it records one target`);
  });
});
