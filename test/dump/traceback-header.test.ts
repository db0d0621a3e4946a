// The Go 1.27 goroutine header grammar (src/main/dump/traceback-header.ts): a table of real header
// shapes, then properties over the whole grammar: every header Go can print reads back exactly,
// and no input throws or hangs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHeader, parseStatus } from '../../src/main/dump/traceback-header.js';
import { unquoteGo } from '../../src/main/dump/go-quote.js';
import { parseLabels } from '../../src/main/dump/debug1-parser.js';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import type { LabelSet } from '../../src/shared/model.js';

const plain = { waitMinutes: 0, isLocked: false, isLeaked: false, isScan: false, isDurable: false, syncTestBubble: null, labels: null };

describe('parseHeader: every part of the grammar', () => {
  const cases: { name: string; input: string; want: ReturnType<typeof parseHeader> }[] = [
    {
      name: 'bare and quoted labels (issue 12)',
      input: 'goroutine 19 [chan send (leaked)] {route: "GET /x", tenant: acme}:',
      want: { ...plain, id: 19, state: 'chan send', isLeaked: true, labels: { route: 'GET /x', tenant: 'acme' } },
    },
    {
      name: 'escapes from runtime_test TestTracebackGoroutineLabels',
      input: 'goroutine 7 [running] {fizzle: "b\\x1bit", "foo\\"ba\\x00r": "baz\\n"}:',
      want: { ...plain, id: 7, state: 'running', labels: { fizzle: 'b\x1bit', 'foo"ba\x00r': 'baz\n' } },
    },
    {
      name: '\\u and \\U escapes',
      input: 'goroutine 7 [running] {"fizz\\tle": "\\U00045678boop", fizzle: "\\u1234\\u03a3"}:',
      want: { ...plain, id: 7, state: 'running', labels: { 'fizz\tle': '\u{45678}boop', fizzle: '\u1234Σ' } },
    },
    {
      name: 'bare keys and values with . / _',
      input: 'goroutine 3 [select] {/fizzle: bit, foo_bar: baz.}:',
      want: { ...plain, id: 3, state: 'select', labels: { '/fizzle': 'bit', foo_bar: 'baz.' } },
    },
    {
      name: 'an empty value is printed bare (nothing)',
      input: 'goroutine 3 [select] {a: , b: x}:',
      want: { ...plain, id: 3, state: 'select', labels: { a: '', b: 'x' } },
    },
    {
      name: 'values holding `]`, `}`, `: ` and `, `',
      input: 'goroutine 4 [IO wait] {q: "a], b}: c"}:',
      want: { ...plain, id: 4, state: 'IO wait', labels: { q: 'a], b}: c' } },
    },
    {
      name: 'every decoration, gp= m= mp= and labels',
      input: 'goroutine 21 gp=0x14000003880 m=4 mp=0x14000063b08 [chan receive (leaked) (scan) (durable), 3 minutes, locked to thread, synctest bubble 12] {k: v}:',
      want: {
        id: 21,
        state: 'chan receive',
        waitMinutes: 3,
        isLocked: true,
        isLeaked: true,
        isScan: true,
        isDurable: true,
        syncTestBubble: 12,
        labels: { k: 'v' },
      },
    },
    {
      name: '(durable) as part of the wait reason',
      input: 'goroutine 9 gp=0xc000 m=nil [select (durable), synctest bubble 1]:',
      want: { ...plain, id: 9, state: 'select', isDurable: true, syncTestBubble: 1 },
    },
    { name: 'unterminated quote', input: 'goroutine 9 [select] {a: "b}:', want: null },
    { name: 'missing closing brace', input: 'goroutine 9 [select] {a: b:', want: null },
    { name: 'text after the labels', input: 'goroutine 9 [select] {a: b}: x', want: null },
    { name: 'bad escape', input: 'goroutine 9 [select] {a: "\\q"}:', want: null },
    { name: 'key without value', input: 'goroutine 9 [select] {a}:', want: null },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect(parseHeader(input)).toEqual(want);
  });

  it('statuses without the id', () => {
    expect(parseStatus('chan send (leaked), 2 minutes')).toEqual({ ...plain, labels: undefined, state: 'chan send', isLeaked: true, waitMinutes: 2 });
  });
});

