import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.js';
import { resolveSshHost, sshConfigSource, type SshHostConfig } from '../../src/main/collect/ssh-config.js';

// Each case is resolved twice: by Goroscope, and by Debian's own `ssh -G -F FILE ALIAS` (openssh-client,
// which comes with openssh-server: scripts/test-env.sh). The keywords Goroscope acts on must print the
// same. A missing ssh is an error, never a skip.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-ssh-config-'));
  mkdirSync(path.join(dir, 'conf.d'));
  writeFileSync(path.join(dir, 'conf.d', '10-db.conf'), 'Host db-*\n  User dba\n  Port 5022\n  IdentityFile ~/.ssh/db_%h\n');
  writeFileSync(path.join(dir, 'conf.d', '20-all.conf'), 'Host *\n  ServerAliveInterval 30\n');
  writeFileSync(path.join(dir, 'conf.d', 'ignored.txt'), 'Host *\n  User nobody-from-ignored\n');
  writeFileSync(path.join(dir, 'inner.conf'), 'HostName inner.example.com\nHost other\n  Port 1\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const KEYWORDS = ['hostname', 'user', 'port', 'identityfile', 'identitiesonly', 'identityagent', 'proxyjump', 'userknownhostsfile', 'stricthostkeychecking', 'hostkeyalias', 'connecttimeout', 'serveraliveinterval'];

/** What `ssh -G` prints for the keywords Goroscope acts on, in its order. */
function sshG(file: string, alias: string, user?: string, port?: number): string[] {
  const args = ['-G', '-F', file, ...(user !== undefined ? ['-l', user] : []), ...(port !== undefined ? ['-p', String(port)] : []), alias];
  const out = execFileSync('ssh', args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SSH_AUTH_SOCK: '/tmp/agent.env.sock' } });
  return out.split('\n').filter((l) => KEYWORDS.includes(l.split(' ')[0]!)).sort();
}

/** The same lines from Goroscope's resolution, formatted as ssh -G formats them. */
function asSshG(c: SshHostConfig): string[] {
  const strict = { yes: 'true', no: 'false', ask: 'ask', 'accept-new': 'accept-new' }[c.strictHostKeyChecking];
  const lines = [
    `hostname ${c.hostname}`, `user ${c.user}`, `port ${c.port}`,
    ...c.identityFiles.map((f) => `identityfile ${f}`),
    `identitiesonly ${c.identitiesOnly ? 'yes' : 'no'}`,
    ...(c.identityAgent !== null ? [`identityagent ${c.identityAgent}`] : []),
    ...(c.proxyJump !== null ? [`proxyjump ${c.proxyJump}`] : []),
    `userknownhostsfile ${c.userKnownHostsFiles.join(' ')}`,
    `stricthostkeychecking ${strict}`,
    ...(c.hostKeyAlias !== null ? [`hostkeyalias ${c.hostKeyAlias}`] : []),
    `connecttimeout ${c.connectTimeoutS ?? 'none'}`,
    `serveraliveinterval ${c.serverAliveIntervalS}`,
  ];
  return lines.sort();
}

interface Case {
  name: string;
  config: string;
  alias: string;
  user?: string;
  port?: number;
}

