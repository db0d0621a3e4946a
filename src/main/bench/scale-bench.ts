import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseSnapshots } from '../dump/parse-snapshots.js';
import { benchGoBuild, findRepoRoot, runToEnd } from './go-fixture.js';
import { timedImport } from './timed-import.js';
import { runDayBench } from './day-bench.js';

// Issue 18's scale figures: a 200,000-goroutine debug=2 dump written by a real Go program
// (test/fixtures/go/many, built with Go 1.19 on first use and cached in .cache/bench/), parsed,
// grouped and stored; and a day of 1 s ticks (86,400 ticks × 200 groups) stored, read back and
// analysed and drawn (day-bench.ts). Run from the repository root (npm run bench).

const GOROUTINES = 200_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** The 200k dump, made once by the `many` fixture under Go 1.19 and kept in .cache/bench/. */
export async function largeDumpPath(root: string): Promise<string> {
  const dir = path.join(root, '.cache', 'bench');
  const dump = path.join(dir, `many-${GOROUTINES}.debug2.txt`);
  if (existsSync(dump)) return dump;
  mkdirSync(dir, { recursive: true });
  // Built -trimpath as module acme.io/subs, so the dump's file paths are as long wherever the
  // repository lies (`acme.io/subs/main.go`), and the dump stays under Go's 64 MiB debug=2 cap.
  const src = path.join(dir, 'many-src');
  mkdirSync(src, { recursive: true });
  copyFileSync(path.join(root, 'test', 'fixtures', 'go', 'many', 'main.go'), path.join(src, 'main.go'));
  writeFileSync(path.join(src, 'go.mod'), 'module acme.io/subs\n\ngo 1.19\n');
  const binary = path.join(dir, 'many');
  await benchGoBuild(root, binary, { dir: src, args: ['-trimpath', '.'] });
  await runToEnd(binary, ['-n', String(GOROUTINES), '-out', `${dump}.tmp`], { cwd: dir });
  await runToEnd('mv', [`${dump}.tmp`, dump], { cwd: dir });
  return dump;
}

/**
 * Peak memory of parse + group beyond reading the file, as bench/run.js measures the 14 MB dump: the
 * resident-set peak of a fresh process that reads and parses, less one that only reads (median of
 * three pairs; peaks move by a few MB between runs).
 */
function parsePeakBytes(root: string, dump: string): number {
  const bundle = path.join(root, 'out', 'main', 'bench.js');
  const peakOf = (shouldParse: boolean): number =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e',
        `const b = await import(${JSON.stringify(bundle)}); console.log(b.peakResidentBytes(${JSON.stringify(dump)}, ${shouldParse}));`,
      ]).toString(),
    );
  return Math.max(0, median([0, 1, 2].map(() => peakOf(true) - peakOf(false))));
}

/** Parse + group and ingest (parse + store with its raw dump) of the 200k dump. */
async function benchLargeDump(dump: string, work: string): Promise<Record<string, number>> {
  const bytes = readFileSync(dump);
  let snapshot = parseSnapshots(bytes)[0]!;
  const parses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    snapshot = parseSnapshots(bytes)[0]!;
    parses.push(performance.now() - t0);
  }
  const peak = parsePeakBytes(findRepoRoot(), dump);
  const ingests: number[] = [];
  for (let runNo = 0; runNo < 3; runNo++) ingests.push((await timedImport(path.join(work, `ingest-200k-${runNo}.db`), bytes, dump)).totalMs);
  return {
    '200k debug=2: input MB': round(bytes.length / 1e6),
    '200k debug=2: goroutines': snapshot.total,
    '200k debug=2: groups': snapshot.groups.length,
    '200k debug=2: parse+group ms (median of 5)': round(median(parses)),
    '200k debug=2: parse+group peak memory beyond the input, MB (target < 3× input)': round(peak / 1e6),
    '200k debug=2: parse+group peak memory, × input': round(peak / bytes.length, 2),
    '200k debug=2: import+store ms incl. brotli raw dump (median of 3)': round(median(ingests)),
  };
}

/** Runs the scale measurements; keys are labels with their unit, values the figures. */
export async function runScaleBench(): Promise<Record<string, string | number>> {
  const root = findRepoRoot();
  const work = mkdtempSync(path.join(tmpdir(), 'goroscope-scale-'));
  try {
    return { ...(await benchLargeDump(await largeDumpPath(root), work)), ...(await runDayBench(work)) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Only the day of 1 s ticks (`npm run bench -- timeline`): the 200k part takes minutes. */
export async function runDayOnlyBench(): Promise<Record<string, string | number>> {
  const work = mkdtempSync(path.join(tmpdir(), 'goroscope-day-'));
  try {
    return await runDayBench(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
