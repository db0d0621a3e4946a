// A throwaway OpenSSH server on 127.0.0.1 for the SSH tunnel tests: its own host key, an
// authorized_keys with one client key, a free port, nothing read from /etc/ssh. OpenSSH comes from
// Debian's openssh-server (scripts/test-env.sh installs it); a missing sshd is an error, never a skip.
//
// Killing it (`stop()`) takes the listener and the per-connection processes it forked (sshd gives each
// connection its own session, so they outlive the listener unless killed too): the SSH connection drops
// as when the host goes down. `start()` brings it back on the same port with the same keys.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';
const SETUP_HINT = 'Run `bash scripts/test-env.sh` (or `apt-get install -y openssh-server`) to install it.';
const LISTEN_TIMEOUT_MS = 10_000;

export interface GeneratedKey {
  /** Private key file. */
  path: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicLine: string;
  /** The public key blob (what a server presents / what authorized_keys holds). */
  blob: Buffer;
}

/** `ssh-keygen -t ed25519` into `dir/name` (and `name.pub`), with an optional passphrase. */
export function generateKey(dir: string, name: string, passphrase = ''): GeneratedKey {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `goroscope-test-${name}`, '-f', file], { stdio: 'pipe', timeout: 10_000 });
  const publicLine = readFileSync(`${file}.pub`, 'utf8').trim();
  return { path: file, publicLine, blob: Buffer.from(publicLine.split(' ')[1]!, 'base64') };
}

/**
 * `ssh-keygen -s CA -I id -n principal key.pub`: an OpenSSH user certificate for `key`, written beside it
 * as `<key>-cert.pub` (where ssh looks for it). Returns the certificate's path.
 */
export function signUserCertificate(ca: GeneratedKey, key: GeneratedKey, principal: string): string {
  execFileSync('ssh-keygen', ['-q', '-s', ca.path, '-I', `goroscope-test-${principal}`, '-n', principal, '-V', '-5m:+1h', `${key.path}.pub`], { stdio: 'pipe', timeout: 10_000 });
  return `${key.path}-cert.pub`;
}

/** The `SHA256:…` fingerprint `ssh-keygen -lf` prints for a public key file. */
export function sshKeygenFingerprint(publicKeyFile: string): string {
  const out = execFileSync('ssh-keygen', ['-lf', publicKeyFile], { encoding: 'utf8', timeout: 10_000 });
  const m = /\s(SHA256:[A-Za-z0-9+/]+)\s/.exec(out);
  if (!m) throw new Error(`unexpected ssh-keygen -lf output: ${out}`);
  return m[1]!;
}

