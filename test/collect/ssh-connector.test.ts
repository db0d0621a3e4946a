import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { SshConnector, type SshConnectorOptions } from '../../src/main/collect/ssh-connector.js';
import { TargetClient } from '../../src/main/collect/target-client.js';
import { normaliseTarget } from '../../src/main/collect/target-url.js';
import { BugError, HostKeyMismatchError, InvalidInputError, SshAuthError, TargetUnreachableError, TimeoutError } from '../../src/shared/errors.js';
import { generateKey, sshKeygenFingerprint, startSshd, type RunningSshd } from '../helpers/sshd.js';
import { tempDir } from '../store/temp-db.js';
import { CORPUS_DEBUG1, startFakeTarget, type FakeTarget } from './fake-target.js';

// A real OpenSSH server on 127.0.0.1 (test/helpers/sshd.ts) in front of a real HTTP server; nothing is
// mocked. Every test has a time limit; everything it starts is torn down when it ends.
const NET_LIMIT = 15_000;
const COMPACT = '/debug/pprof/goroutine?debug=1';

let sshd: RunningSshd;
let fake: FakeTarget;
let files: ReturnType<typeof tempDir>;

beforeAll(async () => {
  sshd = await startSshd();
  fake = await startFakeTarget('ok');
  files = tempDir('goroscope-ssh-test-');
}, 30_000);

afterAll(async () => {
  await fake?.close();
  await sshd?.dispose();
  files?.remove();
});

let fileCount = 0;
/** A known_hosts file with these lines. */
function knownHosts(...lines: string[]): string {
  const file = files.file(`known_hosts_${++fileCount}`);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

const hop = (): string => `ssh ${sshd.user}@127.0.0.1:${sshd.port}`;

/** A connector to the test sshd (its authorised key, the given known_hosts), disposed when the test ends. */
function connector(o: Partial<SshConnectorOptions> = {}): SshConnector {
  const c = new SshConnector({
    destination: { user: sshd.user, host: '127.0.0.1', port: sshd.port },
    privateKeyPath: sshd.clientKey.path,
    knownHostsPath: knownHosts(sshd.knownHostsLine),
    env: {},
    ...o,
  });
  onTestFinished(() => c.dispose());
  return c;
}

const clientOf = (c: SshConnector, url = fake.url) => new TargetClient(normaliseTarget(url), c, { timeoutMs: 5_000, maxBytes: 1 << 20 });

async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, got success');
}

const LOGIN = /^Accepted publickey for /gm;
const logins = (): number => sshd.logins();

