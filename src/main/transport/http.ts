import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InvalidInputError } from '../../shared/errors.js';
import type { Disposable } from '../../shared/lifecycle.js';
import type { Api } from '../api/create-api.js';
import { dispatch } from './dispatch.js';
import {
  allowedHostHeaders,
  checkHostAndOrigin,
  hostForUrl,
  isLoopbackHost,
  isWildcardHost,
  newToken,
  requestTarget,
  tokenSource,
} from './http-guards.js';
import { openEventStream } from './event-stream.js';
import { containedRealPath, resolveStaticPath, sendStaticFile } from './static-files.js';
import { sendText } from './compression.js';
import { sendTextReply } from './text-reply.js';
import { BINARY_BODY_TYPE, JSON_BYTES_HEADER, decodeBinaryBody } from '../../shared/binary-body.js';

/** A 64 MiB debug=2 dump (Go's own cap) as JSON text or a binary body, with room to spare. */
export const DEFAULT_MAX_BODY_BYTES = 160 * 1024 * 1024;
/** A client that has not sent its headers by then is dropped (slowloris). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included: the largest import over loopback takes a few seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** How long the rest of an over-cap body is read and dropped before the connection is cut. */
const OVERFLOW_DRAIN_MS = 5_000;

export interface HttpServerOptions {
  api: Api;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Binding beyond loopback must be asked for. */
  allowRemote: boolean;
  token?: string;
  maxBodyBytes?: number;
  /** Tests shorten these; see {@link DEFAULT_HEADERS_TIMEOUT_MS} and {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface HttpServer extends Disposable {
  /** The URL to open, token in its fragment: `http://127.0.0.1:PORT/#token=…`. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Stops listening, ends event streams and connections; resolves when the server has closed. */
  close(): Promise<void>;
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  // JSON and assets run nothing and may be framed by nothing; the page's own CSP replaces this one.
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * Reads and drops the rest of a body we refused. Closing at once would make the kernel answer the
 * client's next bytes with a reset, and the client would lose the 413 already sent. A client still
 * sending after {@link OVERFLOW_DRAIN_MS} loses its connection.
 */
function drainThenClose(req: IncomingMessage): void {
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), OVERFLOW_DRAIN_MS);
  req.once('end', () => clearTimeout(timer));
  req.socket.once('close', () => clearTimeout(timer));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: 'INVALID_INPUT' | 'NOT_FOUND' | 'BUG', message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

class BodyTooLargeError extends Error {}

/**
 * The request body, or BodyTooLargeError once it passes `maxBytes` (declared or streamed). A declared
 * length is filled in place, sparing a second copy of a 56 MB upload (Node's parser never passes more
 * bytes than the Content-Length it read). `shared` holds it in a SharedArrayBuffer: a binary body's
 * files then reach the parse worker without a copy (posting a shared view shares it), while main reads
 * the same bytes to compress the raw dump; nothing writes to the body once it is read.
 */
