import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import path from 'node:path';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { InvalidInputError } from '../../shared/errors.js';
import { expandTokens, matchesPatternList, matchesPattern, type TokenValues } from './ssh-config-tokens.js';

/**
 * OpenSSH client configuration (ssh_config(5)) resolved for one destination the way `ssh -G` resolves
 * it: files read in order (`-F FILE`, else `~/.ssh/config` then `/etc/ssh/ssh_config`), `Include`
 * followed, `Host`/`Match` blocks evaluated against the destination, the first value of each keyword
 * kept (every `IdentityFile`/`CertificateFile` line adds one), then ssh's defaults and `%` tokens.
 * ssh2 does the connecting; this module only decides the settings. The keywords Goroscope acts on are
 * the fields of {@link SshHostConfig}; others are read and ignored, as `ssh` ignores what it does not use.
 */
export interface SshHostConfig {
  /** The name as given (`prod-api-3`): what `Host` patterns match and what messages call the hop. */
  alias: string;
  /** Lower case, after `HostName` (`%h` → alias). */
  hostname: string;
  user: string;
  port: number;
  /** As written in the config (tokens and `~` unexpanded): what `ssh -G` prints. */
  identityFiles: string[];
  /** `identityFiles` with `~` and tokens expanded. */
  identityPaths: string[];
  /** True when no IdentityFile applied and ssh's default list is in use (missing defaults are skipped quietly). */
  isDefaultIdentity: boolean;
  certificateFiles: string[];
  identitiesOnly: boolean;
  /** Expanded socket path, `none`, `SSH_AUTH_SOCK` (use the environment's), or null when unset. */
  identityAgent: string | null;
  /** As written (`bastion`, `ops@b1:2201,b2`, `none`), or null when unset. */
  proxyJump: string | null;
  /** Expanded paths. */
  userKnownHostsFiles: string[];
  strictHostKeyChecking: 'yes' | 'no' | 'ask' | 'accept-new';
  hostKeyAlias: string | null;
  connectTimeoutS: number | null;
  serverAliveIntervalS: number;
}

/** Where the settings come from: `files` in order (a missing file is skipped, as ssh skips it). */
export interface SshConfigSource {
  files: string[];
  /** Where `Include` looks for relative paths of the first file (`~/.ssh` for a user config). */
  home: string;
  localUser: string;
  localHost: string;
  uid: number;
  env: NodeJS.ProcessEnv;
}

/** What the command line says besides the alias: `user@` and `:port` of a destination or a jump. */
export interface SshCommandLine {
  user?: string;
  port?: number;
  /** `-J` of a hop ssh runs for a longer ProxyJump: it overrides the hop's own ProxyJump. */
  proxyJump?: string;
}

/**
 * The files `ssh` reads: `configFile` alone (as `ssh -F`; it must exist), else `~/.ssh/config` then
 * `/etc/ssh/ssh_config`, either of which may be missing. Throws InvalidInputError for a missing
 * `configFile`, naming `label` (`--ssh-config`, `ssh.configFile`).
 */
export function sshConfigSource(configFile: string | undefined, env: NodeJS.ProcessEnv = process.env, label = '--ssh-config'): SshConfigSource {
  const home = homedir();
  if (configFile !== undefined && !existsSync(configFile)) throw new InvalidInputError(`${label} ${configFile}: no such file`);
  return {
    files: configFile !== undefined ? [configFile] : [path.join(home, '.ssh', 'config'), '/etc/ssh/ssh_config'],
    home,
    localUser: userInfo().username,
    localHost: hostname(),
    uid: process.getuid?.() ?? 0,
    env,
  };
}

const SYSTEM_CONFIG_DIR = '/etc/ssh';
const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ecdsa_sk', '~/.ssh/id_ed25519', '~/.ssh/id_ed25519_sk', '~/.ssh/id_xmss', '~/.ssh/id_dsa'];
const DEFAULT_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const MULTI = new Set(['identityfile', 'certificatefile']);
const MAX_INCLUDE_DEPTH = 16;
/** Match criteria Goroscope cannot evaluate the way ssh would: refused rather than guessed. */
const UNSUPPORTED_MATCH = new Set(['exec', 'canonical', 'final', 'localnetwork', 'tagged']);

