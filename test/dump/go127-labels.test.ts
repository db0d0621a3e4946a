// Go 1.27 prints pprof labels in every traceback header. These tests run real Go 1.27 programs
// (test/fixtures/go/labelled and labelled-go126) and parse what they print: runtime.Stack, a panic,
// SIGQUIT, and the debug=2, debug=1, protobuf and goroutineleak profiles of a live service.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group, LabelSet, Snapshot } from '../../src/shared/model.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import { buildLabelled, buildLabelledGo126, capture, headerCount, leakOrdersLine } from '../helpers/labelled-fixture.js';

let labelled = '';
let go126 = '';

beforeAll(async () => {
  labelled = await buildLabelled();
  go126 = await buildLabelledGo126();
}, 180_000);

const one = (text: string | Uint8Array): Snapshot => {
  const snapshots = parseSnapshots(text);
  expect(snapshots).toHaveLength(1);
  return snapshots[0]!;
};
const leakGroup = (s: Snapshot): Group => {
  const g = s.groups.find((x) => x.blockingSite?.line === leakOrdersLine() && x.blockingSite.func === 'main.orderLeak');
  expect(g, 'the main.orderLeak group').toBeDefined();
  return g!;
};
const parkedGroup = (s: Snapshot): Group => s.groups.find((g) => g.blockingSite?.func === 'main.parked' && g.count === 5)!;
const labelCounts = (g: Group): [string, number][] =>
  g.labels.map((l) => [JSON.stringify(l.labels), l.count] as [string, number]).sort(([a], [b]) => (a < b ? -1 : 1));
const orders = (tenant: string): LabelSet => ({ route: 'GET /orders', tenant });

const ODD_LABELS: LabelSet[] = [
  { note: 'a, b {c}: "q"', path: '/api/v1' },
  { msg: 'line1\nline2\ttab \x1b', user: 'Zoë ✓' },
  { 'k.v/x_y': 'bare.value/ok_1', 'weird key': '\u{1F600}' },
];

describe('runtime.Stack and panic output of a go 1.27 module (labels on by default)', () => {
  it('keeps every goroutine, with its labels decoded from bare and Go-quoted text', async () => {
    const run = await capture(labelled, ['stack', '-leaks', '5']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[chan send] {route: "GET /orders", tenant: "t-0"}:');
    expect(run.stdout).toContain('{msg: "line1\\nline2\\ttab \\x1b", user: "Zo\\u00eb \\u2713"}:');
    const s = one(run.stdout);
    expect(s.total).toBe(headerCount(run.stdout));
    expect(s.total).toBe(15); // main, 5 leaks, 4 workers, 3 odd-labelled, 2 unlabelled
    expect(s.warnings).toEqual([]);
    const leak = leakGroup(s);
    expect(leak.count).toBe(5);
    expect(leak.labels).toEqual([
      { labels: orders('t-0'), count: 2 },
      { labels: orders('t-1'), count: 2 },
      { labels: orders('t-2'), count: 1 },
    ]);
    const workers = s.groups.find((g) => g.blockingSite?.func === 'main.worker')!;
    expect(workers.labels).toEqual([{ labels: { pool: 'workers' }, count: 4 }]);
    const parked = parkedGroup(s);
    expect(parked.labels.map((l) => l.labels).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))).toEqual(
      [...ODD_LABELS].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    );
    expect(parked.labels.reduce((n, l) => n + l.count, 0)).toBe(3); // two parked goroutines carry none
  });

  it('GODEBUG=tracebacklabels=0 prints no labels: same groups, same counts, no label sets', async () => {
    const on = one((await capture(labelled, ['stack', '-leaks', '5'])).stdout);
    const offRun = await capture(labelled, ['stack', '-leaks', '5'], { GODEBUG: 'tracebacklabels=0' });
    expect(offRun.stdout).not.toMatch(/\] \{/);
    const off = one(offRun.stdout);
    expect(off.groups.map((g) => [g.key, g.count])).toEqual(on.groups.map((g) => [g.key, g.count]));
    expect(off.groups.every((g) => g.labels.length === 0)).toBe(true);
  });

  it('a panic with GOTRACEBACK=all: every goroutine and its labels', async () => {
    const run = await capture(labelled, ['panic', '-leaks', '4'], { GOTRACEBACK: 'all' });
    expect(run.code).toBe(2);
    const s = one(run.stderr);
    expect(s.total).toBe(headerCount(run.stderr));
    expect(s.total).toBe(14);
    expect(leakGroup(s).labels).toEqual([
      { labels: orders('t-0'), count: 2 },
      { labels: orders('t-1'), count: 1 },
      { labels: orders('t-2'), count: 1 },
    ]);
  });
});

