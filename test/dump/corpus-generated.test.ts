// The numbers the generated corpus READMEs state (../shared/corpus/generated/*/README.md), asserted by
// value for every leak pattern, snapshot and format.
import { describe, expect, it } from 'vitest';
import type { Group, Snapshot } from '../../src/shared/model.js';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { corpusBytes, countedIn, groupBlockedIn, groupsBlockedIn, siteOf, snapshotOf } from './corpus.js';

type Format = 'debug1.txt' | 'debug2.txt' | 'debug0.pb.gz';
const FORMATS: readonly Format[] = ['debug1.txt', 'debug2.txt', 'debug0.pb.gz'];

interface Leak {
  func: string;
  /** Blocking site as `file basename:line`. */
  site: string;
  createdBy: { func: string; site: string };
  /** State in debug=2 (Go 1.19 prints `semacquire` for Mutex and WaitGroup alike). */
  state: string;
  /** Leaked goroutines of this stack per snapshot t0, t1, … */
  counts: readonly number[];
}

interface Pattern {
  dir: string;
  /** Goroutines per snapshot: debug=1 `total` = debug=2 count = expvar `goroutines` (README table). */
  totals: readonly number[];
  /** debug=2 headers carrying `, N minutes` per snapshot (README table, last column). */
  withMinutes: readonly number[];
  leaks: readonly Leak[];
}

const UNIT = [0, 100, 300, 300];

const PATTERNS: readonly Pattern[] = [
  {
    dir: '01-chan-send-no-receiver',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 300],
    leaks: [{ func: 'main.fetchWithTimeout.func1', site: 'main.go:84', createdBy: { func: 'main.fetchWithTimeout', site: 'main.go:83' }, state: 'chan send', counts: UNIT }],
  },
  {
    dir: '02-chan-receive-never-closed',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 300],
    leaks: [{ func: 'main.consume', site: 'main.go:92', createdBy: { func: 'main.startPipeline', site: 'main.go:83' }, state: 'chan receive', counts: UNIT }],
  },
  {
    dir: '03-forgotten-context-cancel',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 302],
    leaks: [{ func: 'main.subscriptionWorker', site: 'main.go:94', createdBy: { func: 'main.startSubscription.func1', site: 'main.go:88' }, state: 'select', counts: UNIT }],
  },
  {
    dir: '05-mutex-held-forever',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 300],
    leaks: [{ func: 'main.recordHit', site: 'main.go:105', createdBy: { func: 'main.handleHit', site: 'main.go:101' }, state: 'semacquire', counts: UNIT }],
  },
  {
    dir: '06-waitgroup-never-done',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 300],
    leaks: [{ func: 'main.collect', site: 'main.go:93', createdBy: { func: 'main.fanOut', site: 'main.go:89' }, state: 'semacquire', counts: UNIT }],
  },
  {
    dir: '07-select-nil-channels',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 300],
    leaks: [
      { func: 'main.(*watcher).loop', site: 'main.go:96', createdBy: { func: 'main.leakOne', site: 'main.go:86' }, state: 'select', counts: [0, 34, 100, 100] },
      { func: 'main.(*watcher).waitUpdate', site: 'main.go:107', createdBy: { func: 'main.leakOne', site: 'main.go:88' }, state: 'chan receive (nil chan)', counts: [0, 33, 100, 100] },
      { func: 'main.(*watcher).park', site: 'main.go:113', createdBy: { func: 'main.leakOne', site: 'main.go:90' }, state: 'select (no cases)', counts: [0, 33, 100, 100] },
    ],
  },
  {
    dir: '08-sleep-forever-loop',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 302],
    leaks: [{ func: 'main.heartbeat', site: 'main.go:86', createdBy: { func: 'main.startHeartbeat', site: 'main.go:81' }, state: 'sleep', counts: UNIT }],
  },
  {
    dir: '11-large-50k-leak',
    totals: [3, 50_003],
    withMinutes: [0, 0],
    leaks: [{ func: 'main.(*session).next', site: 'main.go:116', createdBy: { func: 'main.openSession', site: 'main.go:102' }, state: 'chan receive', counts: [0, 50_000] }],
  },
  {
    dir: '12-stripped-binary',
    totals: [3, 103, 303, 303],
    withMinutes: [0, 0, 0, 300],
    leaks: [{ func: 'main.fetchWithTimeout.func1', site: 'main.go:84', createdBy: { func: 'main.fetchWithTimeout', site: 'main.go:83' }, state: 'chan send', counts: UNIT }],
  },
  {
    dir: '14-go127-leak-profile',
    totals: [3, 253, 753],
    withMinutes: [0, 0, 0],
    leaks: [
      { func: 'main.replica', site: 'main.go:38', createdBy: { func: 'main.fetchFirst', site: 'main.go:44' }, state: 'chan send', counts: [0, 100, 300] },
      { func: 'main.gather', site: 'main.go:53', createdBy: { func: 'main.leakOne', site: 'main.go:72' }, state: 'sync.WaitGroup.Wait', counts: [0, 50, 150] },
      { func: 'main.recordHit', site: 'main.go:57', createdBy: { func: 'main.leakOne', site: 'main.go:73' }, state: 'sync.Mutex.Lock', counts: [0, 50, 150] },
      { func: 'main.watch', site: 'main.go:66', createdBy: { func: 'main.leakOne', site: 'main.go:74' }, state: 'chan receive', counts: [0, 50, 150] },
    ],
  },
];

