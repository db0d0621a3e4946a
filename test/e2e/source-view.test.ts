// The source view in Chromium against `goroscope serve --source`: a session recorded from the leaky
// fixture (built from test/fixtures/go/leaky) shows the blocking line's source from that folder, moves
// through the stack into Go's own sources, jumps to the creation site, and opens the resolved file with
// the configured command (argv, no shell). Frames naming files outside the roots read nothing over HTTP.
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { buildFixture, fixtureSourcePath, leakMarkers, REPO_ROOT, startFixture } from '../helpers/go-toolchains.js';
import { rawRequest } from '../helpers/http-request.js';
import type { ServeProcess } from '../helpers/serve-process.js';
import { spawn } from 'node:child_process';

const LEAKY_DIR = path.dirname(fixtureSourcePath('leaky'));
const LEAKY_LINES = readFileSync(fixtureSourcePath('leaky'), 'utf8').split('\n');

function record(url: string, db: string): Promise<number | null> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'goroscope.js'), 'record', url, '--interval', '300ms', '--duration', '2100ms', '--full-every', '2', '--name', 'leaky with source', '--db', db], {
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** The text Monaco shows on its (rendered) highlighted line. */
async function highlightedLine(browser: Browser): Promise<string> {
  const { page } = browser;
  // A string: the test's tsconfig has no DOM types; this runs in the page.
  return page.evaluate<string>(`(() => {
    const host = document.querySelector('[data-testid=source-code]');
    const mark = host && host.querySelector('.dump-highlight');
    if (!mark) return '';
    const top = mark.parentElement.style.top;
    const line = [...host.querySelectorAll('.view-line')].find((l) => l.style.top === top);
    return (line ? line.textContent : '').replace(/\u00a0/g, ' ');
  })()`);
}

describe('source view', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  const markers = leakMarkers('leaky');

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = await e2eDir('source');
    const binary = await buildFixture('leaky', 'go1.19', path.join(REPO_ROOT, '.cache', 'fixtures'));
    const svc = await startFixture(binary, ['--rate', '20', '--kinds', 'AC']);
    try {
      expect(await record(svc.url, path.join(dir, 'history.db'))).toBe(0);
    } finally {
      await svc.stop();
    }
    ({ serve, browser } = await openApp(dir, { serveArgs: ['--source', LEAKY_DIR] }));
    browser.page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    expect(await closeApp({ serve, browser }, dir)).toBe(0);
  });

  test('the group shows its blocking line from the checkout, the stack moves the view, the creation site is one click away', async () => {
    const { page } = browser;
    await page.goto(serve.url);
    await page.getByTestId('session-list').getByText('leaky with source').click();
    await page.getByLabel('Filter groups').fill(`main.go:${markers['LEAK-A']}`);
    await page.getByTestId('group-row').first().click();

    const view = page.getByTestId('source-view');
    await expect.poll(() => view.getByTestId('source-reason').innerText()).toBe(`${fixtureSourcePath('leaky')} · path suffix main.go`);
    await expect.poll(() => highlightedLine(browser), { timeout: 15_000 }).toBe(LEAKY_LINES[markers['LEAK-A']! - 1]!.replace(/\t/g, '    '));
    await page.screenshot({ path: path.join(SHOTS, '40-source-blocking-line.png') });

    await view.getByTestId('source-created-by').click();
    const created = LEAKY_LINES.findIndex((l) => l.includes('go leakASender(')) + 1;
    await expect.poll(() => highlightedLine(browser)).toBe(LEAKY_LINES[created - 1]!.replace(/\t/g, '    '));
    expect(await view.locator('.source-where strong').innerText()).toBe(`main.go:${created}`);

    // The mutex leak: its stack runs through sync, whose source comes from the local GOROOT.
    await page.getByLabel('Filter groups').fill(`main.go:${markers['LEAK-C']}`);
    await page.getByTestId('group-row').first().click();
    await expect.poll(() => highlightedLine(browser)).toBe(LEAKY_LINES[markers['LEAK-C']! - 1]!.replace(/\t/g, '    '));
    const lock = view.getByTestId('source-frames').locator('li').filter({ has: page.locator('.func', { hasText: /^sync\.\(\*Mutex\)\.Lock$/ }) });
    await lock.locator('.resolved-mark.yes').waitFor();
    await lock.locator('button').click();
    await expect.poll(() => view.getByTestId('source-reason').innerText()).toMatch(/\/src\/sync\/mutex\.go · local GOROOT$/);
    await expect.poll(() => highlightedLine(browser)).toContain('m.lockSlow()');
    await page.screenshot({ path: path.join(SHOTS, '41-source-goroot-frame.png') });
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  test('the app’s report shows each suspect’s blocking line from the checkout', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: 'Report' }).click();
    const body = page.frameLocator('[data-testid=report-frame]').locator('body');
    await expect.poll(() => body.innerText(), { timeout: 15_000 }).toContain(`${markers['LEAK-A']} \tresult <- 42 // LEAK-A`);
    expect(await body.innerText()).not.toContain('vscode://');
    await page.frameLocator('[data-testid=report-frame]').locator('figure.source').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, '42-source-in-report.png') });
    await page.getByRole('tab', { name: 'Group' }).click();
  }, 30_000);

  test('Open in editor runs the configured command with the resolved file as one argument', async () => {
    const { page } = browser;
    await page.getByLabel('Filter groups').fill(`main.go:${markers['LEAK-A']}`);
    await page.getByTestId('group-row').first().click();
    const view = page.getByTestId('source-view');
    await view.locator('.source-settings summary').click();
    await view.locator('.source-settings select').selectOption('custom');
    const copy = path.join(dir, 'opened');
    await view.locator('.source-settings input').fill(`cp {file} ${copy}-{line}.go`);
    await view.getByRole('button', { name: 'Save' }).click();
    await view.getByTestId('source-open').click();
    const opened = `${copy}-${markers['LEAK-A']}.go`;
    await expect.poll(() => existsSync(opened), { timeout: 5_000 }).toBe(true);
    expect(await readFile(opened, 'utf8')).toBe(readFileSync(fixtureSourcePath('leaky'), 'utf8'));
  }, 30_000);

  test('over HTTP, frames naming files outside the roots read nothing', async () => {
    const ask = async (file: string) => {
      const res = await rawRequest({
        port: serve.port,
        method: 'POST',
        path: '/api/source.read',
        headers: { host: `127.0.0.1:${serve.port}`, 'x-goroscope-token': serve.token, 'content-type': 'application/json' },
        body: JSON.stringify({ frame: { func: 'main.main', file, line: 1 } }),
      });
      return JSON.parse(res.body) as { ok: boolean; error?: { code: string; message: string } };
    };
    for (const file of ['../../etc/passwd', '/etc/passwd', '/dev/zero', `${LEAKY_DIR}/../healthy/main.go`]) {
      const reply = await ask(file);
      expect(reply.ok).toBe(false);
      expect(reply.error!.code).toBe('NOT_FOUND');
      expect(reply.error!.message).not.toContain('root:');
    }
    expect((await ask('/etc/passwd')).error!.message).toBe('no readable source for /etc/passwd:1 under the source roots');
  });
});
