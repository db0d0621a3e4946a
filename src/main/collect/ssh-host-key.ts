import { readFileSync } from 'node:fs';
import { HostKeyMismatchError, InvalidInputError } from '../../shared/errors.js';
import {
  checkHostKey,
  fingerprintOf,
  hostKeyAlgorithms,
  keyscanType,
  keyTypeOf,
  knownHostsLine,
  lookupName,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';
import { describeDestination, type SshDestination } from './ssh-destination.js';

/** What one connection attempt checks the server's host key with. */
export interface HostKeyPolicy {
  /** Host key algorithms to offer, the types known_hosts records for the host first. */
  algorithms: string[];
  /** Null when the key is accepted; else the refusal, with fingerprints and what to do. */
  check(presented: Buffer): HostKeyMismatchError | null;
}

/**
 * Reads `knownHostsPath` now (each connection re-reads it, so a line added while recording takes effect
 * at the next reconnect). A missing file knows no host. Throws InvalidInputError when it cannot be read.
 */
export function loadHostKeyPolicy(d: SshDestination, knownHostsPath: string): HostKeyPolicy {
  let text = '';
  let isMissing = false;
  try {
    text = readFileSync(knownHostsPath, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new InvalidInputError(`ssh ${describeDestination(d)}: cannot read known_hosts file ${knownHostsPath}: ${(cause as Error).message}`, { cause });
    }
    isMissing = true;
  }
  const entries = parseKnownHosts(text);
  return {
    algorithms: hostKeyAlgorithms(entries, d.host, d.port),
    check: (presented) => refusal(d, knownHostsPath, isMissing, entries, presented),
  };
}

function refusal(d: SshDestination, file: string, isMissing: boolean, entries: KnownHostEntry[], presented: Buffer): HostKeyMismatchError | null {
  const verdict = checkHostKey(entries, d.host, d.port, presented);
  const hop = `ssh ${describeDestination(d)}`;
  const name = lookupName(d.host, d.port);
  const fp = fingerprintOf(presented);
  const shown = `${keyTypeOf(presented)} key ${fp}`;
  switch (verdict.status) {
    case 'known':
      return null;
    case 'revoked':
      return new HostKeyMismatchError('revoked', fp, `${hop}: the server presented ${shown}, which ${file} line ${verdict.entry.line} marks @revoked; refusing to connect`);
    case 'changed': {
      const expected = verdict.expected.map((e) => `line ${e.line} expects ${e.keyType} key ${fingerprintOf(e.key)}`).join(', ');
      return new HostKeyMismatchError(
        'changed',
        fp,
        `${hop}: the host key of ${name} has CHANGED: ${file} ${expected}, but the server presented ${shown}. ` +
          'Refusing to connect: someone may be intercepting the connection, or the server was reinstalled. ' +
          `If the new key is right, remove the old entry with \`ssh-keygen -R ${shellQuote(name)} -f ${shellQuote(file)}\` and add the new key`,
      );
    }
    case 'unknown': {
      const isHashed = entries.some((e) => e.hosts.startsWith('|1|'));
      const keyscan = `ssh-keyscan${isHashed ? ' -H' : ''}${d.port === 22 ? '' : ` -p ${d.port}`} -t ${keyscanType(keyTypeOf(presented))} ${shellQuote(d.host)} >> ${shellQuote(file)}`;
      return new HostKeyMismatchError(
        'unknown',
        fp,
        `${hop}: the host ${name} is not in ${file}${isMissing ? ' (the file does not exist)' : ''}; the server presented ${shown}. ` +
          `If that is the server's key (on the server: \`ssh-keygen -lf /etc/ssh/ssh_host_${keyscanType(keyTypeOf(presented))}_key.pub\`), add this line to ${file}:\n` +
          `  ${knownHostsLine(d.host, d.port, presented)}\n` +
          `or run: ${keyscan}`,
      );
    }
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
