import { describe, expect, test } from 'vitest';
import { indexDumpText } from '../../src/main/dump/dump-text-index.js';

// The dump view's index (`snapshot.index`), read with the parser's own grammar: which lines each
// goroutine or debug=1 record spans. Its agreement with the parser on the corpus is checked through
// the api in test/api/snapshot-index.test.ts.

const DUMP = [
  'goroutine 1 [running]:', // 1
  'main.main()', // 2
  '\t/src/main.go:10 +0x1d', // 3
  '', // 4
  'goroutine 7 [chan send, 3 minutes]:', // 5
  'main.worker(0xc000010000)', // 6
  '\t/src/main.go:20 +0x2a', // 7
  'created by main.main in goroutine 1', // 8
  '\t/src/main.go:9 +0x3b', // 9
  '', // 10
  'goroutine 8 [chan send, 3 minutes, locked to thread] {tenant: acme}:', // 11
  'main.worker(0xc000010010)', // 12
  '\t/src/main.go:20 +0x2a', // 13
  '', // 14
  '', // 15
  'goroutine 30 gp=0xc000007a40 m=nil [select]:', // 16
  'main.ticker()', // 17
].join('\n');

const spansOf = (ix: ReturnType<typeof indexDumpText>) => ix.startLines.map((start, i) => ({ id: ix.ids[i], start, end: ix.endLines[i] }));

describe('indexDumpText: goroutines of a traceback', () => {
  test('each goroutine from its header, ended by a blank line, the last one by the end of the text', () => {
    const index = indexDumpText(DUMP, 'traceback');
    expect(index.kind).toBe('goroutines');
    expect(spansOf(index)).toEqual([
      { id: 1, start: 1, end: 3 },
      { id: 7, start: 5, end: 9 },
      { id: 8, start: 11, end: 13 },
      { id: 30, start: 16, end: 17 },
    ]);
    expect(index.lineCount).toBe(17);
    expect(indexDumpText(`${DUMP}\n`, 'traceback').lineCount).toBe(18);
    // `created by … in goroutine 1` is no header; goroutine 8's labels are the header parser's.
    expect(index.labels).toEqual([-1, -1, 0, -1]);
    expect(index.labelSets).toEqual([{ tenant: 'acme' }]);
    expect(index.recordFrames).toEqual([]);
  });

  test('CRLF text and bytes read as the parser reads them', () => {
    const crlf = 'goroutine 3 [IO wait]:\r\nmain.f()\r\n\r\ngoroutine 4 [select]:\r\nmain.g()\r\n';
    const want = [
      { id: 3, start: 1, end: 2 },
      { id: 4, start: 4, end: 5 },
    ];
    expect(spansOf(indexDumpText(crlf, 'traceback'))).toEqual(want);
    expect(spansOf(indexDumpText(new TextEncoder().encode(crlf), 'traceback'))).toEqual(want);
  });

  test('log prefixes are repaired as the parser repairs them', () => {
    const logged = ['2024/05/01 10:00:00 goroutine 12 [chan receive]:', '2024/05/01 10:00:00 main.f()', '2024/05/01 10:00:00 \t/src/main.go:3 +0x1', ''].join('\n');
    expect(spansOf(indexDumpText(logged, 'traceback'))).toEqual([{ id: 12, start: 1, end: 3 }]);
  });

  test('lines that only look like headers are not goroutines', () => {
    const text = ['goroutine 5 [chan receive (leaked)]:', 'main.f()', 'goroutine 6 is not a header', 'goroutine 7 [x]: trailing text', ''].join('\n');
    expect(spansOf(indexDumpText(text, 'traceback'))).toEqual([{ id: 5, start: 1, end: 4 }]);
  });
});

describe('indexDumpText: records of a debug=1 profile', () => {
  // A leak of 40 in two records, a record with labels and an unsymbolised PC, a record without `#`
  // lines (a goroutine that has not run: RUNTIME_ONLY, as the parser keeps it). CRLF on purpose.
  const PROFILE = [
    '30 @ 0x1 0x2', // 1: before the profile header: not a record
    'goroutine profile: total 45', // 2
    '30 @ 0x43b256 0x40708c 0x68350c 0x46b181', // 3
    '#\t0x40708b\truntime.chansend1+0x1a\t/usr/lib/go/src/runtime/chan.go:145', // 4
    '#\t0x68350b\tmain.send+0x4b\t/src/main.go:84', // 5
    '', // 6
    '10 @ 0x68350c 0x46b181', // 7
    '# labels: {"job":"a b"}', // 8
    '#\t0x68350b\tmain.send+0x4b\t/src/main.go:84', // 9
    '#\t0x45f8a1', // 10
    '', // 11
    '3 @ 0x46b1e1', // 12
    '', // 13
  ].join('\r\n');

  test('each record from its `N @` line, with its frames and labels', () => {
    const index = indexDumpText(PROFILE, 'debug1');
    expect(index.kind).toBe('records');
    expect(spansOf(index)).toEqual([
      { id: -1, start: 3, end: 5 },
      { id: -1, start: 7, end: 10 },
      { id: -1, start: 12, end: 12 },
    ]);
    expect(index.labels).toEqual([-1, 0, -1]);
    expect(index.labelSets).toEqual([{ job: 'a b' }]);
    expect(index.recordFrames).toEqual([
      [
        { func: 'runtime.chansend1', file: '/usr/lib/go/src/runtime/chan.go', line: 145 },
        { func: 'main.send', file: '/src/main.go', line: 84 },
      ],
      [{ func: 'main.send', file: '/src/main.go', line: 84 }],
      [{ func: 'runtime.goexit', file: '', line: 0 }],
    ]);
  });

  test('a second profile header starts over without a blank line before it', () => {
    const two = ['goroutine profile: total 1', '1 @ 0x1', '#\t0x1\tmain.f+0x1\t/src/f.go:1', 'goroutineleak profile: total 2', '2 @ 0x2', '#\t0x2\tmain.g+0x1\t/src/g.go:2'].join('\n');
    expect(spansOf(indexDumpText(two, 'debug1'))).toEqual([
      { id: -1, start: 2, end: 3 },
      { id: -1, start: 5, end: 6 },
    ]);
  });
});
