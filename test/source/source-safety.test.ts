// A dump is untrusted: frames that name `..` paths, device files, symlinks leaving the roots, FIFOs or
// huge files read nothing, and every such case answers with the same message.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NotFoundError } from '../../src/shared/errors.js';
import type { Frame } from '../../src/shared/model.js';
import { MAX_SOURCE_BYTES, readContainedText, realDirectory } from '../../src/main/source/source-files.js';
import { SourceService } from '../../src/main/source/source-service.js';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOTS';

describe('reading source for untrusted frames', () => {
  let tmp: string;
  let svc: string;
  let service: SourceService;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'goroscope-src-safety-'));
    svc = path.join(tmp, 'svc');
    await mkdir(path.join(svc, 'internal'), { recursive: true });
    await writeFile(path.join(svc, 'go.mod'), 'module example.com/svc\n\ngo 1.19\n');
    await writeFile(path.join(svc, 'main.go'), 'package main\n\nfunc main() {\n\tselect {}\n}\n');
    await writeFile(path.join(svc, 'internal', 'x.go'), 'package internal\n\nfunc X() {}\n');
    await writeFile(path.join(tmp, 'secret.go'), `package secret // ${SECRET}\n`);
    await symlink(path.join(tmp, 'secret.go'), path.join(svc, 'link-out.go'));
    await symlink('/etc/passwd', path.join(svc, 'passwd.go'));
    await symlink('/dev/zero', path.join(svc, 'zero.go'));
    await symlink(tmp, path.join(svc, 'up'));
    await writeFile(path.join(svc, 'huge.go'), Buffer.alloc(MAX_SOURCE_BYTES + 1, 0x61));
    await writeFile(path.join(svc, 'nul.go'), Buffer.from('package main\n\0\n'));
    execFileSync('mkfifo', [path.join(svc, 'fifo.go')]);
    service = new SourceService(() => [svc], { PATH: '', GOROOT: '', GOMODCACHE: path.join(tmp, 'modcache'), GOPATH: '' });
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  const unreadable: [string, Frame][] = [
    ['symlink to a file outside the root', { func: 'main.f', file: '/build/svc/link-out.go', line: 1 }],
    ['symlink to /etc/passwd', { func: 'main.f', file: '/build/svc/passwd.go', line: 1 }],
    ['symlink to /dev/zero', { func: 'main.f', file: '/build/svc/zero.go', line: 1 }],
    ['a directory symlink leaving the root', { func: 'main.f', file: '/build/svc/up/secret.go', line: 1 }],
    ['a file over the size cap', { func: 'main.f', file: '/build/svc/huge.go', line: 1 }],
    ['a FIFO (would block a reader)', { func: 'main.f', file: '/build/svc/fifo.go', line: 1 }],
    ['/dev/zero itself', { func: 'main.f', file: '/dev/zero', line: 1 }],
    ['/etc/passwd itself', { func: 'main.f', file: '/etc/passwd', line: 1 }],
    ['a file that does not exist', { func: 'main.f', file: '/build/svc/nope.go', line: 1 }],
  ];

  test.each(unreadable)('%s: not resolved, not read, the one message', async (_name, frame) => {
    const { frames } = await service.resolve([frame]);
    expect(frames[0]).toEqual({ file: frame.file, line: 1, isResolved: false, via: 'module', localPath: null, reason: `no readable source for ${frame.file}:1 under the source roots` });
    await expect(service.read(frame)).rejects.toThrow(new NotFoundError(`no readable source for ${frame.file}:1 under the source roots`));
    expect(await service.excerpt(frame, [])).toBeNull();
  });

  const dotDot: [string, Frame, string][] = [
    ['a relative ../../etc/passwd', { func: 'main.f', file: '../../etc/passwd', line: 1 }, 'path ../../etc/passwd holds "..": not followed'],
    ['.. inside a build path', { func: 'main.f', file: '/build/svc/../../../etc/passwd', line: 1 }, 'path /build/svc/../../../etc/passwd holds "..": not followed'],
    ['.. after a -trimpath module path', { func: 'example.com/svc.F', file: 'example.com/svc/../../../../etc/passwd', line: 1 }, 'path example.com/svc/../../../../etc/passwd holds "..": not followed'],
    ['.. in a standard-library path', { func: 'runtime.gopark', file: '/usr/lib/go/src/runtime/../../../../etc/passwd', line: 1 }, 'standard library path /usr/lib/go/src/runtime/../../../../etc/passwd holds "..": not followed'],
    ['.. in a module cache path', { func: 'x.com/y.F', file: '/go/pkg/mod/x.com/y@v1.0.0/../../../../../etc/passwd', line: 1 }, 'module cache path /go/pkg/mod/x.com/y@v1.0.0/../../../../../etc/passwd holds "..": not followed'],
  ];

  test.each(dotDot)('%s: refused before the file system is asked', async (_name, frame, reason) => {
    const { frames } = await service.resolve([frame]);
    expect(frames[0]).toMatchObject({ isResolved: false, localPath: null, reason });
    await expect(service.read(frame)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('a regular file with NUL bytes resolves but is never shown as text', async () => {
    const frame = { func: 'main.f', file: '/build/svc/nul.go', line: 1 };
    expect((await service.resolve([frame])).frames[0]!.isResolved).toBe(true);
    await expect(service.read(frame)).rejects.toThrow(new NotFoundError('no readable source for /build/svc/nul.go:1 under the source roots'));
  });

  test('nothing returned ever holds the outside file', async () => {
    const all = [...unreadable.map((u) => u[1]), ...dotDot.map((d) => d[1])];
    const out = JSON.stringify(await service.resolve(all));
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('root:x:0:0');
    expect(out).not.toContain(await realpath(path.join(tmp, 'secret.go')));
  });

  test('a device inside a configured root is still refused (regular files only)', async () => {
    const dev = (await realDirectory('/dev'))!;
    expect(await readContainedText(dev, 'zero')).toBeNull();
    expect(await readContainedText(dev, 'null')).toBeNull();
  });

  test('absolute and empty relative paths are refused by the reader itself', async () => {
    const root = (await realDirectory(svc))!;
    expect(await readContainedText(root, '/etc/passwd')).toBeNull();
    expect(await readContainedText(root, '')).toBeNull();
    expect(await readContainedText(root, 'internal/../../secret.go')).toBeNull();
  });

  test('the files that are inside do resolve and read', async () => {
    const frame = { func: 'example.com/svc/internal.X', file: '/build/svc/internal/x.go', line: 3 };
    const { frames } = await service.resolve([frame, { func: 'main.main', file: '/build/svc/main.go', line: 4 }]);
    expect(frames.map((f) => [f.isResolved, f.localPath, f.reason])).toEqual([
      [true, await realpath(path.join(svc, 'internal', 'x.go')), 'module example.com/svc, package example.com/svc/internal'],
      [true, await realpath(path.join(svc, 'main.go')), 'path suffix main.go in module example.com/svc'],
    ]);
    expect(await service.excerpt({ func: 'main.main', file: '/build/svc/main.go', line: 4 }, [], 1)).toEqual({
      frame: { func: 'main.main', file: '/build/svc/main.go', line: 4 },
      localPath: await realpath(path.join(svc, 'main.go')),
      firstLine: 3,
      lines: ['func main() {', '\tselect {}', '}'],
    });
  });
});
