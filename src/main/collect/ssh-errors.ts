import { TargetUnreachableError, TimeoutError, type GoroscopeError } from '../../shared/errors.js';
import type { ConnectionEndpoint } from './connector.js';
import type { SshAuthAttempt } from './ssh-auth.js';
import { describeDestination, type SshDestination } from './ssh-destination.js';

/** ssh2 tags its errors with where they came from (`client-socket`, `client-timeout`, `client-authentication`…). */
export type Ssh2Error = Error & { level?: string; code?: unknown; reason?: unknown };

/** `127.0.0.1:2222`, `[::1]:22`: the SSH server's address in messages. */
export function serverAddress(d: SshDestination): string {
  return `${d.host.includes(':') ? `[${d.host}]` : d.host}:${d.port}`;
}

/**
 * An ssh2 error before login → the specific error naming the SSH hop: SshAuthError (refused login),
 * TimeoutError (no handshake, or no login, within `timeoutMs`), TargetUnreachableError (refused, DNS,
 * reset, network, protocol failure).
 */
export function connectError(d: SshDestination, timeoutMs: number, error: Ssh2Error, isHandshakeDone: boolean, attempt: SshAuthAttempt): GoroscopeError {
  const hop = `ssh ${describeDestination(d)}`;
  const server = serverAddress(d);
  const code = typeof error.code === 'string' ? error.code : '';
  if (error.level === 'client-authentication') return attempt.failure(error);
  if (error.level === 'client-timeout') {
    return new TimeoutError(
      isHandshakeDone
        ? `${hop}: connected to ${server}, but login did not complete within ${timeoutMs} ms`
        : `${hop}: no SSH handshake with ${server} within ${timeoutMs} ms; is the host reachable from here, and is that port an SSH server?`,
      { cause: error },
    );
  }
  if (code === 'ECONNREFUSED') return new TargetUnreachableError('refused', `${hop}: the SSH server ${server} refused the connection: is sshd running there, on this port?`, { cause: error });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    return new TargetUnreachableError('dns', `${hop}: cannot resolve the SSH host ${d.host} (${code})`, { cause: error });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /connection lost before handshake/i.test(error.message)) {
    return new TargetUnreachableError('reset', `${hop}: ${server} closed the connection before the SSH handshake; is that port an SSH server?`, { cause: error });
  }
  if (error.level === 'client-socket') return new TargetUnreachableError('network', `${hop}: cannot reach the SSH server ${server} (${code || error.message})`, { cause: error });
  // A disconnect during login (too many keys tried, a server-side limit) is a refused login too.
  if (isHandshakeDone && attempt.tried.length > 0) return attempt.failure(error);
  return new TargetUnreachableError('network', `${hop}: SSH handshake with ${server} failed: ${error.message}`, { cause: error });
}

/** Failures that mean the SSH connection itself is gone: worth one retry on a new connection. */
const goneErrors = new WeakSet<Error>();

export function isConnectionGone(error: unknown): boolean {
  return error instanceof Error && goneErrors.has(error);
}

/** The SSH connection closed under a request (ssh2 threw 'Not connected', or answered 'No response from server'). */
export function connectionGone(d: SshDestination, what: string, cause: unknown): TargetUnreachableError {
  const error = new TargetUnreachableError('reset', `ssh ${describeDestination(d)}: the SSH connection to ${serverAddress(d)} closed ${what}; the next request reconnects`, { cause });
  goneErrors.add(error);
  return error;
}

/**
 * A refused `direct-tcpip` channel. CONNECT_FAILED (the SSH server could not connect: reason 2) becomes
 * an errno error, which the fetcher words with the URL and `(through ssh …)`; a prohibited forward
 * (reason 1) is the server's policy, said as such.
 */
export function channelError(d: SshDestination, error: Ssh2Error, endpoint: ConnectionEndpoint): Error {
  const hop = `ssh ${describeDestination(d)}`;
  const target = `${endpoint.hostname}:${endpoint.port}`;
  if (error.reason === 1) {
    return new TargetUnreachableError(
      'refused',
      `${hop}: the SSH server refused to forward to ${target} (administratively prohibited); allow TCP forwarding for user ${d.user} in its sshd_config (AllowTcpForwarding, PermitOpen)`,
      { cause: error },
    );
  }
  if (error.reason === 2) {
    // OpenSSH sends strerror()/gai_strerror() text: "Connection refused", "Name or service not known".
    const m = error.message;
    const code = /refused/i.test(m) ? 'ECONNREFUSED' : /not known|resolve|nodename|name/i.test(m) ? 'ENOTFOUND' : /unreachable|no route/i.test(m) ? 'EHOSTUNREACH' : /timed out/i.test(m) ? 'ETIMEDOUT' : '';
    if (code !== '') return Object.assign(new Error(`${m} (as seen from the SSH server)`), { code, cause: error });
  }
  if (/no response from server|not connected/i.test(error.message)) return connectionGone(d, `while opening a tunnel to ${target}`, error);
  return new TargetUnreachableError('network', `${hop}: the SSH server could not open a tunnel to ${target}: ${error.message}`, { cause: error });
}

/**
 * The jump host `from` could not open the way to the next hop `to` (ProxyJump): named after the hop
 * that could not be reached, `ssh prod-api-3 via bastion: … connection refused`. A prohibited forward is
 * the jump host's policy (AllowTcpForwarding, PermitOpen), said as such.
 */
export function jumpError(from: SshDestination, to: SshDestination, error: Ssh2Error): GoroscopeError {
  const hop = `ssh ${describeDestination(to)}`;
  const target = serverAddress(to);
  const jumpHost = describeDestination(from);
  if (error.reason === 1) {
    return new TargetUnreachableError(
      'refused',
      `${hop}: the jump host ${jumpHost} refused to forward to ${target} (administratively prohibited); allow it in its sshd_config (AllowTcpForwarding, PermitOpen)`,
      { cause: error },
    );
  }
  if (/refused/i.test(error.message)) {
    return new TargetUnreachableError('refused', `${hop}: connection refused: the jump host ${jumpHost} could not connect to the SSH server ${target}: is sshd running there, on this port?`, { cause: error });
  }
  if (/not known|resolve|nodename|name/i.test(error.message)) {
    return new TargetUnreachableError('dns', `${hop}: the jump host ${jumpHost} cannot resolve ${to.host} (${error.message})`, { cause: error });
  }
  return new TargetUnreachableError('network', `${hop}: the jump host ${jumpHost} could not connect to ${target}: ${error.message}`, { cause: error });
}
