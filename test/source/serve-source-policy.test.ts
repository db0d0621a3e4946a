// The real `goroscope serve`: on loopback it may change source settings and start an editor; with
// --allow-remote it reads under --source but does neither.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { fixtureSourcePath, leakMarkers } from '../helpers/go-toolchains.js';
import { rawRequest } from '../helpers/http-request.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const frame = { func: 'main.leakASender', file: '/ci/build/leaky/main.go', line: leakMarkers('leaky')['LEAK-A']! };

async function call(serve: ServeProcess, name: string, input: unknown): Promise<{ ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } }> {
  const res = await rawRequest({
    port: serve.port,
    method: 'POST',
    path: `/api/${name}`,
    headers: { host: `127.0.0.1:${serve.port}`, 'x-goroscope-token': serve.token, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return JSON.parse(res.body) as never;
}

describe('serve --source: who may do what', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureCliBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'goroscope-serve-source-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('loopback: settings can change; beyond loopback: read only', { timeout: 30_000 }, async () => {
    const local = await startServe(['--db', path.join(dir, 'local.db'), '--source', path.dirname(fixtureSourcePath('leaky'))]);
    try {
      await expect.poll(() => local.stderr()).toContain(`source roots: ${path.dirname(fixtureSourcePath('leaky'))}\n`);
      expect((await call(local, 'sourceSettings.get', {})).value).toMatchObject({ canChange: true });
      expect((await call(local, 'source.resolve', { frames: [frame] })).value).toMatchObject({ canOpenEditor: true, frames: [{ isResolved: true }] });
    } finally {
      expect(await local.stop()).toBe(0);
    }

    const remote = await startServe(['--host', '0.0.0.0', '--allow-remote', '--db', path.join(dir, 'remote.db'), '--source', path.dirname(fixtureSourcePath('leaky'))]);
    try {
      const read = await call(remote, 'source.read', { frame });
      expect(read.ok).toBe(true);
      expect(String(read.value!['text']).split('\n')[frame.line - 1]).toBe('\tresult <- 42 // LEAK-A');
      expect((await call(remote, 'sourceSettings.get', {})).value).toMatchObject({ canChange: false });
      expect((await call(remote, 'source.open', { frame })).error).toEqual({
        code: 'INVALID_INPUT',
        message: 'opening an editor is refused here: only the desktop app and `goroscope serve` bound to loopback start programs',
      });
      expect((await call(remote, 'sourceSettings.set', { settings: { roots: ['/'] } })).error?.code).toBe('INVALID_INPUT');
    } finally {
      expect(await remote.stop()).toBe(0);
    }
  });
});
