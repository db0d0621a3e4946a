// Mangled pastes (corpus README, "Mangling in the wild"), built from clean generated debug=2 dumps:
// each must parse to exactly the clean snapshot's groups, and say what was repaired.
import { describe, expect, it, test } from 'vitest';
import { timeOfPrefix } from '../../src/main/dump/repair.js';
import type { Snapshot } from '../../src/shared/model.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { corpusBytes } from './corpus.js';

interface Variant {
  name: string;
  mangle(lines: string[]): string;
  /** The warnings the mangled parse adds, given the number of lines of the mangled text. */
  warnings(mangledLines: number): string[];
}

const join = (lines: string[]): string => `${lines.join('\n')}\n`;
const pad = (n: number): string => String(n).padStart(2, '0');
// journald/syslog: the clock ticks along the paste, so the prefix differs in its digits per line.
const journald = (i: number): string => `Nov 23 06:${pad(3 + Math.floor(i / 60) % 50)}:${pad(i % 60)} centos7-image kube-controller-manager[1234]: `;
const PREFIX_NOTE = (n: number): string => `repaired: removed the log prefix "Nov 23 06:03:00 centos7-image kube-controller-manager[1234]:" (and its kin) from ${n} lines`;
const logrus = (i: number, line: string): string =>
  `time="2024-01-02T03:04:${pad(i % 60)}Z" level=error msg="${line.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`;
const LOG_LINES = ['2024/01/02 03:04:05 listening on 127.0.0.1:6060', '2024/01/02 03:04:06 GET /leak?n=100 200 12ms', 'SIGQUIT received, dumping goroutines'];

const VARIANTS: Variant[] = [
  {
    name: 'journald prefix, tabs kept',
    mangle: (lines) => join(lines.map((l, i) => journald(i) + l)),
    warnings: (n) => [PREFIX_NOTE(n)],
  },
  {
    name: 'journald prefix, tabs turned into 8 spaces',
    mangle: (lines) => join(lines.map((l, i) => journald(i) + l.replace(/\t/g, '        '))),
    warnings: (n) => [PREFIX_NOTE(n), 'repaired: file lines indented with 8 spaces instead of a tab'],
  },
  {
    name: 'journald prefix, tabs stripped',
    mangle: (lines) => join(lines.map((l, i) => journald(i) + l.replace(/^\t/, ''))),
    warnings: (n) => [PREFIX_NOTE(n), 'repaired: file lines had lost their leading tab'],
  },
  {
    name: 'logrus msg="…" with \\t and \\" escaped',
    mangle: (lines) => join(lines.map((l, i) => logrus(i, l))),
    warnings: (n) => [
      `repaired: removed the log prefix "time="2024-01-02T03:04:00Z" level=error msg=" (and its kin) from ${n} lines`,
      `repaired: unwrapped ${n} quoted lines and their escapes (\\t, \\")`,
    ],
  },
  {
    name: '4-space indentation',
    mangle: (lines) => join(lines.map((l) => l.replace(/^\t/, '    '))),
    warnings: () => ['repaired: file lines indented with 4 spaces instead of a tab'],
  },
  {
    name: '8-space indentation',
    mangle: (lines) => join(lines.map((l) => l.replace(/^\t/, '        '))),
    warnings: () => ['repaired: file lines indented with 8 spaces instead of a tab'],
  },
  {
    name: 'double-spaced',
    mangle: (lines) => join(lines.flatMap((l) => [l, ''])),
    warnings: () => ['repaired: every line was followed by an empty line (double-spaced paste)'],
  },
  {
    name: 'reversed order (newest first)',
    mangle: (lines) => join([...lines].reverse()),
    warnings: () => ['repaired: lines were in reverse order (newest first); read them bottom-up'],
  },
  {
    name: 'markdown prose and fences',
    mangle: (lines) => join(['## Goroutines leak after upgrade', '', 'Here is the dump from `/debug/pprof/goroutine?debug=2`:', '', '```', ...lines, '```', '', 'Any idea?']),
    warnings: () => ['skipped 3 line(s) of text before the first goroutine (lines 1–5): not part of a goroutine dump'],
  },
  {
    name: 'application log lines before the dump',
    mangle: (lines) => join([...LOG_LINES, ...lines]),
    warnings: () => ['skipped 3 line(s) of text before the first goroutine (lines 1–3): not part of a goroutine dump'],
  },
  {
    name: 'CRLF line ends',
    mangle: (lines) => `${lines.join('\r\n')}\r\n`,
    warnings: () => [],
  },
];

const CLEAN = ['generated/05-mutex-held-forever/t1.debug2.txt', 'generated/14-go127-leak-profile/t2.debug2.txt'];

function cleanLines(relative: string): string[] {
  const text = new TextDecoder().decode(corpusBytes(relative));
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

function only(snapshots: Snapshot[]): Snapshot {
  expect(snapshots).toHaveLength(1);
  return snapshots[0]!;
}

describe('mangled pastes parse like the clean dump', () => {
  it.each(CLEAN)('%s is clean: no warnings', (relative) => {
    expect(only(parseSnapshots(corpusBytes(relative))).warnings).toEqual([]);
  });

  it.each(CLEAN.flatMap((relative) => VARIANTS.map((variant) => ({ name: `${variant.name} (${relative})`, relative, variant }))))('$name', ({ relative, variant }) => {
    const lines = cleanLines(relative);
    const clean = only(parseSnapshots(join(lines)));
    const mangledText = variant.mangle(lines);
    const mangled = only(parseSnapshots(mangledText));
    expect(mangled.total).toBe(clean.total);
    expect(mangled.groups.map((g) => [g.key, g.count])).toEqual(clean.groups.map((g) => [g.key, g.count]));
    expect(mangled.groups).toEqual(clean.groups);
    const mangledLines = mangledText.split('\n').length - 1;
    expect(mangled.warnings.map((w) => w.message)).toEqual(variant.warnings(mangledLines));
  });

  it('the leak survives every mangling: 05 t1 keeps 100 goroutines at main.go:105', () => {
    const lines = cleanLines(CLEAN[0]!);
    for (const variant of VARIANTS) {
      const g = only(parseSnapshots(variant.mangle(lines))).groups[0]!;
      expect([g.count, g.blockingSite?.func, g.blockingSite?.line, g.states]).toEqual([100, 'main.recordHit', 105, { semacquire: 100 }]);
    }
  });
});

describe('timeOfPrefix: a dated log prefix times a pasted dump', () => {
  test.each([
    ['2016-02-23 23:44:02 +0000 [warn]: pattern not match: "', Date.UTC(2016, 1, 23, 23, 44, 2)],
    ['2024-05-01T10:00:00.123Z app[1]: ', Date.UTC(2024, 4, 1, 10, 0, 0, 123)],
    ['2024-05-01T12:00:00+02:00 ', Date.UTC(2024, 4, 1, 10, 0, 0)],
    ['2009/11/10 23:00:00 ', Date.UTC(2009, 10, 10, 23, 0, 0)],
    ['Nov 23 06:03:13 host kube-controller-manager: ', null],
    ['level=info ', null],
  ])('%j → %s', (prefix, want) => {
    expect(timeOfPrefix(prefix)).toBe(want);
  });
});
