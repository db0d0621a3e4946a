import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { largeDumpPath } from './scale-bench.js';
import { launchBenchChromium, durations, startServe, stopServe, type Serve } from './ui-bench.js';

// Issue 18's UI targets at 200,000 goroutines, in Debian Chromium against a real `goroscope serve`:
// the 56 MB debug=2 dump written by test/fixtures/go/many (scale-bench.ts builds it once into
// .cache/bench/) imported through the page's file input, its dump view opened, its largest group
// highlighted. Times are taken in the page (performance.now), from the input's change event.

const ms = (x: number): string => `${x.toFixed(0)} ms`;
const describe = (requests: Record<string, number>): string => Object.entries(requests).map(([k, v]) => `${k} ${v}`).join(', ');

interface Clicked {
  ms: number;
  /** Contract requests started after the click: name → ms from asking to the last byte. */
  requests: Record<string, number>;
}

/**
 * Runs in the page (as text: this file is type-checked for Node): waits for the file input's change
 * event, then for the first row of the groups table and one frame drawn after it. Resolves with both
 * times and the contract requests' durations (resource timing) in between.
 */
const GROUPS_SHOWN = `(async () => {
  const chosen = await new Promise((resolve) => document.addEventListener('change', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type === 'file') resolve(performance.now());
  }, { capture: true, once: true }));
  await new Promise((resolve) => {
    const check = () => (document.querySelector('[data-testid=group-row]') ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
    check();
  });
  const shown = performance.now();
  const requests = {};
  let encoded = NaN;
  for (const e of performance.getEntriesByType('resource')) {
    const m = /\\/api\\/([\\w.]+)$/.exec(e.name);
    if (m && e.startTime >= chosen) requests[m[1]] = Math.round(e.responseEnd - e.startTime);
    if (m && m[1] === 'dump.import' && e.startTime >= chosen) encoded = e.startTime - chosen;
  }
  return { ms: shown - chosen, at: chosen, encoded, requests };
})()`;

/**
 * Runs in the page: clicks `selector` (the `index`-th match), then waits until `done` (a function
 * body over `document`) holds and two more frames are drawn (Monaco paints its decorations in its
 * own animation frame). Resolves with the time from the click.
 */
function clickUntil(selector: string, index: number, done: string): string {
  return `(async () => {
    const target = document.querySelectorAll(${JSON.stringify(selector)})[${index}];
    if (!target) throw new Error('nothing matches ${selector} #${index}');
    const t0 = performance.now();
    target.click();
    const isDone = () => { ${done} };
    await new Promise((resolve, reject) => {
      const give = setTimeout(() => reject(new Error('not done within 120 s: ${selector}')), 120000);
      const check = () => {
        if (!isDone()) return requestAnimationFrame(check);
        clearTimeout(give);
        requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
      };
      check();
    });
    const requests = {};
    for (const e of performance.getEntriesByType('resource')) {
      const m = /\\/api\\/([\\w.]+)$/.exec(e.name);
      if (m && e.startTime >= t0) requests[m[1]] = Math.round(e.responseEnd - e.startTime);
    }
    return { ms: performance.now() - t0, requests };
  })()`;
}

/** The position note names the highlighted group's size: `goroutine 1 of 188,000 in the group highlighted`. */
const positionOf = (count: number): string =>
  `const p = document.querySelector('[data-testid=dump-position]'); return p !== null && p.textContent.includes('of ${count.toLocaleString('en-US')} in the group') && document.querySelector('.dump-highlight') !== null;`;

async function rowCounts(page: Page): Promise<number[]> {
  // The Count column is the row's first number.
  const texts = await page.getByTestId('group-row').evaluateAll((rows) => rows.map((r) => r.querySelector('[role=gridcell].num')?.textContent ?? ''));
  return texts.map((t) => Number(t.replace(/[^\d]/g, '')));
}

