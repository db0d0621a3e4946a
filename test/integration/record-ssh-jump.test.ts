import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { discover } from '../../src/main/collect/discover.js';
import { sshConnectorFor } from '../../src/main/collect/ssh-tunnel.js';
import { TargetClient } from '../../src/main/collect/target-client.js';
import { normaliseTarget } from '../../src/main/collect/target-url.js';
import { SshAuthError } from '../../src/shared/errors.js';
import { CheckResultSchema } from '../../src/shared/report.js';
import { leakMarkers } from '../helpers/go-toolchains.js';
import { startAgent, type RunningAgent } from '../helpers/ssh-agent.js';
import { generateKey, signUserCertificate, sshKeygenFingerprint, startSshd, type GeneratedKey, type RunningSshd } from '../helpers/sshd.js';
import { buildLeakyForFile, CLI, fixture, runCli } from './record-helpers.js';

// Two real OpenSSH servers on 127.0.0.1: a bastion that forwards only to the target's SSH port
// (PermitOpen), and the target, which reaches the leaky Go service. Goroscope reads a generated ssh
// config (Host aliases, ProxyJump, IdentityFile, UserKnownHostsFile, HostKeyAlias) and goes through
// both, one ssh2 connection per hop. A real ssh-agent and a CA made with ssh-keygen -s serve one case
// each. A missing sshd, ssh-agent or Go fails the file.

const leaky = buildLeakyForFile();
let bastion: RunningSshd;
let target: RunningSshd;
let closedPort = 0;
let dir = '';
let agent: RunningAgent;
let ca: GeneratedKey;
let certKey: GeneratedKey;

beforeAll(async () => {
  target = await startSshd();
  // A port nothing listens on, which the bastion may forward to: "connection refused" past the bastion.
  const gone = await startSshd();
  closedPort = gone.port;
  await gone.dispose();
  dir = target.dir;
  ca = generateKey(dir, 'user_ca');
  writeFileSync(path.join(dir, 'user_ca.pub.only'), `${ca.publicLine}\n`);
  bastion = await startSshd({ permitOpen: [`127.0.0.1:${target.port}`, `127.0.0.1:${closedPort}`] });
  agent = await startAgent();
  agent.add(target.clientKey.path);
  certKey = generateKey(dir, 'cert_user');
  signUserCertificate(ca, certKey, target.user);
}, 60_000);

afterAll(async () => {
  await agent?.dispose();
  await bastion?.dispose();
  await target?.dispose();
});

const LEAK_A = leakMarkers('leaky')['LEAK-A']!;

function hostKeyLine(name: string, s: RunningSshd): string {
  return `${name} ${s.hostKey.publicLine.split(' ').slice(0, 2).join(' ')}`;
}

interface ConfigFiles {
  config: string;
  bastionKnownHosts: string;
  targetKnownHosts: string;
}

/** The client config a user of these two servers would write, with its own known_hosts per hop. */
function writeConfig(name: string, extraTarget: string[] = []): ConfigFiles {
  const bastionKnownHosts = path.join(dir, `${name}.known_hosts_bastion`);
  const targetKnownHosts = path.join(dir, `${name}.known_hosts`);
  writeFileSync(bastionKnownHosts, `${bastion.knownHostsLine}\n`);
  // The target is checked under its HostKeyAlias: its address is loopback, like the bastion's.
  writeFileSync(targetKnownHosts, `${hostKeyLine('prod-api-3', target)}\n`);
  const config = path.join(dir, `${name}.config`);
  writeFileSync(
    config,
    [
      'Host bastion',
      '  HostName 127.0.0.1',
      `  Port ${bastion.port}`,
      `  IdentityFile ${bastion.clientKey.path}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${bastionKnownHosts}`,
      // First value wins: the closed port before the block that gives prod-api-3 its port.
      'Host prod-gone',
      `  Port ${closedPort}`,
      'Host prod-api-3 prod-gone',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      '  ProxyJump bastion',
      '  HostKeyAlias prod-api-3',
      `  UserKnownHostsFile ${targetKnownHosts}`,
      ...extraTarget.map((l) => `  ${l}`),
      'Host prod-forbidden',
      '  HostName 127.0.0.1',
      `  IdentityFile ${target.clientKey.path}`,
      `  Port ${bastion.port}`,
      '  ProxyJump bastion',
      '',
    ].join('\n'),
  );
  return { config, bastionKnownHosts, targetKnownHosts };
}

