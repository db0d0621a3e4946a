import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import type { Group, Snapshot } from '../../shared/model.js';
import { foldSeries } from '../api/session-views.js';
import { columnsFromChart, downsampleSeries, foldedColumns } from '../api/series-columns.js';
import { loadStoredSession } from '../use-cases/stored-session.js';
import { analyzeSession } from '../analysis/analyze-session.js';
import { HistoryStore } from '../store/history-store.js';
import type { SnapshotRecord } from '../store/types.js';
import { seededRandom } from './seeded-random.js';
import { launchBenchChromium, startServe, stopServe } from './ui-bench.js';

// Issue 18: a day of 1 s ticks (86,400 ticks × 200 groups) stored through the recorder's write
// path, read back as the app and `report` do, analysed, and drawn by the timeline in Chromium
// against `goroscope serve`. GOROSCOPE_BENCH_DAY_TICKS shortens it while developing;
// GOROSCOPE_BENCH_DAY_DB names a history file to keep and reuse (written once, read on later runs).

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

/** A full dump every this many ticks, and on the first and last (the recorder's rule; `record --full-every 600`). */
const DAY_FULL_EVERY = 600;

/**
 * A day of ticks as the recorder writes them: debug=1 + /debug/vars each, a debug=2 dump every
 * DAY_FULL_EVERY ticks and on the first and last, then the session ended. 3 slow leaks, the rest pools
 * with jitter.
 */