describe('a go 1.26 module built by Go 1.27 (tracebacklabels defaults to 0)', () => {
  it('prints no labels unless GODEBUG=tracebacklabels=1 turns them on', async () => {
    const off = await capture(go126, []);
    expect(off.stdout).not.toContain('{route');
    const on = await capture(go126, [], { GODEBUG: 'tracebacklabels=1' });
    expect(on.stdout).toContain('[select (no cases)] {route: "GET /legacy", tenant: acme}:');
    const [a, b] = [one(off.stdout), one(on.stdout)];
    expect(b.groups.map((g) => [g.key, g.count])).toEqual(a.groups.map((g) => [g.key, g.count]));
    const parked = b.groups.find((g) => g.blockingSite?.func === 'main.parked')!;
    expect(parked.labels).toEqual([{ labels: { route: 'GET /legacy', tenant: 'acme' }, count: 1 }]);
    expect(a.groups.find((g) => g.key === parked.key)!.labels).toEqual([]);
  });
});

describe('a live go 1.27 service: debug=2, debug=1, protobuf, goroutineleak and SIGQUIT agree', () => {
  let service: RunningFixture;
  const get = async (path: string): Promise<Uint8Array> => {
    const res = await fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    return new Uint8Array(await res.arrayBuffer());
  };

  beforeAll(async () => {
    service = await startFixture(labelled, ['serve', '-leaks', '6']);
    for (const tenant of ['acme corp', 'acme corp', 'zoë']) await get(`/orders?tenant=${encodeURIComponent(tenant)}`);
  }, 30_000);
  afterAll(() => service?.stop());

  it('the leak is one group with the same label counts in every format', async () => {
    const debug2 = one(await get('/debug/pprof/goroutine?debug=2'));
    const debug1 = one(await get('/debug/pprof/goroutine?debug=1'));
    const proto = one(gunzipSync(await get('/debug/pprof/goroutine')));
    const want: [string, number][] = [
      [JSON.stringify(orders('acme corp')), 2],
      [JSON.stringify(orders('t-0')), 2],
      [JSON.stringify(orders('t-1')), 2],
      [JSON.stringify(orders('t-2')), 2],
      [JSON.stringify(orders('zoë')), 1],
    ];
    for (const s of [debug2, debug1, proto]) {
      expect(labelCounts(leakGroup(s))).toEqual(want);
      expect(leakGroup(s).key).toBe(leakGroup(debug2).key);
    }
    // Every labelled group: same key, count and label sets in the three formats.
    const labelled = (s: Snapshot) => s.groups.filter((g) => g.labels.length > 0).map((g) => [g.key, g.count, labelCounts(g)]);
    expect(labelled(debug1)).toEqual(labelled(debug2));
    expect(labelled(proto)).toEqual(labelled(debug2));
    expect(debug2.total).toBe(headerCount(new TextDecoder().decode(await get('/debug/pprof/goroutine?debug=2'))));
  });

  it('goroutineleak proves the labelled leak; debug=2 then marks it (leaked) with its labels', async () => {
    const leak1 = one(await get('/debug/pprof/goroutineleak?debug=1'));
    const leakProto = one(gunzipSync(await get('/debug/pprof/goroutineleak')));
    for (const s of [leak1, leakProto]) {
      expect(s.profile).toBe('goroutineleak');
      expect(leakGroup(s).count).toBe(9);
      expect(leakGroup(s).labels.reduce((n, l) => n + l.count, 0)).toBe(9);
    }
    const text = new TextDecoder().decode(await get('/debug/pprof/goroutine?debug=2'));
    expect(text).toContain('[chan send (leaked)] {route: "GET /orders", tenant: "acme corp"}:');
    const after = one(text);
    expect(leakGroup(after).leakedCount).toBe(9);
    expect(labelCounts(leakGroup(after))).toEqual(labelCounts(leakGroup(leak1)));
  });

  it('SIGQUIT (GOTRACEBACK default): gp= m= headers with labels, every goroutine kept', async () => {
    process.kill(service.pid, 'SIGQUIT');
    await service.exited;
    const dump = service.stderr();
    expect(dump).toMatch(/goroutine \d+ gp=0x[0-9a-f]+ m=nil \[chan send \(leaked\)\] \{route: "GET \/orders", tenant: "t-0"\}:/);
    const s = one(dump);
    expect(s.total).toBe(headerCount(dump));
    expect(leakGroup(s).count).toBe(9);
    expect(leakGroup(s).leakedCount).toBe(9);
  });
});
