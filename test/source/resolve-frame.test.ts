// The pure parts of source mapping: candidates per frame, Go versions, go.mod, editor commands.
import { describe, expect, test } from 'vitest';
import { CodeOrigin } from '../../src/main/dump/code-origin.js';
import { editorCommand } from '../../src/main/source/editor-command.js';
import { goVersionOfGoroot, goVersionOfVersionFile, gorootVersionNote } from '../../src/main/source/go-version.js';
import { moduleOfGoMod } from '../../src/main/source/go-mod.js';
import { escapeModulePath, resolveFrame, type SourceLayout } from '../../src/main/source/resolve-frame.js';
import type { Frame } from '../../src/shared/model.js';

const layout: SourceLayout = {
  modules: [
    { dir: '/home/me/svc', modulePath: 'example.com/svc' },
    { dir: '/home/me/tools', modulePath: null },
  ],
  gorootSrc: '/usr/share/go-1.19/src',
  modCache: '/home/me/go/pkg/mod',
};

function first(frame: Frame, l: SourceLayout = layout, context: Frame[] = []) {
  const r = resolveFrame(frame, new CodeOrigin([frame, ...context]), l);
  return 'reason' in r ? { reason: r.reason } : r.candidates.slice(0, 2).map((c) => `${c.via} ${c.root} ${c.rel} (${c.how})`);
}

describe('resolveFrame', () => {
  test.each<[string, Frame, unknown]>([
    [
      'own package, build path',
      { func: 'example.com/svc/internal/pipe.(*Pipe).Send', file: '/build/svc/internal/pipe/pipe.go', line: 17 },
      [
        'module /home/me/svc internal/pipe/pipe.go (module example.com/svc, package example.com/svc/internal/pipe)',
        'module /home/me/svc build/svc/internal/pipe/pipe.go (path suffix build/svc/internal/pipe/pipe.go in module example.com/svc)',
      ],
    ],
    [
      'own package, -trimpath path',
      { func: 'example.com/svc/internal/pipe.(*Pipe).Send', file: 'example.com/svc/internal/pipe/pipe.go', line: 17 },
      [
        'module /home/me/svc internal/pipe/pipe.go (module example.com/svc, package example.com/svc/internal/pipe)',
        'module /home/me/svc internal/pipe/pipe.go (module example.com/svc (-trimpath path))',
      ],
    ],
    [
      'package main: by path suffix',
      { func: 'main.worker', file: '/go/src/app/main.go', line: 84 },
      ['module /home/me/svc go/src/app/main.go (path suffix go/src/app/main.go in module example.com/svc)', 'module /home/me/tools go/src/app/main.go (path suffix go/src/app/main.go)'],
    ],
    [
      'module cache path',
      { func: 'github.com/Shopify/sarama.(*Broker).Open', file: '/root/go/pkg/mod/github.com/!shopify/sarama@v1.38.1/broker.go', line: 10 },
      ['modcache /home/me/go/pkg/mod github.com/!shopify/sarama@v1.38.1/broker.go (module cache (github.com/!shopify/sarama@v1.38.1))'],
    ],
    [
      'module cache under -trimpath: capitals escaped',
      { func: 'github.com/Shopify/sarama.(*Broker).Open', file: 'github.com/Shopify/sarama@v1.38.1/broker.go', line: 10 },
      ['modcache /home/me/go/pkg/mod github.com/!shopify/sarama@v1.38.1/broker.go (module cache (github.com/!shopify/sarama@v1.38.1))'],
    ],
    ['standard library, absolute', { func: 'net/http.(*conn).serve', file: '/usr/local/go/src/net/http/server.go', line: 1 }, ['goroot /usr/share/go-1.19/src net/http/server.go (local GOROOT)']],
    ['standard library, -trimpath', { func: 'sync.(*WaitGroup).Wait', file: 'sync/waitgroup.go', line: 136 }, ['goroot /usr/share/go-1.19/src sync/waitgroup.go (local GOROOT)']],
    ['runtime frame', { func: 'runtime.gopark', file: 'C:\\Program Files\\Go\\src\\runtime\\proc.go', line: 363 }, ['goroot /usr/share/go-1.19/src runtime/proc.go (local GOROOT)']],
    ['no file', { func: 'main.f', file: '?', line: 0 }, { reason: 'the dump names no file for this frame' }],
  ])('%s', (_name, frame, want) => {
    expect(first(frame)).toEqual(want);
  });

  test('says why when there is nowhere to look', () => {
    const bare: SourceLayout = { modules: [], gorootSrc: null, modCache: null };
    expect(first({ func: 'main.f', file: '/src/main.go', line: 1 }, bare)).toEqual({
      reason: 'no source root configured (--source DIR, sourceRoots in .goroscope.json, or the app’s settings)',
    });
    expect(first({ func: 'sync.(*Mutex).Lock', file: 'sync/mutex.go', line: 1 }, bare)).toEqual({ reason: 'standard library: no local GOROOT found (set GOROOT or put go on PATH)' });
    expect(first({ func: 'x.com/y.F', file: '/go/pkg/mod/x.com/y@v1.0.0/y.go', line: 1 }, bare)).toEqual({
      reason: 'module x.com/y: no local module cache found (set GOMODCACHE or GOPATH)',
    });
  });

  test('escapeModulePath spells capitals the way the module cache does', () => {
    expect(escapeModulePath('github.com/BurntSushi/toml')).toBe('github.com/!burnt!sushi/toml');
  });
});

