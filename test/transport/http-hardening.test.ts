// Requests no browser sends but an attacker or a proxy might: absolute-form targets, doubled headers,
// no cookies, stalled clients, endless bodies, symlinks out of the build. Real server, real sockets.
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allowedHostHeaders } from '../../src/main/transport/http-guards.js';
import { PAGE_CSP } from '../../src/main/transport/static-files.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { rawRequest } from '../helpers/http-request.js';

interface Exchange {
  /** `HTTP/1.1 400 Bad Request`, or '' when the server closed without answering. */
  statusLine: string;
  head: string;
  body: string;
  closedAfterMs: number;
}

/**
 * Writes `text` as it is on a fresh connection (then `drip` every second, if given) and collects what
 * comes back until the server closes or `timeoutMs` passes (then the socket is destroyed).
 */
function exchange(port: number, text: string, options: { timeoutMs?: number; drip?: string } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const drip = options.drip === undefined ? null : setInterval(() => socket.write(options.drip!), 1_000);
    const timer = setTimeout(() => socket.destroy(), options.timeoutMs ?? 5_000);
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset shows as a close with nothing received
    socket.on('close', () => {
      clearTimeout(timer);
      if (drip) clearInterval(drip);
      const split = received.indexOf('\r\n\r\n');
      resolve({
        statusLine: received.split('\r\n')[0] ?? '',
        head: split < 0 ? received : received.slice(0, split),
        body: split < 0 ? '' : received.slice(split + 4),
        closedAfterMs: Date.now() - started,
      });
    });
    socket.write(text);
  });
}

