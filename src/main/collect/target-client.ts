import { request, type IncomingMessage } from 'node:http';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  GoroscopeError,
  HttpStatusError,
  NotGoEndpointError,
  ResponseTooLargeError,
  TargetUnreachableError,
  TimeoutError,
  type UnreachableReason,
} from '../../shared/errors.js';
import type { Connector } from './connector.js';
import type { Target } from './target-url.js';

export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface FetchOptions {
  /** Whole request, connect to last byte. */
  timeoutMs?: number;
  /** Cap on the body as held in memory (after gzip), enforced while streaming. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface FetchResult {
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
  startedAtMs: number;
  durationMs: number;
}

/**
 * HTTP GETs to one target through a {@link Connector}, one request in flight at a time (a second caller
 * waits its turn, so a service is never hit by two profiles at once). Each request has a timeout and a
 * streaming byte cap, accepts gzip, and fails with a specific GoroscopeError: TargetUnreachableError
 * (refused, DNS, TLS, reset, truncated body), TimeoutError, HttpStatusError, ResponseTooLargeError. An
 * abort through `signal` rejects with the signal's reason.
 */
export class TargetClient {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly target: Target,
    private readonly connector: Connector,
    private readonly defaults: { timeoutMs: number; maxBytes: number } = { timeoutMs: DEFAULT_TIMEOUT_MS, maxBytes: DEFAULT_MAX_BYTES },
  ) {}

  /** `path` is relative to the base URL: `/debug/pprof/goroutine?debug=1`. */
  urlOf(path: string): string {
    return `${this.target.baseUrl}${path}`;
  }

  get(path: string, options: FetchOptions = {}): Promise<FetchResult> {
    const run = this.tail.then(() => this.fetchOnce(this.urlOf(path), options));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async fetchOnce(url: string, options: FetchOptions): Promise<FetchResult> {
    const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs;
    const maxBytes = options.maxBytes ?? this.defaults.maxBytes;
    options.signal?.throwIfAborted();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutError(`GET ${url}: no complete answer within ${timeoutMs} ms`)), timeoutMs);
    const onOuterAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const startedAtMs = Date.now();
    const t0 = performance.now();
    let socket: Duplex | undefined;
    try {
      socket = await this.open(url, controller.signal);
      const { status, contentType, body } = await exchange(url, socket, controller.signal, maxBytes);
      return { url, status, contentType, body, startedAtMs, durationMs: performance.now() - t0 };
    } catch (error) {
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onOuterAbort);
      socket?.destroy();
    }
  }

  private async open(url: string, signal: AbortSignal): Promise<Duplex> {
    const { hostname, port, protocol } = this.target;
    let raw: Duplex;
    try {
      raw = await this.connector.openConnection({ hostname, port }, signal);
    } catch (cause) {
      throw transportError(url, cause, this.connector.via);
    }
    if (protocol === 'http:') return raw;
    return new Promise<TLSSocket>((resolve, reject) => {
      const servername = /^[\d.]+$|:/.test(hostname) ? undefined : hostname;
      const tls = tlsConnect({ socket: raw, servername, ALPNProtocols: ['http/1.1'] });
      tls.once('secureConnect', () => resolve(tls));
      tls.once('error', (cause) => {
        raw.destroy();
        reject(new TargetUnreachableError('tls', `GET ${url}: TLS handshake failed (${cause.message}); is the service really serving https?`, { cause }));
      });
    });
  }
}

const RECEIVE_ERROR_HINT = 'the service may have crashed or restarted';

function exchange(url: string, socket: Duplex, signal: AbortSignal, maxBytes: number): Promise<{ status: number; contentType: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({
      method: 'GET',
      host: u.hostname,
      port: u.port,
      path: `${u.pathname}${u.search}`,
      headers: { 'accept-encoding': 'gzip', 'user-agent': 'goroscope', host: u.host },
      createConnection: () => socket as never,
      signal,
    });
    req.once('error', (cause) => reject(transportError(url, cause, null)));
    req.once('response', (res) => {
      readBody(url, res, maxBytes).then(
        (body) => {
          const status = res.statusCode ?? 0;
          const contentType = String(res.headers['content-type'] ?? '');
          if (status < 200 || status > 299) reject(statusError(url, status, res.statusMessage ?? '', body));
          else resolve({ status, contentType, body });
        },
        (error: unknown) => {
          req.destroy();
          reject(error);
        },
      );
    });
    req.end();
  });
}

