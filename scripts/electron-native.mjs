#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .cache/electron-native/<electron>/better_sqlite3.node,
// leaving node_modules' copy (Node's ABI) alone so that the CLI, `goroscope serve` and the tests keep
// working. The Electron main process loads this copy through better-sqlite3's `nativeBinding` option.
// A laptop step (`npm start`): it needs Electron's prebuilt addon or headers from the internet.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const target = join(repo, '.cache', 'electron-native', electronVersion, 'better_sqlite3.node');
if (existsSync(target)) process.exit(0);

const source = dirname(require.resolve('better-sqlite3/package.json'));
const work = join(repo, '.cache', 'electron-native', 'work');
rmSync(work, { recursive: true, force: true });
cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) });

// The machine's npmrc may point node-gyp at Node's own headers (nodedir): that would silently build
// a Node addon, so it is dropped here.
const env = { ...process.env };
for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, env, stdio: 'inherit' });
const bin = (name) => join(repo, 'node_modules', '.bin', name);
try {
  run(bin('prebuild-install'), ['--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, `--platform=${process.platform}`]);
} catch {
  console.error('electron-native: no prebuilt better-sqlite3 for Electron; compiling it against Electron headers');
  // npm sets npm_config_node_gyp to its bundled node-gyp when it runs a script.
  const nodeGyp = process.env.npm_config_node_gyp;
  if (!nodeGyp) throw new Error('run this through npm (npm start): npm_config_node_gyp is not set');
  run(process.execPath, [nodeGyp, 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers']);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
rmSync(work, { recursive: true, force: true });
console.error(`electron-native: ${target}`);
