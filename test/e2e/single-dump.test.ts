// Issue #14 in Chromium against `goroscope serve`: the single-dump page, and the same files imported in the
// app and given to `goroscope check` giving identical suspects and rates.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CheckResultSchema, ReportSchema, type CheckResult, type Report } from '../../src/shared/report.js';
import { CLI_BIN, ensureCliBuilt } from '../helpers/cli-build.js';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import type { ServeProcess } from '../helpers/serve-process.js';

const GENERATED = path.join(process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus'), 'generated');
const corpus = (pattern: string, names: string[]): string[] => names.map((n) => path.join(GENERATED, pattern, n));
const T4 = ['t0', 't1', 't2', 't3'];

/** What must be identical between the app and `check`: which groups, how strong, how fast. */
function comparable(suspects: readonly Pick<CheckResult['suspects'][number], 'key' | 'count' | 'strength' | 'basis' | 'score' | 'ratePerMin' | 'growthPerMin' | 'rise' | 'reasons'>[]) {
  return suspects.map((s) => ({ key: s.key, count: s.count, strength: s.strength, basis: s.basis, score: s.score, ratePerMin: s.ratePerMin, growthPerMin: s.growthPerMin, rise: s.rise, reasons: s.reasons }));
}

describe('one dump, and the same files in the app and in check', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = await e2eDir('single');
    // Both run in the same empty folder: no .goroscope.json on either side.
    ({ serve, browser } = await openApp(dir, { cwd: dir }));
  }, 60_000);

  afterAll(async () => {
    expect(await closeApp({ serve, browser }, dir)).toBe(0);
  });

  function check(files: string[], interval: string | null): CheckResult {
    const r = spawnSync(process.execPath, [CLI_BIN, 'check', '--json', ...(interval ? ['--interval', interval] : []), ...files], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return CheckResultSchema.parse(JSON.parse(r.stdout));
  }

  /** Imports through the page's file picker (with the interval field), waits for the session, returns its report. */
  async function importInApp(files: string[], interval: string | null, title: string): Promise<Report> {
    const { page } = browser;
    const newest = async (): Promise<number> =>
      // The page sends serve's token as a header (no cookie), so these requests do too.
      page.evaluate(async (token) => {
        const r = await fetch('/api/session.list', { method: 'POST', headers: { 'content-type': 'application/json', 'x-goroscope-token': token }, body: '{}' });
        return Math.max(0, ...((await r.json()) as { value: { id: number }[] }).value.map((s) => s.id));
      }, serve.token);
    const before = await newest();
    await page.getByTestId('import-interval').fill(interval ?? '');
    await page.setInputFiles('[data-testid=file-input]', files);
    await expect.poll(newest).toBeGreaterThan(before);
    const sessionId = await newest();
    await page.locator('.workspace-head p').filter({ hasText: `#${sessionId} ` }).waitFor();
    await page.getByTestId('session-title').filter({ hasText: title }).waitFor();
    // The app's own report, over the same HTTP API the page uses.
    const json = await page.evaluate(async ({ id, token }) => {
      const r = await fetch('/api/report.render', { method: 'POST', headers: { 'content-type': 'application/json', 'x-goroscope-token': token }, body: JSON.stringify({ sessionId: id, format: 'json' }) });
      return ((await r.json()) as { value: { content: string } }).value.content;
    }, { id: sessionId, token: serve.token });
    return ReportSchema.parse(JSON.parse(json));
  }

  test('the single-dump page: verdict, states, merged groups with wait ranges, frames by origin, creation tree', async () => {
    const { page } = browser;
    page.setDefaultTimeout(20_000);
    await page.goto(serve.url);
    // Go 1.27: (leaked) marks and `created by … in goroutine N`.
    await page.setInputFiles('[data-testid=file-input]', corpus('14-go127-leak-profile', ['t2.debug2.txt']));
    await page.getByTestId('session-title').filter({ hasText: 't2.debug2.txt' }).waitFor();
    const onePage = page.getByTestId('single-dump');
    await onePage.waitFor();
    expect(await page.getByRole('tab', { name: 'One page' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('sd-headline').innerText()).toMatch(/^75\d goroutines in \d+ groups/);
    const verdict = await page.getByTestId('sd-verdict').innerText();
    expect(verdict).toMatch(/proof\s+300 at main\.replica main\.go:38/);
    expect(verdict).toMatch(/strong\s+150 at main\.recordHit main\.go:57/);
    expect(await page.getByTestId('sd-states').innerText()).toContain('chan send 300');
    const first = page.getByTestId('sd-group').first();
    expect(await first.locator('.sd-group-head').innerText()).toMatch(/^300\s+chan send 300/);
    expect(await first.locator('.sd-frames li.blocking').innerText()).toContain('main.replica');
    expect(await first.locator('.sd-frames li.origin-own').count()).toBeGreaterThan(0);
    expect(await page.locator('.sd-frames li.origin-stdlib').count()).toBeGreaterThan(0);
    const tree = await page.getByTestId('sd-tree').innerText();
    expect(tree).toContain('Who started whom');
    expect(tree).toContain('created by main.leakOne main.go:72, by goroutines that have exited — 150 goroutines');
    await page.screenshot({ path: path.join(SHOTS, '14-single-dump-go127.png') });
    // A group opens in the table and the Group tab, with its strength.
    await first.getByRole('button', { name: 'open' }).click();
    await expect.poll(() => page.getByTestId('suspect-strength').innerText()).toBe('proof evidence, from one snapshot');
    await page.screenshot({ path: path.join(SHOTS, '14b-single-dump-group.png') });

    // Go 1.19 with wait minutes: wait ranges, and the creation tree by site.
    await page.setInputFiles('[data-testid=file-input]', corpus('08-sleep-forever-loop', ['t3.debug2.txt']));
    await page.getByTestId('session-title').filter({ hasText: 't3.debug2.txt' }).waitFor();
    await onePage.waitFor();
    const sleep = page.getByTestId('sd-group').first();
    await expect.poll(() => sleep.locator('.sd-group-head').innerText()).toMatch(/^300\s+sleep 300\s+1 minute\s+weak suspect/);
    expect(await sleep.locator('.sd-reasons').innerText()).toContain('a burst of sleepers in progress looks the same as a sleeping leak');
    expect(await page.getByTestId('sd-tree').innerText()).toContain('created by main.startHeartbeat main.go:81 — 300 goroutines in 1 group');
    await page.screenshot({ path: path.join(SHOTS, '14c-single-dump-sleep.png') });

    // The healthy control: no suspect, and the page says what one snapshot cannot tell.
    await page.setInputFiles('[data-testid=file-input]', corpus('09-healthy-control', ['t3.debug2.txt']));
    await expect.poll(() => page.getByTestId('sd-verdict').innerText()).toContain('No leak evidence in this dump.');
    const merged = await page.getByTestId('sd-group').count();
    await page.getByTestId('sd-exact').check();
    await expect.poll(() => page.getByTestId('sd-group').count()).toBeGreaterThanOrEqual(merged);
    await page.screenshot({ path: path.join(SHOTS, '14d-single-dump-healthy-exact.png') });
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 90_000);

  test.each([
    ['one debug=2 dump', '01-chan-send-no-receiver', ['t2.debug2.txt'], null, 't2.debug2.txt'],
    ['text dumps, interval given', '01-chan-send-no-receiver', T4.map((t) => `${t}.debug2.txt`), '30s', 't0.debug2.txt and 3 more'],
    ['text dumps, no interval: no rate', '05-mutex-held-forever', T4.map((t) => `${t}.debug2.txt`), null, 't0.debug2.txt and 3 more'],
    ['protobuf profiles: their own times', '04-http-body-not-closed', T4.map((t) => `${t}.debug0.pb.gz`), null, 't0.debug0.pb.gz and 3 more'],
    ['every format of a tick together', '06-waitgroup-never-done', T4.flatMap((t) => [`${t}.debug2.txt`, `${t}.debug0.pb.gz`]), '10s', 't0.debug2.txt and 7 more'],
  ])('%s (%s): identical suspects and rates', async (_what, pattern, names, interval, title) => {
    const files = corpus(pattern, names);
    const cli = check(files, interval);
    const app = await importInApp(files, interval, title);
    expect(cli.suspects.length).toBeGreaterThan(0);
    expect(comparable(app.suspects)).toEqual(comparable(cli.suspects));
    // What the page shows for the top suspect: the same strength and the same rate.
    const { page } = browser;
    const top = cli.suspects[0]!;
    await page.getByTestId('group-row').first().waitFor();
    await page.getByRole('tab', { name: 'Group' }).click();
    await page.getByTestId('group-row').filter({ hasText: `${path.basename(top.blockingSite!.file)}:${top.blockingSite!.line}` }).first().click();
    const detail = page.getByTestId('group-detail');
    await expect.poll(() => detail.getByTestId('suspect-strength').innerText()).toContain(`${top.strength} evidence`);
    const evidence = await detail.locator('.suspect').innerText();
    if (top.ratePerMin !== null) expect(evidence).toContain(`growing ${top.ratePerMin.toFixed(1)} goroutines/min`);
    else expect(evidence).not.toContain('goroutines/min');
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);
});
