import { isLoopbackHost } from '../transport/http-guards.js';

/**
 * The decisions behind the window's security settings, as plain functions (no `electron` import) so
 * that tests check them under Node. `index.ts` wires them to Electron's events. See Electron's
 * security checklist: items 13 (navigation), 14 (new windows), 15 (openExternal).
 */

/**
 * The page the window loads: the built index.html, or, in an unpackaged app only, the electron-vite
 * dev server named by ELECTRON_RENDERER_URL when that is `http:` on loopback. A packaged app never
 * takes its page from the environment: the IPC bridge trusts whatever page this returns.
 */
export function appUrlFor(devServerUrl: string | undefined, isPackaged: boolean, builtIndexUrl: string): string {
  if (isPackaged || devServerUrl === undefined || devServerUrl === '') return builtIndexUrl;
  let url: URL;
  try {
    url = new URL(devServerUrl);
  } catch {
    return builtIndexUrl;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return url.protocol === 'http:' && isLoopbackHost(host) ? url.href : builtIndexUrl;
}

/**
 * The link to hand to the system browser, as parsed (what was checked is what opens): `https:` only,
 * without credentials in it. Null for anything else.
 */
export function externalUrlToOpen(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' ? parsed.href : null;
}

/**
 * Navigations the window lets happen: none of the main frame (the app is one page), and of subframes
 * only the report preview's `srcdoc` document (and the `about:blank` a frame starts as).
 */
export function isFrameNavigationAllowed(url: string, isMainFrame: boolean): boolean {
  return !isMainFrame && (url === 'about:srcdoc' || url === 'about:blank');
}
