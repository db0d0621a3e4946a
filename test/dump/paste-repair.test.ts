// Real pastes still lost before issue 12, built from a clean corpus dump and from a real Go 1.27 dump
// with labelled goroutines: markdown blockquotes (also under a list item), JSON/JS string lines with
// trailing commas, a terminal's hard wrap, notes typed between a header and its first frame or between
// goroutines. Each must give the clean dump's groups and say what was repaired.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/shared/model.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { displayWidth } from '../../src/main/dump/paste-shapes.js';
import { corpusBytes } from './corpus.js';
import { buildLabelled, capture } from '../helpers/labelled-fixture.js';

const join = (lines: string[]): string => `${lines.join('\n')}\n`;

/** Cuts a line into pieces of `width` terminal columns (tabs to the next multiple of 8), as a terminal wraps. */
function hardWrap(line: string, width: number): string[] {
  const out: string[] = [];
  let piece = '';
  for (const ch of line) {
    if (displayWidth(piece + ch) > width) {
      out.push(piece);
      piece = '';
    }
    piece += ch;
  }
  out.push(piece);
  return out;
}

interface Variant {
  name: string;
  mangle(lines: string[]): string;
  warnings(mangledLines: number): string[];
}

const firstHeaderAt = (lines: string[]): number => lines.findIndex((l) => l.startsWith('goroutine '));
const NOTE_LINE = (at: number) =>
  `repaired: skipped 2 line(s) of text between goroutines or before a first frame (notes or log lines; first at line ${at})`;

const VARIANTS: Variant[] = [
  {
    name: 'markdown blockquote, `>` alone on blank lines',
    mangle: (lines) => join(lines.map((l) => (l.length > 0 ? `> ${l}` : '>'))),
    warnings: (n) => [`repaired: removed markdown blockquote marks (">") from ${n} lines`],
  },
  {
    name: 'blockquote nested under a list item',
    mangle: (lines) => join(['- The service hung; here is the dump:', ...lines.map((l) => (l.length > 0 ? `  > ${l}` : '  >'))]),
    warnings: (n) => [
      `repaired: removed markdown blockquote marks (">") from ${n - 1} lines`,
      'skipped 1 line(s) of text before the first goroutine (line 1): not part of a goroutine dump',
    ],
  },
  {
    name: 'JSON string lines with trailing commas',
    mangle: (lines) => join(['[', ...lines.map((l) => `  ${JSON.stringify(l)},`), ']']),
    warnings: (n) => [
      `repaired: unwrapped ${n - 2} quoted lines and their escapes (\\t, \\")`,
      'skipped 1 line(s) of text before the first goroutine (line 1): not part of a goroutine dump',
    ],
  },
  {
    name: "JS single-quoted strings with trailing commas",
    mangle: (lines) => join(['const dump = [', ...lines.map((l) => `  '${l.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\t/g, '\\t')}',`), '];']),
    warnings: (n) => [
      `repaired: unwrapped ${n - 2} quoted lines and their escapes (\\t, \\")`,
      'skipped 1 line(s) of text before the first goroutine (line 1): not part of a goroutine dump',
    ],
  },
  {
    name: 'hard-wrapped at 60 columns',
    mangle: (lines) => join(lines.flatMap((l) => hardWrap(l, 60))),
    warnings: (n) => [expect.stringMatching(new RegExp(`^repaired: joined \\d+ line\\(s\\) a terminal had hard-wrapped at 60 columns$`)) as unknown as string].slice(0, n > 0 ? 1 : 0),
  },
  {
    name: 'notes typed after a header and between goroutines',
    mangle: (lines) => {
      const at = firstHeaderAt(lines);
      const second = lines.findIndex((l, i) => i > at && l.startsWith('goroutine '));
      const out = [...lines];
      out.splice(second, 0, 'this is the one that leaks, see below');
      out.splice(at + 1, 0, '<-- stuck here since the deploy');
      return join(out);
    },
    warnings: () => [], // line numbers depend on the dump: checked in the test below
  },
];

function only(snapshots: Snapshot[]): Snapshot {
  expect(snapshots).toHaveLength(1);
  return snapshots[0]!;
}

const sources: Record<string, string[]> = {};

beforeAll(async () => {
  const corpus = new TextDecoder().decode(corpusBytes('generated/05-mutex-held-forever/t1.debug2.txt'));
  sources['corpus 05 t1 debug=2'] = corpus.slice(0, -1).split('\n');
  const go127 = await capture(await buildLabelled(), ['stack', '-leaks', '7']);
  sources['Go 1.27 labelled runtime.Stack'] = go127.stdout.slice(0, -1).split('\n');
}, 180_000);

describe.each(['corpus 05 t1 debug=2', 'Go 1.27 labelled runtime.Stack'])('%s', (source) => {
  it.each(VARIANTS)('$name: the clean groups, and what was repaired', (variant) => {
    const lines = sources[source]!;
    const clean = only(parseSnapshots(join(lines)));
    expect(clean.warnings).toEqual([]);
    const text = variant.mangle(lines);
    const mangled = only(parseSnapshots(text));
    expect(mangled.total).toBe(clean.total);
    expect(mangled.groups).toEqual(clean.groups);
    const messages = mangled.warnings.map((w) => w.message);
    if (variant.name.startsWith('notes')) {
      const at = firstHeaderAt(lines);
      expect(messages).toEqual([NOTE_LINE(at + 2)]);
    } else {
      expect(messages).toEqual(variant.warnings(text.split('\n').length - 1));
    }
  });
});

describe('goroutines running on another thread', () => {
  it('are counted with their created by, and the repair says so', () => {
    const lines = sources['Go 1.27 labelled runtime.Stack']!;
    const clean = only(parseSnapshots(join(lines)));
    // Goroutine 1's frames replaced as a crash on another thread prints them.
    const at = firstHeaderAt(lines);
    const out = [...lines.slice(0, at + 1), '\tgoroutine running on other thread; stack unavailable', 'created by main.init in goroutine 0', '\t/src/x.go:1 +0x1', ...lines.slice(at + 3)];
    const s = only(parseSnapshots(join(out)));
    expect(s.total).toBe(clean.total);
    const unavailable = s.groups.find((g) => g.frames[0]?.func === 'goroutine running on other thread; stack unavailable')!;
    expect([unavailable.count, unavailable.createdBy]).toEqual([1, { func: 'main.init', file: '/src/x.go', line: 1 }]);
    expect(s.warnings.map((w) => w.message)).toEqual([
      'repaired: counted 1 goroutine(s) printed as "running on other thread; stack unavailable" (no frames; grouped together, with their created by)',
    ]);
  });
});
