/**
 * The token of `goroscope serve`, taken from the printed URL's fragment (`/#token=…`): browsers never
 * send a fragment to any server, and unlike a cookie the token is then sent by this page only, as a
 * header, never by the browser to other servers on 127.0.0.1 (cookies ignore the port). It is kept
 * in this tab's sessionStorage (scoped to this origin, port included) so that a reload still works,
 * and removed from the address bar.
 */
const STORAGE_KEY = 'goroscope.serveToken';

/** `#token=abc&tab=x` → `abc`; null without one. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token === null || token === '' ? null : token;
}

/** The parts of `window.location`, `window.history` and `window.sessionStorage` used here. */
export interface PageAddress {
  hash: string;
  pathname: string;
  search: string;
}
export interface AddressHistory {
  readonly state: unknown;
  replaceState(state: unknown, unused: string, url: string): void;
}
export interface TabStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Reads the token once at startup (fragment first, else this tab's storage) and cleans the address bar. */
export function takeServeToken(location: PageAddress, history: AddressHistory, storage: TabStorage | null): string | null {
  const fromUrl = tokenFromFragment(location.hash);
  if (fromUrl !== null) {
    storage?.setItem(STORAGE_KEY, fromUrl);
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    return fromUrl;
  }
  return storage?.getItem(STORAGE_KEY) ?? null;
}
