// What every browser test stands on: a folder of its own, `goroscope serve` on a history in it, and
// Chromium. Each e2e file opens one in beforeAll and closes it in afterAll.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium, type Browser } from './chromium.js';
import { REPO_ROOT } from './go-toolchains.js';
import { startServe, type ServeProcess } from './serve-process.js';

/** Where the e2e tests leave their screenshots (kept after the run, for a look). */
export const SHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

/** A new temporary folder `goroscope-e2e-<name>-…` for a test's history, keys and configs; makes SHOTS too. */
export async function e2eDir(name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  return mkdtemp(path.join(tmpdir(), `goroscope-e2e-${name}-`));
}

export interface E2eApp {
  serve: ServeProcess;
  browser: Browser;
}

/**
 * `goroscope serve --db <dir>/history.db` (then `serveArgs`; run in `cwd`, default the repository) and a
 * Chromium of `viewport` size. When Chromium cannot start, serve is stopped before the error is thrown.
 */
export async function openApp(dir: string, options: { serveArgs?: string[]; cwd?: string; viewport?: { width: number; height: number } } = {}): Promise<E2eApp> {
  const serve = await startServe(['--db', path.join(dir, 'history.db'), ...(options.serveArgs ?? [])], options.cwd ? { cwd: options.cwd } : {});
  try {
    return { serve, browser: await launchChromium(options.viewport) };
  } catch (err) {
    await serve.stop();
    throw err;
  }
}

/**
 * Closes Chromium, stops serve and deletes `dir`, whichever of them were made (a beforeAll may have
 * failed half-way); resolves with serve's exit code (expected: 0), undefined when it never started.
 */
export async function closeApp(app: Partial<E2eApp>, dir: string | undefined): Promise<number | null | undefined> {
  try {
    await app.browser?.close();
    return await app.serve?.stop();
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
