import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHttpServer } from '../../src/main/transport/http.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { rawRequest } from '../helpers/http-request.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { valueOfTextReply } from '../../src/shared/text-reply.js';
import { BINARY_BODY_TYPE, JSON_BYTES_HEADER, encodeBinaryBody } from '../../src/shared/binary-body.js';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('goroscope serve refuses what it must (in-process server, real api and history)', () => {
  let s: ApiServer;
  let host: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    s = await startApiServer({ maxBodyBytes: 64 * 1024 });
    host = `127.0.0.1:${s.server.port}`;
    auth = { host, 'x-goroscope-token': s.server.token };
  });
  afterAll(() => s?.close());

  /** A POST whose answer body stays bytes (compressed replies). */
  const rawBinary = (name: string, body: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.server.port, method: 'POST', path: `/api/${name}`, headers: { ...auth, ...JSON_TYPE, ...headers }, timeout: 5_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('timeout', () => req.destroy(new Error(`POST /api/${name}: no answer within 5 s`)));
      req.on('error', reject);
      req.end(body);
    });
  const post = (name: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest({ port: s.server.port, method: 'POST', path: `/api/${name}`, headers: { ...auth, ...JSON_TYPE, ...headers }, body });

  test('no token: 401 for the contract and the event stream; a wrong token too', async () => {
    const requests: Omit<Parameters<typeof rawRequest>[0], 'port'>[] = [
      { path: '/api/app.info', method: 'POST', headers: { host, ...JSON_TYPE }, body: '{}' },
      { path: '/api/events', headers: { host } },
      { path: '/api/app.info', method: 'POST', headers: { host, ...JSON_TYPE, 'x-goroscope-token': `${s.server.token}x` }, body: '{}' },
      { path: '/api/session.list', method: 'POST', headers: { host, ...JSON_TYPE, 'x-goroscope-token': '' }, body: '{}' },
    ];
    for (const req of requests) {
      const res = await rawRequest({ port: s.server.port, ...req });
      expect(res.status, req.path).toBe(401);
      expect(JSON.parse(res.body).error.message).toBe('missing or wrong token: open the URL `goroscope serve` printed');
    }
  });

  test('the printed URL carries the token in its fragment, which no browser sends; the page itself needs no token and sets no cookie', async () => {
    expect(s.server.url).toBe(`http://127.0.0.1:${s.server.port}/#token=${s.server.token}`);
    const page = await rawRequest({ port: s.server.port, path: '/', headers: { host } });
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<div id="root"></div>');
    expect(page.body).not.toContain(s.server.token);
  });

  test('a foreign Host is refused with 421 (DNS rebinding), even with the token', async () => {
    for (const h of ['evil.example', `evil.example:${s.server.port}`, '127.0.0.1:1', `127.0.0.2:${s.server.port}`]) {
      const res = await rawRequest({ port: s.server.port, path: '/', headers: { ...auth, host: h } });
      expect(res.status, h).toBe(421);
    }
    const ok = await rawRequest({ port: s.server.port, path: '/', headers: { ...auth, host: `localhost:${s.server.port}` } });
    expect(ok.status).toBe(200);
  });

  test('a foreign Origin is refused with 403; no CORS header is ever sent', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${s.server.port}`, 'null', `https://127.0.0.1:${s.server.port}`]) {
      const res = await post('app.info', '{}', { origin });
      expect(res.status, origin).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const crossSite = await post('app.info', '{}', { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const same = await post('app.info', '{}', { origin: `http://127.0.0.1:${s.server.port}` });
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await rawRequest({ port: s.server.port, method: 'OPTIONS', path: '/api/app.info', headers: { ...auth, origin: 'http://evil.example' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('malformed contract messages: 400 with the issue path; nothing reaches the api', async () => {
    const typed = await post('session.get', '{"sessionId":"7"}');
    expect(typed.status).toBe(400);
    const body = JSON.parse(typed.body);
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.issues).toEqual([{ path: ['sessionId'], message: 'Invalid input: expected number, received string' }]);
    expect(body.error.message).toBe('invalid input for session.get: sessionId: Invalid input: expected number, received string');

    const nested = await post('dump.import', JSON.stringify({ files: [{ name: 'a.txt', encoding: 'latin1', data: '' }] }));
    expect(nested.status).toBe(400);
    expect(JSON.parse(nested.body).error.issues.map((i: { path: unknown[] }) => i.path)).toEqual([['files', 0, 'encoding']]);

    const extra = await post('session.list', '{"everything":true}');
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.body).error.message).toBe('invalid input for session.list: (input): Unrecognized key: "everything"');

    const notJson = await post('session.list', '{nope');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/^body of \/api\/session.list is not JSON: /);
  });

  test('unknown request 404, wrong method 405, wrong content type 415, body over the cap 413', async () => {
    const unknown = await post('session.explode', '{}');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error).toEqual({ code: 'NOT_FOUND', message: 'unknown request "session.explode"' });
    expect((await rawRequest({ port: s.server.port, path: '/api/session.list', headers: auth })).status).toBe(405);
    expect((await post('session.list', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const big = await post('dump.import', JSON.stringify({ files: [{ name: 'x', encoding: 'utf8', data: 'x'.repeat(70 * 1024) }] }));
    expect(big.status).toBe(413);
  });

  test('a binary body: the picked file as bytes after the JSON, validated by the same schema and capped alike', async () => {
    const dump = Buffer.from('goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1d\n');
    const binary = (body: Buffer, jsonBytes: string, headers: Record<string, string> = {}) =>
      post('dump.import', body, { 'content-type': BINARY_BODY_TYPE, [JSON_BYTES_HEADER]: jsonBytes, ...headers });
    const encoded = encodeBinaryBody({ name: 'bytes', files: [{ name: 'one.txt', encoding: 'bytes', data: new Uint8Array(dump) }] })!;
    expect(new TextDecoder().decode(encoded.json)).toBe(`{"name":"bytes","files":[{"name":"one.txt","encoding":"bytes","data":{"$bytes":[0,${dump.length}]}}]}`);
    const ok = await binary(Buffer.concat([encoded.json, ...(encoded.parts as Uint8Array[])]), String(encoded.json.byteLength));
    expect(ok.status).toBe(200);
    const imported = JSON.parse(ok.body).value;
    expect(imported.session.name).toBe('bytes');
    expect(imported.session.ticks).toBe(1);
    const stored = s.opened.store.sessionSeries(imported.session.id);
    expect(Buffer.from(s.opened.store.rawDump(stored.ticks[0]!.fullSnapshotId!)!.bytes).equals(dump)).toBe(true);
    // The page's way: the picked File itself in the body (a Blob the browser reads as it sends), same wire bytes.
    const fromFile = encodeBinaryBody({ name: 'bytes', files: [{ name: 'one.txt', encoding: 'bytes', data: new File([dump], 'one.txt') }] })!;
    expect(fromFile.json).toEqual(encoded.json);
    const fileBody = Buffer.from(await new Blob([fromFile.json, ...fromFile.parts]).arrayBuffer());
    const viaFile = await binary(fileBody, String(fromFile.json.byteLength));
    expect(viaFile.status).toBe(200);
    const fromBlob = JSON.parse(viaFile.body).value.session.id;
    expect(Buffer.from(s.opened.store.rawDump(s.opened.store.sessionSeries(fromBlob).ticks[0]!.fullSnapshotId!)!.bytes).equals(dump)).toBe(true);

    // Each way the body can be wrong is a 400 saying which, and nothing reaches the api.
    const json = (text: string, tail = dump) => Buffer.concat([Buffer.from(text), tail]);
    const place = (p: string) => `{"files":[{"name":"a","encoding":"bytes","data":${p}}]}`;
    const cases: [string, Buffer, string, string][] = [
      ['past the end', json(place('{"$bytes":[0,9999]}')), String(Buffer.byteLength(place('{"$bytes":[0,9999]}'))), `body of /api/dump.import is not a binary body: $bytes [0,9999] runs past the ${dump.length} bytes after the JSON`],
      ['not a place', json(place('{"$bytes":[-1,2]}')), String(Buffer.byteLength(place('{"$bytes":[-1,2]}'))), 'body of /api/dump.import is not a binary body: a $bytes place must be {"$bytes":[offset,length]} with two whole numbers'],
      ['length past the body', json(place('{"$bytes":[0,1]}')), '99999', `body of /api/dump.import is not a binary body: x-goroscope-json-bytes must be a byte count within the ${Buffer.byteLength(place('{"$bytes":[0,1]}')) + dump.length} byte body`],
    ];
    for (const [what, body, length, message] of cases) {
      const res = await binary(body, length);
      expect(res.status, what).toBe(400);
      expect(JSON.parse(res.body).error.message, what).toBe(message);
    }
    // Bytes where the schema wants text, and text where it wants bytes: the schema refuses both.
    const textWithBytes = '{"files":[{"name":"a","encoding":"utf8","data":{"$bytes":[0,1]}}]}';
    const wrongKind = await binary(json(textWithBytes), String(textWithBytes.length));
    expect(wrongKind.status).toBe(400);
    expect(JSON.parse(wrongKind.body).error.issues.map((i: { path: unknown[] }) => i.path)).toEqual([['files', 0, 'data']]);
    const ipcShape = await post('dump.import', JSON.stringify({ files: [{ name: 'a', encoding: 'bytes', data: [103, 111] }] }));
    expect(ipcShape.status).toBe(400);
    expect(JSON.parse(ipcShape.body).error.issues.map((i: { path: unknown[] }) => i.path)).toEqual([['files', 0, 'data']]);
    const noLength = await binary(json(place('{"$bytes":[0,1]}')), 'x');
    expect(noLength.status).toBe(415);
    expect(JSON.parse(noLength.body).error.message).toBe('expected Content-Type: application/json, or application/octet-stream with an x-goroscope-json-bytes header');
    const noToken = await rawRequest({ port: s.server.port, method: 'POST', path: '/api/dump.import', headers: { host, 'content-type': BINARY_BODY_TYPE, [JSON_BYTES_HEADER]: '2' }, body: Buffer.from('{}') });
    expect(noToken.status).toBe(401);
    const big = await binary(json(place('{"$bytes":[0,70000]}'), Buffer.alloc(70 * 1024, 0x61)), String(Buffer.byteLength(place('{"$bytes":[0,70000]}'))));
    expect(big.status).toBe(413);
  });

  test('snapshot.raw to a client that accepts text and brotli: the kept brotli blob as the body, the other fields in a header', async () => {
    const dump = 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1d\n\n'.repeat(40);
    const imported = JSON.parse((await post('dump.import', JSON.stringify({ files: [{ name: 't.txt', encoding: 'utf8', data: dump }] }))).body).value;
    const snapshotId = s.opened.store.sessionSeries(imported.session.id).ticks[0]!.fullSnapshotId!;
    const asText = { accept: 'application/json, text/plain', 'accept-encoding': 'gzip, br' };
    const text = await rawBinary('snapshot.raw', JSON.stringify({ snapshotId }), asText);
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['content-encoding']).toBe('br');
    expect(JSON.parse(text.headers['x-goroscope-reply'] as string)).toEqual({ snapshotId, format: 'traceback', reason: null });
    expect(brotliDecompressSync(text.body).toString('utf8')).toBe(dump);
    expect(valueOfTextReply(text.headers['x-goroscope-reply'] as string, brotliDecompressSync(text.body).toString('utf8'))).toEqual(
      JSON.parse((await post('snapshot.raw', JSON.stringify({ snapshotId }))).body).value,
    );
    // Without text/plain or brotli accepted, and for errors, the JSON envelope answers.
    const noBrotli = await rawBinary('snapshot.raw', JSON.stringify({ snapshotId }), { accept: 'text/plain', 'accept-encoding': 'gzip' });
    expect(noBrotli.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(gunzipSync(noBrotli.body).toString('utf8')).value.text).toBe(dump);
    const unknown = await rawBinary('snapshot.raw', JSON.stringify({ snapshotId: 9_999 }), asText);
    expect(unknown.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(unknown.body.toString('utf8')).error.code).toBe('NOT_FOUND');
    const invalid = await rawBinary('snapshot.raw', '{"snapshotId":"1"}', asText);
    expect(invalid.status).toBe(400);
  });

  test('no file outside the built renderer is served', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/assets/../../main/cli.js', '/%00', '/%E0%A4%A']) {
      expect((await rawRequest({ port: s.server.port, path: p, headers: auth })).status, p).toBe(404);
    }
  });

  test('events arrive over server-sent events after a request changes the history', async () => {
    const event = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.server.port, path: '/api/events', headers: auth, timeout: 5_000 }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
          const m = /^data: (.*)$/m.exec(text);
          if (m) {
            resolve(m[1]!);
            req.destroy();
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('no event within 5 s')));
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 100));
    const dump = 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1d\n';
    const res = await post('dump.import', JSON.stringify({ name: 'one', files: [{ name: 'one.txt', encoding: 'utf8', data: dump }] }));
    expect(res.status).toBe(200);
    const message = JSON.parse(await event);
    expect(message.name).toBe('session.created');
    expect(message.payload.session.name).toBe('one');
    expect(message.payload.session.ticks).toBe(1);
  });
});

