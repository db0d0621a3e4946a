import type { RequestInput, RequestOutput, SshHop, SshRouteSummary } from '../../../shared/contract.js';

/** What the "through SSH" fields of the target form hold, as typed. */
export interface SshFields {
  destination: string;
  keyFile: string;
  knownHostsFile: string;
  /** ssh config file (empty: `~/.ssh/config` and `/etc/ssh/ssh_config` of the machine Goroscope runs on). */
  configFile?: string;
  /** For an encrypted key; sent with the request only, kept in the form's state only. */
  passphrase?: string;
}

export const EMPTY_SSH_FIELDS: SshFields = { destination: '', keyFile: '', knownHostsFile: '' };

export type KnownTarget = RequestOutput<'target.list'>[number];

/**
 * The `ssh` of `target.test` / `recording.start`: undefined (a direct connection) while no destination
 * is given; empty file fields are left out, so the defaults of the machine Goroscope runs on apply
 * (its ssh-agent, `~/.ssh/known_hosts`). Fields are trimmed.
 * `{ destination: ' ops@bastion ', keyFile: '', knownHostsFile: '' }` → `{ destination: 'ops@bastion' }`.
 */
export function sshHopOf(fields: SshFields): SshHop | undefined {
  const destination = fields.destination.trim();
  if (destination === '') return undefined;
  const keyFile = fields.keyFile.trim();
  const knownHostsFile = fields.knownHostsFile.trim();
  const configFile = (fields.configFile ?? '').trim();
  const passphrase = fields.passphrase ?? '';
  return {
    destination,
    ...(keyFile !== '' ? { keyFile } : {}),
    ...(knownHostsFile !== '' ? { knownHostsFile } : {}),
    ...(configFile !== '' ? { configFile } : {}),
    ...(passphrase !== '' ? { passphrase } : {}),
  };
}

/** The `ssh.resolve` request for a hop: everything but the passphrase, which resolving does not need. */
export function resolveRequestOf(hop: SshHop): RequestInput<'ssh.resolve'> {
  const { passphrase: _unused, ...rest } = hop;
  return rest;
}

/**
 * One line per hop of a resolved route, jump hosts first, as shown under the destination field:
 * `bastion → ops@127.0.0.1:2201 · key ~/.ssh/bastion · known_hosts ~/.ssh/known_hosts`,
 * `prod-api-3 via bastion → deploy@10.0.0.3:2222 · ssh-agent · host key as prod-api-3 · unknown hosts accepted`.
 */
export function routeLines(summary: SshRouteSummary): string[] {
  return summary.hops.map((h) => {
    const address = `${h.user}@${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
    const login = [...(h.agent !== null ? ['ssh-agent'] : []), ...h.keys.map((k) => `key ${k}`)].join(', ') || 'no key found';
    const parts = [`${h.name} → ${address}`, login, `known_hosts ${h.knownHostsFiles.join(' ')}`];
    if (h.hostKeyAlias !== null) parts.push(`host key as ${h.hostKeyAlias}`);
    if (h.strictHostKeyChecking === 'no' || h.strictHostKeyChecking === 'accept-new') parts.push('unknown host keys accepted, changed ones refused');
    if (h.certificates.length > 0) parts.push(`certificate ${h.certificates.join(', ')} not usable (ssh2)`);
    return parts.join(' · ');
  });
}

/**
 * The form filled from a past target: its URL, and its SSH destination (the history keeps no key or
 * known_hosts file: those typed so far stay; a direct target clears the SSH fields).
 */
export function fieldsFromTarget(target: KnownTarget, current: SshFields): { url: string; ssh: SshFields } {
  if (target.ssh === null) return { url: target.url, ssh: EMPTY_SSH_FIELDS };
  return { url: target.url, ssh: { ...current, destination: target.ssh.destination } };
}

/** `http://127.0.0.1:6060`, or `http://127.0.0.1:6060 via ssh deploy@bastion:2222`: a past target in a list. */
export function targetLabel(target: KnownTarget): string {
  return target.ssh === null ? target.url : `${target.url} via ssh ${target.ssh.destination}`;
}
