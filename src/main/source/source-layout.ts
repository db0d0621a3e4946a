import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { goVersionOfVersionFile } from './go-version.js';
import { moduleOfGoMod } from './go-mod.js';
import type { ModuleRoot, SourceLayout } from './resolve-frame.js';
import { readContainedText, realDirectory } from './source-files.js';

/**
 * Finds the places source files are read from on this machine: the configured module roots (each with
 * the module path of its go.mod), the local GOROOT and its Go version, and the module cache. Every
 * directory is kept after symlinks, so containment checks compare real paths.
 */

export interface LoadedLayout {
  layout: SourceLayout;
  /** The local GOROOT as found (its `src` may be a link elsewhere). */
  goroot: string | null;
  gorootVersion: string | null;
  /** Roots that are not directories, said once. */
  notes: string[];
}

async function moduleRoot(dir: string): Promise<ModuleRoot | null> {
  const real = await realDirectory(dir);
  if (real === null) return null;
  const goMod = await readContainedText(real, 'go.mod', 256 * 1024);
  return { dir: real, modulePath: goMod === null ? null : moduleOfGoMod(goMod.text) };
}

async function hasRuntimeSources(dir: string): Promise<string | null> {
  const real = await realDirectory(dir);
  return real !== null && (await realDirectory(path.join(real, 'src', 'runtime'))) !== null ? real : null;
}

/** `$GOROOT`, else the GOROOT of the `go` on PATH (after symlinks: `/usr/bin/go` → `/usr/lib/go-1.19/bin/go`), else the usual places. */
async function findGoroot(env: NodeJS.ProcessEnv): Promise<string | null> {
  const tries: (string | null)[] = [];
  if (env['GOROOT']) tries.push(env['GOROOT']);
  for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter((d) => d !== '')) tries.push(await gorootOfBinary(path.join(dir, 'go')));
  tries.push('/usr/local/go', '/usr/lib/go');
  for (const t of tries) {
    const found = t === null ? null : await hasRuntimeSources(t);
    if (found !== null) return found;
  }
  return null;
}

/** `/usr/bin/go` (a link to `/usr/lib/go-1.19/bin/go`) → `/usr/lib/go-1.19`; null when there is no such file. */
async function gorootOfBinary(binary: string): Promise<string | null> {
  try {
    return path.dirname(path.dirname(await realpath(binary)));
  } catch {
    // No `go` in this PATH entry.
    return null;
  }
}

async function findModCache(env: NodeJS.ProcessEnv): Promise<string | null> {
  const tries: string[] = [];
  if (env['GOMODCACHE']) tries.push(env['GOMODCACHE']);
  for (const p of (env['GOPATH'] ?? '').split(path.delimiter).filter((d) => d !== '')) tries.push(path.join(p, 'pkg', 'mod'));
  tries.push(path.join(homedir(), 'go', 'pkg', 'mod'));
  for (const t of tries) {
    const real = await realDirectory(t);
    if (real !== null) return real;
  }
  return null;
}

/**
 * The layout for `roots` (the service's own checkouts, in order of preference) and the environment's
 * GOROOT / GOMODCACHE / GOPATH / PATH. A root that is not a directory is left out with a note; never throws.
 */
export async function loadSourceLayout(roots: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<LoadedLayout> {
  const modules: ModuleRoot[] = [];
  const notes: string[] = [];
  for (const dir of roots) {
    const m = await moduleRoot(dir);
    if (m === null) notes.push(`source root ${dir} is not a directory: left out`);
    else if (!modules.some((x) => x.dir === m.dir)) modules.push(m);
  }
  const goroot = await findGoroot(env);
  const versionFile = goroot === null ? null : await readContainedText(goroot, 'VERSION', 4096);
  return {
    layout: { modules, gorootSrc: goroot === null ? null : await realDirectory(path.join(goroot, 'src')), modCache: await findModCache(env) },
    goroot,
    gorootVersion: versionFile === null ? null : goVersionOfVersionFile(versionFile.text),
    notes,
  };
}
