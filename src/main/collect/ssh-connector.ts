import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import { BugError, GoroscopeError, TargetUnreachableError, TimeoutError } from '../../shared/errors.js';
import type { ConnectionEndpoint, Connector } from './connector.js';
import { planSshAuth, SshAuthAttempt, type SshAuthMethod, type SshAuthOptions } from './ssh-auth.js';
import { describeDestination, tunnelledTarget, type SshDestination } from './ssh-destination.js';
import { channelError, connectError, connectionGone, isConnectionGone, jumpError, serverAddress, type Ssh2Error } from './ssh-errors.js';
import { loadHostKeyPolicy, type HostKeyOptions } from './ssh-host-key.js';

// ssh2 is CommonJS: named ESM imports fail on Node 20.
const { Client } = ssh2;

export const DEFAULT_SSH_CONNECT_TIMEOUT_MS = 10_000;
const KEEPALIVE_INTERVAL_MS = 5_000;
const KEEPALIVE_COUNT_MAX = 3;

/** One SSH server of the way: the destination, or a jump host before it. */
export interface SshHopOptions extends SshAuthOptions {
  destination: SshDestination;
  /** Default `~/.ssh/known_hosts`; several are read together, the first is where a new host goes. */
  knownHostsPath?: string | readonly string[];
  /** HostKeyAlias, StrictHostKeyChecking no/accept-new (`ssh-host-key.ts`). */
  hostKey?: HostKeyOptions;
  /** TCP connect + SSH handshake + login, per SSH connection. */
  connectTimeoutMs?: number;
  /** ServerAliveInterval; default 5 s (a dropped connection must show, so the next request reconnects). */
  keepaliveIntervalMs?: number;
}

export interface SshConnectorOptions extends SshHopOptions {
  /** Jump hosts before `destination`, the first one first (ProxyJump): each is reached through the one before. */
  jumps?: readonly SshHopOptions[];
  /** Where GOROSCOPE_SSH_PASSPHRASE and SSH_AUTH_SOCK are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

interface HopPlan {
  destination: SshDestination;
  via: string;
  auth: SshAuthMethod[];
  certificates: readonly string[];
  skippedKeys: readonly string[];
  knownHostsPath: string | readonly string[];
  hostKey: HostKeyOptions;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
}

interface Connection {
  /** The chain's connections, the first jump host first; the last reaches the target. */
  clients: SshClient[];
  ready: Promise<SshClient>;
}

/**
 * HTTP connections through an SSH tunnel: one SSH connection per target (behind jump hosts: one per
 * hop, each carried by a `direct-tcpip` channel of the one before), opened on the first request, and one
 * `direct-tcpip` channel (`forwardOut`) per HTTP connection to the target's host:port as the last SSH
 * server sees it. Each hop's host key is checked against known_hosts before logging in; an unknown,
 * changed or revoked key fails with HostKeyMismatchError naming that hop. A refused login fails with
 * SshAuthError; an SSH server refusing, not answering or not resolving (or a jump host that cannot reach
 * the next hop) fails with TargetUnreachableError / TimeoutError naming the hop. When any SSH connection
 * of the chain drops, the next request opens a new chain. The constructor reads the keys and throws
 * InvalidInputError when one cannot be used. `dispose()` destroys every channel and SSH connection;
 * twice is harmless.
 */
export class SshConnector implements Connector {
  readonly via: string;
  private readonly destination: SshDestination;
  private readonly hops: HopPlan[];
  private connection: Connection | null = null;
  private readonly channels = new Set<ClientChannel>();
  private isDisposed = false;

  constructor(options: SshConnectorOptions) {
    this.destination = options.destination;
    this.via = `ssh ${describeDestination(options.destination)}`;
    const env = options.env ?? process.env;
    this.hops = [...(options.jumps ?? []), options].map((hop) => {
      const auth = planSshAuth(hop.destination, hop, env);
      return { ...this.hopPlan(hop, auth), skippedKeys: skippedKeys(hop, auth) };
    });
  }

  private hopPlan(hop: SshHopOptions, auth: SshAuthMethod[]): Omit<HopPlan, 'skippedKeys'> {
    return {
      destination: hop.destination,
      via: `ssh ${describeDestination(hop.destination)}`,
      auth,
      certificates: hop.identities?.certificates ?? [],
      knownHostsPath: hop.knownHostsPath ?? path.join(homedir(), '.ssh', 'known_hosts'),
      hostKey: hop.hostKey ?? {},
      connectTimeoutMs: hop.connectTimeoutMs ?? DEFAULT_SSH_CONNECT_TIMEOUT_MS,
      keepaliveIntervalMs: hop.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS,
    };
  }