function file(dir: string, t: number, suffix: string): string {
  return `generated/${dir}/t${t}.${suffix}`;
}

function cases(): { name: string; pattern: Pattern; t: number; format: Format }[] {
  return PATTERNS.flatMap((pattern) =>
    pattern.totals.flatMap((_, t) => FORMATS.map((format) => ({ name: `${pattern.dir} t${t} ${format}`, pattern, t, format }))),
  );
}

describe('generated leak patterns: totals and the leak groups per snapshot and format', () => {
  it.each(cases())('$name', ({ pattern, t, format }) => {
    const s = snapshotOf(file(pattern.dir, t, format));
    expect(s.format).toBe(format === 'debug1.txt' ? 'debug1' : format === 'debug2.txt' ? 'traceback' : 'pprof-proto');
    expect(s.total).toBe(pattern.totals[t]);
    expect(countedIn(s)).toBe(pattern.totals[t]);
    expect(s.warnings).toEqual([]);
    for (const leak of pattern.leaks) {
      const expected = leak.counts[t]!;
      if (expected === 0) {
        expect(groupsBlockedIn(s, leak.func)).toEqual([]);
        continue;
      }
      const g = groupBlockedIn(s, leak.func);
      expect(g.count).toBe(expected);
      expect(siteOf(g.blockingSite)).toBe(leak.site);
      if (format === 'debug2.txt') {
        expect(g.createdBy?.func).toBe(leak.createdBy.func);
        expect(siteOf(g.createdBy)).toBe(leak.createdBy.site);
        expect(g.states).toEqual({ [leak.state]: expected });
        expect(g.ids).toHaveLength(expected);
        expect(g.maxWaitMinutes).toBe(pattern.withMinutes[t]! > 0 ? 1 : 0);
      } else {
        // Profiles know neither the creator, nor states, nor goroutine ids.
        expect(g.createdBy).toBeNull();
        expect(g.states).toEqual({});
        expect(g.ids).toEqual([]);
        expect(g.maxWaitMinutes).toBeNull();
      }
    }
  });

  it.each(PATTERNS.flatMap((p) => p.withMinutes.map((n, t) => ({ name: `${p.dir} t${t}`, dir: p.dir, t, n }))))(
    '$name: debug=2 headers with `, N minutes` ($n)',
    ({ dir, t, n }) => {
      const [dump] = parseDump(corpusBytes(file(dir, t, 'debug2.txt')));
      expect(dump!.samples.filter((s) => s.goroutine!.waitMinutes > 0)).toHaveLength(n);
    },
  );
});