export interface RunningSshd {
  host: '127.0.0.1';
  port: number;
  /** The user the tests log in as (the one running them; root in CI). */
  user: string;
  /** The folder with keys and config; removed by dispose(). */
  dir: string;
  hostKey: GeneratedKey;
  /** The key in authorized_keys. */
  clientKey: GeneratedKey;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…`: the known_hosts line for this server. */
  knownHostsLine: string;
  /** Kills the listener and every connection process (SIGKILL) and waits. Idempotent. */
  stop(): Promise<void>;
  /** Starts again on the same port (after stop()). */
  start(): Promise<void>;
  /** Kills the connection processes only (SIGKILL): open SSH connections drop, sshd keeps listening. */
  dropConnections(): Promise<void>;
  /** sshd's log (-e: stderr) so far, all runs. */
  log(): string;
  /** How many logins sshd logged so far (`Accepted publickey for …`), all runs. */
  logins(): number;
  /**
   * Waits until `pattern` (a /g regexp) matched at least `count` times in the log: sshd writes its log
   * through a pipe, which may lag behind what it did on the network.
   */
  waitForLog(pattern: RegExp, count: number, timeoutMs?: number): Promise<void>;
  /** stop() and remove the folder. Idempotent. */
  dispose(): Promise<void>;
}

export interface SshdOptions {
  allowTcpForwarding?: boolean;
  /** `PermitOpen`: the only host:port pairs this server forwards to (a bastion that reaches one host). */
  permitOpen?: string[];
  /** `TrustedUserCAKeys`: a CA public key file; certificates it signed log in without authorized_keys. */
  trustedUserCaKeys?: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts sshd on a free loopback port and resolves once it accepts connections (at most 10 s). */
export async function startSshd(options: SshdOptions = {}): Promise<RunningSshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found: the SSH tunnel tests need OpenSSH's server. ${SETUP_HINT}`);
  installExitHook();
  // Privilege separation needs its empty directory; /run is a tmpfs, so it may be gone after a reboot.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-sshd-'));
  const hostKey = generateKey(dir, 'host_ed25519');
  const clientKey = generateKey(dir, 'client_ed25519');
  writeFileSync(path.join(dir, 'authorized_keys'), `${clientKey.publicLine}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey.path}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AllowTcpForwarding ${options.allowTcpForwarding === false ? 'no' : 'yes'}`,
      ...(options.permitOpen !== undefined ? [`PermitOpen ${options.permitOpen.join(' ')}`] : []),
      ...(options.trustedUserCaKeys !== undefined ? [`TrustedUserCAKeys ${options.trustedUserCaKeys}`] : []),
      'PermitRootLogin prohibit-password',
      `AllowUsers ${userInfo().username}`,
      'PrintMotd no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  let log = '';
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    if (child !== null) throw new Error('sshd is already running');
    const c = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    live.add(c);
    c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    exited = new Promise<void>((resolve) =>
      c.once('close', () => {
        live.delete(c);
        if (child === c) child = null;
        resolve();
      }),
    );
    await waitUntilAccepting(port, c, () => log);
  };

  const stop = async (): Promise<void> => {
    const c = child;
    if (c === null || c.pid === undefined) return;
    for (const pid of [...descendants(c.pid), c.pid]) killQuietly(pid);
    await exited;
  };

  const dropConnections = async (): Promise<void> => {
    const pid = child?.pid;
    if (pid === undefined) throw new Error('sshd is not running');
    const pids = descendants(pid);
    for (const p of pids) killQuietly(p);
    while (pids.some((p) => existsSync(`/proc/${p}`) && !isZombie(p))) await new Promise((r) => setTimeout(r, 10));
  };

  let disposing: Promise<void> | null = null;
  const dispose = (): Promise<void> =>
    (disposing ??= stop().then(() => rmSync(dir, { recursive: true, force: true })));

  try {
    await start();
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    dir,
    hostKey,
    clientKey,
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.publicLine.split(' ').slice(0, 2).join(' ')}`,
    stop,
    start,
    dropConnections,
    log: () => log,
    logins: () => countOf(/^Accepted publickey for /gm, log),
    waitForLog: async (pattern, count, timeoutMs = 5_000) => {
      const end = Date.now() + timeoutMs;
      while (countOf(pattern, log) < count) {
        if (Date.now() > end) throw new Error(`sshd log: ${pattern} matched ${countOf(pattern, log)} times, not ${count}, within ${timeoutMs} ms:\n${log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    dispose,
  };
}

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true; // gone while we looked
  }
}

function countOf(pattern: RegExp, text: string): number {
  return (text.match(pattern) ?? []).length;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave an sshd behind when the test process goes away.
  process.on('exit', () => {
    for (const c of live) if (c.pid !== undefined) for (const pid of [...descendants(c.pid), c.pid]) killQuietly(pid);
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: it already exited between the /proc scan and the kill.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** All processes below `root`, from /proc (the connection processes sshd forked). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // `pid (comm) state ppid …`; comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAccepting(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + LISTEN_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}) before listening:\n${log()}`);
    if (await accepts(port)) return;
    if (Date.now() > end) throw new Error(`sshd did not accept on 127.0.0.1:${port} within ${LISTEN_TIMEOUT_MS} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