const CASES: Case[] = [
  { name: 'no config: ssh defaults', config: '', alias: 'plain.example.com' },
  { name: 'Host alias with HostName, User, Port, one key', config: 'Host bastion\n  HostName 127.0.0.1\n  User ops\n  Port 2201\n  IdentityFile ~/.ssh/bastion_ed25519\n', alias: 'bastion' },
  { name: 'first value wins across blocks; IdentityFile accumulates', config: 'Host prod-*\n  User deploy\n  IdentityFile ~/.ssh/prod\nHost *\n  User root\n  Port 2022\n  IdentityFile ~/.ssh/fallback\n', alias: 'prod-api-3' },
  { name: 'tokens in IdentityFile and UserKnownHostsFile', config: 'Host app\n  HostName App.Example.COM\n  User deploy\n  IdentityFile ~/.ssh/%h_%r_%u\n  IdentityFile /keys/%n-%p-%%\n  UserKnownHostsFile ~/.ssh/kh_%h_%p %d/.ssh/kh_%n_%r\n', alias: 'app' },
  { name: '%C, the connection hash, in UserKnownHostsFile', config: 'Host x\n  User bob\n  UserKnownHostsFile /tmp/kh_%C %d/kh_%L_%i\n', alias: 'x' },
  { name: 'negated pattern and ? wildcard', config: 'Host web? !web9\n  User www\nHost *\n  User other\n', alias: 'web9' },
  { name: 'negated pattern, the matching alias', config: 'Host web? !web9\n  User www\nHost *\n  User other\n', alias: 'web1' },
  { name: 'Match host sees the HostName set above it', config: 'Host prod-api-3\n  HostName 10.0.0.3\nMatch host 10.0.0.*,!10.0.0.9\n  Port 2222\n  IdentitiesOnly yes\n', alias: 'prod-api-3' },
  { name: 'Match originalhost and user', config: 'Host svc\n  User deploy\nMatch originalhost svc user deploy\n  Port 4022\nMatch user root\n  Port 5022\n', alias: 'svc' },
  { name: 'Match with a negated criterion', config: 'Match !host bastion*\n  User notbastion\nMatch !originalhost other\n  Port 4444\n', alias: 'app1' },
  { name: 'Match with a negated criterion, not matching', config: 'Match !host bastion*\n  User notbastion\n', alias: 'bastion2' },
  { name: 'Match all', config: 'Match all\n  ConnectTimeout 7\n  ServerAliveInterval 1m30s\n', alias: 'anything' },
  { name: 'ProxyJump, one hop', config: 'Host prod-api-3\n  HostName 10.0.0.3\n  ProxyJump bastion\nHost bastion\n  HostName 127.0.0.1\n', alias: 'prod-api-3' },
  { name: 'ProxyJump chain with users and ports', config: 'Host deep\n  ProxyJump ops@b1:2201,ssh://b2:2202\n', alias: 'deep' },
  { name: 'StrictHostKeyChecking no, HostKeyAlias, IdentityAgent path', config: 'Host lab\n  StrictHostKeyChecking no\n  HostKeyAlias lab-box\n  IdentityAgent ~/agent-%r.sock\n', alias: 'lab' },
  { name: 'StrictHostKeyChecking yes, accept-new; IdentityAgent SSH_AUTH_SOCK', config: 'Host a\n  StrictHostKeyChecking yes\n  IdentityAgent SSH_AUTH_SOCK\nHost b\n  StrictHostKeyChecking accept-new\n', alias: 'a' },
  { name: 'StrictHostKeyChecking accept-new', config: 'Host b\n  StrictHostKeyChecking accept-new\n  IdentityAgent none\n', alias: 'b' },
  { name: 'the command line user and port win over the config', config: 'Host bastion\n  User ops\n  Port 2201\n', alias: 'bastion', user: 'me2', port: 2999 },
  { name: 'Include with a glob, Host blocks inside', config: 'Include CONF_D/*.conf\nHost db-*\n  User late\n', alias: 'db-7' },
  { name: 'Include inside a Host block applies only when it matches', config: 'Host inner\n  Include INNER\nHost *\n  Port 2\n', alias: 'inner' },
  { name: 'Include inside a Host block that does not match', config: 'Host inner\n  Include INNER\nHost *\n  Port 2\n', alias: 'outer' },
  { name: 'keywords are case-insensitive and take =', config: 'host=bastion\n  HOSTNAME=10.1.1.1\n  user=ops\n  connecttimeout=5\n', alias: 'bastion' },
  { name: 'Host patterns are case-sensitive; the host name is lower-cased', config: 'Host Mixed\n  HostName Mixed.Example.Com\n  User mixed\nHost mixed\n  User lower\n', alias: 'Mixed' },
];

describe('resolveSshHost agrees with ssh -G', () => {
  it.each(CASES)('$name', ({ config, alias, user, port }) => {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, config.replace('CONF_D', path.join(dir, 'conf.d')).replace('INNER', path.join(dir, 'inner.conf')));
    const env = { SSH_AUTH_SOCK: '/tmp/agent.env.sock' };
    const ours = resolveSshHost(alias, sshConfigSource(file, env), { ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) });
    expect(asSshG(ours)).toEqual(sshG(file, alias, user, port));
  });
});

describe('without --ssh-config', () => {
  it('reads the user config then /etc/ssh/ssh_config (with its Include) as ssh -G does without -F', () => {
    const out = execFileSync('ssh', ['-G', 'some-host.example'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SSH_AUTH_SOCK: '/tmp/agent.env.sock' } });
    const theirs = out.split('\n').filter((l) => KEYWORDS.includes(l.split(' ')[0]!)).sort();
    expect(asSshG(resolveSshHost('some-host.example', sshConfigSource(undefined, { SSH_AUTH_SOCK: '/tmp/agent.env.sock' })))).toEqual(theirs);
  });
});

describe('what Goroscope refuses instead of guessing', () => {
  it('Match exec, an unknown token, a missing --ssh-config file', () => {
    const file = path.join(dir, 'refused');
    writeFileSync(file, 'Match exec "true"\n  User x\n');
    expect(() => resolveSshHost('a', sshConfigSource(file, {}))).toThrow(
      new InvalidInputError(`ssh config ${file}: "Match exec" is not supported by Goroscope (it cannot evaluate it as ssh would); use Host patterns or Match host/originalhost/user/localuser`),
    );
    writeFileSync(file, 'Host a\n  IdentityFile ~/.ssh/%T\n');
    expect(() => resolveSshHost('a', sshConfigSource(file, {}))).toThrow(
      new InvalidInputError('ssh config: IdentityFile "~/.ssh/%T": the token %T is not supported here (known: %% %C %d %h %i %j %k %l %L %n %p %r %u)'),
    );
    expect(() => sshConfigSource(path.join(dir, 'nope'), {})).toThrow(new InvalidInputError(`--ssh-config ${path.join(dir, 'nope')}: no such file`));
  });
});
