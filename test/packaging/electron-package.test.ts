// The desktop package as electron-builder lays it out, from electron-builder.yml. The Electron runtime
// cannot be downloaded on these machines, so electron-builder packs our app around a placeholder
// runtime folder (`electronDist`) and skips the rebuild of native modules for Electron's ABI (a laptop
// step: DEPENDENCIES.md). What is checked is ours: the files inside app.asar, the native modules left
// outside it, and that every entry point and import of the packaged main process resolves.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { npmEnv } from './packaging-helpers.js';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(file: string, options?: object): string[];
  extractFile(file: string, inner: string): Buffer;
  statFile(file: string, inner: string): { unpacked?: boolean };
};

let work = '';
let resources = '';
let files: string[] = [];

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, 'out', 'main', 'app.js'))) throw new Error('out/ missing: run `npx electron-vite build` first');
  work = mkdtempSync(path.join(tmpdir(), 'goroscope-dist-'));
  const runtime = path.join(work, 'electron-runtime');
  spawnSync('mkdir', ['-p', runtime]);
  writeFileSync(path.join(runtime, 'electron'), '#!/bin/sh\necho "placeholder for the Electron runtime"\n');
  chmodSync(path.join(runtime, 'electron'), 0o755);
  const builder = spawnSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'electron-builder'),
    ['--linux', 'dir', '-c.npmRebuild=false', `-c.electronDist=${runtime}`, `-c.directories.output=${path.join(work, 'dist')}`],
    { cwd: REPO_ROOT, env: npmEnv(), encoding: 'utf8', timeout: 300_000 },
  );
  if (builder.status !== 0) throw new Error(`electron-builder failed (${builder.status}):\n${builder.stdout}\n${builder.stderr}`);
  resources = path.join(work, 'dist', 'linux-unpacked', 'resources');
  files = asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f) => f.split(path.sep).join('/'));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const inAsar = (file: string): boolean => files.includes(file.startsWith('/') ? file : `/${file}`);

describe('electron-builder package (linux dir target)', () => {
  test('app.asar holds the built app and its runtime dependencies, not sources, tests or dev tools', () => {
    for (const file of ['/package.json', '/out/main/app.js', '/out/preload/index.cjs', '/out/renderer/index.html']) expect(inAsar(file)).toBe(true);
    for (const dep of ['better-sqlite3', 'ssh2', 'zod', 'commander', 'pprof-format']) expect(inAsar(`/node_modules/${dep}/package.json`)).toBe(true);
    const unwanted = files.filter((f) => /^\/(src|test|bench|scripts|resources|\.cache)\//.test(f) || f === '/out/main/bench.js' || /^\/node_modules\/(electron|electron-builder|vitest|typescript|monaco-editor|react|playwright-core)\//.test(f));
    expect(unwanted).toEqual([]);
  });

  test('native modules are unpacked next to the asar, where Electron can load them', () => {
    const addon = path.join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    expect(existsSync(addon)).toBe(true);
    const addons = files.filter((f) => f.endsWith('.node'));
    expect(addons).toContain('/node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const packed = addons.filter((f) => asar.statFile(path.join(resources, 'app.asar'), f.slice(1)).unpacked !== true || !existsSync(path.join(resources, 'app.asar.unpacked', f)));
    expect(packed).toEqual([]);
  });

  test('the entry points resolve: main, the preload and page it loads, and every import of the main bundle', () => {
    const manifest = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString()) as { main: string; name: string };
    expect(manifest.main).toBe('out/main/app.js');
    const main = asar.extractFile(path.join(resources, 'app.asar'), manifest.main).toString();
    // The window loads these relative to the main bundle (src/main/app/index.ts).
    expect(main).toMatch(/["']\.\.\/preload\/index\.cjs["']/);
    expect(main).toMatch(/["']\.\.\/renderer\/index\.html["']/);
    expect(inAsar('/out/preload/index.cjs') && inAsar('/out/renderer/index.html')).toBe(true);
    const imports = [...main.matchAll(/^import\s+(?:[^'"]*?from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(0);
    const unresolved: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string, specifiers: string[]): void => {
      for (const spec of specifiers) {
        if (spec.startsWith('node:') || spec === 'electron') continue;
        if (spec.startsWith('.')) {
          const target = path.posix.join(path.posix.dirname(file), spec);
          if (!inAsar(target)) unresolved.push(`${file} → ${spec}`);
          else if (!seen.has(target)) {
            seen.add(target);
            const text = asar.extractFile(path.join(resources, 'app.asar'), target.slice(1)).toString();
            visit(target, [...text.matchAll(/^import\s+(?:[^'"]*?from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!));
          }
        } else {
          const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!inAsar(`/node_modules/${pkg}/package.json`)) unresolved.push(`${file} → ${spec}`);
        }
      }
    };
    visit(`/${manifest.main}`, imports);
    expect(unresolved).toEqual([]);
    expect(seen.size).toBeGreaterThan(0);
  });

  test('electron-builder.yml names an installer for each desktop platform and the icon exists', () => {
    const config = readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8');
    expect(config).toMatch(/linux:\n\s+target: \[AppImage, deb\]/);
    expect(config).toMatch(/mac:\n\s+target: dmg/);
    expect(config).toMatch(/win:\n\s+target: nsis/);
    const icon = readFileSync(path.join(REPO_ROOT, 'resources', 'icon.png'));
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
  });
});
