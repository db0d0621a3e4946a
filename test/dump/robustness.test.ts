// Property-based robustness (STYLE.md §4, §6): whatever is done to a real dump — cut at any byte, bytes
// flipped, lines deleted, duplicated or swapped, junk inserted — parsing either returns snapshots that
// satisfy the model's schema, or refuses with NotADumpError. Never another exception, and no output
// grows past the input (inputs are bounded, so a run cannot hang on size).
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoroscopeError, NotADumpError } from '../../src/shared/errors.js';
import { SnapshotSchema } from '../../src/shared/model.js';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { groupDump } from '../../src/main/dump/group-dump.js';
import { corpusBytes, corpusFiles, corpusSize } from './corpus.js';

// Every format and mangling the parsers know, each file under 64 KB.
const SEEDS = [
  'generated/01-chan-send-no-receiver/t1.debug2.txt',
  'generated/03-forgotten-context-cancel/t2.debug1.txt',
  'generated/03-forgotten-context-cancel/t2.debug0.pb.gz',
  'generated/14-go127-leak-profile/t2.leak.debug1.txt',
  'generated/14-go127-leak-profile/t1.vars.json',
  'generated/13-crash-formats/sigquit-gotraceback-crash.txt',
  'generated/13-crash-formats/panic-tracebackancestors.txt',
  'public/repeated-debug1-cyrillic-paths.txt',
  'public/kvstore-raft-windows-go124-debug2.txt',
  'public/issue-k8s-21811-fluentd-warn-wrapped.txt',
  'public/issue-k3s-2938-journald-prefixed.txt',
  'public/issue-nebula-316-reversed-lines.txt',
  'public/issue-go-24267-double-spaced-ios.txt',
  'public/issue-go-36976-sigquit-interleaved-corrupt.txt',
  'public/gin-unexpected-return-pc-fatal.txt',
  'public/misnamed-debug0-protobuf-audiofile.txt',
];
// …plus one profile inflated, so that flips reach the protobuf decoder instead of gzip's checksum.
const SEED_BYTES = [...SEEDS.map((f) => corpusBytes(f)), new Uint8Array(gunzipSync(corpusBytes('generated/07-select-nil-channels/t1.debug0.pb.gz')))];

function countLines(bytes: Uint8Array): number {
  let n = 1;
  for (const b of bytes) if (b === 10) n++;
  return n;
}

/**
 * Parses and groups; fails the property on any exception but NotADumpError, and on output larger
 * than the input: more samples, warnings or frames than lines (or bytes, for a binary profile).
 */
function checkParse(input: Uint8Array): void {
  let dumps;
  try {
    dumps = parseDump(input);
  } catch (error) {
    if (error instanceof NotADumpError) {
      expect(error).toBeInstanceOf(GoroscopeError);
      expect(error.message.length).toBeGreaterThan(0);
      expect(error.message.length).toBeLessThan(600);
      return;
    }
    throw error;
  }
  const lines = countLines(input);
  const bound = Math.max(lines, input.length > 0 && dumps[0]?.format === 'pprof-proto' ? input.length : 0);
  expect(dumps.length).toBeGreaterThan(0);
  expect(dumps.length).toBeLessThanOrEqual(lines);
  for (const dump of dumps) {
    expect(dump.samples.length).toBeLessThanOrEqual(bound);
    expect(dump.warnings.length).toBeLessThanOrEqual(bound + 8);
    for (const sample of dump.samples) expect(sample.frames.length).toBeLessThanOrEqual(bound);
    const snapshot = groupDump(dump);
    expect(SnapshotSchema.safeParse(snapshot).error).toBeUndefined();
    expect(snapshot.groups.length).toBeLessThanOrEqual(dump.samples.length);
    for (const w of snapshot.warnings) expect(w.line === null || w.line <= lines).toBe(true);
  }
}

function splitLines(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      out.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// Positions are fractions of the current size, so one mutation list applies to any input.
type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'deleteLine' | 'duplicateLine'; at: number }
  | { kind: 'swapLines'; at: number; other: number }
  | { kind: 'insert'; at: number; junk: Uint8Array };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const junk = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => new TextEncoder().encode(s)),
  fc.constantFrom('goroutine 1 [running]:\n', '\tgarbage:12 +0x1\n', 'created by \n', '1 @ 0x1\n', '# labels: {"a":"b"\n', '\n\n\n', '\r', '"', '\\t', '\u0000').map((s) => new TextEncoder().encode(s)),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({ kind: fc.constant('flip' as const), at: fraction, xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const), at: fraction }),
  fc.record({ kind: fc.constant('swapLines' as const), at: fraction, other: fraction }),
  fc.record({ kind: fc.constant('insert' as const), at: fraction, junk }),
);

function apply(input: Uint8Array, m: Mutation): Uint8Array {
  const pos = (f: number, n: number) => Math.min(n - 1, Math.floor(f * n));
  switch (m.kind) {
    case 'truncate':
      return input.subarray(0, Math.floor(m.at * (input.length + 1)));
    case 'flip': {
      if (input.length === 0) return input;
      const out = input.slice();
      const i = pos(m.at, out.length);
      out[i] = out[i]! ^ m.xor;
      return out;
    }
    case 'insert': {
      const i = Math.floor(m.at * (input.length + 1));
      return concat([input.subarray(0, i), m.junk, input.subarray(i)]);
    }
    case 'deleteLine':
    case 'duplicateLine':
    case 'swapLines': {
      const lines = splitLines(input);
      if (lines.length === 0) return input;
      const i = pos(m.at, lines.length);
      if (m.kind === 'swapLines') {
        const j = pos(m.other, lines.length);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      } else if (m.kind === 'deleteLine') {
        lines.splice(i, 1);
      } else {
        lines.splice(i, 0, lines[i]!);
      }
      return concat(lines);
    }
  }
}

describe('robustness: mutated corpus dumps', () => {
  it('seeds are bounded (under 64 KB) and parse cleanly as given', () => {
    for (const [i, bytes] of SEED_BYTES.entries()) {
      expect(bytes.length, SEEDS[i] ?? 'inflated profile').toBeLessThan(64 << 10);
      checkParse(bytes);
    }
  });

  it('random truncation at any byte of any seed', () => {
    fc.assert(
      fc.property(fc.nat(SEED_BYTES.length - 1), fraction, (seed, at) => {
        const bytes = SEED_BYTES[seed]!;
        checkParse(bytes.subarray(0, Math.floor(at * (bytes.length + 1))));
      }),
      { numRuns: 1000 },
    );
  });

  it('byte flips, line deletions/duplications/swaps and junk, up to 6 at a time', () => {
    fc.assert(
      fc.property(fc.nat(SEED_BYTES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, mutations) => {
        checkParse(mutations.reduce(apply, SEED_BYTES[seed]!));
      }),
      { numRuns: 1500 },
    );
  });

  it('the whole head of every corpus file, cut at a random point', () => {
    const files = corpusFiles().filter((f) => corpusSize(f) < 256 << 10);
    expect(files.length).toBe(242);
    fc.assert(
      fc.property(fc.constantFrom(...files), fraction, (file, at) => {
        const bytes = corpusBytes(file);
        checkParse(bytes.subarray(0, Math.floor(at * (bytes.length + 1))));
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes and strings are parsed or refused, never thrown on', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.string({ unit: 'grapheme', maxLength: 512 }).map((s) => new TextEncoder().encode(s))), (bytes) => {
        checkParse(bytes);
      }),
      { numRuns: 500 },
    );
  });
});
