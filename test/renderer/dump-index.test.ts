import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { HEADER, headerLinesOfIds, indexDump, rangesOfIds, spanAtLine } from '../../src/renderer/views/dump-view/dump-index.js';
import { stepLine } from '../../src/renderer/views/dump-view/dump-navigation.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');

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
  'goroutine 8 [chan send, 3 minutes]:', // 11
  'main.worker(0xc000010010)', // 12
  '\t/src/main.go:20 +0x2a', // 13
  '', // 14
  '', // 15
  'goroutine 30 gp=0xc000007a40 m=nil [select]:', // 16
  'main.ticker()', // 17
].join('\n');

describe('indexDump', () => {
  test('finds each goroutine, ended by a blank line, the last one by the end of the text', () => {
    const index = indexDump(DUMP);
    expect(index.spans).toEqual([
      { id: 1, startLine: 1, endLine: 3 },
      { id: 7, startLine: 5, endLine: 9 },
      { id: 8, startLine: 11, endLine: 13 },
      { id: 30, startLine: 16, endLine: 17 },
    ]);
    expect(index.lineCount).toBe(17);
    expect([...index.byId.keys()]).toEqual([1, 7, 8, 30]);
  });

  test('reads CRLF text, log prefixes before headers and debug=1 records', () => {
    const crlf = indexDump('goroutine 3 [IO wait]:\r\nmain.f()\r\n\r\ngoroutine 4 [select]:\r\nmain.g()\r\n');
    expect(crlf.spans).toEqual([
      { id: 3, startLine: 1, endLine: 2 },
      { id: 4, startLine: 4, endLine: 5 },
    ]);
    const logged = indexDump('2024/05/01 10:00:00 goroutine 12 [chan receive]:\n2024/05/01 10:00:00 main.f()\n');
    expect(logged.spans).toEqual([{ id: 12, startLine: 1, endLine: 2 }]);
    const debug1 = indexDump('goroutine profile: total 3\n2 @ 0x43a0c6 0x4067ed\n#\t0x4a8c45\tmain.worker+0x25\t/src/main.go:42\n\n1 @ 0x43a0c6\n#\t0x1\tmain.main+0x1\t/src/main.go:9\n');
    expect(debug1.spans).toEqual([
      { id: null, startLine: 2, endLine: 3 },
      { id: null, startLine: 5, endLine: 6 },
    ]);
  });

  test('HEADER matches the header shapes of Go 1.19 to 1.27', () => {
    expect(HEADER.exec('goroutine 7 [chan send, 3 minutes, locked to thread]:')?.[1]).toBe('7');
    expect(HEADER.exec('goroutine 18 gp=0xc000007a40 m=nil [select]:')?.[1]).toBe('18');
    expect(HEADER.exec('goroutine 5 [chan receive (leaked)]:')?.[1]).toBe('5');
    expect(HEADER.exec('created by main.main in goroutine 1')).toBeNull();
  });
});

describe('ranges and navigation', () => {
  const index = indexDump(DUMP);

  test('rangesOfIds merges neighbours one blank line apart and skips unknown ids', () => {
    expect(rangesOfIds(index, [8, 7, 999])).toEqual([{ startLine: 5, endLine: 13 }]);
    expect(rangesOfIds(index, [1, 30])).toEqual([
      { startLine: 1, endLine: 3 },
      { startLine: 16, endLine: 17 },
    ]);
    // Two blank lines between 8 and 30: not merged.
    expect(rangesOfIds(index, [8, 30])).toHaveLength(2);
  });

  test('headerLinesOfIds gives the header lines in text order', () => {
    expect(headerLinesOfIds(index, [30, 7, 4242])).toEqual([5, 16]);
  });

  test('spanAtLine finds the goroutine around a line, null between goroutines', () => {
    expect(spanAtLine(index, 12)?.id).toBe(8);
    expect(spanAtLine(index, 5)?.id).toBe(7);
    expect(spanAtLine(index, 4)).toBeNull();
    expect(spanAtLine(index, 99)).toBeNull();
  });

  test('stepLine wraps round both ways', () => {
    expect(stepLine(3, 2, 1)).toBe(0);
    expect(stepLine(3, 0, -1)).toBe(2);
    expect(stepLine(0, 0, 1)).toBeNull();
  });
});

describe('the corpus', () => {
  test('01: 103 goroutines; the leak group of 100 ids is highlighted as its runs of neighbours', () => {
    const file = path.join(CORPUS, 'generated', '01-chan-send-no-receiver', 't1.debug2.txt');
    const text = readFileSync(file, 'utf8');
    const index = indexDump(text);
    expect(index.spans).toHaveLength(103);
    const [snapshot] = parseSnapshots(readFileSync(file));
    const leak = snapshot!.groups[0]!;
    expect(leak.count).toBe(100);
    expect(headerLinesOfIds(index, leak.ids)).toHaveLength(100);
  });

  test('11: the 14 MB dump indexes 50,003 goroutines; the 50,000 leaked ones are two highlighted ranges', () => {
    const file = path.join(CORPUS, 'generated', '11-large-50k-leak', 't1.debug2.txt');
    const bytes = readFileSync(file);
    const index = indexDump(bytes.toString('utf8'));
    expect(index.spans).toHaveLength(50_003);
    expect(index.lineCount).toBe(400_062);
    const leak = parseSnapshots(bytes)[0]!.groups[0]!;
    expect(leak.count).toBe(50_000);
    // Goroutines 7 and 8 lead; the IO-wait goroutine of the pprof connection sits between them and the rest.
    expect(rangesOfIds(index, leak.ids)).toEqual([
      { startLine: 45, endLine: 59 },
      { startLine: 79, endLine: 400_061 },
    ]);
  });
});
