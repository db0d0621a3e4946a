import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/generated/01-chan-send-no-receiver');
export const CORPUS_DEBUG1 = readFileSync(path.join(CORPUS, 't1.debug1.txt'));
export const CORPUS_DEBUG2 = readFileSync(path.join(CORPUS, 't1.debug2.txt'));
export const CORPUS_VARS = readFileSync(path.join(CORPUS, 't1.vars.json'));

/** How the fake answers `goroutine?debug=1` (the compact profile) or `debug=2` (the full dump). */
export type Mode = 'ok' | 'gzip' | 'html' | '404' | 'hang' | 'endless' | 'truncated' | 'json';

// Go's pprof index links each profile as `<a href='NAME?debug=1'>`.
const INDEX = `<html><head><title>/debug/pprof/</title></head><body>
<table><tr><td>3</td><td><a href='goroutine?debug=1'>goroutine</a></td></tr></table>
<a href="goroutine?debug=2">full goroutine stack dump</a></body></html>`;

export interface FakeTarget {
  url: string;
  /** How the compact profile answers. */
  mode: Mode;
  /** How the full debug=2 dump answers. */
  fullMode: Mode;
  /** Requests seen, as `METHOD path?query`. */
  requests: string[];
  /** Most requests that were in flight at the same time. */
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A Node HTTP server on 127.0.0.1 that looks like a Go service with pprof and expvar, except that its
 * compact profile misbehaves as `mode` says (switchable while running).
 */
export async function startFakeTarget(initial: Mode = 'ok'): Promise<FakeTarget> {
  const sockets = new Set<Socket>();
  let inFlight = 0;
  const fake: FakeTarget = { url: '', mode: initial, fullMode: 'ok', requests: [], maxInFlight: 0, close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    fake.requests.push(`${req.method} ${req.url}`);
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const url = req.url ?? '';
    if (url === '/debug/pprof/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INDEX);
    if (url === '/debug/vars') return void res.writeHead(200, { 'content-type': 'application/json' }).end(CORPUS_VARS);
    if (url === '/debug/pprof/goroutine?debug=2') return answer(res, fake.fullMode, CORPUS_DEBUG2);
    if (url !== '/debug/pprof/goroutine?debug=1') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
    answer(res, fake.mode, CORPUS_DEBUG1);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return fake;
}

/** Answers one request as `mode` says, with `body` as the good answer. */
function answer(res: ServerResponse, mode: Mode, body: Buffer): void {
  switch (mode) {
    case 'ok':
      return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    case 'gzip':
      return void res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync(body));
    case 'json':
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
    case 'html':
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><head><title>Acme Shop</title></head><body>Welcome</body></html>');
    case '404':
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
    case 'hang':
      return; // never answers
    case 'endless': {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'goroutine 1 [running]:\n');
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    case 'truncated':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
      res.write(body.subarray(0, 100));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
  }
}
