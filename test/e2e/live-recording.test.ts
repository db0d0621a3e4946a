import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import { buildFixture, leakMarkers, REPO_ROOT, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import type { ServeProcess } from '../helpers/serve-process.js';

/** The number in the session header's "N ticks". */
async function ticksShown(browser: Browser): Promise<number> {
  const text = await browser.page.locator('.workspace-head p').innerText();
  return Number(/([\d,]+) ticks/.exec(text)?.[1]?.replace(/,/g, '') ?? '-1');
}

/** The legend's "total N" for the tick shown. */
async function totalShown(browser: Browser): Promise<number> {
  const text = await browser.page.locator('.legend-total').innerText();
  return Number(/total ([\d,]+)/.exec(text)?.[1]?.replace(/,/g, '') ?? '-1');
}

describe('record a live Go service from the browser UI', () => {
  let dir: string;
  let fixture: RunningFixture;
  let serve: ServeProcess;
  let browser: Browser;
  const lineA = leakMarkers('leaky')['LEAK-A'];

  beforeAll(async () => {
    dir = await e2eDir('live');
    const binary = await buildFixture('leaky', 'go1.19', path.join(REPO_ROOT, '.cache', 'fixtures'));
    fixture = await startFixture(binary, ['--rate', '10', '--kinds', 'AB']);
    ({ serve, browser } = await openApp(dir));
    browser.page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    const serveExit = await closeApp({ serve, browser }, dir);
    await fixture?.stop();
    expect(serveExit).toBe(0);
  });

  test('a wrong target fails the connection test with the specific error', async () => {
    const { page } = browser;
    await page.goto(serve.url);
    await page.getByTestId('target-url').fill('http://127.0.0.1:1');
    await page.getByTestId('target-test').click();
    const error = page.locator('.target-form .status-error');
    await error.waitFor();
    expect(await error.locator('.error-code').innerText()).toBe('TARGET_UNREACHABLE');
    expect(await error.innerText()).toContain('127.0.0.1:1');
    await page.screenshot({ path: path.join(SHOTS, '10-target-refused.png') });
  }, 30_000);

  test('add target, record, watch the chart grow, open the leak, diff, export a report', async () => {
    const { page } = browser;
    await page.getByTestId('target-url').fill(fixture.url);
    await page.getByTestId('target-test').click();
    await expect.poll(() => page.getByTestId('target-test-ok').innerText()).toBe(`✓ ${fixture.url} serves goroutine, /debug/vars, /metrics`);
    await page.getByTestId('target-interval').fill('0.5');
    await page.getByTestId('target-full-every').fill('4');
    await page.getByTestId('target-start').click();
    await page.getByTestId('stop-recording').waitFor();

    // The chart grows: more ticks, and the leak raises the total between two looks.
    await expect.poll(() => ticksShown(browser), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const early = await totalShown(browser);
    await expect.poll(() => ticksShown(browser), { timeout: 15_000 }).toBeGreaterThanOrEqual(9);
    await expect.poll(() => totalShown(browser), { timeout: 5_000 }).toBeGreaterThan(early + 20);
    await page.screenshot({ path: path.join(SHOTS, '11-live-timeline.png') });

    // The service goes away: its ticks fail, are marked, and the session carries on.
    await fixture.stop();
    await expect.poll(() => page.locator('.workspace-head p').innerText(), { timeout: 15_000 }).toMatch(/\b[1-9]\d* failed ticks?/);
    await expect.poll(() => page.locator('.legend-failed').innerText(), { timeout: 5_000 }).toMatch(/^✕ \d+ failed requests?: Cannot reach the service$/);
    await page.screenshot({ path: path.join(SHOTS, '11b-failed-ticks.png') });

    // Click near the start of the chart: that tick's snapshot fills the groups table.
    const chart = page.getByTestId('timeline-chart').locator('.u-over');
    const box = (await chart.boundingBox())!;
    await chart.click({ position: { x: 3, y: box.height / 2 } });
    await expect.poll(() => page.getByTestId('tick-label').innerText()).toMatch(/^tick 0 · /);
    // Picking a tick pins it: new ticks keep arriving, the view stays; "Follow live" goes back to them.
    const follow = page.getByTestId('follow-live');
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    expect(new URL(page.url()).searchParams.get('tick')).toBe('0');
    const ticksWhenPinned = await ticksShown(browser);
    await expect.poll(() => ticksShown(browser), { timeout: 15_000 }).toBeGreaterThan(ticksWhenPinned);
    expect(await page.getByTestId('tick-label').innerText()).toMatch(/^tick 0 · /);
    await follow.click();
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.getByTestId('tick-label').innerText()).not.toMatch(/^tick 0 · /);
    expect(new URL(page.url()).searchParams.get('tick')).toBeNull();

    await page.getByTestId('stop-recording').click();
    await page.getByTestId('stop-recording').waitFor({ state: 'detached' });

    // The leaking group: blocked at LEAK-A, the top suspect.
    await page.getByLabel('Filter groups').fill(`main.go:${lineA}`);
    const row = page.getByTestId('group-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain(`main.leakASender main.go:${lineA}`);
    await row.click();
    const detail = page.getByTestId('group-detail');
    await expect.poll(() => detail.locator('.frames li.blocking').innerText()).toContain('main.leakASender');
    await expect.poll(() => detail.locator('.suspect').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, '12-live-group.png') });

    await page.getByRole('tab', { name: 'Dump' }).click();
    await expect.poll(() => page.getByTestId('dump-position').innerText()).toMatch(/^goroutine 1 of [\d,]+ in the group highlighted$/);
    await page.locator('.dump-highlight').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '13-live-dump.png') });

    await page.getByRole('tab', { name: 'Diff' }).click();
    const grew = page.getByTestId('diff-row').filter({ hasText: `leakASender main.go:${lineA}` });
    await expect.poll(() => grew.locator('.badge').innerText()).toBe('grew');
    await page.screenshot({ path: path.join(SHOTS, '14-live-diff.png') });

    await page.getByRole('tab', { name: 'Report' }).click();
    await page.getByTestId('report-frame').waitFor();
    await expect.poll(() => page.frameLocator('[data-testid=report-frame]').locator('body').innerText()).toContain('leakASender');
    await page.screenshot({ path: path.join(SHOTS, '15-report-html.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^goroscope-session-\d+\.html$/);
    const saved = path.join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    const html = await readFile(saved, 'utf8');
    expect(html).toContain('<!doctype html>');
    expect(html).toContain(`main.go:${lineA}`);

    await page.getByRole('button', { name: 'Markdown' }).click();
    await expect.poll(() => page.getByTestId('report-text').innerText()).toContain('leakASender');
    await page.screenshot({ path: path.join(SHOTS, '16-report-md.png') });

    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 90_000);
});
