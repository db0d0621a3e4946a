import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { replySchemaOf, type EventMessage, type ReplyError, type RequestName, type RequestOutput, type SessionSeries, type SessionSummary } from '../../src/shared/contract.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { buildFixture, goToolchain, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import { rawRequest } from '../helpers/http-request.js';
import { generateKey, sshKeygenFingerprint, startSshd, type RunningSshd } from '../helpers/sshd.js';

// `target.test`, `recording.start` and `target.list` through an SSH tunnel, over the real HTTP
// transport of `goroscope serve` (in-process), a real OpenSSH server and a real Go service, all on
// 127.0.0.1. A missing sshd or Go toolchain fails the suite.

let dir = '';
let sshd: RunningSshd;
let svc: RunningFixture;
let s: ApiServer;
let knownHosts = '';
let emptyKnownHosts = '';
const emitted: EventMessage[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-ssh-api-'));
  const leaky = await buildFixture('leaky', goToolchain('go1.19'), dir);
  svc = await startFixture(leaky, ['-rate', '20', '-kinds', 'AB']);
  sshd = await startSshd();
  knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  emptyKnownHosts = path.join(dir, 'known_hosts.empty');
  writeFileSync(emptyKnownHosts, '');
  s = await startApiServer();
  s.opened.api.onEvent((e) => emitted.push(e));
}, 120_000);