describe('binding', () => {
  test('beyond loopback is refused without --allow-remote', async () => {
    const s = await startApiServer();
    try {
      await expect(startHttpServer({ api: s.opened.api, rendererDir: s.dir, host: '0.0.0.0', port: 0, allowRemote: false })).rejects.toThrow(
        '--host 0.0.0.0 would accept connections from other machines; pass --allow-remote as well to mean it (anyone with the token can then read and record)',
      );
    } finally {
      await s.close();
    }
  });

  test('the real `goroscope serve`: loopback by default, exit 2 for --host 0.0.0.0 alone, a warning with --allow-remote', async () => {
    const bin = path.join(REPO_ROOT, 'bin', 'goroscope.js');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const dbDir = await mkdtemp(path.join(tmpdir(), 'goroscope-serve-'));
    try {
      const refused = await run(['--host', '0.0.0.0', '--port', '0', '--db', path.join(dbDir, 'h.db')]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--host 0.0.0.0 would accept connections from other machines; pass --allow-remote');

      let serve: ServeProcess | null = null;
      try {
        serve = await startServe(['--host', '0.0.0.0', '--allow-remote', '--db', path.join(dbDir, 'h.db')]);
        await expect.poll(() => serve!.stderr()).toContain('WARNING: listening on 0.0.0.0, beyond loopback');
        expect(serve.stderr()).toContain('the token and everything else travel unencrypted (plain HTTP)');
        const res = await rawRequest({ port: serve.port, method: 'POST', path: '/api/app.info', headers: { host: `127.0.0.1:${serve.port}`, ...JSON_TYPE }, body: '{}' });
        expect(res.status).toBe(401);
      } finally {
        expect(await serve?.stop()).toBe(0);
      }

      const local = await startServe(['--db', path.join(dbDir, 'h.db')]);
      try {
        expect(local.origin).toBe(`http://127.0.0.1:${local.port}`);
      } finally {
        expect(await local.stop()).toBe(0);
      }
    } finally {
      await rm(dbDir, { recursive: true, force: true });
    }
  }, 30_000);
});
