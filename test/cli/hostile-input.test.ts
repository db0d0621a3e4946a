// Issue #11: inputs crafted to take Goroscope down, generated here, run through the built CLI in a
// child process. Each must end by itself within seconds, stay below 1 GiB of resident memory, and exit
// 2 with a message that says what was refused (or parse, where the input is a valid dump).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { MEMORY_BOUND_BYTES, runBounded, type BoundedRun } from '../helpers/bounded-cli.js';
import { craftedProfiles, gzipRepeated, issueProfile, longPrefixDump } from '../helpers/hostile-inputs.js';
import { corpusPath } from '../dump/corpus.js';

/** Kill switch for a runaway run; a bounded one ends in one or two seconds. */
const RUN_LIMIT_MS = 30_000;
const BUDGET_REFUSAL = /^goroscope: a pprof profile of \d+ bytes that would decode into over \d+ messages, \d+ strings and \d+ numbers \(over \d+ MiB, \d+ fields\), past the decode budget of 64 MiB and 8000000 fields; a goroutine profile holds one sample per distinct stack and is far smaller: this one is corrupt or crafted\n$/;
const LARGE_DUMP = corpusPath('generated/11-large-50k-leak/t1.debug2.txt');

let dir = '';
const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  await ensureCliBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-hostile-'));
  for (const p of craftedProfiles(4)) writeFileSync(file(`${p.name}.pb.gz`), gzipSync(p.make()));
  // The issue's own: 64 MiB of empty string-table entries, a 64 KB gzip that took 4.7 GB to decode.
  writeFileSync(file('issue-64k.pb.gz'), gzipSync(issueProfile(), { level: 9 }));
  writeFileSync(file('prefix-30k.txt'), longPrefixDump(30_000));
  writeFileSync(file('prefix-60k.txt'), longPrefixDump(60_000));
  // 300 MiB of zeros, and 20 copies of a real 14 MB debug=2 dump: both inflate past the 256 MiB cap.
  writeFileSync(file('zeros.gz'), await gzipRepeated(Buffer.alloc(1 << 20), 300, 1));
  writeFileSync(file('big-text.gz'), await gzipRepeated(readFileSync(LARGE_DUMP), 20, 1));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Ended by itself (not by the kill switch), below the memory bound. */
function expectBounded(run: BoundedRun): void {
  expect(run.signal, `killed after ${Math.round(run.elapsedMs)} ms; stderr: ${run.stderr.slice(0, 300)}`).toBeNull();
  expect(run.maxRssBytes).not.toBeNull();
  expect(run.maxRssBytes!).toBeLessThan(MEMORY_BOUND_BYTES);
}

