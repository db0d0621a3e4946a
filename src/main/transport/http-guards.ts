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
  return new Set([...hosts].map((h) => `${hostForUrl(h)}:${port}`.toLowerCase()));
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; status: 401 | 403 | 421; message: string };

/** Host first (421: this request was meant for another server), then Origin and fetch metadata (403). */
export function checkHostAndOrigin(headers: IncomingHttpHeaders, allowedHosts: ReadonlySet<string>): GuardVerdict {
  const host = headers.host?.toLowerCase();
  if (host === undefined || !allowedHosts.has(host)) {
    return { ok: false, status: 421, message: `Host header "${headers.host ?? ''}" does not name this server; expected one of ${[...allowedHosts].join(', ')}` };
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    let originHost: string | null = null;
    try {
      const url = new URL(origin);
      originHost = url.protocol === 'http:' ? url.host.toLowerCase() : null;
    } catch {
      originHost = null; // `null` and other opaque origins are foreign
    }
    if (originHost === null || !allowedHosts.has(originHost)) {
      return { ok: false, status: 403, message: `Origin "${origin}" is not this server: cross-origin requests are refused` };
    }
  }
  if (headers['sec-fetch-site'] === 'cross-site') {
    return { ok: false, status: 403, message: 'cross-site request refused' };
  }
  return { ok: true };
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies are not scoped by port, so each server's cookie carries its port in the name. */
export function tokenCookieName(port: number): string {
  return `goroscope_token_${port}`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function isSameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Where the request's token came from: the `x-goroscope-token` header, the cookie, or (page loads
 * only) the `token` query parameter of the printed URL. Null when none matches.
 */
export function tokenSource(headers: IncomingHttpHeaders, query: URLSearchParams, token: string, port: number): 'header' | 'cookie' | 'query' | null {
  const header = headers['x-goroscope-token'];
  if (typeof header === 'string' && isSameToken(header, token)) return 'header';
  const cookie = cookieValue(headers.cookie, tokenCookieName(port));
  if (cookie !== null && isSameToken(cookie, token)) return 'cookie';
  const fromQuery = query.get('token');
  if (fromQuery !== null && isSameToken(fromQuery, token)) return 'query';
  return null;
}
