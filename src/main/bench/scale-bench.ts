import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Group, Snapshot } from '../../shared/model.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';
import { loadStoredSession } from '../use-cases/stored-session.js';
import { analyzeSession } from '../analysis/analyze-session.js';
import { HistoryStore } from '../store/history-store.js';
import type { SnapshotRecord } from '../store/types.js';
import { benchGoBuild, findRepoRoot, runToEnd } from './go-fixture.js';
import { seededRandom } from './seeded-random.js';
import { timedImport } from './timed-import.js';

// Issue 18's scale figures: a 200,000-goroutine debug=2 dump written by a real Go program
// (test/fixtures/go/many, built with Go 1.19 on first use and cached in .cache/bench/), parsed,
// grouped and stored; and a day of 1 s ticks (86,400 ticks × 200 groups) stored, read back and
// analysed. Run from the repository root (npm run bench).

const GOROUTINES = 200_000;
const DAY_TICKS = Number(process.env['GOROSCOPE_BENCH_DAY_TICKS'] ?? 86_400);
const DAY_GROUPS = 200;

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
  const ingests: number[] = [];
  for (let runNo = 0; runNo < 3; runNo++) ingests.push((await timedImport(path.join(work, `ingest-200k-${runNo}.db`), bytes, dump)).totalMs);
  return {
    '200k debug=2: input MB': round(bytes.length / 1e6),
    '200k debug=2: goroutines': snapshot.total,
    '200k debug=2: groups': snapshot.groups.length,
    '200k debug=2: parse+group ms (median of 5)': round(median(parses)),
    '200k debug=2: import+store ms incl. brotli raw dump (median of 3)': round(median(ingests)),
  };
}

function dayGroup(i: number, count: number): Group {
  const frames = [
    { func: `github.com/acme/svc/pkg${i}.(*Worker).wait`, file: `/src/svc/pkg${i}/worker.go`, line: 40 + i },
    { func: `github.com/acme/svc/pkg${i}.(*Worker).run`, file: `/src/svc/pkg${i}/worker.go`, line: 20 },
  ];
  return {
    key: `day${String(i).padStart(13, '0')}`, count, states: {}, leakedCount: 0, maxWaitMinutes: null,
    blockingSite: frames[0]!, createdBy: { func: 'main.main', file: '/src/svc/main.go', line: 12 }, frames, labels: [], ids: [], isLocked: false,
  };
}

/**
 * A day of 1 s compact ticks (debug=1 + /debug/vars each), 200 groups: 3 slow leaks, the rest pools
 * with jitter. Stored through the recorder's write path, then read back as the app and `report` do.
 */
function benchDay(work: string): Record<string, number> {
  const file = path.join(work, 'day.db');
  const store = HistoryStore.open(file);
  try {
    const rnd = seededRandom(18);
    const start = Date.now() - DAY_TICKS * 1000;
    const session = store.createSession({
      source: 'recording', name: 'a day', targetUrl: 'http://127.0.0.1:1', startedAtMs: start, intervalMs: 1000, fullEvery: 0,
      rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine', '/debug/vars'],
    });
    const levels = Array.from({ length: DAY_GROUPS }, () => 1 + Math.floor(rnd() * 30));
    const t0 = performance.now();
    for (let t = 0; t < DAY_TICKS; t++) {
      const groups = levels.map((level, i) => dayGroup(i, i < 3 ? level + Math.floor(t / (600 * (i + 1))) : level + (rnd() < 0.2 ? 1 : 0)));
      const total = groups.reduce((n, g) => n + g.count, 0);
      const compact: Snapshot = { format: 'debug1', profile: 'goroutine', total, takenAtMs: null, groups, metrics: null, threadStacks: 0, warnings: [] };
      const vars: Snapshot = { format: 'expvar', profile: null, total, takenAtMs: null, groups: [], metrics: { numGoroutine: total, threads: 12, heapAllocBytes: 4e6, heapInuseBytes: 5e6, gcCycles: 3 }, threadStacks: 0, warnings: [] };
      const at = start + t * 1000;
      const records: SnapshotRecord[] = [
        { kind: 'compact', endpoint: '/debug/pprof/goroutine?debug=1', atMs: at, durationMs: 2, bytes: 9000, snapshot: compact, error: null, raw: null },
        { kind: 'expvar', endpoint: '/debug/vars', atMs: at + 3, durationMs: 1, bytes: 3000, snapshot: vars, error: null, raw: null },
      ];
      store.recordTick(session, t, records);
    }
    const writeMs = performance.now() - t0;
    const reads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r0 = performance.now();
      store.sessionSeries(session);
      reads.push(performance.now() - r0);
    }
    const a0 = performance.now();
    const loaded = loadStoredSession(store, session);
    const loadMs = performance.now() - a0;
    const a1 = performance.now();
    const analysis = analyzeSession(loaded.session);
    const analyseMs = performance.now() - a1;
    const bytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    return {
      [`day of 1 s ticks: ticks × groups`]: DAY_TICKS * DAY_GROUPS,
      'day of 1 s ticks: write ms per tick (recorder path)': round(writeMs / DAY_TICKS, 3),
      'day of 1 s ticks: series read ms (median of 3)': round(median(reads)),
      'day of 1 s ticks: load for analysis ms': round(loadMs),
      'day of 1 s ticks: analysis ms': round(analyseMs),
      'day of 1 s ticks: suspects': analysis.suspects.length,
      'day of 1 s ticks: DB MB per hour': round(bytes / 1e6 / (DAY_TICKS / 3600), 2),
    };
  } finally {
    store.dispose();
  }
}

/** Runs the scale measurements; keys are labels with their unit, values the figures. */
export async function runScaleBench(): Promise<Record<string, string | number>> {
  const root = findRepoRoot();
  const work = mkdtempSync(path.join(tmpdir(), 'goroscope-scale-'));
  try {
    return { ...(await benchLargeDump(await largeDumpPath(root), work)), ...benchDay(work) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