afterAll(async () => {
  await s?.close();
  await svc?.stop();
  await sshd?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const destination = (): string => `${sshd.user}@127.0.0.1:${sshd.port}`;
const hop = () => ({ destination: destination(), keyFile: sshd.clientKey.path, knownHostsFile: knownHosts });

type Reply<T> = { ok: true; value: T } | { ok: false; error: ReplyError };

/** POST /api/<name> with the token, as the browser client sends it; a 200 reply is checked against its schema. */
async function post<T = unknown>(name: RequestName, input: unknown): Promise<{ status: number; reply: Reply<T> }> {
  const host = `127.0.0.1:${s.server.port}`;
  const res = await rawRequest({
    port: s.server.port,
    method: 'POST',
    path: `/api/${name}`,
    headers: { host, 'x-goroscope-token': s.server.token, 'content-type': 'application/json' },
    body: JSON.stringify(input),
    timeoutMs: 20_000,
  });
  const reply = JSON.parse(res.body) as Reply<T>;
  if (res.status === 200) replySchemaOf(name).parse(reply);
  return { status: res.status, reply };
}

async function untilEnded(sessionId: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!emitted.some((e) => e.name === 'session.ended' && e.payload.sessionId === sessionId)) {
    if (Date.now() > end) throw new Error(`session ${sessionId} did not end within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('SSH targets through the contract over HTTP', () => {
  test('target.test reaches the service through the tunnel and says so', { timeout: 30_000 }, async () => {
    const before = sshd.logins();
    const { status, reply } = await post('target.test', { url: svc.url, ssh: hop() });
    expect(status).toBe(200);
    expect(reply).toEqual({ ok: true, value: { url: svc.url, via: `ssh ${destination()}`, endpoints: ['goroutine', '/debug/vars', '/metrics'] } });
    await sshd.waitForLog(/^Accepted publickey for /gm, before + 1);
    expect(sshd.logins() - before).toBe(1);
  });

  test('an unknown host key is refused as HOST_KEY_MISMATCH, with the fingerprint and the line to add', { timeout: 30_000 }, async () => {
    const fingerprint = sshKeygenFingerprint(`${sshd.hostKey.path}.pub`);
    const { status, reply } = await post('target.test', { url: svc.url, ssh: { ...hop(), knownHostsFile: emptyKnownHosts } });
    expect(status).toBe(200);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('HOST_KEY_MISMATCH');
    expect(reply.error.message).toBe(
      `ssh ${destination()}: the host [127.0.0.1]:${sshd.port} is not in ${emptyKnownHosts}; the server presented ssh-ed25519 key ${fingerprint}. ` +
        `If that is the server's key (on the server: \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`), add this line to ${emptyKnownHosts}:\n` +
        `  ${sshd.knownHostsLine}\n` +
        `or run: ssh-keyscan -p ${sshd.port} -t ed25519 127.0.0.1 >> ${emptyKnownHosts}`,
    );
    // Nothing was recorded for a refused hop.
    expect((await post('session.list', {})).reply).toEqual({ ok: true, value: [] });
  });

  test('a key the server does not authorise is SSH_AUTH; bad fields are refused before any connection', { timeout: 30_000 }, async () => {
    const stranger = generateKey(dir, 'stranger_ed25519');
    const auth = await post('target.test', { url: svc.url, ssh: { ...hop(), keyFile: stranger.path } });
    expect(!auth.reply.ok && auth.reply.error.code).toBe('SSH_AUTH');
    expect(!auth.reply.ok && auth.reply.error.message).toMatch(
      new RegExp(`^ssh ${destination().replace(/\./g, '\\.')}: the server refused to log in user ${sshd.user}; tried publickey with ${stranger.path.replace(/\./g, '\\.')} \\(ssh-ed25519 SHA256:`),
    );

    // Without a user the destination is an ssh config alias or a host name (ssh's own default user); two
    // hosts in one field are not a destination.
    const twoHosts = await post('target.test', { url: svc.url, ssh: { destination: `ops@a,ops@127.0.0.1:${sshd.port}` } });
    expect(twoHosts.status).toBe(400);
    expect(!twoHosts.reply.ok && twoHosts.reply.error.issues?.map((i) => i.path)).toEqual([['ssh', 'destination']]);
    expect(!twoHosts.reply.ok && twoHosts.reply.error.message).toBe(
      'invalid input for target.test: ssh.destination: expected a Host alias of the ssh config, user@host or user@host:port, e.g. deploy@bastion.example.com:22',
    );
    const stray = await post('recording.start', { url: svc.url, ssh: { ...hop(), password: 'x' } });
    expect(stray.status).toBe(400);

    const relative = await post('target.test', { url: svc.url, ssh: { ...hop(), keyFile: 'id_ed25519' } });
    expect(relative.reply).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'ssh.keyFile "id_ed25519" is a relative path; expected an absolute one or one under ~/, e.g. ~/.ssh/id_ed25519' },
    });
    const badPort = await post('recording.start', { url: svc.url, ssh: { ...hop(), destination: `${sshd.user}@127.0.0.1:70000` } });
    expect(badPort.reply).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: `ssh.destination "${sshd.user}@127.0.0.1:70000": port 70000 is out of range; expected 1-65535` },
    });
  });

  test('recording.start records through the tunnel; target.list gives the hop back, and recording it again adds to the same target', { timeout: 40_000 }, async () => {
    const started = await post<{ session: SessionSummary }>('recording.start', { url: svc.url, ssh: hop(), intervalMs: 250, fullEvery: 2, durationMs: 1_100, name: 'through ssh' });
    if (!started.reply.ok) throw new Error(started.reply.error.message);
    const session = started.reply.value.session;
    const stored = `ssh://${sshd.user}@127.0.0.1:${sshd.port}/${svc.url}`;
    expect(session).toMatchObject({ name: 'through ssh', source: 'recording', target: stored, intervalMs: 250, fullEvery: 2, isRecording: true });
    await untilEnded(session.id, 15_000);

    const series = (await post('session.series', { sessionId: session.id, maxGroups: 5 })).reply as { ok: true; value: SessionSeries };
    // Five ticks (0, 250, …, 1000 ms) on an idle machine; a loaded one may fit fewer (late ticks do
    // not catch up). Full dumps: the first, every 2nd, and the last.
    const n = series.value.ticks.length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThanOrEqual(5);
    expect(series.value.ticks.flatMap((t) => t.errors)).toEqual([]);
    expect(series.value.ticks.every((t) => t.compactTotal !== null && t.compactTotal > 0)).toBe(true);
    expect(series.value.ticks.map((t) => t.fullSnapshotId !== null)).toEqual(Array.from({ length: n }, (_, i) => i % 2 === 0 || i === n - 1));
    const groups = (await post('session.groups', { sessionId: session.id })).reply as { ok: true; value: RequestOutput<'session.groups'> };
    expect(groups.value.rows.map((r) => r.blockingSite?.func)).toContain('main.leakASender');

    const list = (await post('target.list', {})).reply as { ok: true; value: RequestOutput<'target.list'> };
    expect(list.value).toEqual([{ target: stored, url: svc.url, ssh: { destination: destination() }, sessions: 1, lastStartedAtMs: session.startedAtMs, isRecording: false }]);

    // What target.list gives back, with the files the history does not keep, records the same target again.
    const [known] = list.value;
    const again = await post<{ session: SessionSummary }>('recording.start', { url: known!.url, ssh: { ...known!.ssh!, keyFile: sshd.clientKey.path, knownHostsFile: knownHosts }, intervalMs: 250, durationMs: 300 });
    if (!again.reply.ok) throw new Error(again.reply.error.message);
    const second = again.reply.value.session;
    expect(second.target).toBe(stored);
    await untilEnded(second.id, 15_000);
    const after = (await post('target.list', {})).reply as { ok: true; value: RequestOutput<'target.list'> };
    expect(after.value.map((t) => [t.target, t.sessions])).toEqual([[stored, 2]]);
  });
});
