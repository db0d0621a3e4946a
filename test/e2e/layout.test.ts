import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import type { ServeProcess } from '../helpers/serve-process.js';
import { headerCells, outsideViewport, overlaps, regionBoxes } from './layout-checks.js';

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const DIR_01 = path.join(CORPUS, 'generated', '01-chan-send-no-receiver');
const FILES = ['t0', 't1', 't2', 't3'].map((t) => path.join(DIR_01, `${t}.debug2.txt`));

/** The main regions of the window: none may overlap another or leave the viewport. */
const REGIONS = {
  'app header': '.app-head',
  sidebar: 'aside.sidebar',
  'session header': '.workspace-head',
  timeline: '.timeline',
  groups: 'section.groups-pane',
  details: 'section.detail-pane',
};

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

describe('the layout at laptop and desktop sizes', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  const scripts: string[] = [];

  beforeAll(async () => {
    dir = await e2eDir('layout');
    ({ serve, browser } = await openApp(dir, { viewport: SIZES[0] }));
    browser.page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
  }, 60_000);

  afterAll(async () => {
    expect(await closeApp({ serve, browser }, dir)).toBe(0);
  });

  const checkRegions = async (what: string, size: { width: number; height: number }): Promise<void> => {
    const boxes = await regionBoxes(browser.page, REGIONS);
    expect(boxes.map((b) => b.name), `${what}: every main region is on screen`).toEqual(Object.keys(REGIONS));
    expect(overlaps(boxes), `${what}: regions overlapping`).toEqual([]);
    expect(outsideViewport(boxes, size), `${what}: regions outside the window`).toEqual([]);
  };

  test('one session of four dumps: groups, diff and report fit at 1024×700, 1280×800 and 1920×1080', async () => {
    const { page } = browser;
    page.setDefaultTimeout(20_000);
    await page.goto(serve.url);
    await page.setInputFiles('[data-testid=file-input]', FILES);
    await page.getByTestId('session-title').filter({ hasText: 't0.debug2.txt and 3 more' }).waitFor();
    await page.getByTestId('timeline-chart').locator('canvas').first().waitFor();
    // Monaco is its own chunk, loaded when the dump view first opens, not with the page.
    expect(scripts.filter((s) => s.includes('MonacoDump'))).toEqual([]);

    for (const size of SIZES) {
      const tag = `${size.width}x${size.height}`;
      await page.setViewportSize(size);
      await page.getByRole('tab', { name: 'Group' }).click();
      const top = page.getByTestId('group-row').first();
      await top.click();
      await page.getByTestId('group-detail').waitFor();
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      await page.screenshot({ path: path.join(SHOTS, `layout-${tag}-session.png`) });
      await checkRegions(`session view ${tag}`, size);
      const heads = await headerCells(page, 'section.groups-pane', '[role=columnheader]');
      expect(heads.map((h) => h.name.replace(/ [▲▼]$/, ''))).toEqual(expect.arrayContaining(['Count', 'Blocking site', 'Created by', 'Score']));
      expect(heads.filter((h) => h.isClipped || h.isOutside).map((h) => h.name), `groups headers cut or outside the pane at ${tag}`).toEqual([]);
      // The score cell of the leak is on screen, inside the groups pane.
      const pane = (await page.locator('section.groups-pane').boundingBox())!;
      const score = (await top.locator('[role=gridcell]').last().boundingBox())!;
      expect(score.x + score.width).toBeLessThanOrEqual(pane.x + pane.width + 1);
      expect(await top.locator('[role=gridcell]').last().innerText()).toMatch(/^\d+$/);

      await page.getByRole('tab', { name: 'Dump' }).click();
      await page.locator('.dump-highlight').first().waitFor();
      const editor = (await page.getByTestId('dump-editor').boundingBox())!;
      expect(editor.height, `dump editor height at ${tag}`).toBeGreaterThan(size.height * 0.4);
      await checkRegions(`dump view ${tag}`, size);

      await page.getByRole('tab', { name: 'Diff' }).click();
      await page.getByTestId('diff-row').first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, `layout-${tag}-diff.png`) });
      await checkRegions(`diff ${tag}`, size);
      const diffHeads = await headerCells(page, 'section.detail-pane', '.diff-table th');
      expect(diffHeads.map((h) => h.name)).toEqual(['Change · blocking site', 'Before', 'After', 'Δ', 'New / kept ids']);
      expect(diffHeads.filter((h) => h.isClipped || h.isOutside).map((h) => h.name), `diff headers cut or outside the pane at ${tag}`).toEqual([]);
      const numbers = await headerCells(page, 'section.detail-pane', '[data-testid=diff-row]:first-child td.num');
      expect(numbers).toHaveLength(4);
      expect(numbers.filter((c) => c.isOutside || c.width < 30).map((c) => c.name), `diff numbers cut at ${tag}`).toEqual([]);

      await page.getByRole('tab', { name: 'Report' }).click();
      await page.getByTestId('report-frame').waitFor();
      await page.frameLocator('[data-testid=report-frame]').locator('h1').first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, `layout-${tag}-report.png`) });
      await checkRegions(`report ${tag}`, size);
      const toolbar = await headerCells(page, 'section.detail-pane', '.report-toolbar button');
      expect(toolbar.filter((b) => b.isOutside).map((b) => b.name), `report buttons outside the pane at ${tag}`).toEqual([]);
    }
    expect(scripts.filter((s) => s.includes('MonacoDump'))).toHaveLength(1);
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);

  test('a reload keeps the session, view, group and tick; the sidebar folds away', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: 'Group' }).click();
    await page.getByTestId('timeline-chart').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('tick-label').innerText()).toMatch(/^tick 0 /);
    await page.getByTestId('group-row').nth(1).click();
    const key = new URL(page.url()).searchParams.get('group');
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    const url = new URL(page.url());
    expect(url.searchParams.get('view')).toBe('group');
    expect(url.searchParams.get('tick')).toBe('0');
    expect(url.searchParams.get('token')).toBeNull();

    await page.reload();
    await page.getByTestId('session-title').filter({ hasText: 't0.debug2.txt and 3 more' }).waitFor();
    await expect.poll(() => page.getByTestId('tick-label').innerText()).toMatch(/^tick 0 /);
    await expect.poll(() => page.locator('[data-testid=group-row][aria-selected=true]').count()).toBe(1);
    expect(await page.getByRole('tab', { name: 'Group' }).getAttribute('aria-selected')).toBe('true');

    await page.getByTestId('sidebar-toggle').click();
    await expect.poll(() => page.locator('aside.sidebar').count()).toBe(0);
    const groups = (await page.locator('section.groups-pane').boundingBox())!;
    expect(groups.x).toBeLessThan(10);
    await page.reload();
    await page.getByTestId('session-title').waitFor();
    expect(await page.locator('aside.sidebar').count()).toBe(0);
    await page.getByTestId('sidebar-toggle').click();
    await page.locator('aside.sidebar').waitFor();
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  test('the legend isolates and hides bands without changing its height', async () => {
    const { page } = browser;
    const legend = page.getByTestId('timeline-legend');
    const bands = page.getByTestId('legend-band');
    const height = (await legend.boundingBox())!.height;
    expect(await bands.count()).toBe(6);
    await bands.first().click();
    expect(await bands.evaluateAll((els) => els.map((e) => e.getAttribute('aria-pressed')))).toEqual(['true', 'false', 'false', 'false', 'false', 'false']);
    await page.getByTestId('legend-show-all').waitFor();
    expect((await legend.boundingBox())!.height).toBe(height);
    await bands.first().click();
    expect(await bands.evaluateAll((els) => els.map((e) => e.getAttribute('aria-pressed')))).toEqual(Array(6).fill('true'));
    await bands.nth(1).click({ modifiers: ['Shift'] });
    expect(await bands.nth(1).getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('legend-show-all').click();
    expect(await page.getByTestId('legend-show-all').count()).toBe(0);
    expect((await legend.boundingBox())!.height).toBe(height);
  }, 30_000);

  test('a refused paste keeps its text, and the error leads with words, not a code', async () => {
    const { page } = browser;
    const box = page.getByLabel('Paste a dump');
    await box.fill('hello, this is not a goroutine dump');
    await page.getByRole('button', { name: 'Import pasted text' }).click();
    const error = page.locator('.import-panel .status-error');
    await error.waitFor();
    expect(await error.locator('.error-title').innerText()).toBe('This is not a goroutine dump');
    expect((await error.innerText()).startsWith('This is not a goroutine dump')).toBe(true);
    expect(await error.locator('.error-code').innerText()).toBe('NOT_A_DUMP');
    expect(await box.inputValue()).toBe('hello, this is not a goroutine dump');
    await page.screenshot({ path: path.join(SHOTS, 'layout-refused-paste.png') });
  }, 30_000);
});
