// The traceback parser reads a repeated stack through its stack trie (src/main/dump/stack-trie.ts):
// lines compared in place with those seen before at the same place. Whatever the trie holds, a
// goroutine must read exactly as it reads alone, through a fresh parser that has seen nothing.
// The synthetic dump below goes past every limit of the trie: more function names at one position
// than it keeps, more `+0x` offsets of one line than it keeps, more entries than it holds (so it
// starts afresh mid-dump), more statuses than are compared in place; and it mixes in spellings the
// in-place matchers refuse (indentation, trailing blanks, CRLF), which the general line shapes read.
import { describe, expect, it } from 'vitest';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { TracebackParser } from '../../src/main/dump/traceback-parser.js';
import type { Sample } from '../../src/main/dump/types.js';
import { corpusBytes } from './corpus.js';

const STATUSES = ['chan receive', 'select', 'IO wait', 'semacquire', 'sleep', 'chan send', 'sync.Mutex.Lock', 'syscall', 'select, 5 minutes', 'chan receive (leaked)'];

// Real paths share long prefixes: lines that differ only near their end must still differ.
const SRC = '/home/build/go/pkg/mod/github.com/acme/platform@v1.42.0';

/** One goroutine of the synthetic dump; `i` picks its shape. */
function goroutine(i: number): string[] {
  const top = i % 300; // 300 names at the root: past the 128 kept
  const lines = [`goroutine ${i + 1} [${STATUSES[i % STATUSES.length]}]:`];
  const indent = i % 50 === 7 ? '    ' : ''; // refused by the in-place matchers
  lines.push(`${indent}pkg${top}.wait(0x${i.toString(16)}, {0xc000${i % 97}?, 0x1})`);
  // 20 offsets of one file line: past the 8 kept; a trailing blank every 40th.
  lines.push(`\t${SRC}/pkg${top}/wait.go:${10 + (i % 3)} +0x${(16 + (i % 20)).toString(16)}${i % 40 === 3 ? ' ' : ''}`);
  if (i % 4 !== 0) {
    lines.push(`pkg${top}.(*T).run[...](...)`, `\t${SRC}/pkg${top}/run.go:4${i % 8 === 1 ? 2 : 3}`);
  }
  // Distinct stacks for the first 30,000: each adds entries, past the 100,000 the trie holds.
  if (i < 30_000) lines.push(`main.handle${i}(0x1)`, `\t${SRC}/main/h.go:${i + 1} +0x1f`);
  if (i % 5 === 0) lines.push('...additional frames elided...');
  const parent = i % 3 === 0 ? '' : ` in goroutine ${i % 1000}`;
  if (i % 11 !== 0) lines.push(`created by main.spawn${i % 3}${parent}`, `\t${SRC}/main/spawn.go:${7 + (i % 2)} +0x${(i % 9).toString(16)}`);
  return lines;
}

function samplesAlone(blocks: string[][]): Sample[] {
  return blocks.flatMap((block) => {
    const parser = new TracebackParser();
    block.forEach((text, k) => parser.push(text, k + 1));
    return parser.end()[0]!.samples;
  });
}

/** Samples compared by value: frames as `func file:line`, the goroutine's fields, labels. */
function plain(samples: readonly Sample[]): unknown[] {
  return samples.map((s) => ({
    count: s.count,
    frames: s.frames.map((f) => `${f.func} ${f.file}:${f.line}`),
    labels: s.labels,
    goroutine: s.goroutine && { ...s.goroutine, createdBy: s.goroutine.createdBy && `${s.goroutine.createdBy.func} ${s.goroutine.createdBy.file}:${s.goroutine.createdBy.line}` },
  }));
}

describe('stack trie', () => {
  it('a synthetic dump past every limit of the trie reads as its goroutines read alone', () => {
    const blocks = Array.from({ length: 36_000 }, (_, i) => goroutine(i));
    const text = blocks.map((b, i) => b.join(i % 13 === 5 ? '\r\n' : '\n')).join('\n\n');
    const alone = plain(samplesAlone(blocks));
    expect(alone).toHaveLength(36_000);
    const whole = parseDump(new TextEncoder().encode(text))[0]!;
    expect(whole.warnings).toEqual([]);
    expect(plain(whole.samples)).toEqual(alone);
    // The same text given as a string (one chunk) reads the same.
    expect(plain(parseDump(text)[0]!.samples)).toEqual(alone);
  });

  it.each([
    'generated/11-large-50k-leak/t1.debug2.txt',
    'generated/14-go127-leak-profile/t2.debug2.txt',
    'public/transferfile-trimpath-debug2-129.txt',
    'public/kvstore-raft-windows-go124-debug2.txt',
  ])('%s reads as its goroutines read alone', (file) => {
    const lines = new TextDecoder().decode(corpusBytes(file)).split('\n');
    const blocks: string[][] = [];
    for (const line of lines) {
      if (/^goroutine \d+ \[/.test(line)) blocks.push([]);
      blocks.at(-1)?.push(line);
    }
    const alone = plain(samplesAlone(blocks));
    expect(alone.length).toBeGreaterThan(10);
    expect(plain(parseDump(corpusBytes(file))[0]!.samples)).toEqual(alone);
  });
});
