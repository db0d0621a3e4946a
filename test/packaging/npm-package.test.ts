// The CLI as an npm package: `npm pack`, then the tarball installed into an empty prefix, exactly as a
// user without this repository (and without any Electron download) would get it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { startServe } from '../helpers/serve-process.js';
import { CORPUS_DIR, npmEnv } from './packaging-helpers.js';

let work = '';
let prefix = '';
let tarball = '';

/** The installed `goroscope` script: `npm install -g --prefix P` links it into P/bin. */
const installedBin = (): string => path.join(prefix, 'bin', 'goroscope');
const installedPackage = (): string => path.join(prefix, 'lib', 'node_modules', 'goroscope');

function npm(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function goroscope(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(installedBin(), args, { cwd: work, env: npmEnv(), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, 'out', 'main', 'cli.js'))) throw new Error('out/ missing: run `npx electron-vite build` first');
  work = mkdtempSync(path.join(tmpdir(), 'goroscope-pack-'));
  prefix = path.join(work, 'prefix');
  // --ignore-scripts: pack the build `npm test` just made instead of building again (prepare).
  const packed = npm(['pack', '--ignore-scripts', '--pack-destination', work], REPO_ROOT);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  // Dependencies come from the npm registry (or npm's cache); better-sqlite3 may compile from source.
  const installed = npm(['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball], work);
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed:\n${installed.stderr}`);
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed CLI installed into an empty prefix', () => {
  test('the tarball holds the built CLI and UI, and no sources, tests or Electron', () => {
    const list = npm(['pack', '--ignore-scripts', '--dry-run', '--json'], REPO_ROOT);
    expect(list.code).toBe(0);
    const files = (JSON.parse(list.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/goroscope.js');
    expect(files).toContain('out/main/cli.js');
    expect(files).toContain('out/renderer/index.html');
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f === 'out/main/bench.js')).toEqual([]);
    expect(existsSync(path.join(installedPackage(), 'node_modules', 'electron'))).toBe(false);
    expect(existsSync(path.join(prefix, 'lib', 'node_modules', 'electron'))).toBe(false);
  });

  test('--help lists every command', () => {
    const r = goroscope(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['parse', 'record', 'import', 'sessions', 'report', 'check', 'serve']) expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  test('parse reads a corpus dump', () => {
    const r = goroscope(['parse', '--json', path.join(CORPUS_DIR, 'generated', '01-chan-send-no-receiver', 't1.debug2.txt')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { format: string; total: number; groups: Array<{ count: number; blockingSite: { func: string; line: number } }> };
    expect(parsed.format).toBe('traceback');
    expect(parsed.groups[0]!.count).toBe(100);
    expect(parsed.groups[0]!.blockingSite).toMatchObject({ func: 'main.fetchWithTimeout.func1', line: 84 });
  });

  test('check names the leak (exit 1) with the SQLite history of the installed package', () => {
    const dumps = ['t0', 't1', 't2', 't3'].map((t) => path.join(CORPUS_DIR, 'generated', '01-chan-send-no-receiver', `${t}.debug2.txt`));
    const r = goroscope(['check', '--json', '--db', path.join(work, 'history.db'), ...dumps]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { suspects: Array<{ blockingSite: { func: string; line: number } }> };
    expect(result.suspects[0]!.blockingSite).toMatchObject({ func: 'main.fetchWithTimeout.func1', line: 84 });
  });

  test('serve starts and serves the UI', async () => {
    const serve = await startServe(['--db', path.join(work, 'serve.db')], { bin: installedBin(), cwd: work });
    try {
      // The printed URL's fragment holds the token, for the page to send as a header; the page itself loads without it.
      const page = await fetch(serve.url, { signal: AbortSignal.timeout(10_000) });
      const info = await fetch(new URL('/api/app.info', serve.origin), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goroscope-token': serve.token },
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      });
      expect(info.status).toBe(200);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
