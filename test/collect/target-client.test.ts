import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DirectConnector } from '../../src/main/collect/connector.js';
import { TargetClient, assertNotHtml } from '../../src/main/collect/target-client.js';
import { normaliseTarget } from '../../src/main/collect/target-url.js';
import { CORPUS_DEBUG1, startFakeTarget, type Mode } from './fake-target.js';

const NET_LIMIT = 10_000;

async function clientFor(mode: Mode, limits = { timeoutMs: 500, maxBytes: 1 << 20 }) {
  const fake = await startFakeTarget(mode);
  onTestFinished(() => fake.close());
  return { fake, client: new TargetClient(normaliseTarget(fake.url), new DirectConnector(), limits) };
}

/** A TCP port on 127.0.0.1 that nobody listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('TargetClient', () => {
  it('fetches a body, gzip or not', { timeout: NET_LIMIT }, async () => {
    for (const mode of ['ok', 'gzip'] as const) {
      const { fake, client } = await clientFor(mode);
      const res = await client.get('/debug/pprof/goroutine?debug=1');
      expect(res.status).toBe(200);
      expect(res.body.equals(CORPUS_DEBUG1)).toBe(true);
      expect(res.url).toBe(`${fake.url}/debug/pprof/goroutine?debug=1`);
    }
  });

  it('names an HTML page, an HTTP status, a timeout, a body over the cap and a truncated body', { timeout: NET_LIMIT }, async () => {
    const url = (fake: { url: string }) => `${fake.url}/debug/pprof/goroutine?debug=1`;
    const html = await clientFor('html');
    const page = await html.client.get('/debug/pprof/goroutine?debug=1');
    expect(() => assertNotHtml(page)).toThrow(
      `GET ${url(html.fake)}: this is an HTML page ("Acme Shop"), not a pprof endpoint; give the Go service's base URL (http://host:port, where /debug/pprof/ is served)`,
    );
    const notFound = await clientFor('404');
    await expect(notFound.client.get('/debug/pprof/goroutine?debug=1')).rejects.toMatchObject({
      code: 'HTTP_STATUS',
      status: 404,
      message: `GET ${url(notFound.fake)}: HTTP 404 Not Found; the service does not serve this profile: does it import net/http/pprof? (body: "404 page not found")`,
    });
    const hang = await clientFor('hang');
    await expect(hang.client.get('/debug/pprof/goroutine?debug=1')).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: `GET ${url(hang.fake)}: no complete answer within 500 ms`,
    });
    const endless = await clientFor('endless', { timeoutMs: 5_000, maxBytes: 1 << 20 });
    await expect(endless.client.get('/debug/pprof/goroutine?debug=1')).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      message: expect.stringMatching(new RegExp(`^GET ${url(endless.fake).replace(/[?.]/g, '\\$&')}: body exceeds the 1 MiB cap \\(\\d+ bytes read so far\\)`)),
    });
    const truncated = await clientFor('truncated', { timeoutMs: 5_000, maxBytes: 1 << 20 });
    await expect(truncated.client.get('/debug/pprof/goroutine?debug=1')).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      reason: 'truncated',
    });
  });

  it('names a refused connection and a TLS failure', { timeout: NET_LIMIT }, async () => {
    const port = await freePort();
    const refused = new TargetClient(normaliseTarget(`http://127.0.0.1:${port}`), new DirectConnector());
    await expect(refused.get('/debug/pprof/')).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      reason: 'refused',
      message: `GET http://127.0.0.1:${port}/debug/pprof/: connection refused by 127.0.0.1:${port}: nothing listens there; is the service running, on this port?`,
    });
    const { fake } = await clientFor('ok');
    const tls = new TargetClient(normaliseTarget(fake.url.replace('http:', 'https:')), new DirectConnector(), { timeoutMs: 2_000, maxBytes: 1 << 20 });
    await expect(tls.get('/debug/pprof/')).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      reason: 'tls',
      message: expect.stringContaining(`GET ${fake.url.replace('http:', 'https:')}/debug/pprof/: TLS handshake failed (`),
    });
  });

  it('names a DNS failure', { timeout: NET_LIMIT }, async () => {
    const client = new TargetClient(normaliseTarget('http://no-such-host.invalid:6060'), new DirectConnector(), { timeoutMs: 8_000, maxBytes: 1 << 20 });
    await expect(client.get('/debug/pprof/')).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      reason: 'dns',
      message: expect.stringMatching(/^GET http:\/\/no-such-host\.invalid:6060\/debug\/pprof\/: cannot resolve host no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/),
    });
  });

  it('keeps one request in flight per target', { timeout: NET_LIMIT }, async () => {
    const { fake, client } = await clientFor('ok');
    const results = await Promise.all(Array.from({ length: 6 }, () => client.get('/debug/pprof/goroutine?debug=2')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(fake.maxInFlight).toBe(1);
  });

  it('keeps one request in flight per target across clients (two recordings of one service, a connection test)', { timeout: NET_LIMIT }, async () => {
    const { fake, client } = await clientFor('ok');
    const other = new TargetClient(normaliseTarget(`${fake.url}/debug/pprof/`), new DirectConnector(), { timeoutMs: 2_000, maxBytes: 1 << 20 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? client : other).get('/debug/pprof/goroutine?debug=2')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(fake.requests.length).toBe(6);
    expect(fake.maxInFlight).toBe(1);
  });

  it('cancels a request still waiting for its turn without waiting for the one in flight', { timeout: NET_LIMIT }, async () => {
    const { fake, client } = await clientFor('hang', { timeoutMs: 3_000, maxBytes: 1 << 20 });
    const inFlight = client.get('/debug/pprof/goroutine?debug=1');
    const controller = new AbortController();
    const waiting = client.get('/debug/pprof/goroutine?debug=2', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('recording cancelled')), 50);
    const t0 = Date.now();
    await expect(waiting).rejects.toThrow('recording cancelled');
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(fake.requests).toEqual(['GET /debug/pprof/goroutine?debug=1']);
    await expect(inFlight).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('cancels through the signal with its reason', { timeout: NET_LIMIT }, async () => {
    const { client } = await clientFor('hang', { timeoutMs: 5_000, maxBytes: 1 << 20 });
    const controller = new AbortController();
    const pending = client.get('/debug/pprof/goroutine?debug=1', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(pending).rejects.toThrow('user cancelled');
  });
});

describe('TargetClient over TLS and with hostile bodies', () => {
  /** A TCP server on 127.0.0.1 that accepts connections and never says a word. */
  async function silentServer(): Promise<number> {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    );
    return (server.address() as AddressInfo).port;
  }

  it('times out a TLS handshake that never gets an answer, and cancels it through the signal', { timeout: NET_LIMIT }, async () => {
    const port = await silentServer();
    const client = new TargetClient(normaliseTarget(`https://127.0.0.1:${port}`), new DirectConnector(), { timeoutMs: 300, maxBytes: 1 << 20 });
    await expect(client.get('/debug/pprof/')).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: `GET https://127.0.0.1:${port}/debug/pprof/: no complete answer within 300 ms`,
    });
    const controller = new AbortController();
    const pending = client.get('/debug/pprof/', { signal: controller.signal, timeoutMs: 5_000 });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(pending).rejects.toThrow('user cancelled');
  });

  it('says a certificate is not trusted, and how to trust it', { timeout: NET_LIMIT }, async () => {
    const dir = path.join(__dirname, 'tls');
    const server = createHttpsServer({ key: readFileSync(path.join(dir, 'self-signed.key')), cert: readFileSync(path.join(dir, 'self-signed.crt')) }, (_req, res) =>
      res.end('goroutine profile: total 1\n'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new TargetClient(normaliseTarget(url), new DirectConnector(), { timeoutMs: 2_000, maxBytes: 1 << 20 });
    await expect(client.get('/debug/pprof/')).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      reason: 'tls',
      message: `GET ${url}/debug/pprof/: TLS handshake failed (self-signed certificate); the certificate is not trusted; add its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem`,
    });
  });

  it('stops a gzip body at the cap on its inflated size', { timeout: NET_LIMIT }, async () => {
    // 64 MiB of text gzips to ~64 KiB: the cap is on what it inflates to.
    const bomb = gzipSync(Buffer.alloc(64 << 20, 'goroutine 1 [running]:\n'));
    const server = createHttpServer((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new TargetClient(normaliseTarget(url), new DirectConnector(), { timeoutMs: 5_000, maxBytes: 1 << 20 });
    await expect(client.get('/debug/pprof/goroutine?debug=2')).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      message: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/debug\/pprof\/goroutine\?debug=2: body exceeds the 1 MiB cap \(\d+ bytes read so far\); raise --max-bytes if the service really has that many goroutines$/),
    });
  });

  it('says how much of a declared body arrived before the connection closed', { timeout: NET_LIMIT }, async () => {
    const { fake, client } = await clientFor('truncated', { timeoutMs: 5_000, maxBytes: 1 << 20 });
    await expect(client.get('/debug/pprof/goroutine?debug=1')).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      reason: 'truncated',
      message: `GET ${fake.url}/debug/pprof/goroutine?debug=1: the connection closed after 100 of ${CORPUS_DEBUG1.length} body bytes, before the response was complete; the service may have crashed or restarted`,
    });
  });
});