describe('goroscope check through a ProxyJump bastion (the built CLI)', () => {
  it('names the leaky fixture’s leak, over one login on each hop', { timeout: 60_000 }, async () => {
    const svc = await fixture(leaky(), ['-rate', '20', '-kinds', 'A']);
    const { config } = writeConfig('check', [`IdentityFile ${target.clientKey.path}`, 'IdentitiesOnly yes']);
    const bastionLogins = bastion.logins();
    const targetLogins = target.logins();
    const check = runCli(['check', svc.url, '--ssh', 'prod-api-3', '--ssh-config', config, '--duration', '20s', '--interval', '1s', '--json'], { SSH_AUTH_SOCK: '' });
    expect(await check.exited).toBe(1);
    expect(check.stderr().split('\n')[0]).toBe(`checking ${svc.url} via ssh prod-api-3 via bastion for 20s, a tick every 1s (Ctrl-C ends early)`);
    expect(check.stderr()).not.toContain('failed');
    const suspects = CheckResultSchema.parse(JSON.parse(check.stdout())).suspects;
    expect(suspects.map((s) => `${s.blockingSite?.func}:${s.blockingSite?.line}`)).toContain(`main.leakASender:${LEAK_A}`);
    await bastion.waitForLog(/^Accepted publickey for /gm, bastionLogins + 1);
    await target.waitForLog(/^Accepted publickey for /gm, targetLogins + 1);
    expect(bastion.logins() - bastionLogins).toBe(1);
    expect(target.logins() - targetLogins).toBe(1);
  });

  it('refuses a changed host key on either hop, naming that hop', { timeout: 30_000 }, async () => {
    const url = 'http://127.0.0.1:6060';
    const impostor = generateKey(dir, 'impostor_host');
    const fpOld = sshKeygenFingerprint(`${impostor.path}.pub`);
    const bastionFp = sshKeygenFingerprint(`${bastion.hostKey.path}.pub`);
    const targetFp = sshKeygenFingerprint(`${target.hostKey.path}.pub`);

    const onBastion = writeConfig('changed-bastion', [`IdentityFile ${target.clientKey.path}`]);
    writeFileSync(onBastion.bastionKnownHosts, `[127.0.0.1]:${bastion.port} ${impostor.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    const a = runCli(['check', url, '--ssh', 'prod-api-3', '--ssh-config', onBastion.config, '--duration', '2s'], { SSH_AUTH_SOCK: '' });
    expect(await a.exited).toBe(2);
    expect(a.stderr()).toBe(
      `checking ${url} via ssh prod-api-3 via bastion for 2s, a tick every 2s (Ctrl-C ends early)\n` +
      `goroscope: ssh bastion: the host key of [127.0.0.1]:${bastion.port} has CHANGED: ${onBastion.bastionKnownHosts} line 1 expects ssh-ed25519 key ${fpOld}, but the server presented ssh-ed25519 key ${bastionFp}. ` +
        'Refusing to connect: someone may be intercepting the connection, or the server was reinstalled. ' +
        `If the new key is right, remove the old entry with \`ssh-keygen -R '[127.0.0.1]:${bastion.port}' -f ${onBastion.bastionKnownHosts}\` and add the new key\n`,
    );

    const onTarget = writeConfig('changed-target', [`IdentityFile ${target.clientKey.path}`]);
    writeFileSync(onTarget.targetKnownHosts, `prod-api-3 ${impostor.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    const b = runCli(['check', url, '--ssh', 'prod-api-3', '--ssh-config', onTarget.config, '--duration', '2s'], { SSH_AUTH_SOCK: '' });
    expect(await b.exited).toBe(2);
    expect(b.stderr()).toBe(
      `checking ${url} via ssh prod-api-3 via bastion for 2s, a tick every 2s (Ctrl-C ends early)\n` +
      `goroscope: ssh prod-api-3 via bastion: the host key of prod-api-3 has CHANGED: ${onTarget.targetKnownHosts} line 1 expects ssh-ed25519 key ${fpOld}, but the server presented ssh-ed25519 key ${targetFp}. ` +
        'Refusing to connect: someone may be intercepting the connection, or the server was reinstalled. ' +
        `If the new key is right, remove the old entry with \`ssh-keygen -R prod-api-3 -f ${onTarget.targetKnownHosts}\` and add the new key\n`,
    );
  });
});

