// Issue #11 for recordings: a target that serves a crafted profile on tick 2 and a 60,000-character
// log prefix in a full dump no longer kills the recorder (the ticks fail with their reason and the
// session goes on), and a recorder killed with SIGKILL leaves a session that reads as interrupted
// once its heartbeat stops, instead of "still recording" forever.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_STALE_MS } from '../../src/main/store/session-liveness.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { MEMORY_BOUND_BYTES, runBounded } from '../helpers/bounded-cli.js';
import { issueProfile, longPrefixDump } from '../helpers/hostile-inputs.js';
import { corpusPath } from '../dump/corpus.js';
import { runCli, tempStore, waitFor } from './record-helpers.js';

const DEBUG1 = readFileSync(corpusPath('generated/01-chan-send-no-receiver/t1.debug1.txt'));
const DEBUG2 = readFileSync(corpusPath('generated/01-chan-send-no-receiver/t1.debug2.txt'));
const INDEX = `<html><body><a href='goroutine?debug=1'>goroutine</a><a href="goroutine?debug=2">full</a></body></html>`;

/** A pprof target whose second compact profile is the issue's crafted protobuf and second full dump a 60k-prefix text. */
async function hostileTarget(): Promise<string> {
  const crafted = gzipSync(issueProfile(), { level: 9 });
  const longPrefix = Buffer.from(longPrefixDump(60_000));
  let compact = 0;
  let full = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/debug/pprof/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(INDEX);
    if (req.url === '/debug/pprof/goroutine?debug=1') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(++compact === 2 ? crafted : DEBUG1);
    if (req.url === '/debug/pprof/goroutine?debug=2') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(++full === 2 ? longPrefix : DEBUG2);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(() => ensureCliBuilt());

describe('recording a hostile target', () => {
  it('a crafted profile on tick 2 and a 60k prefix in a full dump fail their ticks; the session runs its course', { timeout: 60_000 }, async () => {
    const url = await hostileTarget();
    const { dir } = tempStore();
    const db = path.join(dir, 'hostile.db');
    const run = await runBounded(['record', url, '--interval', '300ms', '--duration', '2400ms', '--full-every', '2', '--db', db], { timeoutMs: 40_000 });
    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(run.maxRssBytes!).toBeLessThan(MEMORY_BOUND_BYTES);
    const store = HistoryStore.open(db);
    onTestFinished(() => store.dispose());
    const session = store.session(1);
    expect(session.endedAtMs).not.toBeNull();
    const errors = store.sessionSeries(1).ticks.flatMap((t) => t.errors.map((e) => ({ tick: t.tick, ...e })));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ code: 'NOT_GO_ENDPOINT' });
    expect(errors[0]!.message).toContain('a pprof profile of 67108890 bytes that would decode into over');
    expect(errors[1]).toMatchObject({ code: 'NOT_GO_ENDPOINT' });
    expect(errors[1]!.message).toContain('a goroutine dump with no readable goroutine');
    // Ticks after the hostile ones were recorded.
    expect(session.ticks).toBeGreaterThan(errors[1]!.tick + 1);
  });
});

describe('a recorder killed with SIGKILL', () => {
  it('leaves a session that `sessions` shows as interrupted once its heartbeat stopped', { timeout: 90_000 }, async () => {
    const { dir } = tempStore();
    const db = path.join(dir, 'killed.db');
    const url = await hostileTarget();
    const rec = runCli(['record', url, '--interval', '500ms', '--db', db]);
    const store = HistoryStore.open(db);
    onTestFinished(() => store.dispose());
    await waitFor('the session to start', () => store.listSessions().length === 1 && store.session(1).heartbeatAtMs !== null, 15_000);
    const first = store.session(1).heartbeatAtMs!;
    const listed = () => {
      const list = runCli(['sessions', '--json', '--db', db]);
      return list.exited.then(() => JSON.parse(list.stdout()) as { id: number; state: string; endedAt: string | null }[]);
    };
    expect((await listed())[0]).toMatchObject({ id: 1, state: 'recording', endedAt: null });
    // The recorder stamps every HEARTBEAT_INTERVAL_MS while it runs.
    await waitFor('a second heartbeat', () => store.session(1).heartbeatAtMs! > first, HEARTBEAT_INTERVAL_MS * 3);
    rec.kill('SIGKILL');
    expect(await rec.exited).toBe('SIGKILL');
    const last = store.session(1).heartbeatAtMs!;
    // Nothing stamps it any more; once the stamp is older than HEARTBEAT_STALE_MS it reads as interrupted.
    await waitFor('the heartbeat to go stale', () => Date.now() > last + HEARTBEAT_STALE_MS + 500, HEARTBEAT_STALE_MS + 5_000);
    expect(store.session(1)).toMatchObject({ endedAtMs: null, heartbeatAtMs: last });
    expect((await listed())[0]).toMatchObject({ id: 1, state: 'interrupted', endedAt: null });
    const table = runCli(['sessions', '--db', db]);
    await table.exited;
    expect(table.stdout().split('\n')[1]).toMatch(/ interrupted /);
  });
});
