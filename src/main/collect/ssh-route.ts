import { InvalidInputError } from '../../shared/errors.js';
import { describeJump, parseJumps, resolveSshHost, type SshConfigSource, type SshHostConfig, type SshJump } from './ssh-config.js';
import { describeDestination, type SshDestination } from './ssh-destination.js';

/** More hops than this is a ProxyJump loop (a → b → a), not a route. */
const MAX_HOPS = 8;

/** One SSH server on the way, with the settings ssh_config gives it. */
export interface SshRouteHop {
  /** Where to connect and who logs in; `label` names the hop in messages when it is not `user@host:port`. */
  destination: SshDestination;
  config: SshHostConfig;
}

/**
 * The SSH servers to go through to reach `destinationText` (`prod-api-3`, `deploy@app1:2222`,
 * `ssh://ops@bastion`), first jump host first and the destination last, each resolved through its own
 * ssh_config settings — as ssh does, which runs `ssh -J rest -W host:port last` for `ProxyJump a,b`:
 * the last jump host gets the hops before it as its ProxyJump, the first one its own config's.
 * Messages name hops `bastion`, `prod-api-3 via bastion`. Throws InvalidInputError for a destination
 * that is not `[user@]host[:port]` (naming `label`), a config error, or a ProxyJump loop.
 */
export function resolveSshRoute(destinationText: string, source: SshConfigSource, label = '--ssh'): SshRouteHop[] {
  const text = destinationText.trim();
  if (text.includes(',')) throw new InvalidInputError(`${label} "${destinationText}" is one SSH destination; put jump hosts in the ssh config (ProxyJump)`);
  const m = /^(?:ssh:\/\/)?(?:([^@\s/]+)@)?(\[[0-9a-fA-F:.%]+\]|[^@\s:/[\]]+)(?::(\d+))?\/?$/.exec(text);
  if (!m) {
    throw new InvalidInputError(`${label} "${destinationText}" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22, or a Host alias of the ssh config`);
  }
  const port = m[3] !== undefined ? Number(m[3]) : undefined;
  if (port !== undefined && !(port >= 1 && port <= 65_535)) throw new InvalidInputError(`${label} "${destinationText}": port ${m[3]} is out of range; expected 1-65535`);
  const given: SshJump = { ...(m[1] !== undefined ? { user: m[1] } : {}), host: m[2]!.replace(/^\[(.*)\]$/, '$1'), ...(port !== undefined ? { port } : {}) };
  const target = resolveSshHost(given.host, source, { ...(given.user !== undefined ? { user: given.user } : {}), ...(given.port !== undefined ? { port: given.port } : {}) });
  const hops = [...jumpsBefore(target, source, 0), target];
  const g = given;
  // The destination is named as typed when it is an alias (the config names another host, or jump
  // hosts); else user@host:port as ssh logs in.
  const isAlias = g.user === undefined && g.port === undefined && (target.hostname !== g.host.toLowerCase() || hops.length > 1);
  const typed = isAlias ? g.host : describeDestination({ user: g.user ?? target.user, host: g.host, port: g.port ?? target.port });
  const names = hops.map((h, i) => (i === hops.length - 1 ? typed : h.alias));
  return hops.map((config, i) => {
    const destination: SshDestination = { user: config.user, host: config.hostname, port: config.port };
    const name = names[i]!;
    const hopLabel = i === 0 ? name : `${name} via ${names.slice(0, i).join(', ')}`;
    return { destination: hopLabel === describeDestination(destination) ? destination : { ...destination, label: hopLabel }, config };
  });
}

function jumpsBefore(host: SshHostConfig, source: SshConfigSource, depth: number): SshHostConfig[] {
  if (host.proxyJump === null || host.proxyJump === 'none') return [];
  if (depth >= MAX_HOPS) throw new InvalidInputError(`ssh config: ProxyJump of ${host.alias} leads through more than ${MAX_HOPS} hops (a loop?)`);
  const jumps = parseJumps(host.proxyJump, host.alias);
  const last = jumps.pop()!;
  const hop = resolveSshHost(last.host, source, {
    ...(last.user !== undefined ? { user: last.user } : {}),
    ...(last.port !== undefined ? { port: last.port } : {}),
    ...(jumps.length > 0 ? { proxyJump: jumps.map(describeJump).join(',') } : {}),
  });
  // The alias of a hop as the ProxyJump line wrote it (`ops@b1:2201` is called `b1` in messages).
  return [...jumpsBefore(hop, source, depth + 1), hop];
}