function writeDay(store: HistoryStore): { session: number; writeMs: number } {
  const rnd = seededRandom(18);
  const start = Date.now() - DAY_TICKS * 1000;
  const session = store.createSession({
    source: 'recording', name: SESSION_NAME, targetUrl: 'http://127.0.0.1:1', startedAtMs: start, intervalMs: 1000, fullEvery: DAY_FULL_EVERY,
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
    if (t % DAY_FULL_EVERY === 0 || t === DAY_TICKS - 1) {
      const full: Snapshot = { ...compact, format: 'traceback', profile: null };
      records.push({ kind: 'full', endpoint: '/debug/pprof/goroutine?debug=2', atMs: at + 5, durationMs: 40, bytes: 900_000, snapshot: full, error: null, raw: null });
    }
    const t0 = performance.now();
    store.recordTick(session, t, records);
    writeMs += performance.now() - t0;
  }
  const t0 = performance.now();
  store.endSession(session, start + DAY_TICKS * 1000);
  writeMs += performance.now() - t0;
  return { session, writeMs };
}

/** One first draw's figures, in ms (see benchFirstDraw). */
interface FirstDraw {
  wall: number;
  inPage: number;
  data: number;
  request: number;
  answeredToUpdate: number;
  entries: string;
}

/** Fresh `serve` and browser per round: each round's request is the first that process answers. */
const FIRST_DRAW_ROUNDS = 5;

/**
 * The timeline's first draw in Chromium: from clicking the session in a freshly started `goroscope
 * serve`'s page, a second after the list shows (as a user clicks), to the chart drawn (the
 * `timeline:update` measure exists), with the session's series fetched, downsampled in main and drawn.
 * Also the page's own clock from the click event (without the driver's time to deliver the click),
 * the series request as the page saw it, and the page's measure of the draw (data → drawn).
 */
async function firstDrawRound(dbPath: string, round: number): Promise<FirstDraw> {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const serve = await startServe(repo, dbPath);
  let context: BrowserContext | null = null;
  try {
    context = await launchBenchChromium(path.join(path.dirname(dbPath), `profile-${round}`));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(serve.url);
    const open = page.locator('button.session-open', { hasText: SESSION_NAME });
    await open.waitFor({ timeout: 60_000 });
    // A user reads the list before clicking: the page's start-up requests have been answered by then
    // (the event stream stays open, so there is no "network idle" to wait for).
    await page.waitForTimeout(1_000);
    await page.evaluate("document.addEventListener('click', () => performance.mark('bench:click'), { capture: true, once: true })");
    const t0 = Date.now();
    await open.click();
    await page.waitForFunction(() => performance.getEntriesByName('timeline:update').length > 0, null, { timeout: 120_000 });
    const wall = Date.now() - t0;
    const [clickAt, updateAt, updateMs] = (await page.evaluate(
      "(() => { const u = performance.getEntriesByName('timeline:update')[0]; return [performance.getEntriesByName('bench:click')[0].startTime, u.startTime, u.duration]; })()",
    )) as [number, number, number];
    const entries = String(await page.evaluate("document.querySelector('[data-testid=timeline-chart]')?.getAttribute('aria-label') ?? ''"));
    const [sentAt, answeredAt] = (await page.evaluate(
      "(() => { const e = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/session.series')); return e ? [e.startTime, e.responseEnd] : [NaN, NaN]; })()",
    )) as [number, number];
    return {
      wall,
      inPage: updateAt + updateMs - clickAt,
      data: updateMs,
      request: answeredAt - sentAt,
      answeredToUpdate: updateAt - answeredAt,
      entries: entries.replace(/^Goroutines over time, (\d+) ticks.*$/, '$1'),
    };
  } finally {
    await context?.close();
    await stopServe(serve);
  }
}

/** FIRST_DRAW_ROUNDS first draws: the median of each figure, and the range of the two totals. */
async function benchFirstDraw(dbPath: string): Promise<Record<string, string | number>> {
  const rounds: FirstDraw[] = [];
  for (let r = 0; r < FIRST_DRAW_ROUNDS; r++) rounds.push(await firstDrawRound(dbPath, r));
  const of = (f: keyof Omit<FirstDraw, 'entries'>): number[] => rounds.map((r) => r[f]);
  const range = (xs: number[]): string => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
  const label = `(median of ${FIRST_DRAW_ROUNDS} fresh serve processes)`;
  return {
    [`day of 1 s ticks: timeline first draw, click event → chart drawn in the page ms ${label}`]: round(median(of('inPage'))),
    'day of 1 s ticks: timeline first draw, click event → chart drawn in the page, range ms': range(of('inPage')),
    [`day of 1 s ticks: timeline first draw, click → chart drawn in Chromium (driver's clock) ms ${label}`]: round(median(of('wall'))),
    'day of 1 s ticks: timeline first draw, click → chart drawn in Chromium, range ms': range(of('wall')),
    [`day of 1 s ticks: timeline first draw, session.series request in the page, sent → answered ms ${label}`]: round(median(of('request'))),
    [`day of 1 s ticks: timeline first draw, session.series answered → chart update starts ms ${label}`]: round(median(of('answeredToUpdate'))),
    [`day of 1 s ticks: timeline first draw, data → drawn in the page ms ${label}`]: round(median(of('data'))),
    'day of 1 s ticks: timeline entries drawn': rounds[0]!.entries,
  };
}

/**
 * Issue 18's day-long session: write cost, DB size, series read, the API's downsampled series,
 * analysis with its input loaded from SQLite, and the timeline's first draw in Chromium.
 */
export async function runDayBench(work: string): Promise<Record<string, string | number>> {
  const kept = process.env['GOROSCOPE_BENCH_DAY_DB'];
  const file = kept ?? path.join(work, 'day.db');
  const reused = kept !== undefined && existsSync(kept);
  const store = HistoryStore.open(file);
  let figures: Record<string, string | number>;
  try {
    const { session, writeMs } = reused ? { session: store.listSessions().find((s) => s.name === SESSION_NAME)!.id, writeMs: NaN } : writeDay(store);
    const bytes = fileBytes(file);
    const reads = [0, 1, 2].map(() => timed(() => store.sessionSeries(session))[1]);
    const typedReads = [0, 1, 2].map(() => timed(() => store.sessionTypedSeries(session))[1]);
    // session.series as the handler runs it with columns (typed read → columns), and the plain way.
    const apiRuns = [0, 1, 2].map(() => timed(() => foldedColumns(store.sessionTypedSeries(session), store.sessionStacks(session), 10, COLUMNS))[1]);
    // The handler's path since: the columns from the chart summaries (no per-tick count arrays).
    const chartRuns = [0, 1, 2].map(() => timed(() => columnsFromChart(store.sessionChartInputs(session)!, 10, COLUMNS))[1]);
    // Of which: reading the inputs (summaries, unfinished ticks, loose counts), and the fold into columns.
    const inputRuns = [0, 1, 2].map(() => timed(() => store.sessionChartInputs(session))[1]);
    const inputs = store.sessionChartInputs(session)!;
    const foldRuns = [0, 1, 2].map(() => timed(() => columnsFromChart(inputs, 10, COLUMNS))[1]);
    const [, plainApiMs] = timed(() => downsampleSeries(foldSeries(store.sessionSeries(session), store.sessionStacks(session), 10), COLUMNS));
    const [loaded, loadMs] = timed(() => loadStoredSession(store, session));
    const [analysis, analyseMs] = timed(() => analyzeSession(loaded.session));
    figures = {
      'day of 1 s ticks: ticks × groups': DAY_TICKS * DAY_GROUPS,
      'day of 1 s ticks: full dumps (every 600 ticks, first and last)': Math.ceil(DAY_TICKS / DAY_FULL_EVERY) + 1,
      'day of 1 s ticks: write ms per tick (recorder path, 2 snapshots + 200 counts)': round(writeMs / DAY_TICKS, 3),
      'day of 1 s ticks: DB bytes per tick': Math.round(bytes / DAY_TICKS),
      'day of 1 s ticks: DB MB per hour': round(bytes / 1e6 / (DAY_TICKS / 3600), 2),
      'day of 1 s ticks: series read ms (median of 3)': round(median(reads)),
      'day of 1 s ticks: series read, Int32Array counts ms (median of 3)': round(median(typedReads)),
      [`day of 1 s ticks: session.series ms (typed read, fold to 10 groups, ${COLUMNS} columns; median of 3)`]: round(median(apiRuns)),
      [`day of 1 s ticks: session.series ms (columns from the chart summaries, as the handler does; median of 3)`]: round(median(chartRuns)),
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
