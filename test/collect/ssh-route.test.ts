import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.js';
import { describeJump, parseJumps, sshConfigSource } from '../../src/main/collect/ssh-config.js';
import { resolveSshRoute } from '../../src/main/collect/ssh-route.js';

// ProxyJump chains as ssh builds them: `ProxyJump a,b` runs `ssh -J a -W host:port b`, so every hop is
// resolved as `ssh -G` resolves that hop's own command line (`-J` for the hops before it, `-l`/`-p` from
// the jump spec). Each hop is compared with the real `ssh -G` for that command line.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-ssh-route-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sshG(file: string, args: string[]): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', file, ...args], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const fields: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [key, ...rest] = line.split(' ');
    if (key !== undefined && ['hostname', 'user', 'port', 'proxyjump', 'identityfile'].includes(key)) fields[key] = fields[key] === undefined ? rest.join(' ') : `${fields[key]}\n${rest.join(' ')}`;
  }
  return fields;
}

const CONFIG = [
  'Host prod-api-3',
  '  HostName 10.0.0.3',
  '  User deploy',
  '  ProxyJump ops@b1:2201,b2',
  '  IdentityFile ~/.ssh/prod',
  'Host b1',
  '  HostName 192.168.1.1',
  '  ProxyJump gate',
  '  IdentityFile ~/.ssh/b1',
  'Host b2',
  '  HostName 192.168.1.2',
  '  User jump',
  '  Port 2022',
  '  ProxyJump nowhere',
  'Host gate',
  '  HostName gate.example.com',
  '  User gatekeeper',
  'Host loop-a',
  '  ProxyJump loop-b',
  'Host loop-b',
  '  ProxyJump loop-a',
  '',
].join('\n');

describe('resolveSshRoute', () => {
  it('follows ProxyJump as ssh does, each hop agreeing with ssh -G for its own command line', () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, CONFIG);
    const route = resolveSshRoute('prod-api-3', sshConfigSource(file, {}));
    // gate (b1's own ProxyJump), b1 (as ops@b1:2201), b2 (with -J ops@b1:2201, its own ProxyJump ignored), the target.
    expect(route.map((h) => h.destination)).toEqual([
      { user: 'gatekeeper', host: 'gate.example.com', port: 22, label: 'gate' },
      { user: 'ops', host: '192.168.1.1', port: 2201, label: 'b1 via gate' },
      { user: 'jump', host: '192.168.1.2', port: 2022, label: 'b2 via gate, b1' },
      { user: 'deploy', host: '10.0.0.3', port: 22, label: 'prod-api-3 via gate, b1, b2' },
    ]);
    // The command line ssh runs for each hop, from the ProxyJump of the hop after it.
    const commandLines = [['gate'], ['-l', 'ops', '-p', '2201', 'b1'], ['-J', 'ops@b1:2201', 'b2'], ['prod-api-3']];
    route.forEach((hop, i) => {
      const g = sshG(file, commandLines[i]!);
      expect({ hostname: hop.config.hostname, user: hop.config.user, port: String(hop.config.port), proxyjump: hop.config.proxyJump ?? undefined, identityfile: hop.config.identityFiles.join('\n') }).toEqual(g);
    });
    expect(parseJumps(route[3]!.config.proxyJump!, 'prod-api-3').map(describeJump)).toEqual(['ops@b1:2201', 'b2']);
  });

  it('refuses a ProxyJump loop and a destination list', () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, CONFIG);
    expect(() => resolveSshRoute('loop-a', sshConfigSource(file, {}))).toThrow(new InvalidInputError('ssh config: ProxyJump of loop-a leads through more than 8 hops (a loop?)'));
    expect(() => resolveSshRoute('a,b', sshConfigSource(file, {}))).toThrow(new InvalidInputError('--ssh "a,b" is one SSH destination; put jump hosts in the ssh config (ProxyJump)'));
  });

  it('a plain user@host:port with no config entry keeps its name; an alias gets its own', () => {
    const file = path.join(dir, 'empty');
    writeFileSync(file, '');
    expect(resolveSshRoute('deploy@127.0.0.1:2222', sshConfigSource(file, {})).map((h) => h.destination)).toEqual([{ user: 'deploy', host: '127.0.0.1', port: 2222 }]);
    writeFileSync(file, 'Host db\n  HostName 10.9.9.9\n  User dba\n');
    expect(resolveSshRoute('db', sshConfigSource(file, {})).map((h) => h.destination)).toEqual([{ user: 'dba', host: '10.9.9.9', port: 22, label: 'db' }]);
    expect(resolveSshRoute('root@db:2200', sshConfigSource(file, {})).map((h) => h.destination)).toEqual([{ user: 'root', host: '10.9.9.9', port: 2200, label: 'root@db:2200' }]);
  });
});
