import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.js';
import {
  checkHostKey,
  fingerprintOf,
  hostFieldMatches,
  hostKeyAlgorithms,
  keyscanType,
  keyTypeOf,
  knownHostsLine,
  lookupName,
  parseKnownHosts,
} from '../../src/main/collect/known-hosts.js';
import { describeDestination, parseSshDestination, tunnelledTarget } from '../../src/main/collect/ssh-destination.js';
import { generateKey, sshKeygenFingerprint, type GeneratedKey } from '../helpers/sshd.js';
import { tempDir } from '../store/temp-db.js';

// Keys and hashed entries come from OpenSSH's own ssh-keygen, so the parser is checked against what ssh
// writes, not against our idea of it.
let dir: ReturnType<typeof tempDir>;
let a: GeneratedKey;
let b: GeneratedKey;

beforeAll(() => {
  dir = tempDir('goroscope-known-hosts-');
  a = generateKey(dir.dir, 'a');
  b = generateKey(dir.dir, 'b');
}, 20_000);

afterAll(() => dir?.remove());

const keyPart = (k: GeneratedKey): string => k.publicLine.split(' ').slice(0, 2).join(' ');

/** Writes `lines` to a file and lets `ssh-keygen -H` hash every host name in it, as HashKnownHosts does. */
function hashedWithSshKeygen(name: string, lines: string[]): string {
  const file = dir.file(name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'pipe', timeout: 10_000 });
  return readFileSync(file, 'utf8');
}

describe('known_hosts lines', () => {
  it('parses key lines and skips comments, blanks, bad base64 and a type that does not match the blob', () => {
    const text = [
      '# a comment',
      '',
      `bastion,10.0.0.5 ${keyPart(a)} ops@laptop`,
      `@revoked * ${keyPart(b)}`,
      `   [db.internal]:2222   ${keyPart(b)}\r`,
      'broken ssh-ed25519 !!!not-base64!!!',
      `liar ssh-rsa ${keyPart(a).split(' ')[1]}`,
      `@cert-authority *.example.com ${keyPart(a)}`,
      'onlyhost',
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, null, 'bastion,10.0.0.5', 'ssh-ed25519'],
      [4, '@revoked', '*', 'ssh-ed25519'],
      [5, null, '[db.internal]:2222', 'ssh-ed25519'],
      [8, '@cert-authority', '*.example.com', 'ssh-ed25519'],
    ]);
    expect(entries[0]!.key.equals(a.blob)).toBe(true);
  });

  it.each([
    ['bastion', 22, 'bastion'],
    ['Bastion.Example.COM', 22, 'bastion.example.com'],
    ['127.0.0.1', 2222, '[127.0.0.1]:2222'],
    ['::1', 22, '::1'],
    ['::1', 2222, '[::1]:2222'],
  ])('looks %s port %i up as %s', (host, port, want) => {
    expect(lookupName(host, port)).toBe(want);
  });

  it.each([
    ['bastion', 'bastion', true],
    ['bastion', 'bastion2', false],
    ['BASTION', 'bastion', true],
    ['web,bastion,10.0.0.5', 'bastion', true],
    ['web,10.0.0.5', 'bastion', false],
    ['[bastion]:2222', '[bastion]:2222', true],
    ['[bastion]:2222', 'bastion', false],
    ['bastion', '[bastion]:2222', false],
    ['*.example.com', 'db.example.com', true],
    ['*.example.com', 'example.com', false],
    ['db?.example.com', 'db1.example.com', true],
    ['[10.0.0.?]:22?2', '[10.0.0.7]:2222', true],
    ['!db.example.com,*.example.com', 'db.example.com', false],
    ['!db.example.com,*.example.com', 'web.example.com', true],
    ['!db.example.com', 'web.example.com', false],
    ['a.b', 'aXb', false],
  ])('host field %s names %s: %s', (hosts, name, want) => {
    expect(hostFieldMatches(hosts, name)).toBe(want);
  });

  it('matches hashed entries written by ssh-keygen -H (HMAC-SHA1 of the lookup name)', () => {
    const text = hashedWithSshKeygen('hashed', [`bastion ${keyPart(a)}`, `[127.0.0.1]:2222 ${keyPart(b)}`]);
    const entries = parseKnownHosts(text);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => /^\|1\|[A-Za-z0-9+/]+=*\|[A-Za-z0-9+/]+=*$/.test(e.hosts))).toBe(true);
    const [first, second] = entries;
    expect(hostFieldMatches(first!.hosts, 'bastion')).toBe(true);
    expect(hostFieldMatches(first!.hosts, 'bastion2')).toBe(false);
    expect(hostFieldMatches(second!.hosts, '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches(second!.hosts, '127.0.0.1')).toBe(false);
    expect(hostFieldMatches(second!.hosts, '[127.0.0.1]:2223')).toBe(false);
    expect(checkHostKey(entries, '127.0.0.1', 2222, b.blob)).toEqual({ status: 'known', entry: second });
    expect(checkHostKey(entries, '127.0.0.1', 2222, a.blob)).toEqual({ status: 'changed', expected: [second] });
  });
});

