import { homedir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import { BugError, GoroscopeError, TargetUnreachableError } from '../../shared/errors.js';
import type { ConnectionEndpoint, Connector } from './connector.js';
import { planSshAuth, SshAuthAttempt, type SshAuthMethod, type SshAuthOptions } from './ssh-auth.js';
import { describeDestination, tunnelledTarget, type SshDestination } from './ssh-destination.js';
import { channelError, connectError, connectionGone, isConnectionGone, serverAddress, type Ssh2Error } from './ssh-errors.js';
import { loadHostKeyPolicy } from './ssh-host-key.js';

// ssh2 is CommonJS: named ESM imports fail on Node 20.
const { Client } = ssh2;

export const DEFAULT_SSH_CONNECT_TIMEOUT_MS = 10_000;
const KEEPALIVE_INTERVAL_MS = 5_000;
const KEEPALIVE_COUNT_MAX = 3;

export interface SshConnectorOptions extends SshAuthOptions {
  destination: SshDestination;
  /** Default `~/.ssh/known_hosts`. */
  knownHostsPath?: string;
  /** TCP connect + SSH handshake + login, per SSH connection. */
  connectTimeoutMs?: number;
  /** Where GOROSCOPE_SSH_PASSPHRASE and SSH_AUTH_SOCK are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

interface Connection {
  client: SshClient;
  ready: Promise<SshClient>;
}

/**
 * HTTP connections through an SSH tunnel: one SSH connection per target, opened on the first request,
 * and one `direct-tcpip` channel (`forwardOut`) per HTTP connection to the target's host:port as the SSH
 * server sees it. The host key is checked against known_hosts before logging in; an unknown, changed or
 * revoked key fails with HostKeyMismatchError. A refused login fails with SshAuthError; the SSH server
 * refusing, not answering or not resolving fails with TargetUnreachableError / TimeoutError naming the
 * hop. When the SSH connection drops, the next request opens a new one. The constructor reads the key
 * and throws InvalidInputError when it cannot be used. `dispose()` destroys every channel and the SSH
 * connection; twice is harmless.
 */
export class SshConnector implements Connector {
  readonly via: string;
  private readonly destination: SshDestination;
  private readonly auth: SshAuthMethod[];
  private readonly knownHostsPath: string;
  private readonly connectTimeoutMs: number;
  private connection: Connection | null = null;
  private readonly channels = new Set<ClientChannel>();
  private isDisposed = false;

  constructor(options: SshConnectorOptions) {
    this.destination = options.destination;
    this.via = `ssh ${describeDestination(options.destination)}`;
    this.knownHostsPath = options.knownHostsPath ?? path.join(homedir(), '.ssh', 'known_hosts');
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_SSH_CONNECT_TIMEOUT_MS;
    this.auth = planSshAuth(options.destination, options, options.env ?? process.env);
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
      if (this.connection?.client === client) this.connection = null;
      client.destroy();
      return this.forward(await untilAborted(this.connected(), signal), endpoint, signal);
    }
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const channel of this.channels) closeChannel(channel);
    this.channels.clear();
    this.connection?.client.destroy();
    this.connection = null;
  }

  /** The live SSH connection, or a new one; every waiter shares one attempt. */
  private connected(): Promise<SshClient> {
    if (this.connection) return this.connection.ready;
    const client = new Client();
    const connection: Connection = { client, ready: this.connect(client) };
    this.connection = connection;
    const forget = (): void => {
      if (this.connection === connection) this.connection = null;
    };
    connection.ready.catch(forget);
    client.on('close', forget);
    return connection.ready;
  }

  private connect(client: SshClient): Promise<SshClient> {
    const d = this.destination;
    return new Promise<SshClient>((resolve, reject) => {
      let hostKeyError: GoroscopeError | null = null;
      let isHandshakeDone = false;
      let isSettled = false;
      const attempt = new SshAuthAttempt(d, this.auth);
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
        fail(hostKeyError ?? connectError(d, this.connectTimeoutMs, error, isHandshakeDone, attempt));
      });
      client.once('ready', () => {
        if (isSettled) return;
        isSettled = true;
        resolve(client);
      });
      client.once('close', () => fail(new TargetUnreachableError('reset', `${this.via}: the SSH server ${serverAddress(d)} closed the connection before login completed`)));
      try {
        const policy = loadHostKeyPolicy(d, this.knownHostsPath);
        client.connect({
          host: d.host,
          port: d.port,
          username: d.user,
          readyTimeout: this.connectTimeoutMs,
          keepaliveInterval: KEEPALIVE_INTERVAL_MS,
          keepaliveCountMax: KEEPALIVE_COUNT_MAX,
          algorithms: { serverHostKey: policy.algorithms as never },
          hostVerifier: (key: Buffer): boolean => {
            hostKeyError = policy.check(key);
            return hostKeyError === null;
          },
          authHandler: attempt.handler as never,
        });
      } catch (error) {
        fail(error instanceof GoroscopeError ? error : new BugError(`${this.via}: ssh2 refused the connection settings: ${(error as Error).message}`, { cause: error }));
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
        if (this.connection?.client === client) this.connection = null;
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
