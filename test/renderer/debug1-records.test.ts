import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { groupSpans, hasRecords, recordGroupKeys, recordKeyFrames } from '../../src/renderer/views/dump-view/debug1-records.js';
import { indexDump, rangesOfSpans } from '../../src/renderer/views/dump-view/dump-index.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const GENERATED = path.join(CORPUS, 'generated');

const f = (func: string, file: string, line: number) => ({ func, file, line });

// A debug=1 profile: a leak of 40 in two records (the same key once runtime frames are dropped, as Go
// 1.19 and a later Go print them), a profiler record, a record of runtime frames only, and one whose
// `go` wrapper frame is dropped from its key. CRLF line ends on purpose.
const DUMP = [
  'goroutine profile: total 45', // 1
  '30 @ 0x43b256 0x40708c 0x68350c 0x46b181', // 2
  '#\t0x40708b\truntime.chansend1+0x1a\t/usr/lib/go/src/runtime/chan.go:145', // 3
  '#\t0x68350b\tmain.send+0x4b\t/src/main.go:84', // 4
  '#\t0x683600\tmain.main.func1+0x20\t/src/main.go:80', // 5
  '', // 6
  '10 @ 0x68350c 0x46b181', // 7
  '# labels: {"job":"a"}', // 8
  '#\t0x68350b\tmain.send+0x4b\t/src/main.go:84', // 9
  '#\t0x683600\tmain.main.func1+0x20\t/src/main.go:80', // 10
  '#\t0x45f8a1', // 11
  '', // 12
  '1 @ 0x430856 0x4656a5 0x671dcb 0x680fa5', // 13
  '#\t0x4656a4\truntime/pprof.runtime_goroutineProfileWithLabels+0x24\t/usr/lib/go/src/runtime/mprof.go:846', // 14
  '#\t0x671dca\truntime/pprof.(*Profile).WriteTo+0x14a\t/usr/lib/go/src/runtime/pprof/pprof.go:330', // 15
  '#\t0x680fa4\tnet/http/pprof.handler.ServeHTTP+0x4a4\t/usr/lib/go/src/net/http/pprof/pprof.go:253', // 16
  '', // 17
  '3 @ 0x46b1e1', // 18
  '', // 19
  '1 @ 0x1 0x2', // 20
  '#\t0x1\tmain.worker+0x1\t/src/w.go:9', // 21
  '#\t0x2\tmain.start.gowrap1+0x1\t/src/w.go:3', // 22
].join('\r\n');

const GROUPS = [
  { key: 'leak', frames: [f('main.send', '/src/main.go', 84), f('main.main.func1', '/src/main.go', 80)] },
  { key: 'pprof', frames: [f('runtime/pprof.(*Profile).WriteTo', '/usr/lib/go/src/runtime/pprof/pprof.go', 330), f('net/http/pprof.handler.ServeHTTP', '/usr/lib/go/src/net/http/pprof/pprof.go', 253)] },
  { key: 'unstarted', frames: [] },
  { key: 'worker', frames: [f('main.worker', '/src/w.go', 9)] },
  { key: 'elsewhere', frames: [f('main.other', '/src/o.go', 1)] },
];

describe('recordKeyFrames mirrors the group key', () => {
  test.each([
    { name: 'leading runtime frames dropped', input: [f('runtime.gopark', 'proc.go', 1), f('main.f', 'm.go', 2)], want: [f('main.f', 'm.go', 2)] },
    { name: 'C-runtime frames of Go ≤ 1.4 dropped', input: [f('goexit', 'asm.s', 1), f('main.f', 'm.go', 2)], want: [f('main.f', 'm.go', 2)] },
    { name: 'the profiler above WriteTo dropped', input: [f('runtime/pprof.writeGoroutine', 'p.go', 1), f('runtime/pprof.(*Profile).WriteTo', 'p.go', 2), f('main.h', 'm.go', 3)], want: [f('runtime/pprof.(*Profile).WriteTo', 'p.go', 2), f('main.h', 'm.go', 3)] },
    { name: 'a go statement wrapper dropped', input: [f('main.w', 'w.go', 9), f('main.s.gowrap2', 'w.go', 3)], want: [f('main.w', 'w.go', 9)] },
    { name: 'runtime frames only: kept, minus goexit', input: [f('runtime.bgsweep', 'mgc.go', 1), f('runtime.goexit', 'asm.s', 2)], want: [f('runtime.bgsweep', 'mgc.go', 1)] },
    { name: 'no frames', input: [], want: [] },
  ])('$name', ({ input, want }) => {
    expect(recordKeyFrames(input)).toEqual(want);
  });
});

