import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDbPath, userDataDir, type PathEnvironment } from '../../src/main/store/default-db-path.js';

const cases: { name: string; where: PathEnvironment; want: string }[] = [
  { name: 'linux, XDG_CONFIG_HOME set', where: { platform: 'linux', home: '/home/ann', env: { XDG_CONFIG_HOME: '/xdg' } }, want: '/xdg/Goroscope' },
  { name: 'linux, no XDG_CONFIG_HOME', where: { platform: 'linux', home: '/home/ann', env: {} }, want: '/home/ann/.config/Goroscope' },
  // Chromium's base::nix::GetXDGDirectory (Electron's appData on Linux) takes any non-empty value, relative ones too.
  { name: 'linux, relative XDG_CONFIG_HOME is taken from the working directory', where: { platform: 'linux', home: '/home/ann', cwd: '/work', env: { XDG_CONFIG_HOME: 'rel' } }, want: '/work/rel/Goroscope' },
  { name: 'linux, empty XDG_CONFIG_HOME', where: { platform: 'linux', home: '/home/ann', env: { XDG_CONFIG_HOME: '' } }, want: '/home/ann/.config/Goroscope' },
  { name: 'macOS', where: { platform: 'darwin', home: '/Users/ann', env: { XDG_CONFIG_HOME: '/xdg' } }, want: '/Users/ann/Library/Application Support/Goroscope' },
  { name: 'Windows', where: { platform: 'win32', home: 'C:\\Users\\ann', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' } }, want: 'C:\\Users\\ann\\AppData\\Roaming\\Goroscope' },
  { name: 'Windows without APPDATA', where: { platform: 'win32', home: 'C:\\Users\\ann', env: {} }, want: 'C:\\Users\\ann\\AppData\\Roaming\\Goroscope' },
];

describe('userDataDir matches Electron app.getPath("userData") for productName Goroscope', () => {
  it.each(cases)('$name', ({ where, want }) => {
    expect(userDataDir(where)).toBe(want);
  });
});

describe('resolveDbPath', () => {
  const linux: PathEnvironment = { platform: 'linux', home: '/home/ann', env: {} };
  it('defaults to goroscope.db in the userData folder', () => {
    expect(resolveDbPath(undefined, linux)).toBe('/home/ann/.config/Goroscope/goroscope.db');
  });
  it('GOROSCOPE_DB overrides the default', () => {
    expect(resolveDbPath(undefined, { ...linux, env: { GOROSCOPE_DB: '/data/h.db' } })).toBe('/data/h.db');
  });
  it('--db overrides GOROSCOPE_DB, resolved against the working directory', () => {
    expect(resolveDbPath('x.db', { ...linux, env: { GOROSCOPE_DB: '/data/h.db' } })).toBe(path.resolve('x.db'));
  });
});
