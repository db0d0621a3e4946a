import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DirectConnector } from '../../src/main/collect/connector.js';
import { discover } from '../../src/main/collect/discover.js';
import { TargetClient } from '../../src/main/collect/target-client.js';
import { normaliseTarget } from '../../src/main/collect/target-url.js';
import { startFakeTarget } from './fake-target.js';

const NET_LIMIT = 10_000;

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const clientOf = (url: string) => new TargetClient(normaliseTarget(url), new DirectConnector(), { timeoutMs: 2_000, maxBytes: 1 << 20 });

describe('discover', () => {
  it('reads the pprof index and probes /debug/vars and /metrics', { timeout: NET_LIMIT }, async () => {
    const fake = await startFakeTarget();
    onTestFinished(() => fake.close());
    expect(await discover(clientOf(`${fake.url}/debug/pprof/goroutine?debug=2`))).toEqual({
      baseUrl: fake.url, goroutine: true, goroutineLeak: false, expvar: true, metrics: false,
    });
    expect(fake.requests).toEqual(['GET /debug/pprof/', 'GET /debug/vars', 'GET /metrics']);
  });

  it('says a web app is not a Go pprof endpoint', { timeout: NET_LIMIT }, async () => {
    const url = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><title>Shop</title></html>'));
    await expect(discover(clientOf(url))).rejects.toMatchObject({
      code: 'NOT_GO_ENDPOINT',
      message: `${url} is not a Go service with pprof: ${url}/debug/pprof/ answers but links no goroutine profile, and neither /debug/vars nor /metrics answers as Go's; expected the base URL of a service that imports net/http/pprof`,
    });
  });

  it('says what a service without pprof serves instead', { timeout: NET_LIMIT }, async () => {
    const url = await serve((req, res) => {
      if (req.url === '/metrics') res.writeHead(200).end('# TYPE go_goroutines gauge\ngo_goroutines 12\n');
      else res.writeHead(404).end('404 page not found\n');
    });
    await expect(discover(clientOf(url))).rejects.toMatchObject({
      code: 'NOT_GO_ENDPOINT',
      message: `${url} serves /metrics but no goroutine profile (GET ${url}/debug/pprof/: HTTP 404 Not Found; the service does not serve this profile: does it import net/http/pprof? (body: "404 page not found")); register net/http/pprof (import _ "net/http/pprof") on this listener`,
    });
  });
});

describe('discover with extras that misbehave', () => {
  it('records without /metrics and /debug/vars when one hangs and the other breaks off', { timeout: NET_LIMIT }, async () => {
    const url = await serve((req, res) => {
      if (req.url === '/debug/pprof/') res.writeHead(200, { 'content-type': 'text/html' }).end("<a href='goroutine?debug=1'>goroutine</a>");
      else if (req.url === '/debug/vars') res.socket?.destroy();
      else if (req.url === '/metrics') setTimeout(() => res.end('# late\n'), 5_000).unref(); // a Prometheus handler stuck on a lock
      else res.writeHead(404).end('404 page not found\n');
    });
    const client = new TargetClient(normaliseTarget(url), new DirectConnector(), { timeoutMs: 300, maxBytes: 1 << 20 });
    expect(await discover(client)).toEqual({ baseUrl: url, goroutine: true, goroutineLeak: false, expvar: false, metrics: false });
  });

  it('still fails when the goroutine profile itself does not answer', { timeout: NET_LIMIT }, async () => {
    const url = await serve((req, res) => {
      if (req.url === '/debug/pprof/') res.writeHead(404).end('404 page not found\n');
      else if (req.url === '/debug/pprof/goroutine?debug=1') setTimeout(() => res.end('goroutine profile: total 1\n'), 5_000).unref();
      else res.writeHead(404).end('404 page not found\n');
    });
    const client = new TargetClient(normaliseTarget(url), new DirectConnector(), { timeoutMs: 300, maxBytes: 1 << 20 });
    await expect(discover(client)).rejects.toMatchObject({ code: 'TIMEOUT', message: `GET ${url}/debug/pprof/goroutine?debug=1: no complete answer within 300 ms` });
  });
});