describe('expvar /debug/vars: the `goroutines` gauge of each snapshot', () => {
  const table: [string, readonly number[]][] = [
    ...PATTERNS.map((p): [string, readonly number[]] => [p.dir, p.totals]),
    ['04-http-body-not-closed', [4, 304, 904, 904]],
    ['09-healthy-control', [11, 28, 34, 28, 29, 11]],
    ['10-spike-then-drain', [3, 803, 3, 3]],
  ];
  it.each(table.flatMap(([dir, gauges]) => gauges.map((n, t) => ({ name: `${dir} t${t}`, dir, t, n }))))('$name: $n', ({ dir, t, n }) => {
    const s = snapshotOf(file(dir, t, 'vars.json'));
    expect(s.format).toBe('expvar');
    expect(s.metrics?.numGoroutine).toBe(n);
    expect(s.total).toBe(n);
    expect(s.groups).toEqual([]);
    expect(s.metrics?.heapAllocBytes).toBeGreaterThan(0);
  });
});

/** The goroutines of `(*conn).serve`, any stack (a connection reading, writing or in a handler). */
function connServe(s: Snapshot): number {
  return s.groups.filter((g) => g.frames.at(-1)?.func === 'net/http.(*conn).serve').reduce((n, g) => n + g.count, 0);
}

describe('04-http-body-not-closed: three leaked goroutines per request', () => {
  const LOOPS = [
    { func: 'net/http.(*persistConn).readLoop', site: 'transport.go:2213', created: 'transport.go:1751', state: 'select' },
    { func: 'net/http.(*persistConn).writeLoop', site: 'transport.go:2392', created: 'transport.go:1752', state: 'select' },
  ];
  /** The upstream server's connection waiting for a next request: no main. frame anywhere. */
  const upstreamConn = (s: Snapshot): Group[] => s.groups.filter((g) => g.frames.some((f) => f.func === 'net/http.(*conn).readRequest'));

  it.each([0, 1, 2, 3].flatMap((t) => FORMATS.map((format) => ({ name: `t${t} ${format}`, t, format }))))('$name', ({ t, format }) => {
    const s = snapshotOf(file('04-http-body-not-closed', t, format));
    const perLoop = UNIT[t]!;
    expect(s.total).toBe([4, 304, 904, 904][t]);
    for (const loop of LOOPS) {
      if (perLoop === 0) {
        expect(groupsBlockedIn(s, loop.func)).toEqual([]);
        continue;
      }
      const g = groupBlockedIn(s, loop.func);
      expect(g.count).toBe(perLoop);
      expect(siteOf(g.blockingSite)).toBe(loop.site);
      if (format === 'debug2.txt') {
        expect(g.createdBy?.func).toBe('net/http.(*Transport).dialConn');
        expect(siteOf(g.createdBy)).toBe(loop.created);
        expect(g.states).toEqual({ [loop.state]: perLoop });
      }
    }
    const conns = upstreamConn(s);
    expect(conns.reduce((n, g) => n + g.count, 0)).toBe(perLoop);
    if (perLoop > 0) {
      expect(conns).toHaveLength(1);
      const g = conns[0]!;
      expect(g.blockingSite?.func).toBe('internal/poll.runtime_pollWait');
      expect(siteOf(g.blockingSite)).toBe('netpoll.go:305');
      expect(g.frames.some((f) => f.func.startsWith('main.'))).toBe(false);
      if (format === 'debug2.txt') {
        expect(g.createdBy?.func).toBe('net/http.(*Server).Serve');
        expect(siteOf(g.createdBy)).toBe('server.go:3102');
        expect(g.states).toEqual({ 'IO wait': perLoop });
      }
    }
    // readLoop + writeLoop + upstream conn = 3 per leaked request: 0 / 300 / 900 / 900.
    const leaked = LOOPS.reduce((n, l) => n + groupsBlockedIn(s, l.func).reduce((m, g) => m + g.count, 0), 0) + perLoop;
    expect(leaked).toBe([0, 300, 900, 900][t]);
  });
});

