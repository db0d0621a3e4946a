import { describe, expect, test } from 'vitest';
import { SshHopSchema } from '../../src/shared/contract.js';
import { hintOf } from '../../src/renderer/ui/error-hints.js';
import { EMPTY_SSH_FIELDS, fieldsFromTarget, resolveRequestOf, routeLines, sshHopOf, targetLabel, type KnownTarget } from '../../src/renderer/views/targets/ssh-fields.js';

const direct: KnownTarget = { target: 'http://127.0.0.1:6060', url: 'http://127.0.0.1:6060', ssh: null, sessions: 3, lastStartedAtMs: 1, isRecording: false };
const tunnelled: KnownTarget = {
  target: 'ssh://deploy@bastion:2222/http://127.0.0.1:6060',
  url: 'http://127.0.0.1:6060',
  ssh: { destination: 'deploy@bastion:2222' },
  sessions: 1,
  lastStartedAtMs: 2,
  isRecording: false,
};

describe('the "through SSH" fields of the target form', () => {
  test('no destination: a direct connection, whatever the other fields hold', () => {
    expect(sshHopOf(EMPTY_SSH_FIELDS)).toBeUndefined();
    expect(sshHopOf({ destination: '  ', keyFile: '/k', knownHostsFile: '/h' })).toBeUndefined();
  });

  test('fields are trimmed; empty files are left out so the server’s defaults apply; the result passes the contract', () => {
    const bare = sshHopOf({ destination: ' ops@bastion ', keyFile: '', knownHostsFile: ' ' });
    expect(bare).toEqual({ destination: 'ops@bastion' });
    const full = sshHopOf({ destination: 'ops@bastion:2222', keyFile: ' ~/.ssh/id_ed25519 ', knownHostsFile: '/etc/goroscope/known_hosts' });
    expect(full).toEqual({ destination: 'ops@bastion:2222', keyFile: '~/.ssh/id_ed25519', knownHostsFile: '/etc/goroscope/known_hosts' });
    expect(SshHopSchema.parse(bare)).toEqual(bare);
    expect(SshHopSchema.parse(full)).toEqual(full);
  });

  test('a past tunnelled target fills URL and destination and keeps the files typed; a direct one clears the SSH fields', () => {
    const typed = { destination: 'old@host', keyFile: '~/.ssh/deploy', knownHostsFile: '' };
    expect(fieldsFromTarget(tunnelled, typed)).toEqual({
      url: 'http://127.0.0.1:6060',
      ssh: { destination: 'deploy@bastion:2222', keyFile: '~/.ssh/deploy', knownHostsFile: '' },
    });
    expect(fieldsFromTarget(direct, typed)).toEqual({ url: 'http://127.0.0.1:6060', ssh: EMPTY_SSH_FIELDS });
  });

  test('targetLabel names the hop of a tunnelled target', () => {
    expect(targetLabel(direct)).toBe('http://127.0.0.1:6060');
    expect(targetLabel(tunnelled)).toBe('http://127.0.0.1:6060 via ssh deploy@bastion:2222');
  });
});

describe('an alias and what it resolves to', () => {
  test('the config file and passphrase go with the hop; resolving leaves the passphrase out', () => {
    const hop = sshHopOf({ destination: ' prod-api-3 ', keyFile: '', knownHostsFile: '', configFile: ' ~/.ssh/work ', passphrase: 'p w' });
    expect(hop).toEqual({ destination: 'prod-api-3', configFile: '~/.ssh/work', passphrase: 'p w' });
    expect(SshHopSchema.parse(hop)).toEqual(hop);
    expect(resolveRequestOf(hop!)).toEqual({ destination: 'prod-api-3', configFile: '~/.ssh/work' });
    expect(() => SshHopSchema.parse({ destination: 'a,b' })).toThrow();
  });

  test('routeLines: one line per hop, jump hosts first, with the login, known_hosts and host key settings', () => {
    const base = { certificates: [], strictHostKeyChecking: 'ask' as const, hostKeyAlias: null };
    expect(
      routeLines({
        hops: [
          { ...base, name: 'bastion', user: 'ops', host: '127.0.0.1', port: 2201, keys: ['/home/me/.ssh/b'], agent: null, knownHostsFiles: ['/home/me/.ssh/known_hosts'] },
          {
            name: 'prod-api-3 via bastion', user: 'deploy', host: '::1', port: 22, keys: [], agent: '/run/agent.sock', knownHostsFiles: ['/a', '/b'],
            certificates: ['/home/me/.ssh/id-cert.pub'], strictHostKeyChecking: 'no', hostKeyAlias: 'prod',
          },
        ],
        encryptedKeys: [],
      }),
    ).toEqual([
      'bastion → ops@127.0.0.1:2201 · key /home/me/.ssh/b · known_hosts /home/me/.ssh/known_hosts',
      'prod-api-3 via bastion → deploy@[::1]:22 · ssh-agent · known_hosts /a /b · host key as prod · unknown host keys accepted, changed ones refused · certificate /home/me/.ssh/id-cert.pub not usable (ssh2)',
    ]);
  });
});

describe('error hints', () => {
  test('SSH refusals say what to do', () => {
    expect(hintOf('HOST_KEY_MISMATCH')).toBe(
      'Compare the fingerprint in the message with the SSH server’s own (on the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). Only if they match, update the known_hosts file as the message says and test again; if they differ, do not connect: the connection may be intercepted.',
    );
    expect(hintOf('SSH_AUTH')).toBe(
      'Give the private key file whose public half is in ~/.ssh/authorized_keys of that user on the SSH server, or load that key into the ssh-agent Goroscope uses; check the user name in the destination.',
    );
    expect(hintOf('INVALID_INPUT')).toBeNull();
  });
});
