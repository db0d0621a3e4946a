import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OpenSSH known_hosts, read the way `ssh` reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): pure
 * functions over the file's text, so the connector decides when to read the file.
 */

/** One key line: `[marker] hosts keytype base64-key [comment]`. */
export interface KnownHostEntry {
  /** 1-based line number in the file, for messages. */
  line: number;
  marker: '@revoked' | '@cert-authority' | null;
  /** The host field as written: `bastion,10.0.0.5`, `[bastion]:2222`, `|1|salt|hash`, `*.example.com`. */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  /** No entry for this host at all. */
  | { status: 'unknown' }
  /** Entries for this host, none with the presented key: `expected` are those entries. */
  | { status: 'changed'; expected: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry };

/** Key lines of a known_hosts file; comments, blank lines and lines that are not key lines are skipped (as ssh does). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields[0] : null;
    if (marker !== null) fields.shift();
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return;
    const key = Buffer.from(base64, 'base64');
    if (keyTypeOf(key) !== keyType) return;
    entries.push({ line: i + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/**
 * The name ssh looks a host up by: the host alone on port 22, else `[host]:port`; lower case.
 * `lookupName('Bastion', 22)` → `bastion`; `lookupName('127.0.0.1', 2222)` → `[127.0.0.1]:2222`.
 */
export function lookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/**
 * Whether a host field names `name` (a {@link lookupName}): a hashed `|1|base64-salt|base64-hmac-sha1`
 * entry, or a comma list of patterns with `*` and `?` wildcards where any matching `!pattern` vetoes.
 */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (salt === undefined || hash === undefined) return false;
    const want = Buffer.from(hash, 'base64');
    const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  let isMatch = false;
  for (const pattern of hosts.split(',')) {
    const isNegated = pattern.startsWith('!');
    if (!globMatches(isNegated ? pattern.slice(1) : pattern, name)) continue;
    if (isNegated) return false;
    isMatch = true;
  }
  return isMatch;
}

function globMatches(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** Checks the key a server presented against the entries for `host:port`. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, presented: Buffer): HostKeyVerdict {
  const name = lookupName(host, port);
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(presented));
  if (revoked) return { status: 'revoked', entry: revoked };
  // Host certificates are not supported: @cert-authority lines neither accept nor refuse a plain key.
  const forHost = entries.filter((e) => e.marker === null && hostFieldMatches(e.hosts, name));
  const known = forHost.find((e) => e.key.equals(presented));
  if (known) return { status: 'known', entry: known };
  return forHost.length === 0 ? { status: 'unknown' } : { status: 'changed', expected: forHost };
}

// ssh2's default host key algorithms, in its order (ssh2 lib/protocol/constants.js DEFAULT_SERVER_HOST_KEY).
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Host key algorithms to offer, those of the key types known_hosts has for this host first. A server
 * with several host keys then presents the one known_hosts records, as OpenSSH's client arranges, instead
 * of a different type that would look like a changed key.
 */
export function hostKeyAlgorithms(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = lookupName(host, port);
  const all = Object.values(HOST_KEY_ALGORITHMS).flat();
  const knownTypes = new Set(entries.filter((e) => e.marker === null && hostFieldMatches(e.hosts, name)).map((e) => e.keyType));
  const first = Object.entries(HOST_KEY_ALGORITHMS).filter(([type]) => knownTypes.has(type)).flatMap(([, algos]) => algos);
  return [...first, ...all.filter((a) => !first.includes(a))];
}

/** `SHA256:` + unpadded base64 of the key blob's SHA-256: what `ssh-keygen -lf` and `ssh` print. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type an SSH public key blob starts with (`ssh-ed25519`); '' when the blob is too short. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const n = keyBlob.readUInt32BE(0);
  return keyBlob.length < 4 + n ? '' : keyBlob.subarray(4, 4 + n).toString('latin1');
}

/** The known_hosts line that accepts this key for `host:port`: `[127.0.0.1]:2222 ssh-ed25519 AAAA…`. */
export function knownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  return `${lookupName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

/** `ssh-keyscan -t` name of a key type: ed25519, ecdsa, rsa, dsa. */
export function keyscanType(keyType: string): string {
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  return keyType.replace(/^ssh-/, '').replace(/^dss$/, 'dsa');
}