type Settings = Map<string, string[][]>;

interface Walk {
  alias: string;
  source: SshConfigSource;
  commandLine: SshCommandLine;
  settings: Settings;
}

/**
 * The settings of `alias` (a `Host` name, or a host name) from `source`. Throws InvalidInputError
 * naming the file (the parser keeps no line numbers): a file that cannot be read (other than missing), an Include loop, a Match
 * criterion ssh evaluates by running or resolving something (`exec`, `canonical`, `final`,
 * `localnetwork`, `tagged`), a bad Port, an unknown `%` token.
 */
export function resolveSshHost(alias: string, source: SshConfigSource, commandLine: SshCommandLine = {}): SshHostConfig {
  const walk: Walk = { alias, source, commandLine, settings: new Map() };
  source.files.forEach((file) => readConfigFile(walk, file, true, false, 0));
  return finish(walk);
}

function readConfigFile(walk: Walk, file: string, isActive: boolean, isNeverMatch: boolean, depth: number): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && depth === 0) return;
    throw new InvalidInputError(`ssh config ${file}: cannot read it: ${(cause as Error).message}`, { cause });
  }
  const lines = SSHConfig.parse(text) as unknown as Line[];
  let active = isActive;
  for (const line of lines) {
    if (line.type !== LineType.DIRECTIVE) continue;
    const keyword = line.param.toLowerCase();
    if (keyword === 'host' || keyword === 'match') {
      active = !isNeverMatch && (keyword === 'host' ? hostLineMatches(walk, argsOf(line.value)) : matchLineMatches(walk, file, argsOf(line.value)));
      const body = (line as { config?: Line[] }).config ?? [];
      applyLines(walk, file, body, active, depth);
      continue;
    }
    applyLines(walk, file, [line], active, depth);
  }
}

function applyLines(walk: Walk, file: string, lines: readonly Line[], isActive: boolean, depth: number): void {
  for (const line of lines) {
    if (line.type !== LineType.DIRECTIVE) continue;
    const keyword = line.param.toLowerCase();
    const args = argsOf(line.value);
    if (keyword === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) throw new InvalidInputError(`ssh config ${file}: Include nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`);
      for (const pattern of args) {
        for (const included of globFiles(includePath(walk.source, file, pattern))) readConfigFile(walk, included, isActive, !isActive, depth + 1);
      }
      continue;
    }
    if (!isActive) continue;
    const seen = walk.settings.get(keyword);
    if (seen === undefined) walk.settings.set(keyword, [args]);
    else if (MULTI.has(keyword)) seen.push(args);
  }
}

function argsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return (value as { val: string }[]).map((v) => v.val);
  return [];
}

/** `Host a b !c`: some pattern matches the alias as given and no negated one does (case matters, as in ssh). */
function hostLineMatches(walk: Walk, patterns: string[]): boolean {
  let isMatch = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchesPattern(walk.alias, p.slice(1))) return false;
    } else if (matchesPattern(walk.alias, p)) {
      isMatch = true;
    }
  }
  return isMatch;
}

/** `Match host 10.0.0.* user deploy`: every criterion holds. `host` sees HostName as set so far. */
function matchLineMatches(walk: Walk, file: string, args: string[]): boolean {
  let isMatch = true;
  for (let i = 0; i < args.length; i++) {
    // `Match !host bastion`: a criterion may be negated.
    const isNegated = args[i]!.startsWith('!');
    const criterion = args[i]!.replace(/^!/, '').toLowerCase();
    if (criterion === 'all') {
      if (isNegated) isMatch = false;
      continue;
    }
    if (UNSUPPORTED_MATCH.has(criterion)) {
      throw new InvalidInputError(`ssh config ${file}: "Match ${criterion}" is not supported by Goroscope (it cannot evaluate it as ssh would); use Host patterns or Match host/originalhost/user/localuser`);
    }
    const list = args[++i];
    if (list === undefined) throw new InvalidInputError(`ssh config ${file}: "Match ${criterion}" needs a pattern list`);
    const subject =
      criterion === 'host' ? currentHostname(walk)
        : criterion === 'originalhost' ? walk.alias
          : criterion === 'user' ? (walk.commandLine.user ?? first(walk.settings, 'user') ?? walk.source.localUser)
            : criterion === 'localuser' ? walk.source.localUser
              : null;
    if (subject === null) throw new InvalidInputError(`ssh config ${file}: unknown Match criterion "${args[i - 1]}"`);
    if (matchesPatternList(criterion === 'host' || criterion === 'originalhost' ? subject.toLowerCase() : subject, list) === isNegated) isMatch = false;
  }
  return isMatch;
}

