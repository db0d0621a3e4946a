import { userInfo } from 'node:os';
import type { SshHop } from '../../shared/contract.js';
import { DEFAULT_SSH_CONNECT_TIMEOUT_MS, SshConnector } from './ssh-connector.js';
import { parseSshDestination } from './ssh-destination.js';

/**
 * The tunnel to a target through `hop`, as `goroscope record --ssh` and the api's `ssh` field ask for
 * it. A destination without a user logs in as the user running Goroscope. The login gets two thirds of
 * the request time limit (at most 10 s), so that an SSH server that does not answer is reported as
 * such rather than as a slow service. `destinationLabel` names the field in messages (`--ssh`,
 * `ssh.destination`). Throws InvalidInputError for a bad destination or an unusable key (read now);
 * the connection itself is opened by the first request.
 */
export function sshConnectorFor(hop: SshHop, requestTimeoutMs: number, destinationLabel = '--ssh'): SshConnector {
  return new SshConnector({
    destination: parseSshDestination(hop.destination, userInfo().username, destinationLabel),
    ...(hop.keyFile !== undefined ? { privateKeyPath: hop.keyFile } : {}),
    ...(hop.knownHostsFile !== undefined ? { knownHostsPath: hop.knownHostsFile } : {}),
    connectTimeoutMs: Math.min(DEFAULT_SSH_CONNECT_TIMEOUT_MS, Math.round((requestTimeoutMs * 2) / 3)),
  });
}