describe('goroscope check asks for an encrypted key’s passphrase on its terminal', () => {
  it('reads it without echo from the TTY (util-linux script gives the CLI one) and records through the bastion', { timeout: 60_000 }, async () => {
    const svc = await fixture(leaky(), ['-rate', '20', '-kinds', 'A']);
    const tty = generateKey(dir, 'tty_ed25519', 'typed at the prompt');
    appendFileSync(path.join(target.dir, 'authorized_keys'), `${tty.publicLine}\n`);
    const { config } = writeConfig('tty', [`IdentityFile ${tty.path}`, 'IdentitiesOnly yes']);
    const command = [process.execPath, CLI, 'check', svc.url, '--ssh', 'prod-api-3', '--ssh-config', config, '--duration', '3s', '--interval', '500ms', '--json'].map((a) => `'${a}'`).join(' ');
    const env: NodeJS.ProcessEnv = { ...process.env, SSH_AUTH_SOCK: '' };
    delete env['GOROSCOPE_SSH_PASSPHRASE'];
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const prompt = `Enter passphrase for key '${tty.path}': `;
    const end = Date.now() + 15_000;
    while (!out.includes(prompt)) {
      if (Date.now() > end) throw new Error(`no passphrase prompt within 15 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.stdin.write('typed at the prompt\r');
    expect(await exited).toBe(1);
    expect(out).not.toContain('typed at the prompt');
    expect(out).toContain(`checking ${svc.url} via ssh prod-api-3 via bastion for 3s`);
    expect(out).toContain(`"func": "main.leakASender"`);
  });
});

describe('routes built from the ssh config (sshConnectorFor, as the CLI and the api build them)', () => {
  async function discoverThrough(destination: string, config: string, env: NodeJS.ProcessEnv, url: string, extra: { passphrase?: string } = {}) {
    const connector = sshConnectorFor({ destination, configFile: config, ...extra }, 5_000, '--ssh', { env });
    onTestFinished(() => connector.dispose());
    const d = await discover(new TargetClient(normaliseTarget(url), connector), { signal: AbortSignal.timeout(15_000) });
    return { connector, discovery: d };
  }

  it('names the hop a jump host cannot reach, and the forward it may not make', { timeout: 30_000 }, async () => {
    const { config } = writeConfig('unreachable', [`IdentityFile ${target.clientKey.path}`]);
    await expect(discoverThrough('prod-gone', config, {}, 'http://127.0.0.1:6060')).rejects.toThrow(
      `ssh prod-gone via bastion: connection refused: the jump host bastion could not connect to the SSH server 127.0.0.1:${closedPort}: is sshd running there, on this port?`,
    );
    await expect(discoverThrough('prod-forbidden', config, {}, 'http://127.0.0.1:6060')).rejects.toThrow(
      `ssh prod-forbidden via bastion: the jump host bastion refused to forward to 127.0.0.1:${bastion.port} (administratively prohibited); allow it in its sshd_config (AllowTcpForwarding, PermitOpen)`,
    );
  });

  it('goes through a chain of two jump hosts (ProxyJump a,b), one SSH connection per hop', { timeout: 30_000 }, async () => {
    const svc = await fixture(leaky(), ['-rate', '5']);
    const { config } = writeConfig('chain', [`IdentityFile ${target.clientKey.path}`]);
    // The target's sshd serves twice: as the second jump host (reached through the bastion), then as the destination.
    // chain.known_hosts (written by writeConfig) holds the target's key under its alias prod-api-3.
    appendFileSync(config, ['Host deep', '  HostName 127.0.0.1', `  Port ${target.port}`, '  ProxyJump bastion,prod-api-3', `  IdentityFile ${target.clientKey.path}`, '  HostKeyAlias prod-api-3', `  UserKnownHostsFile ${path.join(dir, 'chain.known_hosts')}`, ''].join('\n'));
    const bastionLogins = bastion.logins();
    const targetLogins = target.logins();
    const { connector, discovery } = await discoverThrough('deep', config, {}, svc.url);
    expect(connector.via).toBe('ssh deep via bastion, prod-api-3');
    expect(discovery.goroutine).toBe(true);
    await target.waitForLog(/^Accepted publickey for /gm, targetLogins + 2);
    expect(bastion.logins() - bastionLogins).toBe(1);
    expect(target.logins() - targetLogins).toBe(2);
  });

  it('StrictHostKeyChecking no accepts an unknown target, and still refuses its changed key', { timeout: 30_000 }, async () => {
    const svc = await fixture(leaky(), ['-rate', '5']);
    const lax = writeConfig('lax', [`IdentityFile ${target.clientKey.path}`, 'StrictHostKeyChecking no']);
    writeFileSync(lax.targetKnownHosts, '');
    expect((await discoverThrough('prod-api-3', lax.config, {}, svc.url)).discovery.goroutine).toBe(true);
    const impostor = generateKey(dir, 'lax_impostor');
    writeFileSync(lax.targetKnownHosts, `prod-api-3 ${impostor.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    await expect(discoverThrough('prod-api-3', lax.config, {}, svc.url)).rejects.toThrow(/^ssh prod-api-3 via bastion: the host key of prod-api-3 has CHANGED: /);
  });

  it('logs in to the target with the ssh-agent of IdentityAgent, with the SSH_AUTH_SOCK one, and with IdentitiesOnly only through matching agent keys', { timeout: 30_000 }, async () => {
    const svc = await fixture(leaky(), ['-rate', '5']);
    const withAgent = writeConfig('agent', [`IdentityAgent ${agent.socket}`, `IdentityFile ${path.join(dir, 'no-such-key')}`]);
    const viaConfig = await discoverThrough('prod-api-3', withAgent.config, { SSH_AUTH_SOCK: '' }, svc.url);
    expect(viaConfig.connector.via).toBe('ssh prod-api-3 via bastion');
    expect(viaConfig.discovery.goroutine).toBe(true);
    const plain = writeConfig('agent-env', [`IdentityFile ${path.join(dir, 'no-such-key')}`]);
    const viaEnv = await discoverThrough('prod-api-3', plain.config, { SSH_AUTH_SOCK: agent.socket }, svc.url);
    expect(viaEnv.discovery.goroutine).toBe(true);
    expect(viaEnv.connector.storedTarget(svc.url)).toBe(`ssh://prod-api-3/${svc.url}`);

    // IdentitiesOnly: only agent keys that match an IdentityFile (here a public half alone, as ssh allows).
    copyFileSync(`${target.clientKey.path}.pub`, path.join(dir, 'agent_only.pub'));
    const only = writeConfig('agent-only', [`IdentityAgent ${agent.socket}`, `IdentityFile ${path.join(dir, 'agent_only')}`, 'IdentitiesOnly yes']);
    expect((await discoverThrough('prod-api-3', only.config, {}, svc.url)).discovery.goroutine).toBe(true);
    const stranger = generateKey(dir, 'agent_stranger');
    rmSync(stranger.path);
    const none = writeConfig('agent-none', [`IdentityAgent ${agent.socket}`, `IdentityFile ${stranger.path}`, 'IdentitiesOnly yes']);
    const refused = await discoverThrough('prod-api-3', none.config, {}, svc.url).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SshAuthError);
    expect((refused as Error).message).toMatch(
      new RegExp(`^ssh prod-api-3 via bastion: the server refused to log in user ${target.user}; tried publickey with the keys of ssh-agent at ${agent.socket.replace(/[.]/g, '\\.')} that match the IdentityFiles \\(IdentitiesOnly\\); `),
    );
  });

  it('logs in with an encrypted IdentityFile given its passphrase, and says which key needs one', { timeout: 30_000 }, async () => {
    const svc = await fixture(leaky(), ['-rate', '5']);
    const locked = generateKey(dir, 'locked_ed25519', 'correct horse');
    writeFileSync(path.join(target.dir, 'authorized_keys'), `${target.clientKey.publicLine}\n${locked.publicLine}\n`);
    const { config } = writeConfig('locked', [`IdentityFile ${locked.path}`, 'IdentitiesOnly yes']);
    expect(() => sshConnectorFor({ destination: 'prod-api-3', configFile: config }, 5_000, '--ssh', { env: {} })).toThrow(
      `ssh prod-api-3 via bastion: cannot use the private key ${locked.path}: it is encrypted and no passphrase was given: set GOROSCOPE_SSH_PASSPHRASE`,
    );
    const byField = await discoverThrough('prod-api-3', config, {}, svc.url, { passphrase: 'correct horse' });
    expect(byField.discovery.goroutine).toBe(true);
    const byEnv = await discoverThrough('prod-api-3', config, { GOROSCOPE_SSH_PASSPHRASE: 'correct horse' }, svc.url);
    expect(byEnv.discovery.goroutine).toBe(true);
  });

  it('says plainly that an OpenSSH user certificate cannot be offered (ssh2 1.17)', { timeout: 30_000 }, async () => {
    // The target trusts the CA; the certificate's key is not in authorized_keys: only the certificate would log in.
    const caTarget = await startSshd({ trustedUserCaKeys: path.join(dir, 'user_ca.pub.only') });
    onTestFinished(() => caTarget.dispose());
    const knownHosts = path.join(dir, 'ca.known_hosts');
    writeFileSync(knownHosts, `${caTarget.knownHostsLine}\n`);
    const config = path.join(dir, 'ca.config');
    writeFileSync(config, `Host certified\n  HostName 127.0.0.1\n  Port ${caTarget.port}\n  IdentityFile ${certKey.path}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${knownHosts}\n`);
    // OpenSSH's own client logs in with it: the certificate is good.
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('ssh', ['-F', config, '-o', 'BatchMode=yes', 'certified', 'echo', 'cert-ok'], { encoding: 'utf8', timeout: 15_000, env: { ...process.env, SSH_AUTH_SOCK: '' } }).trim()).toBe('cert-ok');
    const error = await discoverThrough('certified', config, {}, 'http://127.0.0.1:6060').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthError);
    expect((error as Error).message).toBe(
      `ssh certified: the server refused to log in user ${caTarget.user}; tried publickey with ${certKey.path} (ssh-ed25519 ${sshKeygenFingerprint(`${certKey.path}.pub`)}); the server accepts: publickey; ` +
        `the OpenSSH certificate ${certKey.path}-cert.pub was not offered: ssh2 (the SSH library Goroscope uses) cannot log in with user certificates, so the key's public half must be in authorized_keys itself; ` +
        `check that the key's public half is in ~${caTarget.user}/.ssh/authorized_keys on 127.0.0.1, or give the right key with --ssh-key`,
    );

    // An encrypted key with no passphrase waits behind the agent (as ssh asks only after the agent's keys); the refusal names it.
    const locked = generateKey(dir, 'behind_agent_ed25519', 'never typed');
    const agentConfig = path.join(dir, 'ca-agent.config');
    writeFileSync(agentConfig, `Host certified\n  HostName 127.0.0.1\n  Port ${caTarget.port}\n  IdentityFile ${locked.path}\n  IdentityAgent ${agent.socket}\n  UserKnownHostsFile ${knownHosts}\n`);
    const behind = await discoverThrough('certified', agentConfig, {}, 'http://127.0.0.1:6060').catch((e: unknown) => e);
    expect(behind).toBeInstanceOf(SshAuthError);
    expect((behind as Error).message).toContain(
      `tried publickey with the keys of ssh-agent at ${agent.socket}; the server accepts: publickey; not tried: ${locked.path} (encrypted, and no passphrase given: run on a terminal to be asked, or set GOROSCOPE_SSH_PASSPHRASE);`,
    );
  });
});
