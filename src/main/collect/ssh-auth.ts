import { existsSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { AuthenticationType, NextAuthHandler, ParsedKey } from 'ssh2';
import { InvalidInputError, SshAuthError } from '../../shared/errors.js';
import { fingerprintOf } from './known-hosts.js';
import { IdentitiesOnlyAgent, publicBlobsOf } from './ssh-agent-filter.js';
import { describeDestination, type SshDestination } from './ssh-destination.js';
import { MAX_KEY_FILE_BYTES, readSmallFileSync, unusableFileMessage } from './read-small-file.js';

// ssh2 is CommonJS: named ESM imports fail on Node 20.
const { utils } = ssh2;

export const PASSPHRASE_ENV = 'GOROSCOPE_SSH_PASSPHRASE';

/** One way to log in, in the order tried. */
export type SshAuthMethod =
  /** `key` is decrypted once, here: an encrypted OpenSSH key costs a bcrypt KDF run (~0.2 s) per decryption. */
  | { kind: 'key'; path: string; key: ParsedKey; keyType: string; fingerprint: string }
  /** `onlyKeys`: IdentitiesOnly, the agent keys that match an IdentityFile (public blobs). */
  | { kind: 'agent'; socket: string; onlyKeys?: readonly Buffer[] };

export interface SshAuthOptions {
  /** Private key file; when absent the agent at `agentSocket` is used. */
  privateKeyPath?: string;
  /** Passphrase of an encrypted key (else GOROSCOPE_SSH_PASSPHRASE). */
  passphrase?: string;
  /** ssh-agent socket (else SSH_AUTH_SOCK); used only when no key file is given. */
  agentSocket?: string;
  /** Passphrases by key path (asked for on a terminal by the CLI); before `passphrase` and the environment. */
  passphrases?: ReadonlyMap<string, string>;
  /**
   * From ssh_config (`ssh-config.ts`): key files tried after the agent (a missing one is skipped, as ssh
   * skips it), whether the agent is off (`IdentityAgent none`, `IdentitiesOnly yes`), and the
   * certificates that go with the keys (ssh2 cannot offer them; a refusal says so).
   */
  identities?: { paths: readonly string[]; isAgentOff: boolean; identitiesOnly?: boolean; certificates: readonly string[] };
}

/**
 * The methods to try: the key file (read and decrypted now, so a wrong path or passphrase fails at
 * once), else the ssh-agent. Throws InvalidInputError: missing or unreadable key, a public key given as
 * the private one, a missing or wrong passphrase, or no key and no agent.
 */
export function planSshAuth(d: SshDestination, o: SshAuthOptions, env: NodeJS.ProcessEnv): SshAuthMethod[] {
  const hop = `ssh ${describeDestination(d)}`;
  const passphraseOf = (path: string): string | undefined => o.passphrases?.get(path) ?? o.passphrase ?? nonEmpty(env[PASSPHRASE_ENV]);
  if (o.privateKeyPath !== undefined) return [loadKey(hop, o.privateKeyPath, passphraseOf(o.privateKeyPath))];
  const socket = o.identities?.isAgentOff === true ? undefined : (o.agentSocket ?? nonEmpty(env['SSH_AUTH_SOCK']));
  // ssh's order: the agent's keys, then the key files. IdentitiesOnly: only agent keys that match a key file.
  const onlyKeys = o.identities?.identitiesOnly === true ? publicBlobsOf(o.identities.paths) : undefined;
  const methods: SshAuthMethod[] = socket === undefined || onlyKeys?.length === 0 ? [] : [{ kind: 'agent', socket, ...(onlyKeys !== undefined ? { onlyKeys } : {}) }];
  for (const path of o.identities?.paths ?? []) {
    if (!existsSync(path)) continue;
    // An encrypted key nobody gave a passphrase for waits behind the agent, as ssh would only prompt
    // for it after the agent's keys; without an agent it is the refusal to explain.
    if (socket !== undefined && passphraseOf(path) === undefined && isEncryptedKey(path)) continue;
    methods.push(loadKey(hop, path, passphraseOf(path)));
  }
  if (methods.length > 0) return methods;
  const looked = o.identities !== undefined ? `; no key file of the ssh config exists (${o.identities.paths.join(', ')})` : '';
  throw new InvalidInputError(`${hop}: no way to log in: give the private key with --ssh-key FILE, or start an ssh-agent with the key loaded (SSH_AUTH_SOCK is not set)${looked}`);
}

/**
 * Whether the private key at `path` needs a passphrase (the CLI asks for one on its terminal; the app
 * shows a passphrase field). False for a file ssh2 cannot read at all: loading it says why.
 */
export function isEncryptedKey(path: string): boolean {
  // A file that cannot be used: loadKey reports it.
  const data = readSmallFileSync(path, MAX_KEY_FILE_BYTES);
  if (data === null) return false;
  const parsed = utils.parseKey(data);
  return parsed instanceof Error && /encrypted/i.test(parsed.message) && /no passphrase/i.test(parsed.message);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function loadKey(hop: string, path: string, passphrase: string | undefined): SshAuthMethod {
  // A regular file of a few KB, or one message whatever the reason (read-small-file.ts): a client of
  // serve may name the path, and must learn nothing about other files (issue #11).
  const data = readSmallFileSync(path, MAX_KEY_FILE_BYTES);
  if (data === null) throw new InvalidInputError(`${hop}: ${unusableFileMessage('the private key', path, MAX_KEY_FILE_BYTES)}`);
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    const isEncrypted = /encrypted/i.test(parsed.message) && /no passphrase/i.test(parsed.message);
    const isBadPassphrase = /passphrase/i.test(parsed.message) && !isEncrypted;
    const why = isEncrypted
      ? `it is encrypted and no passphrase was given: set ${PASSPHRASE_ENV}`
      : isBadPassphrase
        ? `the passphrase (from ${PASSPHRASE_ENV} or the passphrase option) does not decrypt it`
        : `not a private key ssh2 can read (${parsed.message}); OpenSSH, PEM (RSA/ECDSA) and PuTTY keys work`;
    throw new InvalidInputError(`${hop}: cannot use the private key ${path}: ${why}`, { cause: parsed });
  }
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  if (!key.isPrivateKey()) throw new InvalidInputError(`${hop}: ${path} is a public key; give the private key file (the one without .pub)`);
  return { kind: 'key', path, key, keyType: key.type, fingerprint: fingerprintOf(key.getPublicSSH()) };
}

/** `publickey with /home/me/.ssh/id_ed25519 (ssh-ed25519 SHA256:…)`, `publickey with the keys of ssh-agent at /tmp/…`. */
export function describeMethod(m: SshAuthMethod): string {
  if (m.kind === 'key') return `publickey with ${m.path} (${m.keyType} ${m.fingerprint})`;
  return `publickey with the keys of ssh-agent at ${m.socket}${m.onlyKeys !== undefined ? ' that match the IdentityFiles (IdentitiesOnly)' : ''}`;
}

/**
 * Runs `methods` one after the other through ssh2's authHandler, remembering what was tried and what
 * the server said it accepts, so that a refusal can say both.
 */
export class SshAuthAttempt {
  readonly tried: SshAuthMethod[] = [];
  /** Methods the server listed as able to continue after the last refusal; null before any refusal. */
  serverMethods: AuthenticationType[] | null = null;
  /** An ssh-agent failure (socket gone, signing refused); ssh2 reports it and moves on. */
  agentError: Error | null = null;

  constructor(
    private readonly d: SshDestination,
    private readonly methods: readonly SshAuthMethod[],
    /** OpenSSH certificates next to the keys (`id_ed25519-cert.pub`, CertificateFile): named in a refusal. */
    private readonly certificates: readonly string[] = [],
    /** Encrypted key files left out for want of a passphrase (the agent was tried instead): named in a refusal. */
    private readonly skippedKeys: readonly string[] = [],
  ) {}

  private hasAskedNone = false;

  // ssh2 calls with null before the first attempt (its types say otherwise), and after an agent's keys
  // were all refused with the list from before: asking with `none` first (as OpenSSH does) gets the
  // server's list of methods however the later attempts go.
  readonly handler = (methodsLeft: AuthenticationType[] | null, _partialSuccess: boolean | null, next: NextAuthHandler): void => {
    if (methodsLeft !== null) this.serverMethods = methodsLeft;
    if (!this.hasAskedNone) {
      this.hasAskedNone = true;
      next({ type: 'none', username: this.d.user });
      return;
    }
    const m = this.methods[this.tried.length];
    if (m === undefined || (this.serverMethods !== null && !this.serverMethods.includes('publickey'))) {
      next(false as never);
      return;
    }
    this.tried.push(m);
    const username = this.d.user;
    const agent = m.kind === 'agent' && m.onlyKeys !== undefined ? new IdentitiesOnlyAgent(m.socket, m.onlyKeys) : m.kind === 'agent' ? m.socket : null;
    next(m.kind === 'key' ? { type: 'publickey', username, key: m.key } : { type: 'agent', username, agent: agent! });
  };

  /** The refusal: which user, which host, what was tried, what the server accepts, what to check. */
  failure(cause: Error): SshAuthError {
    const { user, host } = this.d;
    const tried = this.tried.length > 0 ? this.tried.map(describeMethod).join(', then ') : 'nothing (no method the server accepts)';
    const accepts = this.serverMethods !== null ? `; the server accepts: ${this.serverMethods.join(', ') || 'nothing'}` : '';
    const agent = this.agentError !== null ? `; the ssh-agent failed: ${this.agentError.message}` : '';
    const hint = this.tried.some((m) => m.kind === 'agent')
      ? `check that the agent holds the right key (ssh-add -l) and that its public half is in ~${user}/.ssh/authorized_keys on ${host}`
      : `check that the key's public half is in ~${user}/.ssh/authorized_keys on ${host}, or give the right key with --ssh-key`;
    const certs =
      this.certificates.length > 0
        ? `; the OpenSSH certificate ${this.certificates.join(', ')} was not offered: ssh2 (the SSH library Goroscope uses) cannot log in with user certificates, so the key's public half must be in authorized_keys itself`
        : '';
    const skipped =
      this.skippedKeys.length > 0 ? `; not tried: ${this.skippedKeys.join(', ')} (encrypted, and no passphrase given: run on a terminal to be asked, or set ${PASSPHRASE_ENV})` : '';
    return new SshAuthError(`ssh ${describeDestination(this.d)}: the server refused to log in user ${user}; tried ${tried}${accepts}${agent}${skipped}${certs}; ${hint}`, { cause });
  }
}
