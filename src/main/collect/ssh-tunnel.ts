import { existsSync } from 'node:fs';
import type { SshHop } from '../../shared/contract.js';
import { sshConfigSource, type SshHostConfig } from './ssh-config.js';
import { DEFAULT_SSH_CONNECT_TIMEOUT_MS, SshConnector, type SshHopOptions } from './ssh-connector.js';
import { resolveSshRoute, type SshRouteHop } from './ssh-route.js';

/** What the caller knows besides the hop itself. */
export interface SshTunnelExtras {
  /** Passphrases by key path, asked for by the CLI on its terminal (never stored). */
  passphrases?: ReadonlyMap<string, string>;
  /** Where SSH_AUTH_SOCK, GOROSCOPE_SSH_PASSPHRASE and IdentityAgent's variables are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Names the config file field in messages (`--ssh-config`, `ssh.configFile`). */
  configLabel?: string;
}

/**
 * The SSH servers `hop` goes through, as ssh_config resolves them (`hop.configFile`, else
 * `~/.ssh/config` and `/etc/ssh/ssh_config`): jump hosts first, the destination last.
 */
export function sshRouteFor(hop: SshHop, destinationLabel = '--ssh', extras: SshTunnelExtras = {}): SshRouteHop[] {
  return resolveSshRoute(hop.destination, sshConfigSource(hop.configFile, extras.env ?? process.env, extras.configLabel ?? '--ssh-config'), destinationLabel);
}

/**
 * The tunnel to a target through `hop`, as `goroscope record --ssh` and the api's `ssh` field ask for
 * it: the destination may be a Host alias of the ssh config, with its ProxyJump chain, keys, agent,
 * known_hosts files and host key settings. A destination without a user logs in as the config's User,
 * else the user running Goroscope. The login gets two thirds of the request time limit (at most 10 s;
 * ConnectTimeout when the config sets one), so that an SSH server that does not answer is reported as
 * such rather than as a slow service. `hop.keyFile` (`--ssh-key`) is the destination's only key;
 * `hop.knownHostsFile` (`--known-hosts`) replaces UserKnownHostsFile on every hop. `destinationLabel`
 * names the field in messages (`--ssh`, `ssh.destination`). Throws InvalidInputError for a bad
 * destination or config, or an unusable key (read now); the connections open with the first request.
 */
export function sshConnectorFor(hop: SshHop, requestTimeoutMs: number, destinationLabel = '--ssh', extras: SshTunnelExtras = {}): SshConnector {
  const route = sshRouteFor(hop, destinationLabel, extras);
  const timeoutMs = Math.min(DEFAULT_SSH_CONNECT_TIMEOUT_MS, Math.round((requestTimeoutMs * 2) / 3));
  const options = route.map((h, i) => hopOptions(h, i === route.length - 1, hop, timeoutMs, extras));
  const last = options.pop()!;
  return new SshConnector({ ...last, jumps: options, ...(extras.env !== undefined ? { env: extras.env } : {}) });
}

function hopOptions(h: SshRouteHop, isDestination: boolean, hop: SshHop, timeoutMs: number, extras: SshTunnelExtras): SshHopOptions {
  const c = h.config;
  const agent = c.identityAgent;
  return {
    destination: h.destination,
    ...(isDestination && hop.keyFile !== undefined ? { privateKeyPath: hop.keyFile } : {}),
    ...(hop.passphrase !== undefined ? { passphrase: hop.passphrase } : {}),
    ...(extras.passphrases !== undefined ? { passphrases: extras.passphrases } : {}),
    ...(agent !== null && agent !== 'none' && agent !== 'SSH_AUTH_SOCK' ? { agentSocket: agent } : {}),
    identities: { paths: c.identityPaths, isAgentOff: agent === 'none', identitiesOnly: c.identitiesOnly, certificates: certificatesOf(c) },
    knownHostsPath: hop.knownHostsFile ?? c.userKnownHostsFiles,
    hostKey: { hostKeyAlias: c.hostKeyAlias, acceptsUnknown: c.strictHostKeyChecking === 'no' || c.strictHostKeyChecking === 'accept-new' },
    connectTimeoutMs: c.connectTimeoutS !== null ? c.connectTimeoutS * 1000 : timeoutMs,
    ...(c.serverAliveIntervalS > 0 ? { keepaliveIntervalMs: c.serverAliveIntervalS * 1000 } : {}),
  };
}

/** CertificateFile lines, and the `-cert.pub` files ssh would pick up next to each existing key. */
export function certificatesOf(c: SshHostConfig): string[] {
  const beside = c.identityPaths.filter((p) => existsSync(p)).map((p) => `${p}-cert.pub`).filter((p) => existsSync(p));
  return [...new Set([...c.certificateFiles.filter((p) => existsSync(p)), ...beside])];
}
