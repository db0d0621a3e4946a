import { describe, expect, test } from 'vitest';
import { SshHopSchema } from '../../src/shared/contract.js';
import { hintOf } from '../../src/renderer/ui/error-hints.js';
import { EMPTY_SSH_FIELDS, fieldsFromTarget, sshHopOf, targetLabel, type KnownTarget } from '../../src/renderer/views/targets/ssh-fields.js';

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
