import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckResultSchema } from '../../src/shared/report.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { buildFixture, goToolchain, leakMarkers } from '../helpers/go-toolchains.js';
import { startSshd, type RunningSshd } from '../helpers/sshd.js';
import { fixture, runCli } from './record-helpers.js';

// Issue 15: SSH works per instance as for one target. Two real Go services (one leaking) checked as a
// fleet through a real OpenSSH server on 127.0.0.1: one tunnel (one login) per instance.
let bin = '';
let outDir = '';
let sshd: RunningSshd;
let knownHosts = '';

beforeAll(async () => {
  await ensureCliBuilt();
  outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-fleet-ssh-'));
  bin = await buildFixture('fleet', goToolchain('go1.19'), outDir);
  sshd = await startSshd();
  knownHosts = path.join(outDir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
}, 120_000);

afterAll(async () => {
  await sshd?.dispose();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('a fleet through SSH', () => {
  it('check URL URL --ssh records each instance through its own tunnel and names the leaking one', { timeout: 40_000 }, async () => {
    const leaking = await fixture(bin, ['-leak-every', '100ms']);
    const healthy = await fixture(bin, []);
    const before = sshd.logins();
    const check = runCli(
      ['check', leaking.url, healthy.url, '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', sshd.clientKey.path, '--known-hosts', knownHosts, '--duration', '4s', '--interval', '500ms', '--json'],
      { SSH_AUTH_SOCK: '' },
    );
    expect(await check.exited, check.stderr()).toBe(1);
    const result = CheckResultSchema.parse(JSON.parse(check.stdout()));
    const leak = result.suspects.find((s) => s.blockingSite?.line === leakMarkers('fleet')['LEAK-FLEET'])!;
    expect(leak.instances!.map((i) => i.name)).toEqual([leaking.addr]);
    expect(leak.growsOn).toBe(`grows on 1 of 2: ${leaking.addr}; flat elsewhere`);
    expect(result.fleet!.instances.map((i) => i.failedTicks)).toEqual([0, 0]);
    expect(sshd.logins() - before).toBe(2);
  });
});
