import type { Frame } from '../../shared/model.js';
import type { SourceVia } from '../../shared/source.js';
import { CodeOrigin, packageOf } from '../dump/code-origin.js';

/**
 * Where a frame's file may live on this machine, decided from the frame alone (pure: no file system).
 * The I/O layer (`source-files.ts`) then tries each candidate under its root, after symlinks, and keeps
 * the first that is a readable regular file inside that root.
 */

/** A local checkout of a service's own module; `modulePath` is read from its go.mod (null without one). */
export interface ModuleRoot {
  dir: string;
  modulePath: string | null;
}

export interface SourceLayout {
  modules: readonly ModuleRoot[];
  /** The local GOROOT's `src` folder after symlinks (Debian links `/usr/lib/go-1.19/src` to `/usr/share/go-1.19/src`), if found. */
  gorootSrc: string | null;
  /** The local module cache (`$GOMODCACHE`, `$GOPATH/pkg/mod`), if one was found. */
  modCache: string | null;
}

/** A file relative to a root: `rel` never holds `..`, `.` or empty elements and never starts with `/`. */
export interface Candidate {
  root: string;
  rel: string;
  via: SourceVia;
  /** `module example.com/svc (package path)`, said when the candidate is the one read. */
  how: string;
}

export type Resolution = { candidates: Candidate[] } | { candidates: []; reason: string };

const MAX_SUFFIX_ELEMENTS = 12;

/** `C:\\build\\svc\\x.go` → `C:/build/svc/x.go`. */
function slashed(file: string): string {
  return file.replace(/\\/g, '/');
}

/** Path elements without empty, `.` and `..` ones; null when the path holds a `..` (never followed). */
function cleanElements(path: string): string[] | null {
  const parts = path.split('/');
  if (parts.includes('..')) return null;
  return parts.filter((p) => p !== '' && p !== '.');
}

function relOf(path: string): string | null {
  const parts = cleanElements(path);
  return parts === null || parts.length === 0 ? null : parts.join('/');
}

/** The module cache spells capitals as `!` + lower case: `github.com/Shopify/x` → `github.com/!shopify/x`. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

// `/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go` → `github.com/x/y@v1.2.3/z.go`.
const MOD_CACHE_PATH = /(?:^|\/)pkg\/mod\/(.+?@[^/]+\/.+)$/;
// -trimpath: `github.com/x/y@v1.2.3/z.go` (the module path as written, capitals and all).
const TRIMMED_MODULE_PATH = /^([^/]+\.[^/]+\/[^@]*?)@([^/]+)\/(.+)$/;

function modCacheCandidate(file: string, layout: SourceLayout): Resolution | null {
  const cached = MOD_CACHE_PATH.exec(file);
  const trimmed = cached ? null : TRIMMED_MODULE_PATH.exec(file);
  if (!cached && !trimmed) return null;
  const rel = relOf(cached ? cached[1]! : `${escapeModulePath(trimmed![1]!)}@${trimmed![2]!}/${trimmed![3]!}`);
  const module = (cached ? cached[1]! : `${trimmed![1]!}@${trimmed![2]!}`).split('@')[0]!;
  if (rel === null) return { candidates: [], reason: `module cache path ${file} holds "..": not followed` };
  if (layout.modCache === null) return { candidates: [], reason: `module ${module}: no local module cache found (set GOMODCACHE or GOPATH)` };
  return { candidates: [{ root: layout.modCache, rel, via: 'modcache', how: `module cache (${rel.split('/').slice(0, -1).join('/')})` }] };
}

function stdlibCandidate(file: string, origin: CodeOrigin, layout: SourceLayout): Resolution {
  let rel: string | null = null;
  for (const root of origin.knownGoroots) {
    if (file.startsWith(`${root}/src/`)) rel = relOf(file.slice(root.length + 5));
  }
  // -trimpath (`net/http/server.go`) or a GOROOT this dump did not show: the path after `/src/`.
  if (rel === null) {
    const at = file.lastIndexOf('/src/');
    rel = relOf(at >= 0 ? file.slice(at + 5) : file);
  }
  if (rel === null) return { candidates: [], reason: `standard library path ${file} holds "..": not followed` };
  if (layout.gorootSrc === null) return { candidates: [], reason: 'standard library: no local GOROOT found (set GOROOT or put go on PATH)' };
  return { candidates: [{ root: layout.gorootSrc, rel, via: 'goroot', how: 'local GOROOT' }] };
}

/** Candidates in the service's own module roots: by package path, by `-trimpath` path, then by path suffix. */
function moduleCandidates(frame: Frame, file: string, layout: SourceLayout): Resolution {
  if (layout.modules.length === 0) return { candidates: [], reason: 'no source root configured (--source DIR, sourceRoots in .goroscope.json, or the app’s settings)' };
  const parts = cleanElements(file);
  if (parts === null || parts.length === 0) return { candidates: [], reason: `path ${file} holds "..": not followed` };
  const base = parts[parts.length - 1]!;
  const pkg = packageOf(frame.func);
  const out: Candidate[] = [];
  for (const m of layout.modules) {
    if (m.modulePath === null) continue;
    if (pkg === m.modulePath || pkg.startsWith(`${m.modulePath}/`)) {
      const dir = pkg.slice(m.modulePath.length + 1);
      out.push({ root: m.dir, rel: dir === '' ? base : `${dir}/${base}`, via: 'module', how: `module ${m.modulePath}, package ${pkg}` });
    }
    const joined = parts.join('/');
    if (joined.startsWith(`${m.modulePath}/`)) out.push({ root: m.dir, rel: joined.slice(m.modulePath.length + 1), via: 'module', how: `module ${m.modulePath} (-trimpath path)` });
  }
  // A build path (`/build/svc/internal/x.go`) or package main: the longest suffix that exists in a root.
  const first = Math.max(0, parts.length - MAX_SUFFIX_ELEMENTS);
  for (let i = first; i < parts.length; i++) {
    const rel = parts.slice(i).join('/');
    for (const m of layout.modules) out.push({ root: m.dir, rel, via: 'module', how: `path suffix ${rel}${m.modulePath ? ` in module ${m.modulePath}` : ''}` });
  }
  return { candidates: out };
}

/**
 * The candidates for one frame, most specific first: module cache paths (`pkg/mod/…@vX/…`, or
 * `…@vX/…` under `-trimpath`), standard-library frames in the local GOROOT, else the service's own
 * module roots. `origin` knows the GOROOTs the dump showed. Paths holding `..` are never followed.
 * Without candidates, `reason` says why in a sentence.
 */
export function resolveFrame(frame: Frame, origin: CodeOrigin, layout: SourceLayout): Resolution {
  const file = slashed(frame.file);
  if (file === '' || file === '?') return { candidates: [], reason: 'the dump names no file for this frame' };
  const cached = modCacheCandidate(file, layout);
  if (cached !== null) return cached;
  if (origin.isStdlib(frame)) return stdlibCandidate(file, origin, layout);
  return moduleCandidates(frame, file, layout);
}
