// Must show (issue 5): for every generated leak pattern, one format at a time in t0…tN order, the
// suspects are exactly the leak's groups with the README's blocking file:line and count, and the
// creation site where the format carries one (debug=2). 09 and 10: no suspect.
import { describe, expect, test } from 'vitest';
import { analyzeSession } from '../../src/main/analysis/analyze-session.js';
import { loadCorpus } from './helpers.js';

interface Leak {
  func: string;
  file: string;
  line: number;
  count: number;
  createdBy: { func: string; file: string; line: number };
  isRuntimeProved?: boolean;
  pattern?: string;
}

const T4 = ['t0', 't1', 't2', 't3'];
const chanSend01: Leak = { func: 'main.fetchWithTimeout.func1', file: 'main.go', line: 84, count: 300, createdBy: { func: 'main.fetchWithTimeout', file: 'main.go', line: 83 } };

const PATTERNS: { dir: string; ticks: string[]; leaks: Leak[] }[] = [
  { dir: '01-chan-send-no-receiver', ticks: T4, leaks: [chanSend01] },
  { dir: '02-chan-receive-never-closed', ticks: T4, leaks: [{ func: 'main.consume', file: 'main.go', line: 92, count: 300, createdBy: { func: 'main.startPipeline', file: 'main.go', line: 83 } }] },
  { dir: '03-forgotten-context-cancel', ticks: T4, leaks: [{ func: 'main.subscriptionWorker', file: 'main.go', line: 94, count: 300, createdBy: { func: 'main.startSubscription.func1', file: 'main.go', line: 88 } }] },
  {
    dir: '04-http-body-not-closed',
    ticks: T4,
    leaks: [
      { func: 'net/http.(*persistConn).readLoop', file: 'transport.go', line: 2213, count: 300, createdBy: { func: 'net/http.(*Transport).dialConn', file: 'transport.go', line: 1751 }, pattern: 'http-client-body-not-closed' },
      { func: 'net/http.(*persistConn).writeLoop', file: 'transport.go', line: 2392, count: 300, createdBy: { func: 'net/http.(*Transport).dialConn', file: 'transport.go', line: 1752 }, pattern: 'http-client-body-not-closed' },
      { func: 'internal/poll.runtime_pollWait', file: 'netpoll.go', line: 305, count: 300, createdBy: { func: 'net/http.(*Server).Serve', file: 'server.go', line: 3102 }, pattern: 'http-server-idle-connections' },
    ],
  },
  { dir: '05-mutex-held-forever', ticks: T4, leaks: [{ func: 'main.recordHit', file: 'main.go', line: 105, count: 300, createdBy: { func: 'main.handleHit', file: 'main.go', line: 101 }, pattern: 'mutex-never-unlocked' }] },
  { dir: '06-waitgroup-never-done', ticks: T4, leaks: [{ func: 'main.collect', file: 'main.go', line: 93, count: 300, createdBy: { func: 'main.fanOut', file: 'main.go', line: 89 }, pattern: 'waitgroup-never-done' }] },
  {
    dir: '07-select-nil-channels',
    ticks: T4,
    leaks: [
      { func: 'main.(*watcher).loop', file: 'main.go', line: 96, count: 100, createdBy: { func: 'main.leakOne', file: 'main.go', line: 86 } },
      { func: 'main.(*watcher).waitUpdate', file: 'main.go', line: 107, count: 100, createdBy: { func: 'main.leakOne', file: 'main.go', line: 88 } },
      { func: 'main.(*watcher).park', file: 'main.go', line: 113, count: 100, createdBy: { func: 'main.leakOne', file: 'main.go', line: 90 } },
    ],
  },
  { dir: '08-sleep-forever-loop', ticks: T4, leaks: [{ func: 'main.heartbeat', file: 'main.go', line: 86, count: 300, createdBy: { func: 'main.startHeartbeat', file: 'main.go', line: 81 }, pattern: 'sleep-loop' }] },
  { dir: '11-large-50k-leak', ticks: ['t0', 't1'], leaks: [{ func: 'main.(*session).next', file: 'main.go', line: 116, count: 50_000, createdBy: { func: 'main.openSession', file: 'main.go', line: 102 } }] },
  { dir: '12-stripped-binary', ticks: T4, leaks: [chanSend01] },
  {
    dir: '14-go127-leak-profile',
    ticks: ['t0', 't1', 't2'],
    leaks: [
      { func: 'main.replica', file: 'main.go', line: 38, count: 300, createdBy: { func: 'main.fetchFirst', file: 'main.go', line: 44 }, isRuntimeProved: true },
      { func: 'main.gather', file: 'main.go', line: 53, count: 150, createdBy: { func: 'main.leakOne', file: 'main.go', line: 72 }, isRuntimeProved: true, pattern: 'waitgroup-never-done' },
      { func: 'main.recordHit', file: 'main.go', line: 57, count: 150, createdBy: { func: 'main.leakOne', file: 'main.go', line: 73 }, isRuntimeProved: false, pattern: 'mutex-never-unlocked' },
      { func: 'main.watch', file: 'main.go', line: 66, count: 150, createdBy: { func: 'main.leakOne', file: 'main.go', line: 74 }, isRuntimeProved: false },
    ],
  },
];