describe('09-healthy-control: a flat pool under load', () => {
  const DEBUG1 = [11, 28, 28, 44, 28, 11];
  const DEBUG2 = [11, 30, 35, 33, 43, 11];
  const CONN_SERVE = [1, 18, 18, 18, 18, 1];

  it.each(DEBUG2.map((n, t) => ({ t, n })))('t$t: debug=2 count $n, 8 idle workers', ({ t, n }) => {
    const s = snapshotOf(file('09-healthy-control', t, 'debug2.txt'));
    expect(s.total).toBe(n);
    expect(snapshotOf(file('09-healthy-control', t, 'debug1.txt')).total).toBe(DEBUG1[t]);
    const worker = groupBlockedIn(s, 'main.(*pool).worker');
    expect(worker.count).toBe(8);
    expect(siteOf(worker.blockingSite)).toBe('main.go:70');
    expect(worker.states).toEqual({ 'chan receive': 8 });
    expect(worker.createdBy?.func).toBe('main.setup');
    expect(siteOf(worker.createdBy)).toBe('main.go:64');
    expect(connServe(s)).toBe(CONN_SERVE[t]);
  });

  it('t1–t4 include goroutines caught runnable and in sync.Cond.Wait and syscall', () => {
    const states = new Set([1, 2, 3, 4].flatMap((t) => snapshotOf(file('09-healthy-control', t, 'debug2.txt')).groups.flatMap((g) => Object.keys(g.states))));
    expect([...states].sort()).toEqual(['IO wait', 'chan receive', 'runnable', 'running', 'sync.Cond.Wait', 'syscall']);
  });
});

describe('10-spike-then-drain: 400 in-flight requests at t1, none after', () => {
  it.each([0, 1, 2, 3].flatMap((t) => FORMATS.map((format) => ({ name: `t${t} ${format}`, t, format }))))('$name', ({ t, format }) => {
    const s = snapshotOf(file('10-spike-then-drain', t, format));
    expect(s.total).toBe([3, 803, 3, 3][t]);
    const slow = groupsBlockedIn(s, 'main.callSlowBackend');
    if (t !== 1) {
      expect(slow).toEqual([]);
      return;
    }
    expect(slow).toHaveLength(1);
    const g = slow[0]!;
    expect(g.count).toBe(400);
    expect(siteOf(g.blockingSite)).toBe('main.go:72');
    expect(g.frames.map((f) => `${f.func} ${siteOf(f)}`)).toContain('main.handleSlow main.go:62');
    expect(g.frames.at(-1)?.func).toBe('net/http.(*conn).serve');
    if (format === 'debug2.txt') {
      expect(g.states).toEqual({ select: 400 });
      expect(g.createdBy).toEqual({ func: 'net/http.(*Server).Serve', file: '/usr/lib/go-1.19/src/net/http/server.go', line: 3102 });
      const background = s.groups.filter((x) => x.frames.at(-1)?.func === 'net/http.(*connReader).backgroundRead');
      expect(background.reduce((n, x) => n + x.count, 0)).toBe(401);
      expect(background.every((x) => x.createdBy?.func === 'net/http.(*connReader).startBackgroundRead' && x.createdBy.line === 674)).toBe(true);
      expect(s.groups.every((x) => x.maxWaitMinutes === 0)).toBe(true);
    }
  });
});

