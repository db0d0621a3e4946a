import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pickEncoding } from '../../src/main/transport/compression.js';
import { cacheControlOf } from '../../src/main/transport/static-files.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';

interface BinaryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with the body kept as bytes (compressed bodies are not text). */
function get(port: number, pathname: string, headers: Record<string, string>, body?: string): Promise<BinaryResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: body === undefined ? 'GET' : 'POST', path: pathname, headers, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${pathname}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

describe('pickEncoding', () => {
  test.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0, br;q=0', null],
    ['*', 'br'],
    ['identity', null],
    ['', null],
  ])('Accept-Encoding %j → %s', (header, want) => {
    expect(pickEncoding({ 'accept-encoding': header })).toBe(want);
  });

  test('no header means no compression', () => {
    expect(pickEncoding({})).toBeNull();
  });
});

describe('cacheControlOf', () => {
  test('content-hashed assets are kept for a year; the page is revalidated', () => {
    expect(cacheControlOf('/x/out/renderer/assets/index-CiFkTp-N.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlOf('/x/out/renderer/assets/MonacoDump-svEy_uMu.css')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlOf('/x/out/renderer/index.html')).toBe('no-cache');
  });
});

describe('goroscope serve compresses what it sends', () => {
  let s: ApiServer;
  const assets = path.join(REPO_ROOT, 'out', 'renderer', 'assets');
  const mainScript = readdirSync(assets).find((f) => /^index-.*\.js$/.test(f))!;

  beforeAll(async () => {
    s = await startApiServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  const auth = (): Record<string, string> => ({ host: `127.0.0.1:${s.server.port}`, 'x-goroscope-token': s.server.token });

  test('the page script in brotli, in gzip, or as it is, byte for byte the built file', async () => {
    const original = readFileSync(path.join(assets, mainScript));
    const br = await get(s.server.port, `/assets/${mainScript}`, { ...auth(), 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(original.length / 3);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gz = await get(s.server.port, `/assets/${mainScript}`, { ...auth(), 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);

    const plain = await get(s.server.port, `/assets/${mainScript}`, auth());
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  test('contract replies are compressed when accepted, and index.html is revalidated', async () => {
    const reply = await get(s.server.port, '/api/app.info', { ...auth(), 'content-type': 'application/json', 'accept-encoding': 'br' }, '{}');
    expect(reply.status).toBe(200);
    // app.info is small: under the 1 KB floor it goes as it is.
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(reply.body.toString('utf8')).ok).toBe(true);
    const list = await get(s.server.port, '/api/session.list', { ...auth(), 'content-type': 'application/json', 'accept-encoding': 'gzip' }, '{}');
    expect(JSON.parse((list.headers['content-encoding'] === 'gzip' ? gunzipSync(list.body) : list.body).toString('utf8'))).toEqual({ ok: true, value: [] });

    const page = await get(s.server.port, '/', { ...auth(), 'accept-encoding': 'br' });
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  test('a browser without the token gets the app (the token travels in the URL fragment, as a header); the API refuses without it', async () => {
    const browser = await get(s.server.port, '/', { host: `127.0.0.1:${s.server.port}`, accept: 'text/html,application/xhtml+xml' });
    expect(browser.status).toBe(200);
    expect(browser.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(browser.headers['set-cookie']).toBeUndefined();

    const program = await get(s.server.port, '/api/app.info', { host: `127.0.0.1:${s.server.port}`, 'content-type': 'application/json', accept: 'text/html' }, '{}');
    expect(program.status).toBe(401);
    expect(JSON.parse(program.body.toString('utf8'))).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'missing or wrong token: open the URL `goroscope serve` printed' } });
  });
});