function readBody(req: IncomingMessage, maxBytes: number, shared: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const header = req.headers['content-length'];
    const declared = header === undefined ? null : Number(header);
    if (declared !== null && declared > maxBytes) {
      reject(new BodyTooLargeError());
      return;
    }
    const filled = declared !== null && Number.isSafeInteger(declared) && declared > 0 ? (shared ? Buffer.from(new SharedArrayBuffer(declared)) : Buffer.allocUnsafe(declared)) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      const end = size + chunk.length;
      if (end <= maxBytes && (filled === null || end <= filled.length)) {
        if (filled) chunk.copy(filled, size);
        else chunks.push(chunk);
        size = end;
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      chunks.length = 0;
      reject(new BodyTooLargeError());
    };
    const onEnd = (): void => resolve(filled ? filled.subarray(0, size) : Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

/**
 * `goroscope serve`: the built renderer and the contract over HTTP. Loopback unless `allowRemote`;
 * every request needs the Host of this server and no foreign Origin; every `/api/` request also needs
 * the token in the `x-goroscope-token` header (the page takes it from the printed URL's fragment; no
 * cookie, which browsers would send to every port of the host). `POST /api/<request>` takes the input
 * as JSON (or as the binary body of `shared/binary-body.ts`: JSON, then the byte arrays it holds, all
 * under the same cap) and answers the reply envelope (`snapshot.raw`, to a client that accepts it, as
 * its text: `text-reply.ts`); `GET /api/events` is a server-sent event stream. Throws InvalidInputError
 * for a non-loopback host without `allowRemote`, and the listen error (EADDRINUSE…) as it is.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  if (!isLoopbackHost(options.host) && !options.allowRemote) {
    throw new InvalidInputError(
      `--host ${options.host} would accept connections from other machines; pass --allow-remote as well to mean it (anyone with the token can then read and record)`,
    );
  }
  const token = options.token ?? newToken();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const streams = new Set<Disposable>();
  const sockets = new Set<Socket>();
  let allowedHosts = new Set<string>();
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
    // Node keeps the first of several Host headers; which one a proxy in front would use is anyone's guess.
    if ((req.headersDistinct.host?.length ?? 0) > 1) return refuse(res, 400, 'INVALID_INPUT', 'more than one Host header');
    const guard = checkHostAndOrigin(req.headers, allowedHosts);
    if (!guard.ok) return refuse(res, guard.status, 'INVALID_INPUT', guard.message);
    const url = requestTarget(req.url ?? '', allowedHosts);
    if (url === null) return refuse(res, 400, 'INVALID_INPUT', 'request target must be a path on this server');
    const isApi = url.pathname.startsWith('/api/');
    // The page and its assets are the public app bundle: a browser opening the printed URL cannot
    // send a header, and the token stays in the URL's fragment, which no browser sends. Everything
    // the contract reads or does needs the token as a header, which only the page itself sends.
    if (isApi && tokenSource(req.headers, token) === null) {
      return refuse(res, 401, 'INVALID_INPUT', 'missing or wrong token: open the URL `goroscope serve` printed');
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return refuse(res, 405, 'INVALID_INPUT', 'GET /api/events only');
      const stream = openEventStream(req, res, options.api, () => streams.delete(stream));
      streams.add(stream);
      return;
    }
    if (isApi) return handleRequest(req, res, url.pathname.slice('/api/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'INVALID_INPUT', `${req.method ?? ''} not allowed here`);
    const named = resolveStaticPath(options.rendererDir, url.pathname);
    const file = named === null ? null : await containedRealPath(options.rendererDir, named);
    if (file === null || !(await sendStaticFile(req, res, file))) refuse(res, 404, 'NOT_FOUND', `no such file: ${url.pathname}`);
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse, name: string): Promise<void> => {
    if (req.method !== 'POST') return refuse(res, 405, 'INVALID_INPUT', `POST /api/${name} with a JSON body`);
    const type = req.headers['content-type'] ?? '';
    const isJson = /^application\/json\b/i.test(type);
    const jsonBytes = req.headers[JSON_BYTES_HEADER];
    // A binary body (shared/binary-body.ts) must say where its JSON ends.
    const isBinary = type.toLowerCase().startsWith(BINARY_BODY_TYPE) && typeof jsonBytes === 'string' && /^\d{1,12}$/.test(jsonBytes);
    if (!isJson && !isBinary) {
      return refuse(res, 415, 'INVALID_INPUT', `expected Content-Type: application/json, or ${BINARY_BODY_TYPE} with an ${JSON_BYTES_HEADER} header`);
    }
    let input: unknown;
    try {
      const body = await readBody(req, maxBodyBytes, isBinary);
      if (isBinary) input = decodeBinaryBody(body, Number(jsonBytes));
      else input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        drainThenClose(req);
        return refuse(res, 413, 'INVALID_INPUT', `request body over the ${maxBodyBytes} byte cap`);
      }
      return refuse(res, 400, 'INVALID_INPUT', `body of /api/${name} is not ${isBinary ? 'a binary body' : 'JSON'}: ${(error as Error).message}`);
    }
    if (sendTextReply(req, res, options.api, name, input)) return;
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort(new Error('client went away'));
    });
    const outcome = await dispatch(options.api, name, input, aborter.signal);
    const status = outcome.kind === 'unknown' ? 404 : outcome.kind === 'invalid' ? 400 : 200;
    if (!res.destroyed) await sendText(req, res, status, 'application/json; charset=utf-8', JSON.stringify(outcome.reply));
  };

  // Checked every second, so a stalled client is dropped close to its deadline, not up to 30 s late.
  const server: Server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('goroscope serve: request failed:', error);
      if (!res.headersSent) refuse(res, 500, 'BUG', `internal error: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  server.headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  server.requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  allowedHosts = allowedHostHeaders(options.host, port);
  const origin = `http://${hostForUrl(isWildcardHost(options.host) ? '127.0.0.1' : options.host)}:${port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const s of [...streams]) s.dispose();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close,
    dispose: () => void close(),
  };
}
