// The source.* requests over the real api and history file: who may open an editor or change the
// settings, settings kept beside the history, sourceRoots from .goroscope.json, and the editor started
// with the resolved file as one argument.
import { existsSync, readFileSync, writeFileSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openApi, type OpenedApi } from '../../src/main/api/open-api.js';
import { loadProjectConfig } from '../../src/main/use-cases/project-config.js';
import { createSourceAccess, sourceHandlers } from '../../src/main/api/source-handlers.js';
import { fixtureSourcePath, leakMarkers } from '../helpers/go-toolchains.js';
import { tempDir } from '../store/temp-db.js';

const LEAKY = fixtureSourcePath('leaky');
const frameA = { func: 'main.leakASender', file: '/build/leaky/main.go', line: leakMarkers('leaky')['LEAK-A']! };

describe('source requests', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });
  function open(options: Parameters<typeof openApi>[2]): { opened: OpenedApi; dir: string } {
    const t = tempDir('goroscope-source-api-');
    const opened = openApi(t.file('h.db'), 'test', options);
    cleanup.push(() => {
      opened.dispose();
      t.remove();
    });
    return { opened, dir: t.dir };
  }

  test('serve beyond loopback: reads under --source, but never opens an editor nor changes settings', async () => {
    const { opened } = open({ sourceRoots: [path.dirname(LEAKY)], isLocalUser: false });
    const read = await opened.api.call('source.read', { frame: frameA });
    expect(read).toMatchObject({ localPath: realpathSync(LEAKY), via: 'module', language: 'go' });
    expect(read.text.split('\n')[frameA.line - 1]).toBe('\tresult <- 42 // LEAK-A');
    expect((await opened.api.call('source.resolve', { frames: [frameA] })).canOpenEditor).toBe(false);
    await expect(opened.api.call('source.open', { frame: frameA })).rejects.toThrow(
      'opening an editor is refused here: only the desktop app and `goroscope serve` bound to loopback start programs',
    );
    expect(await opened.api.call('sourceSettings.get', {})).toEqual({ settings: { roots: [], editor: 'vscode', commandTemplate: null }, canChange: false });
    await expect(opened.api.call('sourceSettings.set', { settings: { roots: ['/'], editor: 'vscode', commandTemplate: null } })).rejects.toThrow(
      'source settings cannot be changed over a port other machines can reach (serve --allow-remote)',
    );
  });

  test('the app: settings are kept beside the history and their roots apply at once', async () => {
    const { opened, dir } = open({ isLocalUser: true });
    await expect(opened.api.call('source.read', { frame: frameA })).rejects.toThrow('no readable source for /build/leaky/main.go:' + frameA.line + ' under the source roots');
    const settings = { roots: [path.dirname(LEAKY)], editor: 'goland' as const, commandTemplate: null };
    expect(await opened.api.call('sourceSettings.set', { settings })).toEqual({ settings });
    expect(JSON.parse(readFileSync(path.join(dir, 'source-settings.json'), 'utf8'))).toEqual(settings);
    expect((await opened.api.call('source.resolve', { frames: [frameA] })).frames[0]).toMatchObject({ isResolved: true, localPath: realpathSync(LEAKY) });
    await expect(opened.api.call('sourceSettings.set', { settings: { roots: [], editor: 'custom', commandTemplate: 'subl' } })).rejects.toThrow(
      'editor command template "subl" has no {file}: e.g. "subl {file}:{line}"',
    );
  });

  test('sourceRoots in .goroscope.json are read relative to the file', () => {
    const t = tempDir('goroscope-source-cfg-');
    cleanup.push(t.remove);
    mkdirSync(path.join(t.dir, 'conf'));
    writeFileSync(path.join(t.dir, 'conf', '.goroscope.json'), JSON.stringify({ sourceRoots: ['../svc', '/abs/other'] }));
    expect(loadProjectConfig(path.join(t.dir, 'conf', '.goroscope.json')).sourceRoots).toEqual([path.join(t.dir, 'svc'), '/abs/other']);
  });

  test('source.open starts the configured program with the resolved file as one argument (a real cp)', async () => {
    const t = tempDir('goroscope-source-open-');
    cleanup.push(t.remove);
    writeFileSync(path.join(t.dir, 'source-settings.json'), JSON.stringify({ editor: 'custom', commandTemplate: `cp {file} ${t.dir}/line-{line}.go` }));
    const access = createSourceAccess({ fixedRoots: [path.dirname(LEAKY)], settingsFile: path.join(t.dir, 'source-settings.json'), canOpenEditor: true, canChangeSettings: true });
    const handlers = sourceHandlers(access);
    expect(await handlers['source.open']({ frame: frameA })).toEqual({ program: 'cp', localPath: realpathSync(LEAKY) });
    const copied = path.join(t.dir, `line-${frameA.line}.go`);
    for (let i = 0; i < 100 && !existsSync(copied); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(copied, 'utf8')).toBe(readFileSync(LEAKY, 'utf8'));
    // A frame outside the roots is never handed to the program.
    await expect(handlers['source.open']({ frame: { func: 'main.f', file: '/etc/passwd', line: 1 } })).rejects.toThrow('no readable source for /etc/passwd:1 under the source roots');
    // A program that is not there: said, with what to do.
    await access.saveSettings({ roots: [], editor: 'custom', commandTemplate: 'no-such-editor-xyz {file}' });
    await expect(handlers['source.open']({ frame: frameA })).rejects.toThrow('cannot start the editor "no-such-editor-xyz": not found on PATH; choose another editor or command template in the settings');
  });
});