/** The three issue 18 figures at 200,000 goroutines; `dump` is the 56 MB debug=2 file. */
async function benchLargeDumpUi(page: Page, dump: string): Promise<Record<string, string | number>> {
  const groupsShown = page.evaluate(GROUPS_SHOWN) as Promise<{ ms: number; at: number; encoded: number; requests: Record<string, number> }>;
  await page.setInputFiles('[data-testid=file-input]', dump);
  const shown = await groupsShown;
  await page.getByTestId('session-title').filter({ hasText: path.basename(dump) }).waitFor({ timeout: 180_000 });
  // A one-dump session opens on its one-page view, which reads the whole dump in main after the
  // groups: the dump view is measured once the app is idle again, as a user would click it.
  await page.getByTestId('sd-headline').waitFor({ timeout: 180_000 });
  const overviewMs = (await page.evaluate('performance.now()')) as number - shown.at;
  // Largest first: the subscribers' leak (188,000), then the pool, the sleepers and the locked handlers (4,000 each).
  const counts = await rowCounts(page);
  const big = counts.indexOf(Math.max(...counts));
  const other = big === 0 ? 1 : 0;
  const [largest, small] = [counts[big]!, counts[other]!];
  await page.getByTestId('group-row').nth(other).click();
  // The dump view first opens on a small group, so opening and the big highlight are measured apart.
  const opened = (await page.evaluate(clickUntil('[role=tab]#tab-dump', 0, positionOf(small)))) as Clicked;
  const [open] = await durations(page, 'dump:open');
  const highlighted = (await page.evaluate(clickUntil('[data-testid=group-row]', big, positionOf(largest)))) as Clicked;
  const lines = await page.locator('.dump-size').textContent();
  return {
    '200k dump': `${(await stat(dump)).size.toLocaleString('en-US')} bytes, ${lines?.trim() ?? '?'}`,
    '200k: file chosen → groups table shown (target < 1 s)': ms(shown.ms),
    '200k: file read and encoded in the page (chosen → dump.import sent)': ms(shown.encoded),
    '200k: requests meanwhile (ms, request → answer)': describe(shown.requests),
    '200k: file chosen → one-page view shown': ms(overviewMs),
    '200k: Dump tab clicked → dump shown with a group highlighted (target < 3 s)': ms(opened.ms),
    '200k: requests meanwhile': describe(opened.requests),
    '200k: dump:open (text asked for → editor drawn)': open === undefined ? '—' : ms(open),
    [`200k: group row clicked → its ${largest.toLocaleString('en-US')} goroutines highlighted (target < 1 s)`]: ms(highlighted.ms),
  };
}

/**
 * UI speed at 200,000 goroutines in Debian Chromium against a real `goroscope serve` with an empty
 * history. Needs the build (out/), /usr/bin/chromium and Go 1.19 (for the dump, made once). Run
 * from the repository root. On failure the page is saved as test-results/screenshots/ui-scale-bench-failure.png.
 */
export async function runUiScaleBench(): Promise<Record<string, string | number>> {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dump = await largeDumpPath(repo);
  const dir = await mkdtemp(path.join(tmpdir(), 'goroscope-ui-scale-'));
  let serve: Serve | null = null;
  let context: BrowserContext | null = null;
  try {
    serve = await startServe(repo, path.join(dir, 'bench.db'));
    context = await launchBenchChromium(path.join(dir, 'profile'));
    const page = context.pages()[0] ?? (await context.newPage());
    try {
      await page.goto(serve.url);
      await page.getByTestId('file-input').waitFor({ state: 'attached', timeout: 60_000 });
      return await benchLargeDumpUi(page, dump);
    } catch (error) {
      const shot = path.join(repo, 'test-results', 'screenshots', 'ui-scale-bench-failure.png');
      await page.screenshot({ path: shot }).catch((e: unknown) => console.error(`ui scale bench: no screenshot: ${(e as Error).message}`));
      throw new Error(`UI scale bench failed (page saved as ${shot}): ${(error as Error).message}`, { cause: error });
    }
  } finally {
    await context?.close();
    if (serve) await stopServe(serve);
    await rm(dir, { recursive: true, force: true });
  }
}