describe('checking a presented host key', () => {
  it('says known, unknown, changed (with every expected entry) or revoked', () => {
    const entries = parseKnownHosts(
      [`bastion ${keyPart(a)}`, `[db]:2222,db2 ${keyPart(a)}`, `[db]:2222 ${keyPart(b)}`, `@revoked * ${keyPart(b)}`].join('\n'),
    );
    expect(checkHostKey(entries, 'bastion', 22, a.blob)).toMatchObject({ status: 'known', entry: { line: 1 } });
    expect(checkHostKey(entries, 'Bastion', 22, a.blob)).toMatchObject({ status: 'known', entry: { line: 1 } });
    expect(checkHostKey(entries, 'bastion', 2222, a.blob)).toEqual({ status: 'unknown' });
    expect(checkHostKey(entries, 'web', 22, a.blob)).toEqual({ status: 'unknown' });
    // b is revoked everywhere, even where a line lists it for the host.
    expect(checkHostKey(entries, 'db', 2222, b.blob)).toMatchObject({ status: 'revoked', entry: { line: 4 } });
    const other = generateKey(dir.dir, 'other');
    const changed = checkHostKey(entries, 'db', 2222, other.blob);
    expect(changed.status).toBe('changed');
    expect(changed.status === 'changed' && changed.expected.map((e) => e.line)).toEqual([2, 3]);
  });

  it('offers the host key algorithms of the types known_hosts records for the host first', () => {
    const rsa = dir.file('rsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsa], { stdio: 'pipe', timeout: 20_000 });
    const rsaLine = readFileSync(`${rsa}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const entries = parseKnownHosts(`legacy ${rsaLine}\nmodern ${keyPart(a)}\n`);
    const defaults = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
    expect(hostKeyAlgorithms(entries, 'legacy', 22)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
    expect(hostKeyAlgorithms(entries, 'modern', 22)).toEqual(defaults);
    expect(hostKeyAlgorithms(entries, 'unknown', 22)).toEqual(defaults);
    expect(fingerprintOf(Buffer.from(rsaLine.split(' ')[1]!, 'base64'))).toBe(sshKeygenFingerprint(`${rsa}.pub`));
  });

  it('prints fingerprints as ssh-keygen -lf does, and the line and keyscan type to add', () => {
    const ecdsa = dir.file('ecdsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', ecdsa], { stdio: 'pipe', timeout: 10_000 });
    const ecdsaBlob = Buffer.from(readFileSync(`${ecdsa}.pub`, 'utf8').split(' ')[1]!, 'base64');
    expect(fingerprintOf(a.blob)).toBe(sshKeygenFingerprint(`${a.path}.pub`));
    expect(fingerprintOf(ecdsaBlob)).toBe(sshKeygenFingerprint(`${ecdsa}.pub`));
    expect(fingerprintOf(a.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyTypeOf(a.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(ecdsaBlob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('');
    expect(knownHostsLine('127.0.0.1', 2222, a.blob)).toBe(`[127.0.0.1]:2222 ${keyPart(a)}`);
    expect(knownHostsLine('Bastion', 22, a.blob)).toBe(`bastion ${keyPart(a)}`);
    expect(['ssh-ed25519', 'ecdsa-sha2-nistp384', 'ssh-rsa', 'ssh-dss'].map(keyscanType)).toEqual(['ed25519', 'ecdsa', 'rsa', 'dsa']);
  });
});

describe('--ssh destinations', () => {
  it.each([
    ['deploy@bastion', { user: 'deploy', host: 'bastion', port: 22 }, 'deploy@bastion', 'ssh://deploy@bastion:22/http://127.0.0.1:6060'],
    ['deploy@bastion:2222', { user: 'deploy', host: 'bastion', port: 2222 }, 'deploy@bastion:2222', 'ssh://deploy@bastion:2222/http://127.0.0.1:6060'],
    ['bastion', { user: 'me', host: 'bastion', port: 22 }, 'me@bastion', 'ssh://me@bastion:22/http://127.0.0.1:6060'],
    ['ops@[::1]:2222', { user: 'ops', host: '::1', port: 2222 }, 'ops@[::1]:2222', 'ssh://ops@[::1]:2222/http://127.0.0.1:6060'],
    ['ssh://ops@10.0.0.5:22', { user: 'ops', host: '10.0.0.5', port: 22 }, 'ops@10.0.0.5', 'ssh://ops@10.0.0.5:22/http://127.0.0.1:6060'],
  ])('reads %s', (text, want, described, stored) => {
    const d = parseSshDestination(text, 'me');
    expect(d).toEqual(want);
    expect(describeDestination(d)).toBe(described);
    expect(tunnelledTarget(d, 'http://127.0.0.1:6060')).toBe(stored);
  });

  it.each([
    ['', '--ssh "" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22'],
    ['a@b@c', '--ssh "a@b@c" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22'],
    ['ops@bastion:ssh', '--ssh "ops@bastion:ssh" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22'],
    ['ops@bastion:70000', '--ssh "ops@bastion:70000": port 70000 is out of range; expected 1-65535'],
  ])('refuses %j', (text, message) => {
    expect(() => parseSshDestination(text, 'me')).toThrow(new InvalidInputError(message));
  });
});
