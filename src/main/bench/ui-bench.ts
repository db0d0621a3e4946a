import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { HistoryStore } from '../store/history-store.js';
import { seedTimeline, seedWideSnapshot } from './ui-bench-data.js';

const CHROMIUM = '/usr/bin/chromium';
// A variable, so the bundler leaves the import to Node (playwright-core is a dev tool, not bundled).
const PLAYWRIGHT = 'playwright-core';

/** Headless Chromium with a profile folder of its own, as every UI bench drives it. */
export async function launchBenchChromium(profileDir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
  const { chromium } = (await import(PLAYWRIGHT)) as typeof import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

const TICKS = 3_600;
const SERIES = 50;
const GROUPS = 5_000;
const UPDATES = 10;

export interface Serve {
  url: string;
  child: ChildProcess;
}

/** `GOROSCOPE_BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p"` profiles the server under the bench. */
export function startServe(repo: string, db: string): Promise<Serve> {
  const child = spawn(process.execPath, [...(process.env['GOROSCOPE_BENCH_SERVE_NODE_ARGS']?.split(' ') ?? []), path.join(repo, 'bin', 'goroscope.js'), 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`goroscope serve printed no URL within 10 s\n${stderr}`)), 10_000);
    child.on('exit', (code) => reject(new Error(`goroscope serve exited (${code})\n${stderr}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^goroscope serve: (\S+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ url: m[1]!, child });
    });
  });
}

export async function stopServe(s: Serve): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

export const durations = (page: Page, name: string): Promise<number[]> =>
  page.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;

/**
 * Runs in the page (as text: this file is type-checked for Node): scrolls the groups table from top
 * to bottom in 240 animation frames, recording frame times and long tasks (> 50 ms).
 */
const SCROLL_TABLE = `(async () => {
  const long = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e.duration); });
  observer.observe({ type: 'longtask' });
  const body = document.querySelector('[data-testid=groups-body]');
  const frames = [];
  let last = performance.now();
  const end = body.scrollHeight - body.clientHeight;
  const step = Math.ceil(end / 240);
  await new Promise((resolve) => {
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      if (body.scrollTop >= end) return resolve();
      body.scrollTop = Math.min(end, body.scrollTop + step);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await new Promise((r) => setTimeout(r, 200));
  observer.disconnect();
  frames.sort((a, b) => a - b);
  return { long, frames: frames.length, p95: frames[Math.floor(frames.length * 0.95)] ?? 0, rowsInDom: document.querySelectorAll('[data-testid=group-row]').length };
})()`;

/** Timeline: the first draw of 3,600 ticks × 50 series, then updates as ticks arrive (data → drawn). */
async function benchTimeline(page: Page, appendTick: () => number, name: string): Promise<Record<string, string | number>> {
  await page.locator('button.session-open', { hasText: name }).click();
  await page.getByTestId('max-groups').selectOption('50');
  // The total and the 50 groups (all of the session's groups: nothing folded).
  await page.getByTestId('legend-band').nth(SERIES - 1).waitFor({ timeout: 180_000 });
  await page.waitForFunction(() => performance.getEntriesByName('timeline:update').length > 0, null, { timeout: 180_000 });
  // The last draw so far built the chart with 50 series (construction included).
  const firstDraw = (await durations(page, 'timeline:update')).at(-1)!;
  await page.evaluate(() => ['timeline:update', 'timeline:reshape', 'timeline:draw'].forEach((n) => performance.clearMeasures(n)));
  for (let i = 0; i < UPDATES; i++) {
    const before = (await durations(page, 'timeline:update')).length;
    const tick = appendTick();
    await page.getByTestId('reload').click();
    await page.waitForFunction((n) => performance.getEntriesByName('timeline:update').length > n, before, { timeout: 120_000 });
    await page.getByTestId('tick-label').filter({ hasText: new RegExp(`^tick ${tick} `) }).waitFor({ timeout: 120_000 });
  }
  const updates = await durations(page, 'timeline:update');
  return {
    'timeline ticks × series': `${TICKS + UPDATES} × ${SERIES} (+ rest, total)`,
    'timeline first draw (chart built)': ms(firstDraw),
    'timeline update median (data → drawn; target < 16 ms)': ms(median(updates)),
    'timeline update max': ms(Math.max(...updates)),
    'timeline update: reshape median': ms(median(await durations(page, 'timeline:reshape'))),
    'timeline update: uPlot draw median': ms(median(await durations(page, 'timeline:draw'))),
    'timeline updates measured': updates.length,
  };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** Bytes on the wire (headers + encoded body) and decoded body bytes of finished requests. */
async function sizesOf(requests: readonly Request[]): Promise<{ transferred: number; decoded: number; scripts: number }> {
  let transferred = 0;
  let decoded = 0;
  let scripts = 0;
  for (const r of requests) {
    const sizes = await r.sizes();
    transferred += sizes.responseHeadersSize + sizes.responseBodySize;
    const response = await r.response();
    const body = response && response.status() < 300 ? await response.body().catch(() => null) : null;
    decoded += body?.length ?? 0;
    if (r.resourceType() === 'script') scripts += sizes.responseBodySize;
  }
  return { transferred, decoded, scripts };
}

/**
 * The first load of the page with an empty cache: every request from the printed URL (its redirect
 * included) until the sidebar lists the sessions. Bytes as Chromium received them (compressed).
 */
async function benchFirstLoad(page: Page, url: string): Promise<Record<string, string | number>> {
  const finished: Request[] = [];
  const onFinished = (r: Request): void => void finished.push(r);
  page.on('requestfinished', onFinished);
  await page.goto(url);
  await page.locator('button.session-open').first().waitFor({ timeout: 180_000 });
  // The event stream stays open (never "finished"); everything else has landed by now.
  await page.waitForTimeout(500);
  page.off('requestfinished', onFinished);
  const { transferred, decoded, scripts } = await sizesOf(finished);
  return {
    'first page load: requests': finished.length,
    'first page load: transferred (headers + compressed bodies)': kb(transferred),
    'first page load: decoded bodies': kb(decoded),
    'first page load: script transferred': kb(scripts),
  };
}

/** Groups table: 5,000 rows scrolled top to bottom; long tasks (> 50 ms) counted by PerformanceObserver. */
async function benchGroupsTable(page: Page, name: string): Promise<Record<string, string | number>> {
  await page.locator('button.session-open', { hasText: name }).click();
  await page.getByTestId('groups-count').filter({ hasText: `${GROUPS.toLocaleString('en-US')} groups` }).waitFor({ timeout: 180_000 });
  const result = (await page.evaluate(SCROLL_TABLE)) as { long: number[]; frames: number; p95: number; rowsInDom: number };
  return {
    'groups table rows': GROUPS,
    'groups table scroll frames': result.frames,
    'groups table long tasks while scrolling (target 0)': result.long.length,
    'groups table longest task': result.long.length > 0 ? ms(Math.max(...result.long)) : '—',
    'groups table frame time p95': ms(result.p95),
    'groups table rows in DOM': result.rowsInDom,
  };
}

/** Dump view: the 14 MB, 50k-goroutine corpus dump, from opening the tab to the editor showing it. */
async function benchDumpView(page: Page, dumpFile: string): Promise<Record<string, string | number>> {
  const monaco: Request[] = [];
  const onFinished = (r: Request): void => void (r.url().includes('/assets/MonacoDump') && monaco.push(r));
  page.on('requestfinished', onFinished);
  await page.setInputFiles('[data-testid=file-input]', dumpFile);
  await page.getByTestId('session-title').filter({ hasText: 't1.debug2.txt' }).waitFor({ timeout: 180_000 });
  const top = page.getByTestId('group-row').first();
  await top.waitFor({ timeout: 180_000 });
  await top.click();
  const t0 = Date.now();
  await page.getByRole('tab', { name: 'Dump' }).click();
  await page.waitForFunction(() => performance.getEntriesByName('dump:open').length > 0, null, { timeout: 180_000 });
  await page.locator('.dump-highlight').first().waitFor({ timeout: 180_000 });
  const wallMs = Date.now() - t0;
  const [open] = await durations(page, 'dump:open');
  page.off('requestfinished', onFinished);
  const editor = await sizesOf(monaco);
  return {
    'Monaco chunk (loaded when the dump view first opens): transferred': `${kb(editor.transferred)} (${kb(editor.decoded)} decoded, ${monaco.length} files)`,
    'dump view open, 14 MB / 400k lines (target < 2 s)': ms(open!),
    'dump view click → 50,000 goroutines highlighted': ms(wallMs),
  };
}

/**
 * UI speed in Debian Chromium against a real `goroscope serve` over a seeded history: timeline
 * updates with 3,600 ticks × 50 series, scrolling a 5,000-group table, opening the 14 MB dump.
 * Needs the build (out/) and /usr/bin/chromium. On failure the page is saved as
 * test-results/screenshots/ui-bench-failure.png.
 */
export async function runUiBench(): Promise<Record<string, string | number>> {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const corpus = process.env.GOROSCOPE_CORPUS ?? path.resolve(repo, '..', 'shared', 'corpus');
  const dumpFile = path.join(corpus, 'generated', '11-large-50k-leak', 't1.debug2.txt');
  if (!existsSync(dumpFile)) throw new Error(`corpus file missing: ${dumpFile} (set GOROSCOPE_CORPUS)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'goroscope-ui-bench-'));
  const store = HistoryStore.open(path.join(dir, 'bench.db'));
  let serve: Serve | null = null;
  let context: BrowserContext | null = null;
  try {
    const seedStart = performance.now();
    const timeline = seedTimeline(store, TICKS, SERIES, Date.now() - TICKS * 1000);
    seedWideSnapshot(store, GROUPS, Date.now() - TICKS * 2000);
    const seedMs = performance.now() - seedStart;
    serve = await startServe(repo, store.path);
    context = await launchBenchChromium(path.join(dir, 'profile'));
    const page = context.pages()[0] ?? (await context.newPage());
    try {
      const firstLoad = await benchFirstLoad(page, serve.url);
      return {
        chromium: String(await page.evaluate('navigator.userAgent.match(/Chrome\\/(\\S+)/)?.[1]')),
        'seeded history': `${TICKS} ticks × ${SERIES} groups + ${GROUPS} groups in ${ms(seedMs)}`,
        ...firstLoad,
        ...(await benchTimeline(page, timeline.appendTick, `bench timeline ${TICKS}x${SERIES}`)),
        ...(await benchGroupsTable(page, `bench ${GROUPS} groups`)),
        ...(await benchDumpView(page, dumpFile)),
      };
    } catch (error) {
      const shot = path.join(repo, 'test-results', 'screenshots', 'ui-bench-failure.png');
      await page.screenshot({ path: shot }).catch((e: unknown) => console.error(`ui bench: no screenshot: ${(e as Error).message}`));
      throw new Error(`UI bench failed (page saved as ${shot}): ${(error as Error).message}`, { cause: error });
    }
  } finally {
    await context?.close();
    if (serve) await stopServe(serve);
    store.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
