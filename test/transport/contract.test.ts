import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { events, replySchemaOf, type EventMessage, type RequestName } from '../../src/shared/contract.js';
import { REQUEST_NAMES } from '../../src/shared/contract-names.js';
import { dispatch } from '../../src/main/transport/dispatch.js';
import { isTrustedSender, registerIpc, type IpcInvokeEventLike, type IpcMainLike } from '../../src/main/transport/ipc.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const dump = (name: string) => readFileSync(path.join(CORPUS, 'generated', '01-chan-send-no-receiver', name));

describe('every request through the contract, every reply valid against its schema', () => {
  let s: ApiServer;
  const seen = new Set<RequestName>();
  const emitted: EventMessage[] = [];

  /** Dispatches like a transport does and checks the reply against the request's output schema. */
  async function call(name: RequestName, input: unknown): Promise<unknown> {
    seen.add(name);
    const outcome = await dispatch(s.opened.api, name, input, AbortSignal.timeout(10_000));
    expect(outcome.kind, `${name}: ${JSON.stringify(outcome.reply).slice(0, 300)}`).toBe('reply');
    const reply = replySchemaOf(name).parse(outcome.reply);
    if (!reply.ok) throw new Error(`${name} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  }

  beforeAll(async () => {
    s = await startApiServer();
    s.opened.api.onEvent((e) => emitted.push(e));
  });
  afterAll(() => s?.close());

  test('import two debug=2 dumps and a protobuf, then read the session back through every request', async () => {
    const info = (await call('app.info', {})) as { canRecord: boolean; canAnalyse: boolean; historyPath: string };
    expect(info).toMatchObject({ canRecord: true, canAnalyse: true, historyPath: path.join(s.dir, 'history.db') });

    const imported = (await call('dump.import', {
      name: 'corpus 01',
      // Files of one stem are one tick; text dumps carry no time: the order given, a minute apart.
      files: [
        { name: 't1.debug2.txt', encoding: 'utf8', data: dump('t1.debug2.txt').toString('utf8'), modifiedAtMs: 9_000 },
        { name: 't1.debug0.pb.gz', encoding: 'base64', data: dump('t1.debug0.pb.gz').toString('base64'), modifiedAtMs: 1_500 },
        { name: 't2.debug2.txt', encoding: 'utf8', data: dump('t2.debug2.txt').toString('utf8'), modifiedAtMs: 2_000 },
        { name: 'notes.html', encoding: 'utf8', data: '<html><body>not a dump</body></html>' },
      ],
      intervalMs: 60_000,
    })) as { session: { id: number; ticks: number; snapshots: number; name: string }; refused: { file: string; message: string }[] };
    expect(imported.session).toMatchObject({ name: 'corpus 01', ticks: 2, snapshots: 3 });
    expect(imported.refused.map((r) => r.file)).toEqual(['notes.html']);
    const sessionId = imported.session.id;
    expect(emitted.map((e) => e.name)).toEqual(['session.created']);
    expect(events['session.created'].parse(emitted[0]!.payload)).toMatchObject({ session: { id: sessionId } });

    expect(((await call('session.list', {})) as { id: number }[]).map((x) => x.id)).toEqual([sessionId]);
    expect(await call('session.get', { sessionId })).toMatchObject({ id: sessionId, source: 'import', isRecording: false });

    const series = (await call('session.series', { sessionId, maxGroups: 1 })) as {
      ticks: { compactTotal: number | null; fullTotal: number | null; fullSnapshotId: number | null }[];
      groups: { counts: (number | null)[]; blockingSite: { line: number } }[];
      restGroups: number;
      rest: (number | null)[];
    };
    expect(series.ticks.map((t) => [t.compactTotal, t.fullTotal])).toEqual([
      [103, 103],
      [null, 303],
    ]);
    expect(series.groups.map((g) => g.counts)).toEqual([[100, 300]]);
    expect(series.groups[0]!.blockingSite.line).toBe(84);
    expect(series.rest).toEqual([3, 3]);

    const snapshots = (await call('snapshot.list', { sessionId })) as { id: number; kind: string; format: string; hasRawDump: boolean }[];
    expect(snapshots.map((x) => [x.kind, x.format, x.hasRawDump])).toEqual([
      ['compact', 'pprof-proto', true],
      ['full', 'traceback', true],
      ['full', 'traceback', true],
    ]);
    const [proto, t1, t2] = snapshots.map((x) => x.id) as [number, number, number];

    const groups = (await call('session.groups', { sessionId, snapshotId: t2 })) as {
      rows: { count: number; firstCount: number; peakCount: number; sparkline: number[]; ids: number[]; suspect: { score: number } | null }[];
    };
    expect(groups.rows[0]).toMatchObject({ count: 300, firstCount: 100, peakCount: 300, sparkline: [100, 300], typicalState: 'chan send' });
    // At the protobuf tick the group has no states of its own: the session's full dumps name it.
    const atProto = (await call('session.groups', { sessionId, snapshotId: proto })) as typeof groups & { rows: { states: object; typicalState: string }[] };
    expect(atProto.rows[0]).toMatchObject({ count: 100, states: {}, typicalState: 'chan send' });
    expect(groups.rows[0]!.ids).toHaveLength(300);
    // Corpus 01 carries no labels: no label values at any of the session's two ticks (t1, t2).
    const split = (await call('session.labelSeries', { sessionId, key: (groups.rows[0] as unknown as { key: string }).key, labelKey: 'tenant' })) as { ticks: unknown[]; values: unknown[] };
    expect([split.ticks.length, split.values]).toEqual([2, []]);
    expect(groups.rows[0]!.suspect?.score).toBeGreaterThan(0);
    // A rise seen at two ticks only: weak, a spike would look the same.
    expect(groups.rows[0]!.suspect).toMatchObject({ strength: 'weak', basis: 'trend', growthPerMin: 200 });

    const overview = (await call('snapshot.overview', { snapshotId: t2 })) as { total: number; groups: { count: number; waitMinutes: object | null; suspect: { strength: string } | null }[] };
    expect([overview.total, overview.groups[0]]).toMatchObject([303, { count: 300, waitMinutes: null, suspect: { strength: 'weak' } }]);
    const noText = await dispatch(s.opened.api, 'snapshot.overview', { snapshotId: proto }, AbortSignal.timeout(5_000));
    expect(noText.reply).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: `snapshot ${proto} has no goroutine-by-goroutine text kept (it is a pprof-proto profile); the one-page view reads a debug=2 dump, crash or SIGQUIT output` },
    });

    const raw = (await call('snapshot.raw', { snapshotId: t1 })) as { text: string };
    expect(raw.text).toBe(dump('t1.debug2.txt').toString('utf8'));
    expect(await call('snapshot.raw', { snapshotId: proto })).toEqual({
      snapshotId: proto,
      format: 'pprof-proto',
      text: null,
      reason: `snapshot ${proto} is a binary protobuf profile: it has no text to show`,
    });
    expect(((await call('snapshot.get', { snapshotId: t2 })) as { snapshot: { total: number } }).snapshot.total).toBe(303);
    // The dump view's index of t2: 303 goroutines, the leak's 300 in the largest group (test/api/snapshot-index.test.ts checks it against the parser).
    const index = (await call('snapshot.index', { snapshotId: t2 })) as { kind: string; startLines: number[]; groups: number[] };
    expect([index.kind, index.startLines.length, index.groups.filter((g) => g === 0).length]).toEqual(['goroutines', 303, 300]);

    const diff = (await call('snapshot.diff', { fromSnapshotId: t1, toSnapshotId: t2 })) as {
      rows: { change: string; before: number; after: number; newIds: number | null; persistedIds: number | null }[];
    };
    expect(diff.rows[0]).toMatchObject({ change: 'grew', before: 100, after: 300, newIds: 200, persistedIds: 100 });

    for (const format of ['html', 'md', 'json'] as const) {
      const report = (await call('report.render', { sessionId, format })) as { fileName: string; content: string; mimeType: string };
      expect(report.fileName).toBe(`goroscope-session-${sessionId}.${format}`);
      if (format === 'json') expect(JSON.parse(report.content).suspects[0].blockingSite).toEqual({ func: 'main.fetchWithTimeout.func1', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 84 });
      else expect(report.content).toContain('main.go:84');
    }
    expect(await call('target.list', {})).toEqual([]);

    expect(await call('session.remove', { sessionId })).toEqual({ sessionId });
    expect(emitted.map((e) => e.name)).toEqual(['session.created', 'session.removed']);
    const gone = await dispatch(s.opened.api, 'session.get', { sessionId }, AbortSignal.timeout(5_000));
    expect(gone.reply).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: `no session ${sessionId} in the history; \`goroscope sessions\` lists them` } });
  });

  test('a file that is no dump at all is refused with NOT_A_DUMP and creates no session', async () => {
    const outcome = await dispatch(s.opened.api, 'dump.import', { files: [{ name: 'page.html', encoding: 'utf8', data: '<!doctype html><p>hi</p>' }] }, AbortSignal.timeout(5_000));
    expect(outcome.kind).toBe('reply');
    expect(outcome.reply.ok).toBe(false);
    expect(!outcome.reply.ok && outcome.reply.error.code).toBe('NOT_A_DUMP');
    expect(!outcome.reply.ok && outcome.reply.error.message).toMatch(/^page\.html: /);
  });

  test('target.test names the failure: refused port, an HTML page', async () => {
    seen.add('target.test');
    const refused = await dispatch(s.opened.api, 'target.test', { url: 'http://127.0.0.1:1' }, AbortSignal.timeout(10_000));
    expect(!refused.reply.ok && refused.reply.error.code).toBe('TARGET_UNREACHABLE');
    const html: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Login</title>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
      const outcome = await dispatch(s.opened.api, 'target.test', { url }, AbortSignal.timeout(10_000));
      expect(!outcome.reply.ok && outcome.reply.error.code).toBe('NOT_GO_ENDPOINT');
      expect(!outcome.reply.ok && outcome.reply.error.message).toContain(url);
    } finally {
      await new Promise((r) => html.close(r));
    }
  });

  test('source requests: resolved or not with the reason; refusals name themselves (exercised live in test/e2e/source-view.test.ts)', async () => {
    const frame = { func: 'main.fetchWithTimeout.func1', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 84 };
    const resolved = (await call('source.resolve', { frames: [frame] })) as { frames: { isResolved: boolean; reason: string }[]; canOpenEditor: boolean };
    expect(resolved.frames).toEqual([
      { file: frame.file, line: 84, isResolved: false, via: null, localPath: null, reason: 'no source root configured (--source DIR, sourceRoots in .goroscope.json, or the app’s settings)' },
    ]);
    expect(resolved.canOpenEditor).toBe(false);
    expect(await call('sourceSettings.get', {})).toEqual({ settings: { roots: [], editor: 'vscode', commandTemplate: null }, canChange: false });
    const refusals: [RequestName, unknown, string, string][] = [
      ['source.read', { frame }, 'NOT_FOUND', `no readable source for ${frame.file}:84 under the source roots, GOROOT or module cache`],
      ['source.open', { frame }, 'INVALID_INPUT', 'opening an editor is refused here: only the desktop app and `goroscope serve` bound to loopback start programs'],
      ['sourceSettings.set', { settings: { roots: ['/'] } }, 'INVALID_INPUT', 'source settings cannot be changed over a port other machines can reach (serve --allow-remote)'],
    ];
    for (const [name, input, code, message] of refusals) {
      seen.add(name);
      const outcome = await dispatch(s.opened.api, name, input, AbortSignal.timeout(5_000));
      expect(replySchemaOf(name).parse(outcome.reply)).toEqual({ ok: false, error: { code, message } });
    }
  });

  test('ssh.resolve says what an ssh config alias resolves to, without connecting (live in test/e2e/ssh-alias.test.ts)', async () => {
    seen.add('ssh.resolve');
    const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-contract-ssh-'));
    try {
      const config = path.join(dir, 'config');
      writeFileSync(config, 'Host app\n  HostName 10.1.2.3\n  User deploy\n  IdentityAgent none\n');
      const outcome = await dispatch(s.opened.api, 'ssh.resolve', { destination: 'app', configFile: config }, AbortSignal.timeout(5_000));
      expect(outcome.reply).toEqual({
        ok: true,
        value: {
          hops: [{ name: 'app', user: 'deploy', host: '10.1.2.3', port: 22, keys: [], agent: null, certificates: [], knownHostsFiles: [path.join(homedir(), '.ssh', 'known_hosts'), path.join(homedir(), '.ssh', 'known_hosts2')], strictHostKeyChecking: 'ask', hostKeyAlias: null }],
          encryptedKeys: [],
        },
      });
      const bad = await dispatch(s.opened.api, 'ssh.resolve', { destination: 'app', configFile: path.join(dir, 'missing') }, AbortSignal.timeout(5_000));
      expect(bad.reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: `ssh.configFile ${path.join(dir, 'missing')}: no such file` } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('recording requests are in the contract (exercised live in test/e2e/live-recording.test.ts)', async () => {
    const stop = await dispatch(s.opened.api, 'recording.stop', { sessionId: 99 }, AbortSignal.timeout(5_000));
    expect(stop.reply).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no session 99 in the history; `goroscope sessions` lists them' } });
    seen.add('recording.stop').add('recording.start');
    // A fleet's grid is exercised live in test/integration/fleet-api.test.ts.
    const fleet = await dispatch(s.opened.api, 'session.fleet', { sessionId: 99 }, AbortSignal.timeout(5_000));
    expect(fleet.reply).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no session 99 in the history; `goroscope sessions` lists them' } });
    seen.add('session.fleet');
    expect([...seen].sort()).toEqual([...REQUEST_NAMES].sort());
  });
});

describe('Electron IPC transport (ipcMain stood in by a map of handlers)', () => {
  let s: ApiServer;
  const handlers = new Map<string, (event: IpcInvokeEventLike, input: unknown) => Promise<unknown>>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const APP = 'file:///opt/Goroscope/resources/app/out/renderer/index.html';
  const sent: unknown[] = [];
  const main = { url: APP, parent: null };

  beforeAll(async () => {
    s = await startApiServer();
  });
  afterAll(() => s?.close());

  test('one handler per request; only our top frame at our page is answered; inputs validated; events forwarded', async () => {
    const registration = registerIpc({ ipcMain, api: s.opened.api, appUrl: APP, sendEvent: (channel, message) => sent.push([channel, message]) });
    expect([...handlers.keys()].sort()).toEqual(REQUEST_NAMES.map((n) => `goroscope:${n}`).sort());
    const list = handlers.get('goroscope:session.list')!;
    expect(await list({ senderFrame: main }, {})).toEqual({ ok: true, value: [] });
    for (const frame of [null, { url: APP, parent: main }, { url: 'https://evil.example/', parent: null }, { url: 'file:///tmp/other.html', parent: null }]) {
      expect(await list({ senderFrame: frame }, {})).toEqual({
        ok: false,
        error: { code: 'INVALID_INPUT', message: "session.list refused: the sender is not Goroscope's window" },
      });
    }
    const bad = (await handlers.get('goroscope:session.get')!({ senderFrame: main }, { sessionId: -1 })) as { ok: boolean; error: { issues: { path: unknown[] }[] } };
    expect(bad.ok).toBe(false);
    expect(bad.error.issues[0]!.path).toEqual(['sessionId']);

    await handlers.get('goroscope:dump.import')!({ senderFrame: main }, { files: [{ name: 'a.txt', encoding: 'utf8', data: 'goroutine 1 [running]:\nmain.main()\n\t/a.go:1\n' }] });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject(['goroscope:event', { name: 'session.created' }]);
    // A picked file arrives as IPC clones it: a Uint8Array, taken as it is by the same schema.
    const bytes = new TextEncoder().encode('goroutine 7 [select]:\nmain.main()\n\t/b.go:2\n');
    const picked = (await handlers.get('goroscope:dump.import')!({ senderFrame: main }, { files: [{ name: 'b.txt', encoding: 'bytes', data: bytes }] })) as {
      ok: true;
      value: { session: { id: number; ticks: number } };
    };
    expect(picked.ok).toBe(true);
    expect(picked.value.session.ticks).toBe(1);
    const notBytes = (await handlers.get('goroscope:dump.import')!({ senderFrame: main }, { files: [{ name: 'c.txt', encoding: 'bytes', data: 'text' }] })) as { ok: boolean; error: { issues: { path: unknown[] }[] } };
    expect(notBytes.ok).toBe(false);
    expect(notBytes.error.issues.map((i) => i.path)).toEqual([['files', 0, 'data']]);

    registration.dispose();
    registration.dispose();
    expect(handlers.size).toBe(0);
  });

  test('isTrustedSender: same file for file: pages (hash and query aside), same origin for the dev server', () => {
    expect(isTrustedSender({ url: `${APP}#/x`, parent: null }, APP)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/index.html', parent: null }, 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5174/', parent: null }, 'http://localhost:5173/')).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null }, APP)).toBe(false);
  });
});
