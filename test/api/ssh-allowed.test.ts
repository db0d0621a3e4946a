import { mkdtempSync, rmSync } from 'node:fs';
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
    expect(await a.call('session.list', {})).toEqual([]);
  });

  it('still tries a direct target (here: nothing listens on port 1)', async () => {
    const a = api(false);
    await expect(a.call('target.test', { url: 'http://127.0.0.1:1' })).rejects.toThrow('connection refused by 127.0.0.1:1');
  });
});
