import { InvalidInputError } from '../../shared/errors.js';

/** A target as the collector addresses it. */
export interface Target {
  /** `http://127.0.0.1:6060` or `https://host:8443/admin`: no trailing slash, no /debug/… part. */
  baseUrl: string;
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
}

// What a user pastes after the base: `/debug/pprof/…`, `/debug/vars`, `/metrics`.
const SERVICE_PATH = /\/(?:debug\/pprof(?:\/.*)?|debug\/vars|metrics)$/;

/**
 * Normalises what a user gives as a target: a base URL (`http://host:6060`, `host:6060`) or a URL pasted
 * from a browser (`http://host:6060/debug/pprof/goroutine?debug=2`), keeping a path prefix the service
 * mounts pprof under (`/admin/debug/pprof/` → `/admin`). Throws InvalidInputError naming the input.
 */
export function normaliseTarget(input: string): Target {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (cause) {
    throw new InvalidInputError(`target "${input}" is not a URL; expected http://host:port, e.g. http://127.0.0.1:6060`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(`target "${input}" uses ${url.protocol.slice(0, -1)}; expected http:// or https://`);
  }
  if (url.hostname === '') throw new InvalidInputError(`target "${input}" has no host; expected http://host:port`);
  let prefix = url.pathname.replace(/\/+$/, '');
  prefix = prefix.replace(SERVICE_PATH, '');
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  // URL.hostname keeps IPv6 brackets; sockets want them off.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { baseUrl: `${url.protocol}//${url.host}${prefix}`, protocol: url.protocol, hostname, port };
}
