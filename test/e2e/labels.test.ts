// Issue 12 in the browser UI (`goroscope serve` + Chromium): a blockquoted paste of a real Go 1.27 dump
// with labelled goroutines. The import lists what was repaired, the groups table shows label chips and
// filters by `label:key=value`, the group detail splits by a label, the dump view highlights a value.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import type { ServeProcess } from '../helpers/serve-process.js';
import { buildLabelled, capture } from '../helpers/labelled-fixture.js';

describe('labels in the browser UI', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let dump = '';

  beforeAll(async () => {
    dump = (await capture(await buildLabelled(), ['stack', '-leaks', '5'])).stdout;
    dir = await e2eDir('labels');
    ({ serve, browser } = await openApp(dir));
  }, 180_000);

  afterAll(async () => {
    expect(await closeApp({ serve, browser }, dir)).toBe(0);
  });

  test('paste → repaired note → chips → label filter → split → dump highlight', async () => {
    const { page } = browser;
    page.setDefaultTimeout(15_000);
    await page.goto(serve.url);
    const quoted = dump.split('\n').map((l) => (l === '' ? '>' : `> ${l}`)).join('\n');
    await page.locator('.paste-box').fill(quoted);
    await page.getByRole('button', { name: 'Import pasted text' }).click();
    const rows = page.getByTestId('group-row');
    await rows.first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '19-labels-imported.png') });
    await expect.poll(() => page.getByTestId('import-warnings').innerText()).toContain('repaired: removed markdown blockquote marks (">")');
    const leakRow = rows.filter({ hasText: 'orderLeak' });
    await expect.poll(() => leakRow.innerText()).toContain('route=GET /orders 100%');

    await page.getByLabel('Filter groups').fill('label:tenant=t-0');
    await expect.poll(() => page.getByTestId('groups-count').innerText()).toBe('1 of 4 groups');
    await page.getByLabel('Filter groups').fill('label:pool=workers');
    await expect.poll(() => rows.first().innerText()).toContain('main.worker');
    await page.getByLabel('Filter groups').fill('');

    await leakRow.click();
    // A session of one dump opens on its one-page overview: the group detail is its own tab.
    await page.getByRole('tab', { name: 'Group' }).click();
    const split = page.getByTestId('label-split');
    await page.getByLabel('Label key').selectOption('tenant');
    await expect.poll(() => split.innerText()).toContain('tenant=t-0 ×2');
    await page.screenshot({ path: path.join(SHOTS, '20-labels-group.png') });

    await page.getByRole('tab', { name: 'Dump' }).click();
    await page.getByTestId('dump-label-filter').fill('label:user="Zoë ✓"');
    await expect.poll(() => page.getByTestId('dump-label-count').innerText()).toBe('1 goroutines carry label:user="Zoë ✓"');
    await page.locator('.dump-highlight').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '21-labels-dump.png') });
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 90_000);
});
