import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import type { Group, Snapshot } from '../../shared/model.js';
import { foldSeries } from '../api/session-views.js';
import { columnsFromRuns, downsampleSeries, foldedColumns } from '../api/series-columns.js';
import { loadStoredSession } from '../use-cases/stored-session.js';
import { analyzeSession } from '../analysis/analyze-session.js';
import { HistoryStore } from '../store/history-store.js';
import type { SnapshotRecord } from '../store/types.js';
import { seededRandom } from './seeded-random.js';
import { launchBenchChromium, startServe, stopServe } from './ui-bench.js';

// Issue 18: a day of 1 s ticks (86,400 ticks × 200 groups) stored through the recorder's write
// path, read back as the app and `report` do, analysed, and drawn by the timeline in Chromium
// against `goroscope serve`. GOROSCOPE_BENCH_DAY_TICKS shortens it while developing.

const DAY_TICKS = Number(process.env['GOROSCOPE_BENCH_DAY_TICKS'] ?? 86_400);
const DAY_GROUPS = 200;
const SESSION_NAME = 'a day of 1 s ticks';
/** The chart's pixel columns asked of `session.series` in the API figure (a 1440 px window). */
const COLUMNS = 1440;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
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

const fileBytes = (file: string): number => statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

/** A day of compact ticks (debug=1 + /debug/vars each): 3 slow leaks, the rest pools with jitter. */
function writeDay(store: HistoryStore): { session: number; writeMs: number } {
  const rnd = seededRandom(18);
  const start = Date.now() - DAY_TICKS * 1000;
  const session = store.createSession({
    source: 'recording', name: SESSION_NAME, targetUrl: 'http://127.0.0.1:1', startedAtMs: start, intervalMs: 1000, fullEvery: 0,
    rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine', '/debug/vars'],
  });
  const levels = Array.from({ length: DAY_GROUPS }, () => 1 + Math.floor(rnd() * 30));
  let writeMs = 0;
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
    const t0 = performance.now();
    store.recordTick(session, t, records);
    writeMs += performance.now() - t0;
  }
  return { session, writeMs };
}

/**
 * The timeline's first draw in Chromium: from clicking the session in `goroscope serve`'s page to
 * the chart drawn (the `timeline:update` measure exists), with the session's series fetched,
 * downsampled in main and drawn. Also the page's own measure of that draw (data → drawn).
 */
async function benchFirstDraw(dbPath: string): Promise<Record<string, string | number>> {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const serve = await startServe(repo, dbPath);
  let context: BrowserContext | null = null;
  try {
    context = await launchBenchChromium(path.join(path.dirname(dbPath), 'profile'));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(serve.url);
    const open = page.locator('button.session-open', { hasText: SESSION_NAME });
    await open.waitFor({ timeout: 60_000 });
    const t0 = Date.now();
    await open.click();
    await page.waitForFunction(() => performance.getEntriesByName('timeline:update').length > 0, null, { timeout: 120_000 });
    const wallMs = Date.now() - t0;
    const updateMs = await page.evaluate(() => performance.getEntriesByName('timeline:update')[0]!.duration);
    const entries = String(await page.evaluate("document.querySelector('[data-testid=timeline-chart]')?.getAttribute('aria-label') ?? ''"));
    // The series request as the page's resource timing saw it: which requests ran before and with it.
    const requests = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/session.')).map((e) => [e.name.replace(/^.*\\/api\\//, ''), Math.round(e.startTime), Math.round(e.responseEnd)])`)) as [string, number, number][];
    const seriesRequest = requests.find(([name]) => name === 'session.series');
    return {
      'day of 1 s ticks: timeline first draw, click → chart drawn in Chromium ms': wallMs,
      'day of 1 s ticks: timeline first draw, data → drawn in the page ms': round(updateMs),
      'day of 1 s ticks: timeline entries drawn': entries.replace(/^Goroutines over time, (\d+) ticks.*$/, '$1'),
      'day of 1 s ticks: session.series request in the page, sent → answered ms': seriesRequest ? seriesRequest[2] - seriesRequest[1] : 'not seen',
      'day of 1 s ticks: session requests in the page (name start→end ms)': requests.map(([name, from, to]) => `${name} ${from}→${to}`).join(', '),
    };
  } finally {
    await context?.close();
    await stopServe(serve);
  }
}

