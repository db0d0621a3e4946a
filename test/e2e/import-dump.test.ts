import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import type { ServeProcess } from '../helpers/serve-process.js';

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const DUMP_01 = path.join(CORPUS, 'generated', '01-chan-send-no-receiver', 't1.debug2.txt');

describe('import a dump in the browser UI', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    dir = await e2eDir('import');
    ({ serve, browser } = await openApp(dir));
  }, 60_000);

  afterAll(async () => {
    expect(await closeApp({ serve, browser }, dir)).toBe(0);
  });

  test('file picker → groups → leaking group → its goroutines highlighted in the dump', async () => {
    const { page } = browser;
    page.setDefaultTimeout(15_000);
    await page.goto(serve.url);
    expect(new URL(page.url()).search).toBe('');
    await page.screenshot({ path: path.join(SHOTS, '01-empty.png') });

    await page.setInputFiles('[data-testid=file-input]', DUMP_01);
    await page.getByTestId('session-title').filter({ hasText: 't1.debug2.txt' }).waitFor();
    const rows = page.getByTestId('group-row');
    await rows.first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '02-groups.png') });
    await expect.poll(() => rows.first().innerText()).toContain('fetchWithTimeout.func1 main.go:84');

    // Keyboard: into the table, down to the first row, Enter opens it.
    await page.getByTestId('groups-body').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await rows.first().getAttribute('aria-selected')).toBe('true');
    const detail = page.getByTestId('group-detail');
    await detail.waitFor();
    await expect.poll(() => detail.locator('.frames li.blocking').innerText()).toContain('main.fetchWithTimeout.func1');
    await page.screenshot({ path: path.join(SHOTS, '03-group-detail.png') });

    await page.getByRole('button', { name: 'Show goroutines in dump' }).click();
    await page.getByTestId('dump-position').waitFor();
    expect(await page.getByTestId('dump-position').innerText()).toBe('goroutine 1 of 100 in the group highlighted');
    await page.locator('.dump-highlight').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '04-dump-view.png') });

    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  test('drag-and-drop two files makes one session of two ticks; a paste makes another', async () => {
    const { page } = browser;
    const dir01 = path.join(CORPUS, 'generated', '01-chan-send-no-receiver');
    const files = ['t1.debug1.txt', 't2.debug1.txt'].map((name, i) => ({ name, text: readFileSync(path.join(dir01, name), 'utf8'), modified: 1_000 + i }));
    // Runs in the page: a drop of real File objects on the window, as a file manager would do it.
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      for (const f of ${JSON.stringify(files)}) dt.items.add(new File([f.text], f.name, { lastModified: f.modified }));
      for (const type of ['dragenter', 'dragover', 'drop']) window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await page.getByTestId('session-title').filter({ hasText: 't1.debug1.txt and 1 more' }).waitFor();
    await expect.poll(() => page.locator('.workspace-head p').innerText()).toContain('2 ticks');
    await expect.poll(() => page.getByTestId('group-row').first().innerText()).toContain('300');
    await page.screenshot({ path: path.join(SHOTS, '06-dropped-two-files.png') });

    // debug=1 has no goroutine ids: the leak's one record (`300 @ …`) is found by its frames.
    await page.getByTestId('group-row').first().click();
    await page.getByRole('tab', { name: 'Dump' }).click();
    await expect.poll(() => page.getByTestId('dump-position').innerText()).toBe('record 1 of 1 in the group highlighted');
    expect(await page.locator('.dump-size').innerText()).toBe('39 lines · 4 records');
    await page.locator('.dump-highlight').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '06b-debug1-dump.png') });
    await page.getByRole('tab', { name: 'Group' }).click();

    const pasted = readFileSync(path.join(CORPUS, 'generated', '02-chan-receive-never-closed', 't1.debug2.txt'), 'utf8');
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.setData('text/plain', ${JSON.stringify(pasted)});
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    })()`);
    await page.getByTestId('session-title').filter({ hasText: 'pasted dump' }).waitFor();
    // The list reloads after the new session opens: wait for it.
    await expect.poll(() => page.getByTestId('session-list').locator('li').count()).toBe(3);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('group-row').first().click();
    await page.getByRole('tab', { name: 'Dump' }).click();
    await page.locator('.dump-highlight').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '07-dark-dump.png') });
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);
});

describe('the 14 MB, 50k-goroutine corpus dump', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    dir = await e2eDir('import');
    ({ serve, browser } = await openApp(dir));
  }, 60_000);

  afterAll(async () => {
    expect(await closeApp({ serve, browser }, dir)).toBe(0);
  });

  test('opens in the dump view with the 50,000 leaked goroutines highlighted', async () => {
    const { page } = browser;
    page.setDefaultTimeout(30_000);
    await page.goto(serve.url);
    await page.setInputFiles('[data-testid=file-input]', path.join(CORPUS, 'generated', '11-large-50k-leak', 't1.debug2.txt'));
    // Feedback from the moment the file is picked: reading and sending 14 MB takes seconds.
    await expect.poll(() => page.getByTestId('import-progress').innerText(), { timeout: 5_000 }).toMatch(/^Importing t1\.debug2\.txt \(1[45]\.\d MB\)…$/);
    const top = page.getByTestId('group-row').first();
    await expect.poll(() => top.innerText(), { timeout: 30_000 }).toContain('50,000');
    await top.click();
    await page.getByRole('tab', { name: 'Dump' }).click();
    await expect.poll(() => page.getByTestId('dump-position').innerText(), { timeout: 30_000 }).toBe('goroutine 1 of 50,000 in the group highlighted');
    await page.locator('.dump-highlight').first().waitFor();
    const openMs = await page.evaluate(() => performance.getEntriesByName('dump:open').at(-1)?.duration ?? -1);
    console.log(`dump:open ${openMs.toFixed(0)} ms`);
    expect(openMs).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, '05-dump-50k.png') });
    // Next goroutine of the group: the second header of the leaked group.
    await page.getByRole('button', { name: 'Next goroutine of the group' }).click();
    expect(await page.getByTestId('dump-position').innerText()).toBe('goroutine 2 of 50,000 in the group highlighted');
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});
