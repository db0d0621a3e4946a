import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The checks `goroscope serve` makes before anything else, as pure functions over a request's
 * headers: the Host header names this server (DNS rebinding), any Origin is this server (no CORS,
 * no cross-site posts), and the token is there.
 */

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** `0.0.0.0` and `::`: bound on every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** `[::1]` for IPv6 literals, the name or IPv4 address as it is otherwise. */
export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * The `host:port` values a Host header may carry: the bound host, and for loopback every loopback
 * spelling; for a wildcard bind (`0.0.0.0`, only with --allow-remote) every address of this machine.
 */
export function allowedHostHeaders(boundHost: string, port: number): Set<string> {
  const hosts = new Set<string>([boundHost]);
  if (isLoopbackHost(boundHost) || isWildcardHost(boundHost)) for (const h of ['127.0.0.1', 'localhost', '::1']) hosts.add(h);
  if (isWildcardHost(boundHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) hosts.add(a.address);
    hosts.delete(boundHost);
  }
  const withPort = [...hosts].map((h) => `${hostForUrl(h)}:${port}`.toLowerCase());
  // Browsers leave the default port out of Host and Origin (`--port 80`).
  const bare = port === 80 ? [...hosts].map((h) => hostForUrl(h).toLowerCase()) : [];
  return new Set([...withPort, ...bare]);
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; status: 401 | 403 | 421; message: string };

/**
 * `Sec-Fetch-Site` values a request may carry: our own page (`same-origin`) or the user typing or
 * opening the URL (`none`). `same-site` is refused too: for an IP address the site ignores the port,
 * so any other server on 127.0.0.1 is same-site, and SameSite=Strict cookies travel with its requests.
 * Absent (curl, the CLI, old browsers) is fine: the token and the Origin check still apply.
 */
const ALLOWED_FETCH_SITES: ReadonlySet<string> = new Set(['same-origin', 'none']);

/**
 * Host first (421: this request was meant for another server), then Origin and fetch metadata (403).
 * An Origin must be the exact serialisation a browser sends (`http://127.0.0.1:PORT`), nothing more.
 */
export function checkHostAndOrigin(headers: IncomingHttpHeaders, allowedHosts: ReadonlySet<string>): GuardVerdict {
  const host = headers.host?.toLowerCase();
  if (host === undefined || !allowedHosts.has(host)) {
    return { ok: false, status: 421, message: `Host header "${headers.host ?? ''}" does not name this server; expected one of ${[...allowedHosts].join(', ')}` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, allowedHosts)) {
    return { ok: false, status: 403, message: `Origin "${origin}" is not this server: cross-origin requests are refused` };
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && !ALLOWED_FETCH_SITES.has(site)) {
    return { ok: false, status: 403, message: `Sec-Fetch-Site "${site}": only this server's own page may call it` };
  }
  return { ok: true };
}

function isOwnOrigin(origin: string, allowedHosts: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` and other opaque origins are foreign
  }
  // The round trip refuses paths, credentials and other decorations a real Origin never has.
  return url.protocol === 'http:' && url.origin === origin.toLowerCase() && allowedHosts.has(url.host);
}

/**
 * The path and query a request target names, as a URL whose host means nothing. Origin-form
 * (`/path?q`) is what browsers send; `//evil.example/x` stays a path here, never an authority.
 * Absolute-form (`http://host:port/path`) is accepted when its authority names this server too,
 * since it overrides Host (RFC 9112 §3.2.2). Null for anything else (`*`, authority-form, foreign).
 */
export function requestTarget(target: string, allowedHosts: ReadonlySet<string>): URL | null {
  if (target.startsWith('/')) {
    try {
      return new URL(`http://server.invalid${target}`);
    } catch {
      return null;
    }
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || url.username !== '' || url.password !== '' || !allowedHosts.has(url.host)) return null;
  return new URL(`http://server.invalid${url.pathname}${url.search}`);
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function isSameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether the request carries the token in the `x-goroscope-token` header, compared in the same time
 * whatever the given value's characters. Only the header counts: a cookie would be sent by the browser
 * with requests other local servers' pages make, and a query parameter ends up in logs and history.
 */
export function tokenSource(headers: IncomingHttpHeaders, token: string): 'header' | null {
  const header = headers['x-goroscope-token'];
  return typeof header === 'string' && isSameToken(header, token) ? 'header' : null;
}