  storedTarget(baseUrl: string): string {
    return tunnelledTarget(this.destination, baseUrl);
  }

  async openConnection(endpoint: ConnectionEndpoint, signal: AbortSignal): Promise<Duplex> {
    signal.throwIfAborted();
    if (this.isDisposed) throw new BugError(`${this.via}: openConnection() after dispose()`);
    const client = await untilAborted(this.connected(), signal);
    try {
      return await this.forward(client, endpoint, signal);
    } catch (error) {
      // A connection that died while idle (sshd restarted, a network blip) shows only now, before its
      // 'close' event: one more try on a new connection, whose failure (sshd down) is the one to report.
      if (!isConnectionGone(error) || signal.aborted || this.isDisposed) throw error;
      this.drop(client);
      return this.forward(await untilAborted(this.connected(), signal), endpoint, signal);
    }
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const channel of this.channels) closeChannel(channel);
    this.channels.clear();
    if (this.connection) destroyChain(this.connection.clients);
    this.connection = null;
  }

  /** Forgets the chain `client` belongs to and closes all of it. */
  private drop(client: SshClient): void {
    const c = this.connection;
    if (c !== null && c.clients.includes(client)) {
      this.connection = null;
      destroyChain(c.clients);
    } else {
      client.destroy();
    }
  }

  /** The live SSH connection, or a new chain; every waiter shares one attempt. */
  private connected(): Promise<SshClient> {
    if (this.connection) return this.connection.ready;
    const connection: Connection = { clients: [], ready: Promise.resolve(null as never) };
    const forget = (): void => {
      if (this.connection !== connection) return;
      this.connection = null;
      destroyChain(connection.clients);
    };
    connection.ready = this.connectChain(connection, forget);
    this.connection = connection;
    connection.ready.catch(forget);
    return connection.ready;
  }

  private async connectChain(connection: Connection, forget: () => void): Promise<SshClient> {
    let previous: SshClient | null = null;
    for (const [i, hop] of this.hops.entries()) {
      const sock: Duplex | undefined = previous === null ? undefined : await this.jump(previous, this.hops[i - 1]!, hop);
      if (this.isDisposed) {
        sock?.destroy();
        throw new TargetUnreachableError('reset', `${this.via}: the tunnel was closed (dispose()) while connecting`);
      }
      const client = new Client();
      connection.clients.push(client);
      client.on('close', forget);
      previous = await this.connect(client, hop, sock);
    }
    return previous!;
  }

  /** A channel from the jump host `from` to the next hop's SSH port: the socket of the next SSH connection. */
  private jump(from: SshClient, fromHop: HopPlan, to: HopPlan): Promise<Duplex> {
    const { host, port } = to.destination;
    return new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TimeoutError(`${to.via}: the jump host did not open a connection to ${serverAddress(to.destination)} within ${to.connectTimeoutMs} ms`)),
        to.connectTimeoutMs,
      );
      try {
        from.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
          clearTimeout(timer);
          if (error) reject(jumpError(fromHop.destination, to.destination, error));
          else resolve(channel);
        });
      } catch (cause) {
        clearTimeout(timer);
        reject(connectionGone(fromHop.destination, `before opening the way to ${serverAddress(to.destination)}`, cause));
      }
    });
  }

  private connect(client: SshClient, hop: HopPlan, sock: Duplex | undefined): Promise<SshClient> {
    const d = hop.destination;
    return new Promise<SshClient>((resolve, reject) => {
      let hostKeyError: GoroscopeError | null = null;
      let isHandshakeDone = false;
      let isSettled = false;
      const attempt = new SshAuthAttempt(d, hop.auth, hop.certificates, hop.skippedKeys);
      const fail = (error: GoroscopeError): void => {
        if (isSettled) return;
        isSettled = true;
        client.destroy();
        reject(error);
      };
      client.on('handshake', () => {
        isHandshakeDone = true;
      });
      client.on('error', (error: Ssh2Error) => {
        // After login, errors (keepalive timeout, socket reset) end the connection: 'close' follows and
        // the next request reconnects. After a failure, ssh2's follow-up errors add nothing.
        if (isSettled) return;
        if (error.level === 'agent') {
          attempt.agentError = error;
          return;
        }
        fail(hostKeyError ?? connectError(d, hop.connectTimeoutMs, error, isHandshakeDone, attempt));
      });
      client.once('ready', () => {
        if (isSettled) return;
        isSettled = true;
        resolve(client);
      });
      client.once('close', () => fail(new TargetUnreachableError('reset', `${hop.via}: the SSH server ${serverAddress(d)} closed the connection before login completed`)));
      try {
        const policy = loadHostKeyPolicy(d, hop.knownHostsPath, hop.hostKey);
        client.connect({
          host: d.host,
          port: d.port,
          ...(sock !== undefined ? { sock } : {}),
          username: d.user,
          readyTimeout: hop.connectTimeoutMs,
          keepaliveInterval: hop.keepaliveIntervalMs,
          keepaliveCountMax: KEEPALIVE_COUNT_MAX,
          algorithms: { serverHostKey: policy.algorithms as never },
          hostVerifier: (key: Buffer): boolean => {
            hostKeyError = policy.check(key);
            return hostKeyError === null;
          },
          authHandler: attempt.handler as never,
        });
      } catch (error) {
        fail(error instanceof GoroscopeError ? error : new BugError(`${hop.via}: ssh2 refused the connection settings: ${(error as Error).message}`, { cause: error }));
      }
    });
  }

  private forward(client: SshClient, endpoint: ConnectionEndpoint, signal: AbortSignal): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      let isSettled = false;
      const onAbort = (): void => {
        isSettled = true;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        client.forwardOut('127.0.0.1', 0, endpoint.hostname, endpoint.port, (error, channel) => {
          signal.removeEventListener('abort', onAbort);
          if (error) {
            if (!isSettled) reject(channelError(this.destination, error, endpoint));
            isSettled = true;
            return;
          }
          // Aborted or disposed while the server was opening it: nobody will read it.
          if (isSettled || this.isDisposed) {
            closeChannel(channel);
            if (!isSettled) reject(new TargetUnreachableError('reset', `${this.via}: the tunnel was closed (dispose()) while a channel to ${endpoint.hostname}:${endpoint.port} opened`));
            isSettled = true;
            return;
          }
          isSettled = true;
          this.track(channel, signal);
          resolve(channel);
        });
      } catch (cause) {
        // ssh2 throws 'Not connected' when the socket closed before its 'close' event reached us.
        signal.removeEventListener('abort', onAbort);
        if (this.connection?.clients.includes(client) === true) this.connection = null;
        reject(connectionGone(this.destination, 'before this request', cause));
      }
    });
  }

  /** Keeps the channel until it closes; destroys it when `signal` aborts. */
  private track(channel: ClientChannel, signal: AbortSignal): void {
    this.channels.add(channel);
    const onAbort = (): void => closeChannel(channel);
    signal.addEventListener('abort', onAbort, { once: true });
    // The HTTP client listens for the channel's errors while it uses it; this keeps a late one (after the
    // request ended) from being an uncaught 'error' event.
    channel.on('error', () => closeChannel(channel));
    channel.once('close', () => {
      this.channels.delete(channel);
      signal.removeEventListener('abort', onAbort);
    });
  }
}

/** Key files of the config that exist but were left out of `auth` (encrypted, no passphrase, an agent to try instead). */
function skippedKeys(hop: SshHopOptions, auth: readonly SshAuthMethod[]): string[] {
  if (hop.privateKeyPath !== undefined) return [];
  const used = new Set(auth.flatMap((m) => (m.kind === 'key' ? [m.path] : [])));
  return (hop.identities?.paths ?? []).filter((p) => !used.has(p) && existsSync(p));
}

/** Closes a chain's SSH connections, the one nearest the target first. */
function destroyChain(clients: readonly SshClient[]): void {
  for (const c of [...clients].reverse()) c.destroy();
}

/**
 * ssh2's `Channel.destroy()` only sends EOF and CLOSE, and its 'close' event waits for the readable side
 * to end: a channel nobody reads any more is drained too, so that it ends and emits 'close'.
 */
function closeChannel(channel: ClientChannel): void {
  channel.destroy();
  channel.resume();
}

/** `promise`, or the signal's reason as soon as it aborts (the promise runs on for other waiters). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
