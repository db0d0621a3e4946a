import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from '../helpers/chromium.js';
import { closeApp, e2eDir, openApp, SHOTS } from '../helpers/e2e-app.js';
import { buildFixture, REPO_ROOT, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import type { ServeProcess } from '../helpers/serve-process.js';
import { generateKey, startSshd, type GeneratedKey, type RunningSshd } from '../helpers/sshd.js';

// The target form with an ssh config alias: Chromium against `goroscope serve`, a bastion sshd that
// forwards only to the target sshd, the target reaching a live Go service, all on 127.0.0.1. The form
// shows what the alias resolves to before connecting, and asks for the encrypted key's passphrase.
describe('record through a ProxyJump alias from the browser UI', () => {
  let dir: string;
  let fixture: RunningFixture;
  let bastion: RunningSshd;
  let target: RunningSshd;
  let locked: GeneratedKey;
  let serve: ServeProcess;
  let browser: Browser;
  let config: string;

  beforeAll(async () => {
    dir = await e2eDir('ssh-alias');
    const binary = await buildFixture('leaky', 'go1.19', path.join(REPO_ROOT, '.cache', 'fixtures'));
    fixture = await startFixture(binary, ['--rate', '10', '--kinds', 'A']);
    target = await startSshd();
    bastion = await startSshd({ permitOpen: [`127.0.0.1:${target.port}`] });
    locked = generateKey(dir, 'prod_ed25519', 'open sesame');
    await appendFile(path.join(target.dir, 'authorized_keys'), `${locked.publicLine}\n`);
    const knownHosts = path.join(dir, 'known_hosts');
    await writeFile(knownHosts, `${bastion.knownHostsLine}\n${target.knownHostsLine}\n`);
    config = path.join(dir, 'config');
    await writeFile(
      config,
      [
        'Host bastion',
        '  HostName 127.0.0.1',
        `  Port ${bastion.port}`,
        `  IdentityFile ${bastion.clientKey.path}`,
        'Host prod-api-3',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        '  ProxyJump bastion',
        `  IdentityFile ${locked.path}`,
        'Host *',
        '  IdentitiesOnly yes',
        // Whatever agent the machine running the tests has, this route logs in with its key files.
        '  IdentityAgent none',
        `  UserKnownHostsFile ${knownHosts}`,
        '',
      ].join('\n'),
    );
    ({ serve, browser } = await openApp(dir));
    browser.page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    const serveExit = await closeApp({ serve, browser }, dir);
    await fixture?.stop();
    await bastion?.dispose();
    await target?.dispose();
    expect(serveExit).toBe(0);
  });

  test('the alias shows its jump chain, user, host, port and key; the passphrase is asked for; the test goes through the bastion', async () => {
    const { page } = browser;
    await page.goto(serve.url);
    await page.getByTestId('target-url').fill(fixture.url);
    await page.getByText('Through SSH').click();
    await page.getByTestId('ssh-destination').fill('prod-api-3');
    await page.getByTestId('ssh-config-file').fill(config);
    await page.getByTestId('ssh-config-file').blur();
    const knownHosts = path.join(dir, 'known_hosts');
    await expect.poll(() => page.getByTestId('ssh-route').locator('li').allInnerTexts()).toEqual([
      `bastion → ${bastion.user}@127.0.0.1:${bastion.port} · key ${bastion.clientKey.path} · known_hosts ${knownHosts}`,
      `prod-api-3 via bastion → ${target.user}@127.0.0.1:${target.port} · key ${locked.path} · known_hosts ${knownHosts}`,
    ]);
    await page.getByTestId('ssh-passphrase').fill('open sesame');
    await page.screenshot({ path: path.join(SHOTS, '23-ssh-alias-route.png') });
    await page.getByTestId('target-test').click();
    await expect.poll(() => page.getByTestId('target-test-ok').innerText()).toBe(`✓ ${fixture.url} serves goroutine, /debug/vars, /metrics (via ssh prod-api-3 via bastion)`);
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 90_000);
});