describe('Go versions', () => {
  test.each([
    ['/usr/lib/go-1.19', '1.19'],
    ['/home/me/sdk/go1.21.3', '1.21.3'],
    ['/opt/homebrew/Cellar/go@1.22/1.22.1/libexec', '1.22.1'],
    ['/work/main/.cache/go/root/usr/lib/go-1.27', '1.27'],
    ['/usr/local/go', null],
  ])('%s → %s', (root, want) => expect(goVersionOfGoroot(root)).toBe(want));

  test('VERSION files and the note', () => {
    expect(goVersionOfVersionFile('go1.27.3\ntime 2026-10-19T22:20:36Z\n')).toBe('1.27.3');
    expect(goVersionOfVersionFile('devel go1.28-abc')).toBeNull();
    expect(gorootVersionNote(['/usr/lib/go-1.19'], '1.19.8', '/usr/lib/go-1.19')).toBeNull();
    expect(gorootVersionNote(['/usr/local/go'], '1.19.8', '/usr/lib/go-1.19')).toBeNull();
    expect(gorootVersionNote(['/usr/lib/go-1.27'], '1.19.8', '/usr/lib/go-1.19')).toBe(
      'the dump ran Go 1.27 (GOROOT /usr/lib/go-1.27) but the local GOROOT /usr/lib/go-1.19 is Go 1.19.8: standard-library lines may not match',
    );
  });
});

test('moduleOfGoMod', () => {
  expect(moduleOfGoMod('// comment\nmodule example.com/svc // trailing\n\ngo 1.19\n')).toBe('example.com/svc');
  expect(moduleOfGoMod('module "example.com/quoted"\n')).toBe('example.com/quoted');
  expect(moduleOfGoMod('go 1.19\n')).toBeNull();
});

describe('editorCommand: argv, never a shell string', () => {
  test.each([
    ['vscode', null, { program: 'code', args: ['-g', '/a b/$(rm -rf x).go:84'] }],
    ['goland', null, { program: 'goland', args: ['--line', '84', '/a b/$(rm -rf x).go'] }],
    ['custom', 'subl  {file}:{line}', { program: 'subl', args: ['/a b/$(rm -rf x).go:84'] }],
    ['custom', 'emacsclient -n +{line} {file}', { program: 'emacsclient', args: ['-n', '+84', '/a b/$(rm -rf x).go'] }],
  ] as const)('%s %s', (kind, template, want) => {
    expect(editorCommand(kind, template, '/a b/$(rm -rf x).go', 84)).toEqual(want);
  });

  test('a custom template needs a program and {file}', () => {
    expect(() => editorCommand('custom', '  ', '/x.go', 1)).toThrow('editor command template is empty: set one in the settings, e.g. "subl {file}:{line}"');
    expect(() => editorCommand('custom', 'subl', '/x.go', 1)).toThrow('editor command template "subl" has no {file}: e.g. "subl {file}:{line}"');
  });
});
