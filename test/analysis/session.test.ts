import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { fromSnapshots } from '../../src/main/analysis/from-snapshots.js';
import { stemOf, ticksFromFiles } from '../../src/main/analysis/file-ticks.js';
import { NOT_MEASURED } from '../../src/main/analysis/session.js';
import { SessionBuilder } from '../../src/main/analysis/session-builder.js';
import { corpusPath, frame } from './helpers.js';

const snap = (pattern: string, file: string) => parseSnapshots(readFileSync(corpusPath(pattern, file)))[0]!;

describe('fromSnapshots', () => {
  test('one tick per time: counts from the protobuf, ids and states from debug=2, runtime figures from expvar', () => {
    const p = '01-chan-send-no-receiver';
    const session = fromSnapshots([
      { atMs: 1000, snapshot: snap(p, 't1.debug2.txt') },
      { atMs: 1000, snapshot: snap(p, 't1.debug0.pb.gz') },
      { atMs: 1000, snapshot: snap(p, 't1.vars.json') },
      { atMs: 3000, error: 'GET http://127.0.0.1:6060/debug/pprof/goroutine: timeout after 5 s' },
      { atMs: 2000, snapshot: snap(p, 't3.debug1.txt') },
    ]);
    expect(session.ticks.map((t) => [t.atMs, t.countFormat, t.fullDump, t.isFailed])).toEqual([
      [1000, 'pprof-proto', 0, false],
      [2000, 'debug1', -1, false],
      [3000, null, -1, true],
    ]);
    expect(session.ticks[0]!.profiles).toEqual([
      { format: 'traceback', profile: null, total: 103 },
      { format: 'pprof-proto', profile: 'goroutine', total: 103 },
    ]);
    expect(session.ticks[0]!.metrics!.numGoroutine).toBe(103);
    expect(session.ticks[2]!.error).toBe('GET http://127.0.0.1:6060/debug/pprof/goroutine: timeout after 5 s');
    const leak = session.groups.find((g) => g.blockingSite?.line === 84)!;
    expect(Array.from(leak.counts)).toEqual([100, 300, NOT_MEASURED]);
    expect(Array.from(leak.maxWaitMinutes)).toEqual([0, NOT_MEASURED, NOT_MEASURED]);
    expect(Array.from(leak.leaked)).toEqual([NOT_MEASURED, NOT_MEASURED, NOT_MEASURED]);
    expect(leak.states).toEqual([{ 'chan send': 100 }]);
    expect(leak.ids[0]).toHaveLength(100);
    expect(leak.createdBy).toEqual({ func: 'main.fetchWithTimeout', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 83 });
  });

  test('a goroutineleak profile is evidence for its tick, not a series: groups it lacks count 0 leaked', () => {
    const p = '14-go127-leak-profile';
    const session = fromSnapshots([
      { atMs: 0, snapshot: snap(p, 't2.debug1.txt') },
      { atMs: 0, snapshot: snap(p, 't2.leak.debug1.txt') },
    ]);
    expect(session.ticks[0]!.countFormat).toBe('debug1');
    expect(session.ticks[0]!.hasLeakEvidence).toBe(true);
    const leakedBy = Object.fromEntries(session.groups.map((g) => [g.blockingSite?.func ?? '?', [g.counts[0], g.leaked[0]]]));
    expect(leakedBy['main.replica']).toEqual([300, 300]);
    expect(leakedBy['main.gather']).toEqual([150, 150]);
    expect(leakedBy['main.recordHit']).toEqual([150, 0]);
    expect(leakedBy['main.watch']).toEqual([150, 0]);
  });
});

describe('SessionBuilder', () => {
  test('refuses ticks out of time order and data for unknown groups or ticks', () => {
    const b = new SessionBuilder();
    b.addTick({ atMs: 10 });
    expect(() => b.addTick({ atMs: 5 })).toThrow('tick at 5 ms added after a tick at 10 ms: ticks must come in time order');
    expect(() => b.setCount(0, 'k', 1)).toThrow('tick 0 has no count source: call addProfile first');
    b.addProfile(0, { format: 'debug1', profile: 'goroutine', total: 1 }, true);
    expect(() => b.setCount(0, 'k', 1)).toThrow('group k used before defineGroup');
    expect(() => b.setCount(3, 'k', 1)).toThrow('tick 3 does not exist (1 ticks added)');
    b.defineGroup({ key: 'k', frames: [frame('main.f')], blockingSite: frame('main.f') });
    b.setCount(0, 'k', 7);
    expect(Array.from(b.build().groups[0]!.counts)).toEqual([7]);
  });
});

