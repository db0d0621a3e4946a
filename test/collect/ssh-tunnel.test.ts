import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.js';
import { absoluteFile, checkHopKeyFile, connectorOf } from '../../src/main/api/ssh-hop.js';
import { sshConnectorOf } from '../../src/main/cli/record-command.js';
import { describeDestination, parseSshDestination, parseTunnelledTarget, tunnelledTarget } from '../../src/main/collect/ssh-destination.js';
import { sshConnectorFor } from '../../src/main/collect/ssh-tunnel.js';
import { generateKey, type GeneratedKey } from '../helpers/sshd.js';

// Building a tunnel from what the CLI's `--ssh` flags and the contract's `ssh` field give: one function
// (`sshConnectorFor`) behind both. Nothing connects here: the SSH connection opens on the first request.

let dir = '';
let key: GeneratedKey;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-ssh-tunnel-'));
  key = generateKey(dir, 'id_ed25519');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('stored tunnelled targets read back', () => {
  it.each([
    ['deploy@bastion', 'http://127.0.0.1:6060'],
    ['deploy@bastion:2222', 'https://10.0.0.7:8443/admin'],
    ['ops@[::1]:2222', 'http://[::1]:6060'],
  ])('%s + %s', (destination, url) => {
    const d = parseSshDestination(destination, 'me');
    expect(parseTunnelledTarget(tunnelledTarget(d, url))).toEqual({ destination: d, url });
  });

  it('a target reached through an ssh config alias keeps the alias, which is resolved again when recorded again', () => {
    const d = { user: 'deploy', host: '10.0.0.3', port: 2222, label: 'prod-api-3 via bastion' };
    expect(tunnelledTarget(d, 'http://127.0.0.1:6060')).toBe('ssh://prod-api-3/http://127.0.0.1:6060');
    const back = parseTunnelledTarget('ssh://prod-api-3/http://127.0.0.1:6060')!;
    expect(back.url).toBe('http://127.0.0.1:6060');
    expect(describeDestination(back.destination)).toBe('prod-api-3');
    expect(describeDestination(parseTunnelledTarget('ssh://deploy@prod-api-3/http://127.0.0.1:6060')!.destination)).toBe('deploy@prod-api-3');
  });

  it('a direct target has no hop', () => {
    expect(parseTunnelledTarget('http://127.0.0.1:6060')).toBeNull();
    expect(parseTunnelledTarget('ssh://deploy@bastion:22/ftp://x')).toBeNull();
  });
});

describe('sshConnectorFor, as the CLI and the api call it', () => {
  it('names the hop and the stored target; a destination without a user logs in as the user running Goroscope', () => {
    const c = sshConnectorFor({ destination: 'deploy@127.0.0.1:2222', keyFile: key.path }, 15_000);
    try {
      expect(c.via).toBe('ssh deploy@127.0.0.1:2222');
      expect(c.storedTarget('http://127.0.0.1:6060')).toBe('ssh://deploy@127.0.0.1:2222/http://127.0.0.1:6060');
    } finally {
      c.dispose();
      c.dispose();
    }
    const noUser = sshConnectorFor({ destination: '127.0.0.1', keyFile: key.path }, 15_000);
    expect(noUser.via).toBe(`ssh ${userInfo().username}@127.0.0.1`);
    noUser.dispose();
  });

  it('names the field a bad destination came from', () => {
    expect(() => sshConnectorFor({ destination: 'a@b@c', keyFile: key.path }, 15_000, 'ssh.destination')).toThrow(
      new InvalidInputError('ssh.destination "a@b@c" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22, or a Host alias of the ssh config'),
    );
    expect(() => sshConnectorOf({ ssh: 'a@b@c', sshKey: key.path }, 15_000)).toThrow(
      new InvalidInputError('--ssh "a@b@c" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22, or a Host alias of the ssh config'),
    );
    expect(() => sshConnectorOf({ knownHosts: '/k' }, 15_000)).toThrow(new InvalidInputError('--known-hosts needs --ssh user@host: it only applies to a tunnel'));
    expect(sshConnectorOf({}, 15_000)).toBeNull();
  });

  it('reads the key at once: a missing one fails before any connection', () => {
    const missing = path.join(dir, 'nope');
    expect(() => sshConnectorFor({ destination: 'deploy@bastion', keyFile: missing }, 15_000)).toThrow(
      new InvalidInputError(`ssh deploy@bastion: cannot use the private key ${missing}: expected a regular file of at most 64 KiB that Goroscope may read`),
    );
  });
});

describe('the api’s connector', () => {
  it('is direct without a hop', () => {
    const c = connectorOf(null, 15_000);
    expect(c.via).toBe('direct');
    c.dispose();
  });

  it('expands ~/ and refuses relative paths, naming the field', () => {
    expect(absoluteFile('~/.ssh/id_ed25519', 'ssh.keyFile', '/home/me')).toBe('/home/me/.ssh/id_ed25519');
    expect(absoluteFile('/etc/ssh/known', 'ssh.knownHostsFile', '/home/me')).toBe('/etc/ssh/known');
    expect(() => absoluteFile('.ssh/known_hosts', 'ssh.knownHostsFile', '/home/me')).toThrow(
      new InvalidInputError('ssh.knownHostsFile ".ssh/known_hosts" is a relative path; expected an absolute one or one under ~/, e.g. ~/.ssh/id_ed25519'),
    );
    const c = connectorOf({ destination: 'deploy@bastion:2200', keyFile: key.path, knownHostsFile: path.join(dir, 'known_hosts') }, 15_000);
    expect(c.via).toBe('ssh deploy@bastion:2200');
    c.dispose();
  });
});

describe('key files a client of serve names (issue #11)', () => {
  // /dev/zero froze serve and grew it to 3 GB; messages told which files exist. Every unusable
  // file gets the one message, quickly, whatever the reason.
  it('refuses devices, directories, FIFOs, missing, unreadable and oversized files with one message', async () => {
    const big = path.join(dir, 'big');
    writeFileSync(big, Buffer.alloc((64 << 10) + 1, 0x41));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const candidates = ['/dev/zero', '/dev/urandom', dir, fifo, path.join(dir, 'missing'), big, '/proc/self/mem'];
    for (const file of candidates) {
      const started = Date.now();
      await expect(checkHopKeyFile({ destination: 'deploy@bastion', keyFile: file })).rejects.toThrow(
        new InvalidInputError(`ssh.keyFile: cannot use the private key ${file}: expected a regular file of at most 64 KiB that Goroscope may read`),
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    // The CLI's --ssh-key reads at start-up, with the same checks.
    expect(() => sshConnectorFor({ destination: 'deploy@bastion', keyFile: '/dev/zero' }, 15_000)).toThrow(
      new InvalidInputError('ssh deploy@bastion: cannot use the private key /dev/zero: expected a regular file of at most 64 KiB that Goroscope may read'),
    );
  });
});
