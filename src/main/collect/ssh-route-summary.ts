import { existsSync } from 'node:fs';
import type { SshHop, SshRouteSummary } from '../../shared/contract.js';
import { isEncryptedKey, PASSPHRASE_ENV } from './ssh-auth.js';
import { describeDestination } from './ssh-destination.js';
import { certificatesOf, sshRouteFor, type SshTunnelExtras } from './ssh-tunnel.js';

/**
 * What `hop` resolves to before anything connects (`ssh.resolve`, shown under the destination field):
 * each hop's name, user, host, port, the keys and agent it would log in with, its known_hosts files and
 * host key settings; and the encrypted keys nobody gave a passphrase for — those of hops without an
 * agent (with one, ssh too would only ask after the agent's keys). Throws InvalidInputError as
 * `sshConnectorFor` does for a bad destination or config; reads no key beyond telling an encrypted one.
 */
export function summariseSshRoute(hop: SshHop, destinationLabel: string, extras: SshTunnelExtras = {}): SshRouteSummary {
  const env = extras.env ?? process.env;
  const route = sshRouteFor(hop, destinationLabel, extras);
  const hasPassphrase = hop.passphrase !== undefined || (env[PASSPHRASE_ENV] ?? '') !== '';
  const encrypted = new Set<string>();
  const hops = route.map((h, i) => {
    const c = h.config;
    const isDestination = i === route.length - 1;
    const isAgentOff = c.identityAgent === 'none';
    const agent = isAgentOff ? null : c.identityAgent !== null && c.identityAgent !== 'SSH_AUTH_SOCK' ? c.identityAgent : nonEmpty(env['SSH_AUTH_SOCK']);
    const keys = isDestination && hop.keyFile !== undefined ? [hop.keyFile] : c.identityPaths.filter((p) => existsSync(p));
    if (!hasPassphrase && (agent === null || (isDestination && hop.keyFile !== undefined))) {
      for (const k of keys) if (extras.passphrases?.get(k) === undefined && isEncryptedKey(k)) encrypted.add(k);
    }
    return {
      name: describeDestination(h.destination),
      user: h.destination.user,
      host: h.destination.host,
      port: h.destination.port,
      keys,
      agent,
      certificates: certificatesOf(c),
      knownHostsFiles: hop.knownHostsFile !== undefined ? [hop.knownHostsFile] : c.userKnownHostsFiles,
      strictHostKeyChecking: c.strictHostKeyChecking,
      hostKeyAlias: c.hostKeyAlias,
    };
  });
  return { hops, encryptedKeys: [...encrypted] };
}

function nonEmpty(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : v;
}