/**
 * Issue 18's day-long session: write cost, DB size, series read, the API's downsampled series,
 * analysis with its input loaded from SQLite, and the timeline's first draw in Chromium.
 */
export async function runDayBench(work: string): Promise<Record<string, string | number>> {
  const file = path.join(work, 'day.db');
  const store = HistoryStore.open(file);
  let figures: Record<string, string | number>;
  try {
    const { session, writeMs } = writeDay(store);
    const bytes = fileBytes(file);
    const reads = [0, 1, 2].map(() => timed(() => store.sessionSeries(session))[1]);
    const typedReads = [0, 1, 2].map(() => timed(() => store.sessionTypedSeries(session))[1]);
    // session.series as the handler runs it with columns (typed read → columns), and the plain way.
    const apiRuns = [0, 1, 2].map(() => timed(() => foldedColumns(store.sessionTypedSeries(session), store.sessionStacks(session), 10, COLUMNS))[1]);
    // The handler's path since: the columns folded from the stored runs (no per-tick count arrays).
    const runsRuns = [0, 1, 2].map(() => timed(() => columnsFromRuns(store.sessionColumnInputs(session), store.sessionStacks(session), 10, COLUMNS))[1]);
    // Of which: reading the inputs (tick rows, packed counts), and the fold into columns alone.
    const inputRuns = [0, 1, 2].map(() => timed(() => store.sessionColumnInputs(session))[1]);
    const inputs = store.sessionColumnInputs(session);
    const stackList = store.sessionStacks(session);
    const foldRuns = [0, 1, 2].map(() => timed(() => columnsFromRuns(inputs, stackList, 10, COLUMNS))[1]);
    const [, plainApiMs] = timed(() => downsampleSeries(foldSeries(store.sessionSeries(session), store.sessionStacks(session), 10), COLUMNS));
    const [loaded, loadMs] = timed(() => loadStoredSession(store, session));
    const [analysis, analyseMs] = timed(() => analyzeSession(loaded.session));
    figures = {
      'day of 1 s ticks: ticks × groups': DAY_TICKS * DAY_GROUPS,
      'day of 1 s ticks: write ms per tick (recorder path, 2 snapshots + 200 counts)': round(writeMs / DAY_TICKS, 3),
      'day of 1 s ticks: DB bytes per tick': Math.round(bytes / DAY_TICKS),
      'day of 1 s ticks: DB MB per hour': round(bytes / 1e6 / (DAY_TICKS / 3600), 2),
      'day of 1 s ticks: series read ms (median of 3)': round(median(reads)),
      'day of 1 s ticks: series read, Int32Array counts ms (median of 3)': round(median(typedReads)),
      [`day of 1 s ticks: session.series ms (typed read, fold to 10 groups, ${COLUMNS} columns; median of 3)`]: round(median(apiRuns)),
      [`day of 1 s ticks: session.series ms (columns from the stored runs, as the handler does; median of 3)`]: round(median(runsRuns)),
      'day of 1 s ticks: session.series, of which reading the inputs ms (median of 3)': round(median(inputRuns)),
      'day of 1 s ticks: session.series, of which the fold into columns ms (median of 3)': round(median(foldRuns)),
      [`day of 1 s ticks: session.series the plain way ms (arrays, fold, then ${COLUMNS} columns)`]: round(plainApiMs),
      'day of 1 s ticks: load for analysis ms (from SQLite)': round(loadMs),
      'day of 1 s ticks: analysis ms': round(analyseMs),
      'day of 1 s ticks: load + analysis ms': round(loadMs + analyseMs),
      'day of 1 s ticks: suspects': analysis.suspects.length,
    };
  } finally {
    store.dispose();
  }
  return { ...figures, ...(await benchFirstDraw(file)) };
}
