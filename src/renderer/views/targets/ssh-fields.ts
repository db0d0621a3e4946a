import type { RequestOutput, SshHop } from '../../../shared/contract.js';

/** What the "through SSH" fields of the target form hold, as typed. */
export interface SshFields {
  destination: string;
  keyFile: string;
  knownHostsFile: string;
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
  return { destination, ...(keyFile !== '' ? { keyFile } : {}), ...(knownHostsFile !== '' ? { knownHostsFile } : {}) };
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