describe('a group’s records in debug=1 text', () => {
  const index = indexDump(DUMP);

  test('recordGroupKeys names the group of each record by its frames; a record no group has gets null', () => {
    expect(index.spans.map((s) => [s.startLine, s.endLine])).toEqual([[2, 5], [7, 11], [13, 16], [18, 18], [20, 22]]);
    expect(hasRecords(index)).toBe(true);
    expect(recordGroupKeys(DUMP, index, GROUPS)).toEqual(['leak', 'leak', 'pprof', 'unstarted', 'worker']);
    expect(recordGroupKeys(DUMP, index, GROUPS.filter((g) => g.key !== 'pprof'))).toEqual(['leak', 'leak', null, 'unstarted', 'worker']);
  });

  test('groupSpans gives the group’s records in text order; the highlight merges the two neighbours', () => {
    const keys = recordGroupKeys(DUMP, index, GROUPS);
    const leak = groupSpans(index, [], keys, 'leak');
    expect(leak.map((s) => s.startLine)).toEqual([2, 7]);
    expect(rangesOfSpans(leak)).toEqual([{ startLine: 2, endLine: 11 }]);
    expect(groupSpans(index, [], keys, 'worker')).toEqual([{ id: null, startLine: 20, endLine: 22 }]);
    expect(groupSpans(index, [], keys, 'elsewhere')).toEqual([]);
    expect(groupSpans(index, [], keys, null)).toEqual([]);
  });

  test('a traceback is found by id and has no records', () => {
    const text = 'goroutine 7 [chan send]:\nmain.send()\n\t/src/main.go:84 +0x4b\n\ngoroutine 9 [chan send]:\nmain.send()\n\t/src/main.go:84 +0x4b\n';
    const tb = indexDump(text);
    expect(hasRecords(tb)).toBe(false);
    const keys = recordGroupKeys(text, tb, GROUPS);
    expect(keys).toEqual([null, null]);
    expect(groupSpans(tb, [9, 7], keys, 'leak').map((s) => s.id)).toEqual([7, 9]);
  });
});

/** `300 @ 0x43b256 …` → 300. */
function recordCount(lines: readonly string[], startLine: number): number {
  return Number(/^(\d+) @/.exec(lines[startLine - 1]!)![1]);
}

describe('the corpus: every debug=1 record lands in the group the parser put it in', () => {
  const files = readdirSync(GENERATED, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
    .flatMap((d) => readdirSync(path.join(GENERATED, d.name)).filter((n) => n.endsWith('debug1.txt')).map((n) => path.join(d.name, n)));

  test('52 debug=1 files in the generated corpus', () => {
    expect(files).toHaveLength(52);
  });

  test.each(files)('%s', (file) => {
    const bytes = readFileSync(path.join(GENERATED, file));
    const text = bytes.toString('utf8');
    const [snapshot] = parseSnapshots(bytes);
    const index = indexDump(text);
    const keys = recordGroupKeys(text, index, snapshot!.groups);
    expect(keys.filter((k) => k === null)).toEqual([]);
    const lines = text.split('\n');
    const counted = new Map<string, number>();
    keys.forEach((key, i) => counted.set(key!, (counted.get(key!) ?? 0) + recordCount(lines, index.spans[i]!.startLine)));
    expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(snapshot!.groups.map((g) => [g.key, g.count])));
  });

  test('01 t1: the leak of 100 is one record, highlighted on its two lines', () => {
    const file = path.join(GENERATED, '01-chan-send-no-receiver', 't1.debug1.txt');
    const text = readFileSync(file, 'utf8');
    const leak = parseSnapshots(readFileSync(file))[0]!.groups[0]!;
    expect([leak.count, leak.blockingSite?.line]).toEqual([100, 84]);
    const index = indexDump(text);
    const spans = groupSpans(index, leak.ids, recordGroupKeys(text, index, [leak]), leak.key);
    expect(rangesOfSpans(spans)).toEqual([{ startLine: 2, endLine: 3 }]);
  });
});
