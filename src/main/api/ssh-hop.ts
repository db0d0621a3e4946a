import { homedir } from 'node:os';
import path from 'node:path';
import type { SshHop } from '../../shared/contract.js';
import { InvalidInputError } from '../../shared/errors.js';
import { DirectConnector, type Connector } from '../collect/connector.js';
import { sshConnectorFor } from '../collect/ssh-tunnel.js';
import { MAX_KEY_FILE_BYTES, readSmallFile, unusableFileMessage } from '../collect/read-small-file.js';

/**
 * `~/.ssh/id_ed25519` → `/home/me/.ssh/id_ed25519`; an absolute path stays as it is. A relative path
 * is refused: whoever types it in the UI cannot know the working folder of the Goroscope process.
 */
export function absoluteFile(file: string, field: string, home: string = homedir()): string {
  const expanded = file === '~' || file.startsWith('~/') ? path.join(home, file.slice(1)) : file;
  if (!path.isAbsolute(expanded)) {
    throw new InvalidInputError(`${field} "${file}" is a relative path; expected an absolute one or one under ~/, e.g. ~/.ssh/id_ed25519`);
  }
  return expanded;
}

/**
 * How the api reaches a target: straight, or through the SSH tunnel `hop` describes (built as
 * `goroscope record --ssh` builds it). Throws InvalidInputError, naming the `ssh.*` field, for a bad
 * destination, a relative path or an unusable key.
 */
export function connectorOf(hop: SshHop | null, requestTimeoutMs: number): Connector {
  if (hop === null) return new DirectConnector();
  return sshConnectorFor(absoluteHop(hop), requestTimeoutMs, 'ssh.destination', { configLabel: 'ssh.configFile' });
}

/**
 * Checks, off the event loop, that the key file a client named is a regular file of at most 64 KiB
 * (a client of `serve` names it: `/dev/zero` must not freeze the server), with one message for every
 * reason it cannot be used, so that a client learns nothing about other files (issue #11). Call it
 * before `connectorOf`, whose synchronous read is then of a small regular file.
 */
export async function checkHopKeyFile(hop: SshHop | null): Promise<void> {
  if (hop?.keyFile === undefined) return;
  const keyFile = absoluteFile(hop.keyFile, 'ssh.keyFile');
  if ((await readSmallFile(keyFile, MAX_KEY_FILE_BYTES)) === null) {
    throw new InvalidInputError(`ssh.keyFile: ${unusableFileMessage('the private key', keyFile, MAX_KEY_FILE_BYTES)}`);
  }
}

/** `hop` with its files made absolute (`~/` expanded); throws InvalidInputError for a relative one, naming its field. */
export function absoluteHop(hop: SshHop): SshHop {
  return {
    ...hop,
    ...(hop.keyFile !== undefined ? { keyFile: absoluteFile(hop.keyFile, 'ssh.keyFile') } : {}),
    ...(hop.knownHostsFile !== undefined ? { knownHostsFile: absoluteFile(hop.knownHostsFile, 'ssh.knownHostsFile') } : {}),
    ...(hop.configFile !== undefined ? { configFile: absoluteFile(hop.configFile, 'ssh.configFile') } : {}),
  };
}
