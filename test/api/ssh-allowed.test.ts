import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openApi } from '../../src/main/api/open-api.js';

// `goroscope serve --allow-remote` must not lend this machine's SSH keys and agent to whoever reaches
// the port: the api it opens refuses SSH hops before any connection is tried.
function api(isSshAllowed: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-ssh-allowed-'));
  const opened = openApi(path.join(dir, 'h.db'), '0.1.0-test', { isSshAllowed });
  onTestFinished(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return opened.api;
}

const REFUSAL =
  'ssh: SSH hops are turned off because goroscope serve listens beyond loopback (--allow-remote); record through SSH from this machine instead';

describe('SSH hops when serve listens beyond loopback', () => {
  it('refuses target.test and recording.start through SSH, naming why', async () => {
    const a = api(false);
    const ssh = { destination: 'deploy@127.0.0.1:1' };
    await expect(a.call('target.test', { url: 'http://127.0.0.1:6060', ssh })).rejects.toThrow(REFUSAL);
    await expect(a.call('recording.start', { url: 'http://127.0.0.1:6060', ssh, intervalMs: 1000, fullEvery: 10, durationMs: null })).rejects.toThrow(REFUSAL);
    // Not even what an alias resolves to: that would read this machine's ssh config for a stranger.
    await expect(a.call('ssh.resolve', { destination: 'prod-api-3' })).rejects.toThrow(REFUSAL);
    expect(await a.call('session.list', {})).toEqual([]);
  });

  it('resolves an alias through the given ssh config when SSH is allowed, and refuses a relative config path', async () => {
    const a = api(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-ssh-resolve-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, 'config');
    writeFileSync(config, 'Host prod-api-3\n  HostName 10.0.0.3\n  User deploy\n  Port 2222\n  ProxyJump ops@bastion:2201\n  HostKeyAlias prod\n  StrictHostKeyChecking accept-new\n  IdentityAgent none\n');
    const summary = await a.call('ssh.resolve', { destination: 'prod-api-3', configFile: config, knownHostsFile: '/k/known_hosts' });
    expect(summary).toEqual({
      hops: [
        { name: 'bastion', user: 'ops', host: 'bastion', port: 2201, keys: [], agent: process.env['SSH_AUTH_SOCK'] || null, certificates: [], knownHostsFiles: ['/k/known_hosts'], strictHostKeyChecking: 'ask', hostKeyAlias: null },
        { name: 'prod-api-3 via bastion', user: 'deploy', host: '10.0.0.3', port: 2222, keys: [], agent: null, certificates: [], knownHostsFiles: ['/k/known_hosts'], strictHostKeyChecking: 'accept-new', hostKeyAlias: 'prod' },
      ],
      encryptedKeys: [],
    });
    await expect(a.call('ssh.resolve', { destination: 'prod-api-3', configFile: 'config' })).rejects.toThrow(
      'ssh.configFile "config" is a relative path; expected an absolute one or one under ~/, e.g. ~/.ssh/id_ed25519',
    );
  });

  it('still tries a direct target (here: nothing listens on port 1)', async () => {
    const a = api(false);
    await expect(a.call('target.test', { url: 'http://127.0.0.1:1' })).rejects.toThrow('connection refused by 127.0.0.1:1');
  });
});
