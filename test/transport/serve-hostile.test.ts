// Issue #11 against the real `goroscope serve`: crafted, oversized and heavy uploads through
// `dump.import`, and client-named SSH files that are devices. Each is answered with a specific refusal
// (or imported, where it is a valid dump); the server stays below 1 GiB and keeps answering another
// client the whole time, because imports are parsed in a worker thread.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { MEMORY_BOUND_BYTES } from '../helpers/bounded-cli.js';
import { craftedProfiles, gzipRepeated, issueProfile, longPrefixDump } from '../helpers/hostile-inputs.js';
import { rawRequest } from '../helpers/http-request.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { corpusPath } from '../dump/corpus.js';

let dir = '';
let serve: ServeProcess;

beforeAll(async () => {
  await ensureCliBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-serve-hostile-'));
  serve = await startServe(['--db', path.join(dir, 'h.db')]);
}, 30_000);
afterAll(async () => {
  expect(await serve?.stop()).toBe(0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  ok: boolean;
  value?: { session: { id: number; snapshots: number }; refused: unknown[] };
  error?: { code: string; message: string };
}

async function call(name: string, input: unknown, timeoutMs = 60_000): Promise<Reply> {
  const res = await rawRequest({
    port: serve.port,
    method: 'POST',
    path: `/api/${name}`,
    // A fresh connection per call: an idle keep-alive socket the server closed while this process was
    // busy building the next input would otherwise be reused and reset.
    headers: { host: `127.0.0.1:${serve.port}`, 'content-type': 'application/json', 'x-goroscope-token': serve.token, connection: 'close' },
    body: JSON.stringify(input),
    timeoutMs,
  });
  return JSON.parse(res.body) as Reply;
}

/** The serve process's peak resident memory (worker threads included), from Linux's VmHWM. */
function peakRssBytes(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${serve.pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM in /proc/${serve.pid}/status`);
  return Number(m[1]) * 1024;
}

/**
 * Runs `work` while another client asks `app.info` every 50 ms; resolves with what `work` gave and the
 * slowest answer the other client got. A parse on serve's event loop would hold every answer back.
 */
async function whileAnswering<T>(work: () => Promise<T>): Promise<{ result: T; slowestMs: number; answers: number }> {
  let isDone = false;
  let slowestMs = 0;
  let answers = 0;
  const other = (async () => {
    while (!isDone) {
      const started = performance.now();
      const reply = await call('app.info', {}, 5_000);
      expect(reply.ok).toBe(true);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      answers++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    const result = await work();
    return { result, slowestMs, answers };
  } finally {
    isDone = true;
    await other;
  }
}

const upload = (name: string, bytes: Buffer) => call('dump.import', { files: [{ name, encoding: 'base64', data: bytes.toString('base64') }] });

describe('dump.import of hostile files', () => {
  it('each crafted protobuf (the issue’s 85 KB request among them) is refused; the server answers meanwhile', async () => {
    const crafted = [...craftedProfiles(4), { name: 'issue-64k', make: issueProfile }];
    for (const p of crafted) {
      const gz = gzipSync(p.make());
      const { result, answers } = await whileAnswering(() => upload(`${p.name}.pb.gz`, gz));
      expect(result.ok, p.name).toBe(false);
      expect(result.error!.code, p.name).toBe('NOT_A_DUMP');
      expect(result.error!.message, p.name).toMatch(new RegExp(`^${p.name}\\.pb\\.gz: a pprof profile (of \\d+ bytes that would decode into over|whose sample 1 expands to over)`));
      expect(answers, p.name).toBeGreaterThan(0);
    }
    expect(peakRssBytes()).toBeLessThan(MEMORY_BOUND_BYTES);
  }, 120_000);

  it('a 60,000-character log prefix is refused with what was seen', async () => {
    const reply = await upload('prefix.txt', Buffer.from(longPrefixDump(60_000)));
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'NOT_A_DUMP',
        message: 'prefix.txt: a goroutine dump with no readable goroutine (skipped 4 line(s) of text before the first goroutine (lines 1–4): not part of a goroutine dump)',
      },
    });
  });

  it('a gzip that inflates past 256 MiB is refused saying so', async () => {
    const bomb = await gzipRepeated(Buffer.alloc(1 << 20), 300, 1);
    const { result } = await whileAnswering(() => upload('zeros.gz', bomb));
    expect(result).toEqual({
      ok: false,
      error: { code: 'NOT_A_DUMP', message: `zeros.gz: gzip data of ${bomb.length} bytes that inflates past the 256 MiB cap; raise it with --max-bytes if the dump is really that large` },
    });
    expect(peakRssBytes()).toBeLessThan(MEMORY_BOUND_BYTES);
  }, 60_000);

  it('a valid 170 MB dump (a 3 MB gzip) is imported in the worker while the server keeps answering within a second', async () => {
    const dump = readFileSync(corpusPath('generated/11-large-50k-leak/t1.debug2.txt'));
    const gz = await gzipRepeated(dump, 12, 1);
    const { result, slowestMs, answers } = await whileAnswering(() => upload('large.debug2.txt.gz', gz));
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
    expect(result.value!.session.snapshots).toBe(1);
    expect(answers).toBeGreaterThan(5);
    expect(slowestMs).toBeLessThan(1_000);
    expect(peakRssBytes()).toBeLessThan(MEMORY_BOUND_BYTES);
  }, 120_000);
});

describe('SSH files a client names', () => {
  it('a key file that is a device, a directory or missing gets one message, at once', async () => {
    for (const keyFile of ['/dev/zero', '/dev/urandom', '/etc', path.join(dir, 'missing')]) {
      const { result, slowestMs } = await whileAnswering(() => call('target.test', { url: 'http://127.0.0.1:1', ssh: { destination: 'deploy@127.0.0.1:1', keyFile } }, 10_000));
      expect(result).toEqual({
        ok: false,
        error: { code: 'INVALID_INPUT', message: `ssh.keyFile: cannot use the private key ${keyFile}: expected a regular file of at most 64 KiB that Goroscope may read` },
      });
      expect(slowestMs).toBeLessThan(1_000);
    }
    expect(peakRssBytes()).toBeLessThan(MEMORY_BOUND_BYTES);
  });
});