describe('SshConnector against a real sshd', () => {
  it('tunnels every HTTP connection to the target over one SSH connection', { timeout: NET_LIMIT }, async () => {
    const c = connector();
    expect(c.via).toBe(hop());
    expect(c.storedTarget(fake.url)).toBe(`ssh://${sshd.user}@127.0.0.1:${sshd.port}/${fake.url}`);
    const before = logins();
    const requestsBefore = fake.requests.length;
    const client = clientOf(c);
    for (let i = 0; i < 3; i++) {
      const res = await client.get(COMPACT);
      expect(res.status).toBe(200);
      expect(res.body.equals(CORPUS_DEBUG1)).toBe(true);
    }
    expect(fake.requests.slice(requestsBefore)).toEqual([`GET ${COMPACT}`, `GET ${COMPACT}`, `GET ${COMPACT}`]);
    await sshd.waitForLog(LOGIN, before + 1);
    expect(logins() - before).toBe(1);
    expect(sshd.log()).toContain(`Accepted key ED25519 ${sshKeygenFingerprint(`${sshd.clientKey.path}.pub`)} found at`);
  });

  it('accepts the host in a comma list, by wildcard and in a hashed entry written by ssh-keygen -H', { timeout: NET_LIMIT }, async () => {
    const key = sshd.hostKey.publicLine.split(' ').slice(0, 2).join(' ');
    const hashed = knownHosts(`other.example ${key}`, sshd.knownHostsLine);
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'pipe', timeout: 10_000 });
    expect(readFileSync(hashed, 'utf8')).not.toContain('127.0.0.1');
    for (const file of [knownHosts(`web,[127.0.0.1]:${sshd.port},db ${key}`), knownHosts(`[127.0.0.*]:${sshd.port} ${key}`), hashed]) {
      const res = await clientOf(connector({ knownHostsPath: file })).get(COMPACT);
      expect(res.status).toBe(200);
    }
  });

  it('refuses an unknown host with the fingerprint ssh-keygen -lf prints and the line to add, which then works', { timeout: NET_LIMIT }, async () => {
    const fp = sshKeygenFingerprint(`${sshd.hostKey.path}.pub`);
    const file = knownHosts(`other.example ${sshd.hostKey.publicLine}`);
    const c = connector({ knownHostsPath: file });
    const requestsBefore = fake.requests.length;
    const error = await failureOf(clientOf(c).get(COMPACT));
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(error).toMatchObject({ code: 'HOST_KEY_MISMATCH', problem: 'unknown', presentedFingerprint: fp });
    const line = `[127.0.0.1]:${sshd.port} ssh-ed25519 ${sshd.hostKey.blob.toString('base64')}`;
    expect(error.message).toBe(
      `${hop()}: the host [127.0.0.1]:${sshd.port} is not in ${file}; the server presented ssh-ed25519 key ${fp}. ` +
        `If that is the server's key (on the server: \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`), add this line to ${file}:\n` +
        `  ${line}\n` +
        `or run: ssh-keyscan -p ${sshd.port} -t ed25519 127.0.0.1 >> ${file}`,
    );
    expect(fake.requests.length).toBe(requestsBefore);
    // known_hosts is read again on each SSH connection: the suggested line lets the next request in.
    appendFileSync(file, `${line}\n`);
    expect((await clientOf(c).get(COMPACT)).status).toBe(200);

    const missing = files.file('no-such-known-hosts');
    const none = await failureOf(clientOf(connector({ knownHostsPath: missing })).get(COMPACT));
    expect(none.message.split('\n')[0]).toBe(
      `${hop()}: the host [127.0.0.1]:${sshd.port} is not in ${missing} (the file does not exist or cannot be read); the server presented ssh-ed25519 key ${fp}. ` +
        `If that is the server's key (on the server: \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`), add this line to ${missing}:`,
    );
  });

  it('refuses a changed host key, showing the expected and the presented fingerprints', { timeout: NET_LIMIT }, async () => {
    const old = generateKey(files.dir, 'old_host_key');
    const file = knownHosts('# the key the server had before', `[127.0.0.1]:${sshd.port} ${old.publicLine}`);
    const before = logins();
    const error = await failureOf(clientOf(connector({ knownHostsPath: file })).get(COMPACT));
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    const presented = sshKeygenFingerprint(`${sshd.hostKey.path}.pub`);
    expect(error).toMatchObject({ problem: 'changed', presentedFingerprint: presented });
    expect(error.message).toBe(
      `${hop()}: the host key of [127.0.0.1]:${sshd.port} has CHANGED: ${file} line 2 expects ssh-ed25519 key ${sshKeygenFingerprint(`${old.path}.pub`)}, ` +
        `but the server presented ssh-ed25519 key ${presented}. Refusing to connect: someone may be intercepting the connection, or the server was reinstalled. ` +
        `If the new key is right, remove the old entry with \`ssh-keygen -R '[127.0.0.1]:${sshd.port}' -f ${file}\` and add the new key`,
    );
    // Nothing logged in: the key was refused during the handshake.
    expect(logins()).toBe(before);
  });

  it('refuses a host key marked @revoked', { timeout: NET_LIMIT }, async () => {
    const file = knownHosts(sshd.knownHostsLine, `@revoked * ${sshd.hostKey.publicLine}`);
    const error = await failureOf(clientOf(connector({ knownHostsPath: file })).get(COMPACT));
    expect(error).toMatchObject({ name: 'HostKeyMismatchError', problem: 'revoked' });
    expect(error.message).toBe(`${hop()}: the server presented ssh-ed25519 key ${sshKeygenFingerprint(`${sshd.hostKey.path}.pub`)}, which ${file} line 2 marks @revoked; refusing to connect`);
  });

  it('refuses a client key the server does not authorise, naming the user, the host and the method tried', { timeout: NET_LIMIT }, async () => {
    const wrong = generateKey(files.dir, 'not_authorised');
    const fp = sshKeygenFingerprint(`${wrong.path}.pub`);
    const error = await failureOf(clientOf(connector({ privateKeyPath: wrong.path })).get(COMPACT));
    expect(error).toBeInstanceOf(SshAuthError);
    expect(error).toMatchObject({ code: 'SSH_AUTH' });
    expect(error.message).toBe(
      `${hop()}: the server refused to log in user ${sshd.user}; tried publickey with ${wrong.path} (ssh-ed25519 ${fp}); the server accepts: publickey; ` +
        `check that the key's public half is in ~${sshd.user}/.ssh/authorized_keys on 127.0.0.1, or give the right key with --ssh-key`,
    );
    await sshd.waitForLog(new RegExp(`^Failed publickey for ${sshd.user} from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${fp.replace(/[+/]/g, '\\$&')}$`, 'gm'), 1);
  });

  it('logs in with an encrypted key and its passphrase; refuses a missing or wrong passphrase before connecting', { timeout: NET_LIMIT }, async () => {
    const locked = generateKey(files.dir, 'locked', 'correct horse');
    appendFileSync(`${sshd.dir}/authorized_keys`, `${locked.publicLine}\n`);
    const viaEnv = connector({ privateKeyPath: locked.path, env: { GOROSCOPE_SSH_PASSPHRASE: 'correct horse' } });
    expect((await clientOf(viaEnv).get(COMPACT)).status).toBe(200);
    const viaOption = connector({ privateKeyPath: locked.path, passphrase: 'correct horse', env: { GOROSCOPE_SSH_PASSPHRASE: 'wrong' } });
    expect((await clientOf(viaOption).get(COMPACT)).status).toBe(200);
    const destination = { user: sshd.user, host: '127.0.0.1', port: sshd.port };
    expect(() => new SshConnector({ destination, privateKeyPath: locked.path, env: {} })).toThrow(
      new InvalidInputError(`${hop()}: cannot use the private key ${locked.path}: it is encrypted and no passphrase was given: set GOROSCOPE_SSH_PASSPHRASE`),
    );
    expect(() => new SshConnector({ destination, privateKeyPath: locked.path, env: { GOROSCOPE_SSH_PASSPHRASE: 'battery staple' } })).toThrow(
      new InvalidInputError(`${hop()}: cannot use the private key ${locked.path}: the passphrase (from GOROSCOPE_SSH_PASSPHRASE or the passphrase option) does not decrypt it`),
    );
    expect(() => new SshConnector({ destination, privateKeyPath: `${locked.path}.pub`, env: {} })).toThrow(
      new InvalidInputError(`${hop()}: ${locked.path}.pub is a public key; give the private key file (the one without .pub)`),
    );
    expect(() => new SshConnector({ destination, privateKeyPath: files.file('nope'), env: {} })).toThrow(
      new InvalidInputError(`${hop()}: cannot use the private key ${files.file('nope')}: expected a regular file of at most 64 KiB that Goroscope may read`),
    );
    expect(() => new SshConnector({ destination, env: {} })).toThrow(
      new InvalidInputError(`${hop()}: no way to log in: give the private key with --ssh-key FILE, or start an ssh-agent with the key loaded (SSH_AUTH_SOCK is not set)`),
    );
  });

  it('logs in through ssh-agent when no key file is given, and names the agent when its keys are refused', { timeout: NET_LIMIT }, async () => {
    const socket = files.file('agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    const agentExited = new Promise((resolve) => agent.once('close', resolve));
    onTestFinished(async () => {
      agent.kill('SIGTERM');
      await agentExited;
    });
    for (let i = 0; !existsSync(socket); i++) {
      if (i > 200) throw new Error(`ssh-agent did not create ${socket}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const stranger = generateKey(files.dir, 'agent_stranger');
    execFileSync('ssh-add', [stranger.path], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe', timeout: 10_000 });
    const refused = await failureOf(clientOf(connector({ privateKeyPath: undefined, env: { SSH_AUTH_SOCK: socket } })).get(COMPACT));
    expect(refused).toBeInstanceOf(SshAuthError);
    expect(refused.message).toBe(
      `${hop()}: the server refused to log in user ${sshd.user}; tried publickey with the keys of ssh-agent at ${socket}; the server accepts: publickey; ` +
        `check that the agent holds the right key (ssh-add -l) and that its public half is in ~${sshd.user}/.ssh/authorized_keys on 127.0.0.1`,
    );
    execFileSync('ssh-add', [sshd.clientKey.path], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe', timeout: 10_000 });
    const viaAgent = connector({ privateKeyPath: undefined, env: { SSH_AUTH_SOCK: socket } });
    expect((await clientOf(viaAgent).get(COMPACT)).status).toBe(200);
  });

  it('names the SSH hop when nothing listens on its port, when it never speaks, and when it is not SSH', { timeout: NET_LIMIT }, async () => {
    const silent = createServer((s: Socket) => s.on('error', () => undefined));
    const held = new Set<Socket>();
    silent.on('connection', (s: Socket) => held.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const silentPort = (silent.address() as AddressInfo).port;
    const closedPort = await releasedPort();
    const to = (port: number, connectTimeoutMs?: number) =>
      connector({ destination: { user: sshd.user, host: '127.0.0.1', port }, ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}) });

    const refused = await failureOf(clientOf(to(closedPort)).get(COMPACT));
    expect(refused).toBeInstanceOf(TargetUnreachableError);
    expect(refused).toMatchObject({ reason: 'refused' });
    expect(refused.message).toBe(`ssh ${sshd.user}@127.0.0.1:${closedPort}: the SSH server 127.0.0.1:${closedPort} refused the connection: is sshd running there, on this port?`);

    const hung = await failureOf(clientOf(to(silentPort, 300)).get(COMPACT));
    expect(hung).toBeInstanceOf(TimeoutError);
    expect(hung.message).toBe(`ssh ${sshd.user}@127.0.0.1:${silentPort}: no SSH handshake with 127.0.0.1:${silentPort} within 300 ms; is the host reachable from here, and is that port an SSH server?`);

    const httpPort = Number(new URL(fake.url).port);
    const notSsh = await failureOf(clientOf(to(httpPort)).get(COMPACT));
    expect(notSsh).toBeInstanceOf(TargetUnreachableError);
    expect(notSsh.message).toBe(`ssh ${sshd.user}@127.0.0.1:${httpPort}: 127.0.0.1:${httpPort} closed the connection before the SSH handshake; is that port an SSH server?`);
  });

  it('says the SSH server cannot reach the target, or may not forward to it, with the URL and the hop', { timeout: NET_LIMIT }, async () => {
    const closedPort = await releasedPort();
    const url = `http://127.0.0.1:${closedPort}`;
    const refused = await failureOf(clientOf(connector(), url).get(COMPACT));
    expect(refused).toMatchObject({ name: 'TargetUnreachableError', reason: 'refused' });
    expect(refused.message).toBe(`GET ${url}${COMPACT} (through ${hop()}): connection refused by 127.0.0.1:${closedPort}: nothing listens there; is the service running, on this port?`);

    const strict = await startSshd({ allowTcpForwarding: false });
    onTestFinished(() => strict.dispose());
    const c = connector({ destination: { user: strict.user, host: '127.0.0.1', port: strict.port }, privateKeyPath: strict.clientKey.path, knownHostsPath: knownHosts(strict.knownHostsLine) });
    const prohibited = await failureOf(clientOf(c).get(COMPACT));
    expect(prohibited).toMatchObject({ name: 'TargetUnreachableError', reason: 'refused' });
    expect(prohibited.message).toBe(
      `ssh ${strict.user}@127.0.0.1:${strict.port}: the SSH server refused to forward to 127.0.0.1:${new URL(fake.url).port} (administratively prohibited); ` +
        `allow TCP forwarding for user ${strict.user} in its sshd_config (AllowTcpForwarding, PermitOpen)`,
    );
  });

  it('times out a target that never answers through the tunnel, naming the hop', { timeout: NET_LIMIT }, async () => {
    const hung = await startFakeTarget('hang');
    onTestFinished(() => hung.close());
    const client = new TargetClient(normaliseTarget(hung.url), connector(), { timeoutMs: 400, maxBytes: 1 << 20 });
    const error = await failureOf(client.get(COMPACT));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(`GET ${hung.url}${COMPACT} (through ${hop()}): no complete answer within 400 ms`);
    expect(hung.requests).toEqual([`GET ${COMPACT}`]);
  });

  it('destroys a forwarded stream when its signal aborts, and every stream on dispose; twice is harmless', { timeout: NET_LIMIT }, async () => {
    const c = connector();
    const endpoint = { hostname: '127.0.0.1', port: Number(new URL(fake.url).port) };
    const first = new AbortController();
    const stream = await c.openConnection(endpoint, first.signal);
    const closed = (s: Duplex) => new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));
    first.abort(new Error('tick cancelled'));
    await closed(stream);
    expect(stream.writable).toBe(false);

    const early = new AbortController();
    const pending = c.openConnection(endpoint, early.signal);
    early.abort(new Error('cancelled while opening'));
    expect((await failureOf(pending)).message).toBe('cancelled while opening');

    const kept = await c.openConnection(endpoint, new AbortController().signal);
    c.dispose();
    c.dispose();
    await closed(kept);
    expect(kept.writable).toBe(false);
    const after = await failureOf(c.openConnection(endpoint, new AbortController().signal));
    expect(after).toBeInstanceOf(BugError);
    expect(after.message).toBe(`${hop()}: openConnection() after dispose()`);
  });

  it('retries once on a new SSH connection when the idle one died, so sshd restarting between requests costs none', { timeout: NET_LIMIT }, async () => {
    const client = clientOf(connector());
    expect((await client.get(COMPACT)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const before = logins();
      await sshd.dropConnections();
      expect((await client.get(COMPACT)).status).toBe(200);
      await sshd.waitForLog(LOGIN, before + 1);
      expect(logins() - before).toBe(1);
    }
  });

  it('opens a new SSH connection on the next request after the old one dropped', { timeout: NET_LIMIT }, async () => {
    const c = connector();
    const client = clientOf(c);
    expect((await client.get(COMPACT)).status).toBe(200);
    const before = logins();
    await sshd.stop();
    const down = await failureOf(client.get(COMPACT));
    expect(down.message).toBe(`${hop()}: the SSH server 127.0.0.1:${sshd.port} refused the connection: is sshd running there, on this port?`);
    await sshd.start();
    expect((await client.get(COMPACT)).status).toBe(200);
    expect((await client.get(COMPACT)).status).toBe(200);
    await sshd.waitForLog(LOGIN, before + 1);
    expect(logins() - before).toBe(1);
  });
});

/** A TCP port on 127.0.0.1 that nobody listens on (bound, then released). */
async function releasedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
