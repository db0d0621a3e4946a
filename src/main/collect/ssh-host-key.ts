import { HostKeyMismatchError } from '../../shared/errors.js';
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
import { MAX_KNOWN_HOSTS_BYTES, readSmallFileSync } from './read-small-file.js';

/** What one connection attempt checks the server's host key with. */
export interface HostKeyPolicy {
  /** Host key algorithms to offer, the types known_hosts records for the host first. */
  algorithms: string[];
  /** Null when the key is accepted; else the refusal, with fingerprints and what to do. */
  check(presented: Buffer): HostKeyMismatchError | null;
}

/** How ssh_config asks the host key to be checked (StrictHostKeyChecking, HostKeyAlias). */
export interface HostKeyOptions {
  /** Look the key up under this name instead of the host and port (`HostKeyAlias`). */
  hostKeyAlias?: string | null;
  /**
   * Accept a host known_hosts does not list (without writing it down): StrictHostKeyChecking `no` and
   * `accept-new`. A changed or revoked key is refused whatever this says.
   */
  acceptsUnknown?: boolean;
}

/**
 * Reads the known_hosts files now (each connection re-reads them, so a line added while recording takes
 * effect at the next reconnect); the first is where a missing host would be added. A file that cannot
 * be read (missing, not a regular file, over 4 MiB, no permission: one answer for all, see
 * read-small-file.ts) knows no host.
 */
export function loadHostKeyPolicy(d: SshDestination, knownHostsPath: string | readonly string[], options: HostKeyOptions = {}): HostKeyPolicy {
  const files = typeof knownHostsPath === 'string' ? [knownHostsPath] : knownHostsPath;
  const entries: KnownHostEntry[] = [];
  const fileOf = new Map<KnownHostEntry, string>();
  let isMissing = true;
  for (const file of files) {
    const bytes = readSmallFileSync(file, MAX_KNOWN_HOSTS_BYTES);
    if (bytes !== null) isMissing = false;
    const text = bytes === null ? '' : bytes.toString('utf8');
    for (const e of parseKnownHosts(text)) {
      entries.push(e);
      fileOf.set(e, file);
    }
  }
  const alias = options.hostKeyAlias?.toLowerCase() ?? null;
  const lookup = alias !== null ? { host: alias, port: 22 } : { host: d.host, port: d.port };
  const known = { files, isMissing, entries, fileOf: (e: KnownHostEntry) => fileOf.get(e) ?? files[0]! };
  return {
    algorithms: hostKeyAlgorithms(entries, lookup.host, lookup.port),
    check: (presented) => refusal(d, lookup, known, presented, options.acceptsUnknown === true),
  };
}

interface KnownHosts {
  files: readonly string[];
  isMissing: boolean;
  entries: KnownHostEntry[];
  fileOf(e: KnownHostEntry): string;
}

function refusal(d: SshDestination, lookup: { host: string; port: number }, known: KnownHosts, presented: Buffer, acceptsUnknown: boolean): HostKeyMismatchError | null {
  const { entries } = known;
  const file = known.files[0]!;
  const verdict = checkHostKey(entries, lookup.host, lookup.port, presented);
  const hop = `ssh ${describeDestination(d)}`;
  const name = lookupName(lookup.host, lookup.port);
  const fp = fingerprintOf(presented);
  const shown = `${keyTypeOf(presented)} key ${fp}`;
  switch (verdict.status) {
    case 'known':
      return null;
    case 'revoked':
      return new HostKeyMismatchError('revoked', fp, `${hop}: the server presented ${shown}, which ${known.fileOf(verdict.entry)} line ${verdict.entry.line} marks @revoked; refusing to connect`);
    case 'changed': {
      const byFile = new Map<string, string[]>();
      for (const e of verdict.expected) byFile.set(known.fileOf(e), [...(byFile.get(known.fileOf(e)) ?? []), `line ${e.line} expects ${e.keyType} key ${fingerprintOf(e.key)}`]);
      const expected = [...byFile].map(([f, lines]) => `${f} ${lines.join(', ')}`).join('; ');
      const where = known.fileOf(verdict.expected[0]!);
      return new HostKeyMismatchError(
        'changed',
        fp,
        `${hop}: the host key of ${name} has CHANGED: ${expected}, but the server presented ${shown}. ` +
          'Refusing to connect: someone may be intercepting the connection, or the server was reinstalled. ' +
          `If the new key is right, remove the old entry with \`ssh-keygen -R ${shellQuote(name)} -f ${shellQuote(where)}\` and add the new key`,
      );
    }
    case 'unknown': {
      if (acceptsUnknown) return null;
      const isHashed = entries.some((e) => e.hosts.startsWith('|1|'));
      const keyscan = `ssh-keyscan${isHashed ? ' -H' : ''}${d.port === 22 ? '' : ` -p ${d.port}`} -t ${keyscanType(keyTypeOf(presented))} ${shellQuote(d.host)} >> ${shellQuote(file)}`;
      const isAliased = lookup.host !== d.host || lookup.port !== d.port;
      return new HostKeyMismatchError(
        'unknown',
        fp,
        `${hop}: the host ${name} is not in ${known.files.join(' or ')}${known.isMissing ? (known.files.length > 1 ? ' (none of them exists or can be read)' : ' (the file does not exist or cannot be read)') : ''}; the server presented ${shown}. ` +
          `If that is the server's key (on the server: \`ssh-keygen -lf /etc/ssh/ssh_host_${keyscanType(keyTypeOf(presented))}_key.pub\`), add this line to ${file}:\n` +
          `  ${knownHostsLine(lookup.host, lookup.port, presented)}\n` +
          (isAliased ? `(HostKeyAlias ${lookup.host}: ssh-keyscan would print the line under ${lookupName(d.host, d.port)}, so write the alias in its place)` : `or run: ${keyscan}`),
      );
    }
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