describe('crafted protobufs are refused before they are decoded', () => {
  it('the 64 KB gzip of the issue', async () => {
    expect(readFileSync(file('issue-64k.pb.gz')).length).toBeLessThan(70_000);
    const run = await runBounded(['parse', file('issue-64k.pb.gz')], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(BUDGET_REFUSAL);
    expect(run.stderr).toContain('a pprof profile of 67108890 bytes that would decode into over 1 messages, ');
  });

  it.each(['empty-strings', 'empty-samples', 'empty-labels', 'empty-lines', 'packed-ids', 'scalar-fields'])('%s', async (name) => {
    const run = await runBounded(['parse', file(`${name}.pb.gz`)], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(BUDGET_REFUSAL);
  });

  it('a location of 10,000 lines named 1,000 times by one sample', async () => {
    const run = await runBounded(['parse', file('frame-expansion.pb.gz')], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'goroscope: a pprof profile whose sample 1 expands to over 4096 frames; Go keeps at most 1024 locations of a stack: the profile is corrupt or crafted\n',
    );
  });

  it('goroscope import refuses every one of them in one run, naming each', async () => {
    const names = ['issue-64k', 'empty-strings', 'empty-samples', 'empty-labels', 'empty-lines', 'packed-ids', 'scalar-fields', 'frame-expansion'];
    const run = await runBounded(['import', ...names.map((n) => file(`${n}.pb.gz`)), '--db', file('import.db')], { timeoutMs: 60_000 });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith('goroscope: nothing imported: ')).toBe(true);
    for (const n of names) expect(run.stderr).toContain(`${file(`${n}.pb.gz`)}: a pprof profile `);
  });
});

describe('log prefixes too long to be a prefix', () => {
  it.each([30_000, 60_000])('%i characters before every line: no regular-expression crash, a specific refusal', async (chars) => {
    const run = await runBounded(['parse', file(`prefix-${chars / 1000}k.txt`)], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'goroscope: a goroutine dump with no readable goroutine (skipped 4 line(s) of text before the first goroutine (lines 1–4): not part of a goroutine dump)\n',
    );
  });
});

describe('the 256 MiB input cap', () => {
  it('a gzip bomb of zeros inflates past the cap', async () => {
    const run = await runBounded(['parse', file('zeros.gz')], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    const size = readFileSync(file('zeros.gz')).length;
    expect(run.stderr).toBe(`goroscope: gzip data of ${size} bytes that inflates past the 256 MiB cap; raise it with --max-bytes if the dump is really that large\n`);
  });

  it('a gzipped text dump of 280 MB (a 6 MB gzip) inflates past the cap', async () => {
    const size = readFileSync(file('big-text.gz')).length;
    expect(size).toBeLessThan(10 << 20);
    const run = await runBounded(['parse', file('big-text.gz')], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`goroscope: gzip data of ${size} bytes that inflates past the 256 MiB cap; raise it with --max-bytes if the dump is really that large\n`);
  });

  it('--max-bytes lowers (or raises) the cap', async () => {
    const run = await runBounded(['parse', '--max-bytes', '2MB', file('zeros.gz')], { timeoutMs: RUN_LIMIT_MS });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/that inflates past the 2 MiB cap;/);
    const tooSmall = await runBounded(['parse', '--max-bytes', '1KB', file('zeros.gz')], { timeoutMs: RUN_LIMIT_MS });
    expect(tooSmall.stderr).toBe(`goroscope: ${file('zeros.gz')} is over the 1 KiB cap; raise it with --max-bytes if the dump is really that large\n`);
  });

  it('parse - reads standard input only up to the cap', async () => {
    // 300 MiB streamed in; the CLI stops at 256 MiB instead of holding all of it.
    let sent = 0;
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const stdin = new Readable({
      read() {
        this.push(sent++ < 300 ? chunk : null);
      },
    });
    const run = await runBounded(['parse', '-'], { stdin, timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('goroscope: standard input is over the 256 MiB cap; raise it with --max-bytes if the dump is really that large\n');
  });

  it('a device that never ends (/dev/zero) is read up to the cap', async () => {
    const run = await runBounded(['parse', '/dev/zero'], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('goroscope: /dev/zero is over the 256 MiB cap; raise it with --max-bytes if the dump is really that large\n');
  });
});

describe('binary by share, not by presence', () => {
  it('a valid dump with a NUL byte and invalid UTF-8 in its first 4 KiB still parses', async () => {
    const clean = readFileSync(corpusPath('generated/01-chan-send-no-receiver/t1.debug2.txt'));
    // Between the first two goroutines (at the first blank line), as a log pipeline leaves them: a
    // line with a NUL, and a line of two bytes that are not UTF-8.
    const gap = clean.indexOf('\n\n') + 1;
    expect(gap).toBeGreaterThan(0);
    expect(gap).toBeLessThan(4000);
    const dirtied = Buffer.concat([clean.subarray(0, gap), Buffer.from([0x00, 0x0a, 0xff, 0xfe, 0x0a]), clean.subarray(gap)]);
    writeFileSync(file('dirty.txt'), dirtied);
    const want = await runBounded(['parse', '--json', corpusPath('generated/01-chan-send-no-receiver/t1.debug2.txt')], { timeoutMs: RUN_LIMIT_MS });
    const run = await runBounded(['parse', '--json', file('dirty.txt')], { timeoutMs: RUN_LIMIT_MS });
    expectBounded(run);
    expect(run.code).toBe(0);
    const got = JSON.parse(run.stdout) as { total: number; groups: { key: string; count: number }[] };
    const expected = JSON.parse(want.stdout) as { total: number; groups: { key: string; count: number }[] };
    expect(got.total).toBe(expected.total);
    expect(got.groups.map((g) => [g.key, g.count])).toEqual(expected.groups.map((g) => [g.key, g.count]));
  });

  it('binary junk (a high share of NUL bytes) is still refused as binary', async () => {
    writeFileSync(file('junk.bin'), Buffer.concat([Buffer.from('goroutine 1 [running]:\n'), Buffer.alloc(2000, 0)]));
    const run = await runBounded(['parse', file('junk.bin')], { timeoutMs: RUN_LIMIT_MS });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^goroscope: binary data \(2023 bytes, starting 67 6f 72 6f 75 74 69 6e\), not a goroutine dump or pprof profile\n$/);
  });
});