/** Go's runtime.printquoted, for the properties (the fixture test checks it against real Go output). */
function printQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (r >= 0x20 && r <= 0x7e) out += ch;
    else if (r < 127) out += `\\x${r.toString(16).padStart(2, '0')}`;
    else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
    else out += `\\U${r.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
const printToken = (s: string): string => (/^[A-Za-z0-9./_]*$/.test(s) ? s : printQuoted(s));

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('', 'GET /x', 'a, b', '{}', ']:', '"', '\\', 'ok.v/1_'));
const labelSet = fc.dictionary(text, text, { minKeys: 0, maxKeys: 4 });

describe('properties', () => {
  it('every header Go 1.27 can print reads back exactly', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.constantFrom('chan send', 'select', 'sync.Mutex.Lock', 'GC worker (idle)', 'running'),
        fc.record({ leaked: fc.boolean(), scan: fc.boolean(), durable: fc.boolean(), locked: fc.boolean() }),
        fc.nat({ max: 5000 }),
        fc.option(fc.nat({ max: 99 })),
        fc.option(fc.constantFrom(' gp=0xc000682fc0 m=nil', ' gp=0x14000003880 m=4 mp=0x14000063b08')),
        labelSet,
        (id, state, flags, minutes, bubble, system, labels) => {
          const keys = Object.keys(labels).sort();
          let status = state;
          if (flags.leaked) status += ' (leaked)';
          if (flags.scan) status += ' (scan)';
          if (flags.durable) status += ' (durable)';
          if (minutes >= 1) status += `, ${minutes} minutes`;
          if (flags.locked) status += ', locked to thread';
          if (bubble !== null) status += `, synctest bubble ${bubble}`;
          const list = keys.map((k) => `${printToken(k)}: ${printToken(labels[k]!)}`).join(', ');
          const line = `goroutine ${id}${system ?? ''} [${status}]${keys.length > 0 ? ` {${list}}` : ''}:`;
          const h = parseHeader(line);
          expect(h).not.toBeNull();
          expect(h!.id).toBe(id);
          expect(h!.state).toBe(state);
          expect([h!.isLeaked, h!.isScan, h!.isDurable, h!.isLocked]).toEqual([flags.leaked, flags.scan, flags.durable, flags.locked]);
          expect(h!.waitMinutes).toBe(minutes >= 1 ? minutes : 0);
          expect(h!.syncTestBubble).toBe(bubble === 0 ? null : bubble);
          expect(h!.labels).toEqual(keys.length > 0 ? labels : null);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('debug=1 `# labels:` (Go %q) read back exactly', () => {
    fc.assert(
      fc.property(labelSet, (labels: LabelSet) => {
        const pairs = Object.entries(labels).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
        expect(parseLabels(`{${pairs.join(', ')}}`)).toEqual(pairs.length > 0 ? labels : null);
      }),
    );
  });

  it('no string makes the header reader or the quote reader throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 60 }), (junk, tail) => {
        parseHeader(junk);
        parseHeader(`goroutine 1 [select] {${junk}`);
        parseHeader(`goroutine 1 [select] {${tail}}:`);
        unquoteGo(`"${junk}`, 0);
        parseLabels(junk);
      }),
      { numRuns: 3000 },
    );
  });

  it('a whole dump of labelled goroutines, cut anywhere, parses or is refused, never throws', () => {
    const dump = [
      'goroutine 1 [running]:',
      'main.main()',
      '\t/src/main.go:10 +0x1',
      '',
      'goroutine 19 [chan send (leaked)] {route: "GET /x, {y}", tenant: acme}:',
      'main.leak(...)',
      '\t/src/main.go:20',
      'created by main.start in goroutine 1',
      '\t/src/main.go:30 +0x2',
      '',
    ].join('\n');
    fc.assert(
      fc.property(fc.nat({ max: dump.length }), fc.string({ maxLength: 8 }), (cut, junk) => {
        const input = dump.slice(0, cut) + junk + dump.slice(cut);
        try {
          parseDump(input);
        } catch (error) {
          expect((error as Error).name).toBe('NotADumpError');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