describe('13-crash-formats: Go 1.19 traceback formats', () => {
  // headers = goroutines + OS-thread stacks (`goroutine 0 [idle]`, one per SIGQUIT section).
  const HEADERS: [string, number, number][] = [
    ['sigquit-gotraceback-default.txt', 13, 1],
    ['sigquit-gotraceback-all.txt', 13, 1],
    ['sigquit-gotraceback-system.txt', 13, 1],
    ['sigquit-gotraceback-crash.txt', 13, 7],
    ['panic-recovered-repanic.txt', 1, 0],
    ['panic-recovered-gotraceback-all.txt', 7, 0],
    ['panic-nil-deref-sigsegv.txt', 1, 0],
    ['fatal-deadlock.txt', 2, 0],
    ['panic-tracebackancestors.txt', 1, 0],
    ['runtime-stack-all.txt', 7, 0],
  ];
  it.each(HEADERS)('%s: %i goroutines + %i thread stacks', (name, total, threads) => {
    const text = new TextDecoder().decode(corpusBytes(`generated/13-crash-formats/${name}`));
    const headers = text.split('\n').filter((l) => /^goroutine \d+ (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[.*\]:$/.test(l));
    expect(headers).toHaveLength(total + threads);
    const s = snapshotOf(`generated/13-crash-formats/${name}`);
    expect(s.total).toBe(total);
    expect(countedIn(s)).toBe(total);
    expect(s.threadStacks).toBe(threads);
  });

  const BACKGROUND = [
    { func: 'main.waitForever', site: 'main.go:47', state: 'chan receive', count: 3, created: 'main.go:31', isLocked: false },
    { func: 'main.lockedWorker', site: 'main.go:51', state: 'sleep', count: 1, created: 'main.go:34', isLocked: true },
    { func: 'main.labelledSleeper', site: 'main.go:55', state: 'select', count: 1, created: 'main.go:37', isLocked: false },
    { func: 'main.(*server).blockedOnMutex', site: 'main.go:62', state: 'semacquire', count: 1, created: 'main.go:42', isLocked: false },
  ];
  it.each(['sigquit-gotraceback-default.txt', 'sigquit-gotraceback-crash.txt', 'panic-recovered-gotraceback-all.txt', 'runtime-stack-all.txt'])(
    '%s: the background goroutines, no labels (Go 1.19 tracebacks never print them)',
    (name) => {
      const s = snapshotOf(`generated/13-crash-formats/${name}`);
      for (const b of BACKGROUND) {
        const g = groupBlockedIn(s, b.func);
        expect(g.count).toBe(b.count);
        expect(siteOf(g.blockingSite)).toBe(b.site);
        expect(g.states).toEqual({ [b.state]: b.count });
        expect(g.isLocked).toBe(b.isLocked);
        expect(siteOf(g.createdBy)).toBe(b.created);
        expect(g.labels).toEqual([]);
      }
    },
  );

  it('sigquit-gotraceback-default: runtime goroutines are counted, main is [select (no cases)]', () => {
    const s = snapshotOf('generated/13-crash-formats/sigquit-gotraceback-default.txt');
    const states = Object.fromEntries(s.groups.flatMap((g) => Object.entries(g.states)).sort());
    expect(states).toEqual({
      'GC scavenge wait': 1,
      'GC sweep wait': 1,
      'GC worker (idle)': 2,
      'chan receive': 3,
      'finalizer wait': 1,
      'force gc (idle)': 1,
      select: 1,
      'select (no cases)': 1,
      semacquire: 1,
      sleep: 1,
    });
    expect(s.warnings).toEqual([{ line: 1, message: 'skipped 3 line(s) of text before the first goroutine (lines 1–3): not part of a goroutine dump' }]);
  });

  it('panic-recovered-repanic: only the panicking goroutine; panic({…}) dropped, inlined main.process(...) kept', () => {
    const s = snapshotOf('generated/13-crash-formats/panic-recovered-repanic.txt');
    expect(s.groups).toHaveLength(1);
    expect(s.groups[0]!.frames.map((f) => `${f.func} ${siteOf(f)}`)).toEqual([
      'main.handle.func1 main.go:79',
      'main.process main.go:87',
      'main.handle main.go:82',
      'main.main main.go:113',
    ]);
  });

  it('fatal-deadlock: goroutine 1 [semacquire] in WaitGroup.Wait, goroutine 6 [chan send]', () => {
    const s = snapshotOf('generated/13-crash-formats/fatal-deadlock.txt');
    expect(s.groups.map((g) => [g.ids, g.states, g.blockingSite?.func, siteOf(g.blockingSite)])).toEqual([
      [[1], { semacquire: 1 }, 'main.main', 'main.go:125'],
      [[6], { 'chan send': 1 }, 'main.main.func1', 'main.go:122'],
    ]);
    expect(s.groups[0]!.frames.map((f) => f.func)).toContain('sync.(*WaitGroup).Wait');
  });

  it('panic-tracebackancestors: ancestor sections are read past, not counted', () => {
    const s = snapshotOf('generated/13-crash-formats/panic-tracebackancestors.txt');
    expect(s.groups).toHaveLength(1);
    expect(s.groups[0]!.ids).toEqual([22]);
    expect(s.groups[0]!.createdBy).toEqual({ func: 'main.spawnChain', file: '/tmp/corpus/gen/13-crash-formats/main.go', line: 93 });
  });
});

describe('14-go127-leak-profile: Go 1.27 goroutineleak profile and (leaked) states', () => {
  it.each(['t2.leak.debug1.txt', 't2.leak.debug0.pb.gz'])('%s proves A and B only: 450 = 300 + 150', (name) => {
    const s = snapshotOf(`generated/14-go127-leak-profile/${name}`);
    expect(s.profile).toBe('goroutineleak');
    expect(s.total).toBe(450);
    expect(s.groups.map((g) => [g.count, g.blockingSite?.func, siteOf(g.blockingSite)])).toEqual([
      [300, 'main.replica', 'main.go:38'],
      [150, 'main.gather', 'main.go:53'],
    ]);
    expect(s.groups.map((g) => g.key)).toEqual(
      ['main.replica', 'main.gather'].map((f) => groupBlockedIn(snapshotOf('generated/14-go127-leak-profile/t2.debug2.txt'), f).key),
    );
  });

  it('t2.leak.debug1.txt: the text header is `goroutineleak profile: total 450`', () => {
    const [dump] = parseDump(corpusBytes('generated/14-go127-leak-profile/t2.leak.debug1.txt'));
    expect(dump!.format).toBe('debug1');
    expect(dump!.declaredTotal).toBe(450);
  });

  it('t2.debug2.txt: A and B carry `(leaked)`, counted in leakedCount; C and D do not', () => {
    const s = snapshotOf('generated/14-go127-leak-profile/t2.debug2.txt');
    const leaked = (f: string): [number, number, Record<string, number>] => {
      const g = groupBlockedIn(s, f);
      return [g.count, g.leakedCount, g.states];
    };
    expect(leaked('main.replica')).toEqual([300, 300, { 'chan send': 300 }]);
    expect(leaked('main.gather')).toEqual([150, 150, { 'sync.WaitGroup.Wait': 150 }]);
    expect(leaked('main.recordHit')).toEqual([150, 0, { 'sync.Mutex.Lock': 150 }]);
    expect(leaked('main.watch')).toEqual([150, 0, { 'chan receive': 150 }]);
    expect(groupBlockedIn(s, 'main.recordHit').frames.map((f) => f.func)).toContain('internal/sync.(*Mutex).lockSlow');
  });

  it('t1.debug2.txt was taken before any leak-profile request: nothing is marked (leaked)', () => {
    const s = snapshotOf('generated/14-go127-leak-profile/t1.debug2.txt');
    expect(s.groups.reduce((n, g) => n + g.leakedCount, 0)).toBe(0);
  });

  it('t2.sigquit-gotraceback-all.txt: 759 headers = 758 goroutines + goroutine 0, same four leaks', () => {
    const s = snapshotOf('generated/14-go127-leak-profile/t2.sigquit-gotraceback-all.txt');
    expect(s.total + s.threadStacks).toBe(759);
    expect(s.threadStacks).toBe(1);
    const debug2 = snapshotOf('generated/14-go127-leak-profile/t2.debug2.txt');
    for (const [func, count, leaked] of [
      ['main.replica', 300, 300],
      ['main.gather', 150, 150],
      ['main.recordHit', 150, 0],
      ['main.watch', 150, 0],
    ] as const) {
      const g = groupBlockedIn(s, func);
      expect([g.count, g.leakedCount]).toEqual([count, leaked]);
      // `main.fetchFirst.gowrap1`, printed only in SIGQUIT tracebacks, is not part of the key.
      expect(g.key).toBe(groupBlockedIn(debug2, func).key);
    }
    expect(s.warnings).toEqual([{ line: 1, message: 'skipped 3 line(s) of text before the first goroutine (lines 1–3): not part of a goroutine dump' }]);
  });
});

describe('03-forgotten-context-cancel: pprof labels', () => {
  const TENANT = (n: number, count: number) => ({ labels: { component: 'subscription-worker', tenant: `tenant-${n}` }, count });
  it.each([
    ['t1.debug1.txt', 100, [34, 33, 33]],
    ['t2.debug1.txt', 300, [100, 100, 100]],
    ['t3.debug1.txt', 300, [100, 100, 100]],
    ['t1.debug0.pb.gz', 100, [34, 33, 33]],
    ['t2.debug0.pb.gz', 300, [100, 100, 100]],
    ['t3.debug0.pb.gz', 300, [100, 100, 100]],
  ] as const)('%s: the three tenant records merge into one group of %i', (name, count, perTenant) => {
    const s = snapshotOf(`generated/03-forgotten-context-cancel/${name}`);
    const g = groupBlockedIn(s, 'main.subscriptionWorker');
    expect(g.count).toBe(count);
    expect([...g.labels].sort((a, b) => (a.labels['tenant']! < b.labels['tenant']! ? -1 : 1))).toEqual(perTenant.map((c, i) => TENANT(i, c)));
  });

  it('debug=1 prints `# labels:` per record: 3 records for one stack', () => {
    const [dump] = parseDump(corpusBytes('generated/03-forgotten-context-cancel/t2.debug1.txt'));
    const records = dump!.samples.filter((s) => s.frames[0]?.func === 'main.subscriptionWorker');
    expect(records.map((r) => [r.count, r.labels])).toEqual([0, 1, 2].map((n) => [100, { component: 'subscription-worker', tenant: `tenant-${n}` }]));
  });

  it('debug=2 (Go 1.19) has no labels', () => {
    expect(groupBlockedIn(snapshotOf('generated/03-forgotten-context-cancel/t2.debug2.txt'), 'main.subscriptionWorker').labels).toEqual([]);
  });
});

describe('12-stripped-binary: stripping changes nothing', () => {
  it.each([1, 2, 3].flatMap((t) => FORMATS.map((format) => ({ name: `t${t} ${format}`, t, format }))))('$name: same leak key as 01', ({ t, format }) => {
    const stripped = groupBlockedIn(snapshotOf(file('12-stripped-binary', t, format)), 'main.fetchWithTimeout.func1');
    const plain = groupBlockedIn(snapshotOf(file('01-chan-send-no-receiver', t, format)), 'main.fetchWithTimeout.func1');
    expect(stripped.key).toBe(plain.key);
    expect(stripped.frames).toEqual(plain.frames);
    expect(stripped.blockingSite?.file).toBe('/tmp/corpus/gen/01-chan-send-no-receiver/main.go');
  });
});

describe('11-large-50k-leak: 50,000 goroutines in one group', () => {
  it('t1.debug2.txt: the inlined main.(*session).next(...) frame comes first, then readEvents', () => {
    const g = groupBlockedIn(snapshotOf('generated/11-large-50k-leak/t1.debug2.txt'), 'main.(*session).next');
    expect(g.frames.map((f) => `${f.func} ${siteOf(f)}`)).toEqual(['main.(*session).next main.go:116', 'main.(*session).readEvents main.go:107']);
    expect(g.ids).toHaveLength(50_000);
    expect(new Set(g.ids).size).toBe(50_000);
  });
});
