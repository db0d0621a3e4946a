// Real Go builds of one module, three ways (in place, in another directory, -trimpath), each run and
// dumped: every build's frames resolve to the same files of the checkout under test/fixtures/go/modsvc,
// and standard-library frames to the local GOROOT.
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { groupDump } from '../../src/main/dump/group-dump.js';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { SourceService } from '../../src/main/source/source-service.js';
import type { Frame, Group } from '../../src/shared/model.js';
import { goToolchain, startFixture } from '../helpers/go-toolchains.js';
import { buildModsvc, MODSVC_DIR, type ModsvcVariant } from '../helpers/modsvc-builds.js';

const PIPE_GO = path.join(MODSVC_DIR, 'internal', 'pipe', 'pipe.go');

function markerLine(text: string, marker: string): number {
  return text.split('\n').findIndex((l) => l.includes(`// ${marker}`)) + 1;
}

/** Runs the binary, takes one debug=2 dump, and returns the leaking group (blocked in pipe.Send) and every frame of the dump. */
async function leakGroupOf(binary: string): Promise<Group & { dumpFrames: Frame[] }> {
  const fixture = await startFixture(binary, ['--initial', '5', '--every', '1h']);
  try {
    const res = await fetch(`${fixture.url}/debug/pprof/goroutine?debug=2`, { signal: AbortSignal.timeout(5_000) });
    const snapshot = groupDump(parseDump(await res.text())[0]!);
    const group = snapshot.groups.find((g) => g.blockingSite?.func.endsWith('pipe.(*Pipe).Send'));
    if (!group) throw new Error(`no group blocked in pipe.(*Pipe).Send among ${snapshot.groups.map((g) => g.blockingSite?.func).join(', ')}`);
    return { ...group, dumpFrames: snapshot.groups.flatMap((g) => g.frames) };
  } finally {
    await fixture.stop();
  }
}

describe('one module built three ways resolves to the same local files', () => {
  let work: string;
  const groups = new Map<ModsvcVariant, Group & { dumpFrames: Frame[] }>();
  const env = { GOROOT: goToolchain('go1.19').goroot, PATH: '', GOMODCACHE: '', GOPATH: '' };

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'goroscope-srcmap-'));
    for (const variant of ['in-place', 'other-dir', 'trimpath'] as const) {
      groups.set(variant, await leakGroupOf(await buildModsvc(variant, 'go1.19', work)));
    }
  }, 180_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('the dumps name three different paths for pipe.go', () => {
    const files = [...groups.values()].map((g) => g.blockingSite!.file);
    expect(files[0]).toBe(PIPE_GO);
    expect(files[1]).toBe(path.join(work, 'build', 'svc', 'internal', 'pipe', 'pipe.go'));
    expect(files[2]).toBe('example.com/leaksvc/internal/pipe/pipe.go');
  });

  test('every build resolves the blocking site and the creation site to the checkout', async () => {
    const service = new SourceService(() => [MODSVC_DIR], env);
    const text = await readFile(PIPE_GO, 'utf8');
    const realPipe = await realpath(PIPE_GO);
    for (const [variant, group] of groups) {
      const { frames } = await service.resolve([group.blockingSite!, group.createdBy!]);
      expect({ variant, frames: frames.map((f) => [f.isResolved, f.via, f.localPath, f.line]) }).toEqual({
        variant,
        frames: [
          [true, 'module', realPipe, markerLine(text, 'LEAK-SRC')],
          [true, 'module', realPipe, markerLine(text, 'CREATED-SRC')],
        ],
      });
      expect(frames[0]!.reason).toBe('module example.com/leaksvc, package example.com/leaksvc/internal/pipe');
      const source = await service.read(group.blockingSite!);
      expect(source.text.split('\n')[group.blockingSite!.line - 1]).toBe('\tp.ch <- v // LEAK-SRC');
    }
  });

  test('standard-library frames resolve to the local GOROOT, with or without -trimpath', async () => {
    const service = new SourceService(() => [MODSVC_DIR], env);
    const goroot = await realpath(goToolchain('go1.19').goroot);
    // Debian links GOROOT/src to /usr/share/go-1.19/src: files are read (and shown) where they really are.
    const gorootSrc = await realpath(path.join(goroot, 'src'));
    for (const variant of ['in-place', 'trimpath'] as const) {
      const group = groups.get(variant)!;
      // net/http's accept loop, os/signal's wait: frames of Go's own packages in the same dump.
      const std = group.dumpFrames.filter((f) => /^(net|os|internal|sync|net\/http)[./]/.test(f.func));
      expect(std.length).toBeGreaterThan(3);
      const { frames, roots } = await service.resolve(std);
      for (const f of frames) expect(f.localPath!.startsWith(`${gorootSrc}/`)).toBe(true);
      expect(frames.filter((f) => f.via === 'goroot' && f.isResolved).length).toBe(std.length);
      expect(roots.goroot).toEqual({ dir: goroot, version: '1.19.8' });
      expect(roots.notes).toEqual([]);
    }
  });

  test('a Go 1.27 dump read against a Go 1.19 GOROOT says the versions differ', async () => {
    const group = await leakGroupOf(await buildModsvc('in-place', 'go1.27', work));
    const service = new SourceService(() => [MODSVC_DIR], env);
    const { frames, roots } = await service.resolve([...group.frames, ...group.dumpFrames]);
    expect(frames.find((f) => f.via === 'module')?.localPath).toBe(await realpath(PIPE_GO));
    const dumpRoot = goToolchain('go1.27').goroot;
    expect(roots.notes).toEqual([
      `the dump ran Go 1.27 (GOROOT ${dumpRoot}) but the local GOROOT ${await realpath(goToolchain('go1.19').goroot)} is Go 1.19.8: standard-library lines may not match`,
    ]);
  }, 120_000);
});
