import path from 'node:path';
import { REPO_ROOT } from '../helpers/go-toolchains.js';

export const CORPUS_DIR = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');

/**
 * The environment for a child `npm` or installed `goroscope`: without the `npm_*` variables of the
 * `npm test` run around us (they would point the child at this repository's config and scripts), and
 * without ELECTRON_SKIP_BINARY_DOWNLOAD, so that an Electron download would really be attempted.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'ELECTRON_SKIP_BINARY_DOWNLOAD' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}