function readBody(url: string, res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : null;
    if (declared !== null && declared > maxBytes) {
      res.destroy();
      reject(tooLarge(url, maxBytes, `Content-Length ${declared}`));
      return;
    }
    const isGzip = /\bgzip\b/i.test(String(res.headers['content-encoding'] ?? ''));
    const chunks: Buffer[] = [];
    let held = 0;
    let received = 0;
    let done = false;
    const fail = (error: unknown): void => {
      if (done) return;
      done = true;
      res.destroy();
      reject(error);
    };
    const hold = (chunk: Buffer): void => {
      held += chunk.length;
      if (held > maxBytes) fail(tooLarge(url, maxBytes, `${held} bytes read so far`));
      else chunks.push(chunk);
    };
    const finish = (): void => {
      if (done) return;
      if (declared !== null && received < declared) {
        fail(truncated());
        return;
      }
      done = true;
      resolve(Buffer.concat(chunks));
    };
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const truncated = (cause?: Error): TargetUnreachableError =>
      new TargetUnreachableError(
        'truncated',
        `GET ${url}: the connection closed after ${received}${declared !== null ? ` of ${declared}` : ''} body bytes, before the response was complete; ${RECEIVE_ERROR_HINT}`,
        cause ? { cause } : undefined,
      );
    res.once('close', () => {
      if (!res.complete) fail(truncated());
    });
    res.once('error', (cause) => fail(truncated(cause)));
    if (!isGzip) {
      res.on('data', hold);
      res.once('end', finish);
      return;
    }
    const gunzip = createGunzip();
    gunzip.on('data', hold);
    gunzip.once('end', finish);
    gunzip.once('error', (cause) => fail(new TargetUnreachableError('truncated', `GET ${url}: gzip body is damaged or cut short (${cause.message})`, { cause })));
    res.pipe(gunzip);
  });
}

function tooLarge(url: string, maxBytes: number, seen: string): ResponseTooLargeError {
  return new ResponseTooLargeError(`GET ${url}: body exceeds the ${formatBytes(maxBytes)} cap (${seen}); raise --max-bytes if the service really has that many goroutines`);
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

function statusError(url: string, status: number, statusText: string, body: Buffer): HttpStatusError {
  const hint =
    status === 404
      ? url.includes('/debug/pprof/')
        ? '; the service does not serve this profile: does it import net/http/pprof?'
        : ''
      : status === 401 || status === 403
        ? '; the endpoint needs credentials'
        : '';
  const snippet = body.subarray(0, 120).toString('utf8').replace(/\s+/g, ' ').trim();
  return new HttpStatusError(status, `GET ${url}: HTTP ${status}${statusText ? ` ${statusText}` : ''}${hint}${snippet ? ` (body: "${snippet}")` : ''}`);
}

const ERRNO_REASONS: Record<string, UnreachableReason> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  EHOSTDOWN: 'network',
  ETIMEDOUT: 'network',
  EPROTO: 'tls',
};

/** Maps a socket/HTTP error to a specific GoroscopeError naming the URL; GoroscopeErrors pass through. */
export function transportError(url: string, cause: unknown, via: string | null): GoroscopeError {
  if (cause instanceof GoroscopeError) return cause;
  const e = cause as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const through = via !== null && via !== 'direct' ? ` (through ${via})` : '';
  const reason = ERRNO_REASONS[code] ?? (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') ? 'tls' : 'network');
  const host = new URL(url).host;
  const what: Record<UnreachableReason, string> = {
    refused: `connection refused by ${host}: nothing listens there; is the service running, on this port?`,
    dns: `cannot resolve host ${new URL(url).hostname} (${code})`,
    tls: `TLS failure (${e.message})`,
    reset: `connection reset by ${host} (${code}); ${RECEIVE_ERROR_HINT}`,
    truncated: `response cut short (${e.message})`,
    network: `network error (${code || e.message})`,
  };
  return new TargetUnreachableError(reason, `GET ${url}${through}: ${what[reason]}`, { cause });
}

/**
 * Refuses an HTML answer where a profile was expected: a web app behind the URL, or a login page.
 * `Content-Type: text/html` or a body that starts like a page.
 */
export function assertNotHtml(result: FetchResult): void {
  const head = result.body.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  const isHtml = /text\/html/i.test(result.contentType) || head.startsWith('<!doctype html') || head.startsWith('<html');
  if (!isHtml) return;
  const title = /<title>([^<]{0,80})<\/title>/i.exec(result.body.subarray(0, 4096).toString('utf8'))?.[1]?.trim();
  throw new NotGoEndpointError(
    `GET ${result.url}: this is an HTML page${title ? ` ("${title}")` : ''}, not a pprof endpoint; give the Go service's base URL (http://host:port, where /debug/pprof/ is served)`,
  );
}
