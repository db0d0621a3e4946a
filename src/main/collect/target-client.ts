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
import { DEFAULT_MAX_INPUT_BYTES, DEFAULT_REQUEST_TIMEOUT_MS } from '../../shared/defaults.js';


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
 * The request last queued per target (`via` + base URL), shared by every TargetClient in the process: a
 * recording, a second recording of the same service and the app's connection test each have their own
 * client, and must still take turns.
 */
const lanes = new Map<string, Promise<unknown>>();

/**
 * HTTP GETs to one target through a {@link Connector}, one request in flight per target at a time (a
 * second caller, of this client or of another for the same target, waits its turn, so a service is never
 * hit by two profiles at once). Each request has a timeout and a streaming byte cap, accepts gzip, and
 * fails with a specific GoroscopeError: TargetUnreachableError (refused, DNS, TLS, reset, truncated
 * body), TimeoutError, HttpStatusError, ResponseTooLargeError. An abort through `signal` rejects with
 * the signal's reason.
 */
export class TargetClient {
  constructor(
    readonly target: Target,
    private readonly connector: Connector,
    private readonly defaults: { timeoutMs: number; maxBytes: number } = { timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS, maxBytes: DEFAULT_MAX_INPUT_BYTES },
  ) {}

  /** `path` is relative to the base URL: `/debug/pprof/goroutine?debug=1`. */
  urlOf(path: string): string {
    return `${this.target.baseUrl}${path}`;
  }

  get(path: string, options: FetchOptions = {}): Promise<FetchResult> {
    const lane = `${this.connector.via} ${this.target.baseUrl}`;
    const previous = lanes.get(lane) ?? Promise.resolve();
    const run = turn(previous, options.signal).then(() => this.fetchOnce(this.urlOf(path), options));
    // The caller gets `run`'s failure; the lane only needs to know when both are over (a request
    // cancelled while it waited must not let the next one overtake the one still in flight).
    const tail = Promise.allSettled([previous, run]).then(() => undefined);
    lanes.set(lane, tail);
    void tail.then(() => {
      if (lanes.get(lane) === tail) lanes.delete(lane);
    });
    return run;
  }

  private async fetchOnce(url: string, options: FetchOptions): Promise<FetchResult> {
    const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs;
    const maxBytes = options.maxBytes ?? this.defaults.maxBytes;
    options.signal?.throwIfAborted();
    const controller = new AbortController();
    const through = this.connector.via === 'direct' ? '' : ` (through ${this.connector.via})`;
    const timer = setTimeout(() => controller.abort(new TimeoutError(`GET ${url}${through}: no complete answer within ${timeoutMs} ms`)), timeoutMs);
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
    return handshake(url, hostname, raw, signal);
  }
}

/** Resolves when `previous` is over; rejects with the signal's reason if it aborts first (dispose() never waits on another client's request). */
function turn(previous: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return previous.then(() => undefined);
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void previous.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/**
 * TLS over an open connection. The handshake listens to `signal` itself: a peer that accepts TCP and
 * never answers the ClientHello would otherwise hold the request past its timeout, and past dispose().
 */
function handshake(url: string, hostname: string, raw: Duplex, signal: AbortSignal): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    if (signal.aborted) {
      raw.destroy();
      reject(signal.reason);
      return;
    }
    const servername = /^[\d.]+$|:/.test(hostname) ? undefined : hostname;
    const tls = tlsConnect({ socket: raw, servername, ALPNProtocols: ['http/1.1'] });
    const onAbort = (): void => {
      tls.destroy();
      raw.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    tls.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(tls);
    });
    tls.once('error', (cause: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      raw.destroy();
      reject(new TargetUnreachableError('tls', `GET ${url}: TLS handshake failed (${cause.message}); ${tlsHint(cause)}`, { cause }));
    });
  });
}

// Node's certificate verification codes: the peer speaks TLS, but its certificate is not trusted here.
const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/;

function tlsHint(cause: NodeJS.ErrnoException): string {
  return CERT_CODES.test(cause.code ?? '')
    ? 'the certificate is not trusted; add its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem'
    : 'is the service really serving https?';
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
    const gunzip = isGzip ? createGunzip() : null;
    const fail = (error: unknown): void => {
      if (done) return;
      done = true;
      res.destroy();
      // Without this a small gzip body would go on inflating past the cap, only to be thrown away.
      gunzip?.destroy();
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
    if (gunzip === null) {
      res.on('data', hold);
      res.once('end', finish);
      return;
    }
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