function currentHostname(walk: Walk): string {
  const set = first(walk.settings, 'hostname');
  return set === undefined ? walk.alias : expandTokens(set, { h: walk.alias }, 'HostName');
}

function first(settings: Settings, keyword: string): string | undefined {
  return settings.get(keyword)?.[0]?.[0];
}

/** Relative Include paths are under `~/.ssh` in a user's config and under `/etc/ssh` in the system's (ssh_config(5)). */
function includePath(source: SshConfigSource, from: string, pattern: string): string {
  const expanded = pattern === '~' || pattern.startsWith('~/') ? path.join(source.home, pattern.slice(1)) : pattern;
  if (path.isAbsolute(expanded)) return expanded;
  return path.join(from.startsWith(`${SYSTEM_CONFIG_DIR}/`) ? SYSTEM_CONFIG_DIR : path.join(source.home, '.ssh'), expanded);
}

/** `*`/`?` in any path segment, matched against the directory's entries, sorted as glob(3) sorts them. */
function globFiles(pattern: string): string[] {
  const segments = pattern.split('/');
  let bases = [segments[0] === '' ? '/' : segments[0]!];
  for (const segment of segments.slice(1)) {
    if (segment === '') continue;
    if (!/[*?[]/.test(segment)) {
      bases = bases.map((b) => path.join(b, segment));
      continue;
    }
    bases = bases.flatMap((b) => {
      try {
        return readdirSync(b).filter((e) => !e.startsWith('.') && matchesPattern(e, segment)).sort().map((e) => path.join(b, e));
      } catch {
        return []; // a directory that is not there matches nothing, as with glob(3)
      }
    });
  }
  return bases.filter((b) => existsSync(b));
}

function finish(walk: Walk): SshHostConfig {
  const { settings, source, commandLine, alias } = walk;
  const hostname = currentHostname(walk).toLowerCase();
  const user = commandLine.user ?? first(settings, 'user') ?? source.localUser;
  const portText = first(settings, 'port');
  const port = commandLine.port ?? (portText !== undefined ? Number(portText) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidInputError(`ssh config for ${alias}: Port "${portText}" is not a port number`);
  const jumpText = commandLine.proxyJump ?? first(settings, 'proxyjump');
  const proxyJump = jumpText === undefined ? null : jumpText === 'none' ? 'none' : parseJumps(jumpText, alias).map(describeJump).join(',');
  const hostKeyAlias = first(settings, 'hostkeyalias') ?? null;
  const tokens: TokenValues = {
    d: source.home, h: hostname, n: alias, p: String(port), r: user, u: source.localUser, i: String(source.uid),
    l: source.localHost, L: source.localHost.split('.')[0]!, k: hostKeyAlias ?? hostname, j: proxyJump ?? '',
    // OpenSSH 9.2: SHA-1 of %l%h%p%r (the connection hash ControlPath users name sockets by).
    C: createHash('sha1').update(`${source.localHost}${hostname}${port}${user}`).digest('hex'),
  };
  const expandPath = (p: string, keyword: string): string => expandTilde(expandTokens(p, tokens, keyword), source.home);
  const identityLines = settings.get('identityfile')?.map((a) => a[0]!) ?? [];
  const identityFiles = identityLines.length > 0 ? identityLines : DEFAULT_IDENTITY_FILES;
  const agent = first(settings, 'identityagent');
  const connectTimeout = first(settings, 'connecttimeout');
  return {
    alias,
    hostname,
    user,
    port,
    identityFiles,
    identityPaths: identityFiles.map((f) => expandPath(f, 'IdentityFile')),
    isDefaultIdentity: identityLines.length === 0,
    certificateFiles: (settings.get('certificatefile') ?? []).map((a) => expandPath(a[0]!, 'CertificateFile')),
    identitiesOnly: isYes(first(settings, 'identitiesonly')),
    identityAgent: agent === undefined ? null : agent === 'none' || agent === 'SSH_AUTH_SOCK' ? agent : expandPath(expandEnv(agent, source.env), 'IdentityAgent'),
    proxyJump,
    userKnownHostsFiles: (settings.get('userknownhostsfile')?.[0] ?? DEFAULT_KNOWN_HOSTS).map((f) => expandPath(f, 'UserKnownHostsFile')),
    strictHostKeyChecking: strictness(first(settings, 'stricthostkeychecking')),
    hostKeyAlias,
    connectTimeoutS: connectTimeout === undefined || connectTimeout === 'none' ? null : seconds(connectTimeout, 'ConnectTimeout'),
    serverAliveIntervalS: seconds(first(settings, 'serveraliveinterval') ?? '0', 'ServerAliveInterval'),
  };
}

/** One `ProxyJump` hop: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export interface SshJump {
  user?: string;
  host: string;
  port?: number;
}

/**
 * `ops@b1:2201,ssh://b2` → the hops, first to last. Throws InvalidInputError for an element that is
 * neither form, naming `alias` whose ProxyJump it is.
 */
export function parseJumps(text: string, alias: string): SshJump[] {
  return text.split(',').map((raw) => {
    const m = /^(?:ssh:\/\/)?(?:([^@\s/]+)@)?(\[[0-9a-fA-F:.%]+\]|[^@\s:/[\]]+)(?::(\d+))?\/?$/.exec(raw.trim());
    const port = m?.[3] !== undefined ? Number(m[3]) : undefined;
    if (!m || (port !== undefined && !(port >= 1 && port <= 65_535))) {
      throw new InvalidInputError(`ssh config for ${alias}: ProxyJump "${raw}" is not [user@]host[:port]`);
    }
    return { ...(m[1] !== undefined ? { user: m[1] } : {}), host: m[2]!.replace(/^\[(.*)\]$/, '$1'), ...(port !== undefined ? { port } : {}) };
  });
}

/** `ops@b1:2201`, `b2`: a hop as `ssh -G` prints it. */
export function describeJump(j: SshJump): string {
  const host = j.host.includes(':') ? `[${j.host}]` : j.host;
  return `${j.user !== undefined ? `${j.user}@` : ''}${host}${j.port !== undefined ? `:${j.port}` : ''}`;
}

function isYes(v: string | undefined): boolean {
  return v !== undefined && /^(yes|true)$/i.test(v);
}

function strictness(v: string | undefined): SshHostConfig['strictHostKeyChecking'] {
  const t = (v ?? 'ask').toLowerCase();
  if (t === 'yes' || t === 'true') return 'yes';
  if (t === 'no' || t === 'false' || t === 'off') return 'no';
  if (t === 'accept-new') return 'accept-new';
  return 'ask';
}

/** `30`, `1m30s` (sshd_config time format) → seconds. */
function seconds(text: string, keyword: string): number {
  const m = /^(?:(\d+)(?:([smhdw])|$))+$/i.test(text) ? text.match(/(\d+)([smhdw]?)/gi)! : null;
  if (m === null) throw new InvalidInputError(`ssh config: ${keyword} "${text}" is not a time (seconds, or e.g. 1m30s)`);
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
  return m.reduce((sum, part) => sum + Number(/\d+/.exec(part)![0]) * unit[part.replace(/\d+/, '').toLowerCase()]!, 0);
}

function expandTilde(p: string, home: string): string {
  return p === '~' || p.startsWith('~/') ? home + p.slice(1) : p;
}

/** `${SSH_AUTH_SOCK}`-style references, allowed in IdentityAgent. An unset variable is refused, as ssh does. */
function expandEnv(p: string, env: NodeJS.ProcessEnv): string {
  if (p.startsWith('$') && !p.startsWith('${')) return env[p.slice(1)] ?? '';
  return p.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new InvalidInputError(`ssh config: IdentityAgent refers to the environment variable ${name}, which is not set`);
    return v;
  });
}
