import { homedir } from 'node:os';
import path from 'node:path';

/** Electron's `app.getPath('userData')` is `<appData>/<productName>`; ours is "Goroscope" (package.json). */
const PRODUCT_NAME = 'Goroscope';
export const DB_FILE_NAME = 'goroscope.db';

export interface PathEnvironment {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  /** Working directory a relative XDG_CONFIG_HOME is taken from (default: the process's). */
  cwd?: string;
}

function currentEnvironment(): PathEnvironment {
  return { env: process.env, platform: process.platform, home: homedir(), cwd: process.cwd() };
}

/**
 * The folder Electron's `app.getPath('userData')` gives for the product name Goroscope, so that the app
 * and the CLI share one history: Linux `$XDG_CONFIG_HOME/Goroscope` (else `~/.config/Goroscope`), macOS
 * `~/Library/Application Support/Goroscope`, Windows `%APPDATA%\Goroscope`. Pure: no I/O.
 */
export function userDataDir(where: PathEnvironment = currentEnvironment()): string {
  const { env, platform, home } = where;
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (platform === 'win32') {
    const appData = env['APPDATA'];
    return p.join(appData !== undefined && appData !== '' ? appData : p.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  }
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  const xdg = env['XDG_CONFIG_HOME'];
  // Electron takes appData from Chromium's base::nix::GetXDGDirectory, which uses any non-empty
  // XDG_CONFIG_HOME as given, relative ones included (the XDG spec would ignore those; Chromium does not).
  const config = xdg !== undefined && xdg !== '' ? p.resolve(where.cwd ?? process.cwd(), xdg) : p.join(home, '.config');
  return p.join(config, PRODUCT_NAME);
}

/**
 * The history database to use: `--db FILE` when given, else `$GOROSCOPE_DB`, else `goroscope.db` in
 * {@link userDataDir}. Relative paths are resolved against the working directory.
 */
export function resolveDbPath(dbOption: string | undefined, where: PathEnvironment = currentEnvironment()): string {
  if (dbOption !== undefined && dbOption !== '') return path.resolve(dbOption);
  const fromEnv = where.env['GOROSCOPE_DB'];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  const dir = userDataDir(where);
  return (where.platform === 'win32' ? path.win32 : path.posix).join(dir, DB_FILE_NAME);
}
