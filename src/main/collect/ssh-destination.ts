import { InvalidInputError } from '../../shared/errors.js';

/** The SSH server a tunnel goes through, and who logs in. */
export interface SshDestination {
  user: string;
  /** As given (a name or an address), without IPv6 brackets. */
  host: string;
  port: number;
  /**
   * How messages name the hop when `user@host:port` would not say what the user typed: a config alias
   * (`bastion`), a hop behind jump hosts (`prod-api-3 via bastion`).
   */
  label?: string;
}

/**
 * Reads `--ssh`: `user@host`, `user@host:2222`, `user@[::1]:2222`, `ssh://user@host:2222`; without a
 * user, `defaultUser` logs in (as with `ssh host`). Throws InvalidInputError naming the input, and the
 * field it came from (`label`: `--ssh` on the command line, `ssh.destination` in the contract).
 * `parseSshDestination('ops@bastion:2222', 'me')` → `{ user: 'ops', host: 'bastion', port: 2222 }`.
 */
export function parseSshDestination(text: string, defaultUser: string, label = '--ssh'): SshDestination {
  const m = /^(?:ssh:\/\/)?(?:([^@\s/]+)@)?(\[[0-9a-fA-F:.%]+\]|[^@\s:/[\]]+)(?::(\d+))?\/?$/.exec(text.trim());
  if (!m) throw new InvalidInputError(`${label} "${text}" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22`);
  const port = m[3] !== undefined ? Number(m[3]) : 22;
  if (!(port >= 1 && port <= 65_535)) throw new InvalidInputError(`${label} "${text}": port ${m[3]} is out of range; expected 1-65535`);
  return { user: m[1] ?? defaultUser, host: m[2]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** `root@bastion` on port 22, else `root@bastion:2222` (`root@[::1]:2222`): how messages name the hop. */
export function describeDestination(d: SshDestination): string {
  if (d.label !== undefined) return d.label;
  if (d.port === 22) return `${d.user}@${d.host}`;
  return `${d.user}@${d.host.includes(':') ? `[${d.host}]` : d.host}:${d.port}`;
}

/**
 * How a tunnelled target is stored in the history (the targets table keys sessions by this text):
 * `ssh://root@bastion:22/http://127.0.0.1:6060`. The URL after the hop is the service's address as the
 * SSH server sees it.
 */
export function tunnelledTarget(d: SshDestination, baseUrl: string): string {
  if (d.label !== undefined) return `ssh://${d.label.split(' via ')[0]}/${baseUrl}`;
  return `ssh://${d.user}@${d.host.includes(':') ? `[${d.host}]` : d.host}:${d.port}/${baseUrl}`;
}

/**
 * The inverse of `tunnelledTarget`: `ssh://root@bastion:22/http://127.0.0.1:6060` → the hop and the
 * service URL; null for a target stored without a hop (`http://127.0.0.1:6060`).
 */
export function parseTunnelledTarget(stored: string): { destination: SshDestination; url: string } | null {
  // A target reached through an ssh config alias keeps the alias (`ssh://prod-api-3/http://…`): the
  // config says the rest, jump hosts included, when it is recorded again.
  const alias = /^ssh:\/\/([^@\s/:[\]]+|[^@\s/]+@[^@\s/]+)\/(https?:\/\/.+)$/.exec(stored);
  if (alias && !/:\d+$/.test(alias[1]!)) return { destination: { user: '', host: alias[1]!, port: 22, label: alias[1]! }, url: alias[2]! };
  const m = /^ssh:\/\/([^@\s/]+)@(\[[0-9a-fA-F:.%]+\]|[^@\s:/[\]]+):(\d+)\/(https?:\/\/.+)$/.exec(stored);
  if (!m) return null;
  return { destination: { user: m[1]!, host: m[2]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[3]) }, url: m[4]! };
}
