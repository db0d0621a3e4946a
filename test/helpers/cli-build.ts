import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './go-toolchains.js';

export const CLI_BIN = path.join(REPO_ROOT, 'bin', 'goroscope.js');
const BUNDLE = path.join(REPO_ROOT, 'out', 'main', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Tests that spawn `goroscope` need the built CLI to be current; `npm test` builds it before vitest
 * runs. Tests never build it themselves: a build while other test files run the CLI would race.
 * Fails (never skips) when the bundle is missing or older than the sources.
 */
export async function ensureCliBuilt(): Promise<void> {
  const builtAt = existsSync(BUNDLE) ? statSync(BUNDLE).mtimeMs : 0;
  if (builtAt < newestMtime(path.join(REPO_ROOT, 'src'))) {
    throw new Error(`${BUNDLE} is missing or older than src/: run \`npx electron-vite build\` first (npm test does)`);
  }
}