describe('SessionBuilder series setters (a store hands over whole rows)', () => {
  test('counts, waits and leaked counts per tick; null is NOT_MEASURED; leaked series mark leak evidence', () => {
    const b = new SessionBuilder();
    for (let t = 0; t < 3; t++) {
      b.addTick({ atMs: t * 1000 });
      if (t !== 1) b.addProfile(t, { format: 'pprof-proto', profile: 'goroutine', total: 5 }, true);
    }
    b.defineGroup({ key: 'k', frames: [frame('main.f')], blockingSite: frame('main.f') });
    b.setCountSeries('k', [1, null, 5]);
    b.setWaitSeries('k', [null, null, 4]);
    b.setLeakedSeries('k', [null, null, 5]);
    expect(() => b.setCountSeries('k', [1])).toThrow('counts of group k has 1 entries for 3 ticks');
    const s = b.build();
    const g = s.groups[0]!;
    expect([Array.from(g.counts), Array.from(g.maxWaitMinutes), Array.from(g.leaked)]).toEqual([
      [1, NOT_MEASURED, 5],
      [NOT_MEASURED, NOT_MEASURED, 4],
      [NOT_MEASURED, NOT_MEASURED, 5],
    ]);
    expect(s.ticks.map((t) => t.hasLeakEvidence)).toEqual([false, false, true]);
  });
});

describe('ticksFromFiles', () => {
  test('files of one stem form one tick until a profile kind repeats', () => {
    const p = '14-go127-leak-profile';
    const names = ['t1.debug1.txt', 't1.debug2.txt', 't2.debug1.txt', 't2.leak.debug1.txt', 't2.debug2.txt', 't2.sigquit-gotraceback-all.txt'];
    const files = names.map((name) => ({ name, snapshots: parseSnapshots(readFileSync(corpusPath(p, name))) }));
    const ticks = ticksFromFiles(files, { intervalMs: 5000 });
    expect(ticks.tickFiles).toEqual([['t1.debug1.txt', 't1.debug2.txt'], ['t2.debug1.txt', 't2.leak.debug1.txt', 't2.debug2.txt'], ['t2.sigquit-gotraceback-all.txt']]);
    expect(ticks.timesAssumed).toBe(true);
    expect([...new Set(ticks.entries.map((e) => e.atMs))]).toEqual([0, 5000, 10000]);
  });

  test('a shell expansion that lists each format apart still gives one tick per stem, in first-seen order', () => {
    const p = '01-chan-send-no-receiver';
    const names = ['t0.debug0.pb.gz', 't1.debug0.pb.gz', 't2.debug0.pb.gz', 't0.debug2.txt', 't1.debug2.txt', 't2.debug2.txt'];
    const files = names.map((name) => ({ name, snapshots: parseSnapshots(readFileSync(corpusPath(p, name))) }));
    const ticks = ticksFromFiles(files, { intervalMs: 2000 });
    expect(ticks.tickFiles).toEqual([['t0.debug0.pb.gz', 't0.debug2.txt'], ['t1.debug0.pb.gz', 't1.debug2.txt'], ['t2.debug0.pb.gz', 't2.debug2.txt']]);
    expect(ticks.timesAssumed).toBe(false);
  });

  test('protobuf timestamps are used when every tick has one', () => {
    const p = '10-spike-then-drain';
    const files = ['t0', 't1', 't2', 't3'].map((t) => ({ name: `${t}.debug0.pb.gz`, snapshots: parseSnapshots(readFileSync(corpusPath(p, `${t}.debug0.pb.gz`))) }));
    const ticks = ticksFromFiles(files, { intervalMs: 2000 });
    expect(ticks.timesAssumed).toBe(false);
    expect(ticks.entries.map((e) => e.atMs - ticks.entries[0]!.atMs)).toEqual([0, 3540, 9597, 15115]);
    expect(ticks.timeBasis).toBe('content');
  });

  test('text dumps without times: the interval given, else no time at all; times given per file come first', () => {
    const p = '01-chan-send-no-receiver';
    const files = ['t0', 't1', 't2'].map((t) => ({ name: `${t}.debug2.txt`, snapshots: parseSnapshots(readFileSync(corpusPath(p, `${t}.debug2.txt`))) }));
    const spaced = ticksFromFiles(files, { intervalMs: 30_000 });
    expect([spaced.timeBasis, spaced.assumedIntervalMs, spaced.entries.map((e) => e.atMs)]).toEqual(['interval', 30_000, [0, 30_000, 60_000]]);
    const untimed = ticksFromFiles(files, { intervalMs: null });
    expect([untimed.timeBasis, untimed.assumedIntervalMs, untimed.timesAssumed]).toEqual(['none', null, true]);
    const given = ticksFromFiles(files.map((f, i) => ({ ...f, givenAtMs: 1_000 + i * 7 })), { intervalMs: 30_000 });
    expect([given.timeBasis, given.entries.map((e) => e.atMs)]).toEqual(['content', [1_000, 1_007, 1_014]]);
    // Equal given times are no order: fall back to the interval, never 1 ms apart.
    const equal = ticksFromFiles(files.map((f) => ({ ...f, givenAtMs: 5 })), { intervalMs: null });
    expect(equal.timeBasis).toBe('none');
  });

  test.each([
    ['/x/t1.debug2.txt', 't1'],
    ['C:\\dumps\\before.txt', 'before'],
    ['dump', 'dump'],
    ['.hidden', '.hidden'],
  ])('stemOf(%s) = %s', (path, stem) => {
    expect(stemOf(path)).toBe(stem);
  });
});
