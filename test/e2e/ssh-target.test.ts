import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import { buildFixture, REPO_ROOT, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import type { ServeProcess } from '../helpers/serve-process.js';
import { sshKeygenFingerprint, startSshd, type RunningSshd } from '../helpers/sshd.js';

// The target form's "through SSH" fields in Chromium against `goroscope serve`, a real OpenSSH server
// and a live Go service, all on 127.0.0.1.
describe('record a Go service through SSH from the browser UI', () => {
  let dir: string;
  let fixture: RunningFixture;
  let sshd: RunningSshd;
  let serve: ServeProcess;
  let browser: Browser;
  let knownHosts: string;
  let emptyKnownHosts: string;

  beforeAll(async () => {
    dir = await e2eDir('ssh');
    const binary = await buildFixture('leaky', 'go1.19', path.join(REPO_ROOT, '.cache', 'fixtures'));
    fixture = await startFixture(binary, ['--rate', '10', '--kinds', 'AB']);
    sshd = await startSshd();
    knownHosts = path.join(dir, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    emptyKnownHosts = path.join(dir, 'known_hosts.empty');
    await writeFile(emptyKnownHosts, '');
    ({ serve, browser } = await openApp(dir));
    browser.page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    const serveExit = await closeApp({ serve, browser }, dir);
    await fixture?.stop();
    await sshd?.dispose();
    expect(serveExit).toBe(0);
  });

  test('an unknown host key is shown with its fingerprint and what to do; with known_hosts the tunnel records; the target comes back to record again', async () => {
    const { page } = browser;
    const destination = `${sshd.user}@127.0.0.1:${sshd.port}`;
    await page.goto(serve.url);
    await page.getByTestId('target-url').fill(fixture.url);
    await page.getByText('Through SSH').click();
    await page.getByTestId('ssh-destination').fill(destination);
    await page.getByTestId('ssh-key-file').fill(sshd.clientKey.path);
    await page.getByTestId('ssh-known-hosts').fill(emptyKnownHosts);
    await page.getByTestId('target-test').click();

    const error = page.locator('.target-form .status-error');
    await error.waitFor();
    expect(await error.locator('.error-code').innerText()).toBe('HOST_KEY_MISMATCH');
    const message = await error.locator('.error-message').innerText();
    expect(message).toContain(`the server presented ssh-ed25519 key ${sshKeygenFingerprint(`${sshd.hostKey.path}.pub`)}`);
    expect(message).toContain(`\n  ${sshd.knownHostsLine}\n`);
    expect(await error.locator('.status-detail').innerText()).toMatch(/^Compare the fingerprint in the message with the SSH server’s own/);
    await error.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, '20-ssh-host-key-unknown.png') });

    await page.getByTestId('ssh-known-hosts').fill(knownHosts);
    await page.getByTestId('target-test').click();
    await expect.poll(() => page.getByTestId('target-test-ok').innerText()).toBe(`✓ ${fixture.url} serves goroutine, /debug/vars, /metrics (via ssh ${destination})`);
    await page.getByTestId('target-interval').fill('0.5');
    await page.getByTestId('target-full-every').fill('2');
    await page.getByTestId('target-start').click();
    await page.getByTestId('stop-recording').waitFor();
    const stored = `ssh://${destination}/${fixture.url}`;
    await expect.poll(() => page.locator('.workspace-head p').innerText()).toContain(stored);
    await expect.poll(() => page.locator('.workspace-head p').innerText(), { timeout: 15_000 }).toMatch(/ · [3-9] ticks/);
    await page.screenshot({ path: path.join(SHOTS, '21-ssh-recording.png') });
    await page.getByTestId('stop-recording').click();
    await page.getByTestId('stop-recording').waitFor({ state: 'detached' });

    // A fresh page: the past target fills URL and destination; the key files are typed again.
    await page.reload();
    await page.getByTestId('known-target').selectOption({ label: `${fixture.url} via ssh ${destination}` });
    expect(await page.getByTestId('target-url').inputValue()).toBe(fixture.url);
    expect(await page.getByTestId('ssh-destination').inputValue()).toBe(destination);
    expect(await page.getByTestId('ssh-disclosure').getAttribute('open')).toBe('');
    await page.getByTestId('ssh-key-file').fill(sshd.clientKey.path);
    await page.getByTestId('ssh-known-hosts').fill(knownHosts);
    await page.getByTestId('target-test').click();
    await expect.poll(() => page.getByTestId('target-test-ok').innerText()).toContain(`(via ssh ${destination})`);
    await page.screenshot({ path: path.join(SHOTS, '22-ssh-past-target.png') });

    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 90_000);
});
