import type { SshHop } from '../../shared/contract.js';
import type { SshConnector } from '../collect/ssh-connector.js';
import { summariseSshRoute } from '../collect/ssh-route-summary.js';
import { sshConnectorFor } from '../collect/ssh-tunnel.js';

export type { Connector } from '../collect/connector.js';
export type { SshConnector } from '../collect/ssh-connector.js';

/**
 * How the record use case reaches a service through an SSH hop, for the CLI's `--ssh` (the api builds
 * its tunnels the same way, `api/ssh-hop.ts`): one tunnel per recording, disposed with it.
 */

/** The tunnel for `hop` (built as the api builds one); `option` names the flag in messages. Throws InvalidInputError. */
export function tunnelFor(hop: SshHop, requestTimeoutMs: number, option: string, passphrases?: ReadonlyMap<string, string>): SshConnector {
  return sshConnectorFor(hop, requestTimeoutMs, option, passphrases !== undefined ? { passphrases } : {});
}

/** The encrypted key files the hop's route needs a passphrase for (read from the ssh config; connects nowhere). */
export function encryptedKeysOf(hop: SshHop, option: string, env: NodeJS.ProcessEnv): readonly string[] {
  return summariseSshRoute(hop, option, { env }).encryptedKeys;
}