describe('goroscope serve: request targets, headers and the token', () => {
  let s: ApiServer;
  let host: string;
  let token: string;
  beforeAll(async () => {
    s = await startApiServer({ maxBodyBytes: 64 * 1024, headersTimeoutMs: 1_000 });
    host = `127.0.0.1:${s.server.port}`;
    token = s.server.token;
  });
  afterAll(() => s?.close());

  const get = (target: string, headers = `Host: ${host}\r\nx-goroscope-token: ${token}\r\n`) =>
    exchange(s.server.port, `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`);

  test('absolute-form targets must name this server (they override Host); asterisk-form is refused', async () => {
    const foreign = await get('http://evil.example/');
    expect(foreign.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(foreign.body).error.message).toBe('request target must be a path on this server');
    const foreignApi = await exchange(
      s.server.port,
      `POST http://evil.example/api/app.info HTTP/1.1\r\nHost: ${host}\r\nx-goroscope-token: ${token}\r\ncontent-type: application/json\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect(foreignApi.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect((await get(`http://user@${host}/`)).statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect((await get(`https://${host}/`)).statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect((await exchange(s.server.port, `OPTIONS * HTTP/1.1\r\nHost: ${host}\r\nx-goroscope-token: ${token}\r\nConnection: close\r\n\r\n`)).statusLine).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    const own = await get(`http://${host}/index.html`);
    expect(own.statusLine).toBe('HTTP/1.1 200 OK');
    expect(own.body).toContain('<div id="root"></div>');
  });

  test('a second Host header is refused, whichever comes first', async () => {
    for (const hosts of [`Host: ${host}\r\nHost: evil.example\r\n`, `Host: evil.example\r\nHost: ${host}\r\n`]) {
      const res = await get('/', `${hosts}x-goroscope-token: ${token}\r\n`);
      expect(res.statusLine, hosts).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(res.body).error.message, hosts).toBe('more than one Host header');
    }
  });

  test('`//name/…` is a path, never a host; loopback spellings and a missing Host', async () => {
    expect((await get('//evil.example/index.html')).statusLine).toBe('HTTP/1.1 404 Not Found');
    expect((await get('//index.html')).statusLine).toBe('HTTP/1.1 200 OK');
    for (const h of [`LOCALHOST:${s.server.port}`, `[::1]:${s.server.port}`]) expect((await get('/', `Host: ${h}\r\nx-goroscope-token: ${token}\r\n`)).statusLine, h).toBe('HTTP/1.1 200 OK');
    for (const h of [`localhost.:${s.server.port}`, `127.0.0.1.:${s.server.port}`, 'localhost', `127.1:${s.server.port}`, `[::ffff:127.0.0.1]:${s.server.port}`]) {
      expect((await get('/', `Host: ${h}\r\nx-goroscope-token: ${token}\r\n`)).statusLine, h).toBe('HTTP/1.1 421 Misdirected Request');
    }
    expect((await exchange(s.server.port, `GET / HTTP/1.0\r\nx-goroscope-token: ${token}\r\n\r\n`)).statusLine).toBe('HTTP/1.1 421 Misdirected Request');
    expect((await exchange(s.server.port, `GET / HTTP/1.1\r\nx-goroscope-token: ${token}\r\nConnection: close\r\n\r\n`)).statusLine).toBe('HTTP/1.1 400 Bad Request');
  });

  test('the token counts only as the x-goroscope-token header: never from the query or a cookie, and no cookie is ever set', async () => {
    const refused: Omit<Parameters<typeof rawRequest>[0], 'port'>[] = [
      { method: 'POST', path: `/api/app.info?token=${token}`, headers: { host, 'content-type': 'application/json' }, body: '{}' },
      { method: 'GET', path: `/api/events?token=${token}`, headers: { host } },
      { method: 'POST', path: '/api/app.info', headers: { host, 'content-type': 'application/json', cookie: `goroscope_token_${s.server.port}=${token}` }, body: '{}' },
      { method: 'POST', path: '/api/app.info', headers: { host, 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' },
    ];
    for (const req of refused) {
      const res = await rawRequest({ port: s.server.port, ...req });
      expect(res.status, `${req.method} ${req.path}`).toBe(401);
      expect(res.headers['set-cookie'], req.path).toBeUndefined();
    }
    const page = await rawRequest({ port: s.server.port, path: `/?token=${token}`, headers: { host } });
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  test('Sec-Fetch-Site: only same-origin or none (same-site is any other port on 127.0.0.1); doubled values refused', async () => {
    const post = (headers: Record<string, string>) =>
      rawRequest({ port: s.server.port, method: 'POST', path: '/api/app.info', headers: { host, 'x-goroscope-token': token, 'content-type': 'application/json', ...headers }, body: '{}' });
    for (const site of ['same-site', 'cross-site', 'cross-site, same-origin', 'bogus']) {
      const res = await post({ 'sec-fetch-site': site });
      expect(res.status, site).toBe(403);
      expect(JSON.parse(res.body).error.message, site).toBe(`Sec-Fetch-Site "${site}": only this server's own page may call it`);
      expect((await rawRequest({ port: s.server.port, path: '/api/events', headers: { host, 'x-goroscope-token': token, 'sec-fetch-site': site } })).status, site).toBe(403);
    }
    expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await rawRequest({ port: s.server.port, path: '/', headers: { host, 'x-goroscope-token': token, 'sec-fetch-site': 'none' } })).status).toBe(200);
  });

  test('an Origin must be exactly this server’s serialised origin', async () => {
    const post = (origin: string) =>
      rawRequest({ port: s.server.port, method: 'POST', path: '/api/app.info', headers: { host, 'x-goroscope-token': token, 'content-type': 'application/json', origin }, body: '{}' });
    for (const origin of [`http://${host}/`, `http://${host}/x`, `http://evil@${host}`, `http://${host}?a`, `http://${host}#a`, `${host}`]) {
      expect((await post(origin)).status, origin).toBe(403);
    }
    for (const origin of [`http://${host}`, `http://localhost:${s.server.port}`, `http://[::1]:${s.server.port}`]) expect((await post(origin)).status, origin).toBe(200);
  });

  test('port 80: browsers leave the port out of Host and Origin', () => {
    const hosts = allowedHostHeaders('127.0.0.1', 80);
    for (const h of ['127.0.0.1', '127.0.0.1:80', 'localhost', '[::1]']) expect(hosts.has(h), h).toBe(true);
    expect(allowedHostHeaders('127.0.0.1', 8080).has('127.0.0.1')).toBe(false);
  });

  test('a client that never finishes its headers is dropped with 408 (slowloris); so is one that sends nothing', async () => {
    const [slow, idle] = await Promise.all([
      exchange(s.server.port, `GET / HTTP/1.1\r\nHost: ${host}\r\n`, { drip: 'x-a: b\r\n', timeoutMs: 8_000 }),
      exchange(s.server.port, '', { timeoutMs: 8_000 }),
    ]);
    for (const res of [slow, idle]) {
      expect(res.statusLine).toBe('HTTP/1.1 408 Request Timeout');
      expect(res.closedAfterMs).toBeLessThan(4_000);
    }
  }, 15_000);

  test('a body over the cap without a length: 413 arrives while the client still sends; an endless body is cut off', async () => {
    const headers = `POST /api/dump.import HTTP/1.1\r\nHost: ${host}\r\nx-goroscope-token: ${token}\r\ncontent-type: application/json\r\n`;
    const chunk = 'a'.repeat(32 * 1024);
    const chunked = `${headers}transfer-encoding: chunked\r\nConnection: close\r\n\r\n${`${(32 * 1024).toString(16)}\r\n${chunk}\r\n`.repeat(64)}0\r\n\r\n`;
    const over = await exchange(s.server.port, chunked);
    expect(over.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(JSON.parse(over.body).error).toEqual({ code: 'INVALID_INPUT', message: 'request body over the 65536 byte cap' });

    const endless = await exchange(s.server.port, `${headers}content-length: 100000000000\r\n\r\n`, { drip: chunk, timeoutMs: 12_000 });
    expect(endless.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(endless.closedAfterMs).toBeGreaterThanOrEqual(4_900);
    expect(endless.closedAfterMs).toBeLessThan(8_000);
  }, 20_000);

  test('CSP: the page header is the built page’s meta CSP plus frame-ancestors; no remote source; JSON gets default-src none', async () => {
    const page = await rawRequest({ port: s.server.port, path: '/', headers: { host, 'x-goroscope-token': token } });
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(page.body)?.[1];
    expect(meta).toBeDefined();
    expect(page.headers['content-security-policy']).toBe(`${meta}; frame-ancestors 'none'`);
    expect(PAGE_CSP).toBe(`${meta}; frame-ancestors 'none'`);
    const source = await readFile(path.join(REPO_ROOT, 'src', 'renderer', 'index.html'), 'utf8');
    expect(source).toContain(`content="${meta}"`);
    const directives = new Map(PAGE_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('worker-src')).toEqual(['blob:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    for (const [name, values] of directives) for (const v of values) expect(v, name).toMatch(/^('self'|'none'|'unsafe-inline'|data:|blob:)$/);

    const api = await rawRequest({ port: s.server.port, method: 'POST', path: '/api/app.info', headers: { host, 'x-goroscope-token': token, 'content-type': 'application/json' }, body: '{}' });
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('goroscope serve: files of the built renderer only', () => {
  let s: ApiServer;
  let outside: string;
  beforeAll(async () => {
    outside = await mkdtemp(path.join(tmpdir(), 'goroscope-outside-'));
    await writeFile(path.join(outside, 'secret.txt'), 'not for the browser');
    const renderer = await mkdtemp(path.join(tmpdir(), 'goroscope-renderer-'));
    await mkdir(path.join(renderer, 'assets'));
    await copyFile(path.join(REPO_ROOT, 'out', 'renderer', 'index.html'), path.join(renderer, 'index.html'));
    await writeFile(path.join(renderer, 'assets', 'app.js'), 'export {};\n');
    await symlink(path.join(outside, 'secret.txt'), path.join(renderer, 'assets', 'linked.txt'));
    await symlink(outside, path.join(renderer, 'assets', 'linked-dir'));
    await symlink(path.join(renderer, 'assets', 'app.js'), path.join(renderer, 'assets', 'alias.js'));
    s = await startApiServer({ rendererDir: renderer });
    const close = s.close.bind(s);
    s.close = async () => {
      await close();
      await rm(renderer, { recursive: true, force: true });
    };
  });
  afterAll(async () => {
    await s?.close();
    await rm(outside, { recursive: true, force: true });
  });

  test('a symlink out of the build folder is not followed; one inside it is', async () => {
    const auth = { host: `127.0.0.1:${s.server.port}`, 'x-goroscope-token': s.server.token };
    for (const p of ['/assets/linked.txt', '/assets/linked-dir/secret.txt', '/assets/linked-dir/']) {
      const res = await rawRequest({ port: s.server.port, path: p, headers: auth });
      expect(res.status, p).toBe(404);
      expect(res.body, p).not.toContain('not for the browser');
    }
    const alias = await rawRequest({ port: s.server.port, path: '/assets/alias.js', headers: auth });
    expect(alias.status).toBe(200);
    expect(alias.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(alias.body).toBe('export {};\n');
  });

  test('encoded dots, slashes and backslashes, NUL, double encoding: 404, and the 404 names no file on disk', async () => {
    const auth = { host: `127.0.0.1:${s.server.port}`, 'x-goroscope-token': s.server.token };
    for (const p of ['/assets/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%5c..%5cindex.html', '/%2e%2e/%2e%2e/etc/passwd', '/index.html%00.js', '/%252e%252e/etc/passwd', '/assets/linked-dir%2fsecret.txt']) {
      const res = await rawRequest({ port: s.server.port, path: p, headers: auth });
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toBe('application/json; charset=utf-8');
      expect(res.body, p).not.toContain(tmpdir());
    }
  });
});