// The goroutineleak profile of 14 is evidence for tick t2 in the formats that have a file for it;
// its debug=2 dump carries the runtime's `(leaked)` marks itself.
const FORMATS = [
  { name: 'debug=1', suffix: 'debug1.txt', leakFile: 't2.leak.debug1.txt', hasCreationSite: false },
  { name: 'debug=2', suffix: 'debug2.txt', leakFile: null, hasCreationSite: true },
  { name: 'protobuf', suffix: 'debug0.pb.gz', leakFile: 't2.leak.debug0.pb.gz', hasCreationSite: false },
] as const;

function filesOf(dir: string, ticks: readonly string[], format: (typeof FORMATS)[number]): string[] {
  const files = ticks.map((t) => `${t}.${format.suffix}`);
  if (dir.startsWith('14-') && format.leakFile) files.push(format.leakFile);
  return files;
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

describe.each(FORMATS)('corpus, $name files alone', (format) => {
  test.each(PATTERNS)('$dir: the suspects are exactly the leak groups', ({ dir, ticks, leaks }) => {
    const loaded = loadCorpus(dir, filesOf(dir, ticks, format));
    const { session } = loaded;
    const analysis = analyzeSession(session, { timesAssumed: loaded.timesAssumed });
    const got = analysis.suspects.map((s) => {
      const g = session.groups[s.index]!;
      return {
        func: g.blockingSite?.func,
        file: baseName(g.blockingSite?.file ?? ''),
        line: g.blockingSite?.line,
        count: g.counts[g.counts.length - 1],
        createdBy: g.createdBy ? { func: g.createdBy.func, file: baseName(g.createdBy.file), line: g.createdBy.line } : null,
        isRuntimeProved: s.isRuntimeProved,
      };
    });
    const want = leaks.map((l) => ({
      func: l.func,
      file: l.file,
      line: l.line,
      count: l.count,
      createdBy: format.hasCreationSite ? l.createdBy : null,
      isRuntimeProved: l.isRuntimeProved ?? false,
    }));
    const order = (a: { func?: string }, b: { func?: string }) => (a.func! < b.func! ? -1 : 1);
    expect(got.sort(order)).toEqual(want.sort(order));
    expect(session.ticks).toHaveLength(ticks.length);
    for (const s of analysis.suspects) {
      expect(s.classification.class).toBe('growingLeak');
      expect(s.score).toBeGreaterThanOrEqual(0.6);
    }
  });

  test.each(['09-healthy-control', '10-spike-then-drain'])('%s: no suspect', (dir) => {
    const ticks = dir.startsWith('09') ? ['t0', 't1', 't2', 't3', 't4', 't5'] : T4;
    const { session } = loadCorpus(dir, filesOf(dir, ticks, format));
    const analysis = analyzeSession(session);
    expect(analysis.suspects).toEqual([]);
    expect(analysis.setAside).toEqual([]);
  });
});

describe('corpus, explanations and evidence', () => {
  test.each(FORMATS)('04 ($name): the net/http explanation, supported by the pairs that grew in step', (format) => {
    const { session } = loadCorpus('04-http-body-not-closed', filesOf('04', T4, format));
    const analysis = analyzeSession(session);
    const byFunc = new Map(analysis.suspects.map((s) => [session.groups[s.index]!.blockingSite!.func, s]));
    const readLoop = byFunc.get('net/http.(*persistConn).readLoop')!;
    expect(readLoop.explanation!.pattern).toBe('http-client-body-not-closed');
    expect(readLoop.explanation!.title).toBe('HTTP client response bodies not closed');
    expect(readLoop.explanation!.text).toContain('Close every resp.Body');
    expect(readLoop.explanation!.support).toContain('readLoop +300 and writeLoop +300 grew in step: one pair per connection');
    expect(readLoop.explanation!.support).toContain(
      'server connections (net/http.(*conn).serve) grew +300 in step: the other end of these connections is this same process',
    );
    expect(byFunc.get('net/http.(*persistConn).writeLoop')!.explanation!.pattern).toBe('http-client-body-not-closed');
    expect(byFunc.get('internal/poll.runtime_pollWait')!.explanation!.pattern).toBe('http-server-idle-connections');
  });

  test.each(PATTERNS.filter((p) => p.leaks.some((l) => l.pattern)))('$dir (debug=2): explanation patterns', ({ dir, ticks, leaks }) => {
    const { session } = loadCorpus(dir, filesOf(dir, ticks, FORMATS[1]));
    const analysis = analyzeSession(session);
    for (const leak of leaks.filter((l) => l.pattern)) {
      const s = analysis.suspects.find((x) => session.groups[x.index]!.blockingSite!.line === leak.line)!;
      expect(s.explanation!.pattern).toBe(leak.pattern);
    }
  });

  test('01 (debug=2): ids persist, wait minutes, state and creation site are evidence in numbers and words', () => {
    const { session } = loadCorpus('01-chan-send-no-receiver', T4.map((t) => `${t}.debug2.txt`));
    const [s] = analyzeSession(session).suspects;
    const ev = new Map(s!.evidence.map((e) => [e.kind, e]));
    expect(ev.get('ids')).toMatchObject({ value: 1 });
    expect(ev.get('ids')!.text).toMatch(/^100 of the 100 goroutine ids seen at t1 are still there at t3 \(oldest \d+\), 200 newer ids joined/);
    expect(ev.get('wait')).toEqual({ kind: 'wait', value: 1, text: 'longest wait 1 minute (full dump at t3)' });
    expect(ev.get('state')).toEqual({ kind: 'state', value: 'chan send', text: 'state chan send (300 goroutines at t3)' });
    expect(ev.get('createdBy')!.text).toBe('created by main.fetchWithTimeout at main.go:83');
    expect(ev.get('baseline')).toMatchObject({ value: false });
    expect(ev.get('monotonicity')).toMatchObject({ value: 1 });
    expect(ev.get('counts')!.text).toBe("process totals at t3, as measured: debug=2 303; its +300 is 100 % of the total's growth (+300)");
    expect(s!.explanation!.pattern).toBe('send-without-receiver');
  });

  test('01, every file of each tick: one tick per stem, protobuf timestamps, totals shown as measured', () => {
    const files = T4.flatMap((t) => [`${t}.debug0.pb.gz`, `${t}.debug1.txt`, `${t}.debug2.txt`, `${t}.vars.json`]);
    const loaded = loadCorpus('01-chan-send-no-receiver', files);
    expect(loaded.timesAssumed).toBe(false);
    expect(loaded.session.ticks.map((t) => t.atMs - loaded.session.ticks[0]!.atMs)).toEqual([0, 941, 2003, 64532]);
    expect(loaded.session.ticks.map((t) => t.countFormat)).toEqual(['pprof-proto', 'pprof-proto', 'pprof-proto', 'pprof-proto']);
    expect(loaded.session.fullDumpTicks).toEqual([0, 1, 2, 3]);
    const analysis = analyzeSession(loaded.session);
    expect(analysis.suspects).toHaveLength(1);
    const counts = analysis.suspects[0]!.evidence.find((e) => e.kind === 'counts')!;
    expect(counts.text).toBe("process totals at t3, as measured: protobuf 303, debug=1 303, debug=2 303, NumGoroutine 303; its +300 is 100 % of the total's growth (+300)");
    expect(analysis.counts.text).toBe('t3: protobuf 303, debug=1 303, debug=2 303, NumGoroutine 303; every tick’s totals agree');
  });

  test('14: the runtime proves A and B; C and D stand on their trend, and the note says why', () => {
    const { session } = loadCorpus('14-go127-leak-profile', ['t0.debug1.txt', 't1.debug1.txt', 't2.debug1.txt', 't2.leak.debug1.txt']);
    const analysis = analyzeSession(session);
    expect(session.ticks).toHaveLength(3);
    expect(session.ticks[2]!.hasLeakEvidence).toBe(true);
    const proved = analysis.runtime.proved.map((p) => `${session.groups[p.index]!.blockingSite!.func}=${p.leaked}`).sort();
    expect(proved).toEqual(['main.gather=150', 'main.replica=300']);
    const trendOnly = analysis.runtime.notProved.map((p) => session.groups[p.index]!.blockingSite!.func).sort();
    expect(trendOnly).toEqual(['main.recordHit', 'main.watch']);
    expect(analysis.runtime.note).toContain('cannot see leaks whose channel or lock is reachable from a global variable');
    const c = analysis.suspects.find((s) => session.groups[s.index]!.blockingSite!.func === 'main.recordHit')!;
    expect(c.evidence.find((e) => e.kind === 'runtime')).toEqual({
      kind: 'runtime',
      value: 0,
      text:
        'not in the goroutineleak evidence at t2: the runtime proves only goroutines blocked on a channel or lock that no global variable and no running goroutine can reach, so the trend evidence stands',
    });
  });

  test('11, two ticks: a suspect, with the warning that a spike would look the same', () => {
    const { session } = loadCorpus('11-large-50k-leak', ['t0.debug1.txt', 't1.debug1.txt']);
    const [s] = analyzeSession(session).suspects;
    expect(s!.evidence.find((e) => e.kind === 'ticks')!.text).toBe('only 2 measured tick(s): a spike that drains would look the same; record longer');
    expect(s!.score).toBe(0.7);
  });
});
