// Real Go toolchains and Go fixture services for the integration tests.
//
// The toolchains are installed by `bash scripts/setup-go.sh`:
//   go1.19: Debian bookworm's golang-go, GOROOT /usr/lib/go-1.19
//   go1.27: Debian sid's golang-1.27-go unpacked with dpkg -x into
//           $GOROSCOPE_GO_CACHE (default <repo>/.cache/go)/root/usr/lib/go-1.27
// A missing toolchain is an error, never a silent skip.
//
// Fixtures live in test/fixtures/go/<name>/main.go (standard library only).
// Each prints one line `LISTENING 127.0.0.1:PORT` on stdout once it listens and
// exits with status 0 on SIGTERM.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ToolchainName = 'go1.19' | 'go1.27';
export type FixtureName = 'leaky' | 'healthy' | 'bursty' | 'slowleak' | 'fleet' | 'churnleak';

export interface GoToolchain {
  name: ToolchainName;
  goroot: string;
}

export interface RunningFixture {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** `127.0.0.1:40123` as printed on the LISTENING line. */
  addr: string;
  pid: number;
  /** SIGTERM, then wait for exit (SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL right away, without waiting. */
  kill9(): void;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<number | null>;
  /** stderr collected so far (last 64 KiB). */
  stderr(): string;
}

export const FIXTURES: readonly FixtureName[] = ['leaky', 'healthy', 'bursty', 'slowleak'];

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const SETUP_HINT = 'Run `bash scripts/setup-go.sh` to install the Go toolchains used by the integration tests.';

/** The cache dir setup-go.sh uses for the Go 1.27 download. */
export function goCacheDir(): string {
  const override = process.env['GOROSCOPE_GO_CACHE'];
  return override !== undefined && override !== '' ? path.resolve(override) : path.join(REPO_ROOT, '.cache', 'go');
}

function toolchainLocations(): GoToolchain[] {
  return [
    { name: 'go1.19', goroot: '/usr/lib/go-1.19' },
    { name: 'go1.27', goroot: path.join(goCacheDir(), 'root', 'usr', 'lib', 'go-1.27') },
  ];
}

function toolchainProblem(tc: GoToolchain): string | undefined {
  const go = path.join(tc.goroot, 'bin', 'go');
  if (!existsSync(go)) return `${tc.name}: ${go} not found`;
  if (!existsSync(path.join(tc.goroot, 'src', 'runtime', 'proc.go'))) {
    return `${tc.name}: standard library sources missing under ${tc.goroot}/src`;
  }
  if (tc.name === 'go1.27' && !existsSync(path.join(goCacheDir(), 'root', '.goroscope-complete'))) {
    return `${tc.name}: unpack into ${path.join(goCacheDir(), 'root')} did not complete`;
  }
  return undefined;
}

/** Both toolchains, oldest first. Throws when either is missing. */
export function goToolchains(): GoToolchain[] {
  const all = toolchainLocations();
  const problems = all.map(toolchainProblem).filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    throw new Error(`Go toolchain missing:\n  ${problems.join('\n  ')}\n${SETUP_HINT}`);
  }
  return all;
}

/** One toolchain by name. Throws when it is missing. */
export function goToolchain(name: ToolchainName): GoToolchain {
  const tc = goToolchains().find((t) => t.name === name);
  if (tc === undefined) throw new Error(`unknown Go toolchain ${name}`);
  return tc;
}

export function fixtureSourcePath(name: FixtureName): string {
  return path.join(REPO_ROOT, 'test', 'fixtures', 'go', name, 'main.go');
}

/**
 * The `// LEAK-X` markers of a fixture's main.go: marker name (e.g. `LEAK-A`,
 * `LEAK-SLOW`) to 1-based line number. These are the lines goroutine stacks
 * report for the leaked goroutines (LEAK-E marks the client.Get line that
 * causes leaks whose stacks are inside net/http).
 */
export function leakMarkers(name: FixtureName): Record<string, number> {
  const lines = readFileSync(fixtureSourcePath(name), 'utf8').split('\n');
  const out: Record<string, number> = {};
  lines.forEach((line, i) => {
    const m = /\/\/ (LEAK-[A-Z]+)\s*$/.exec(line);
    if (m?.[1] !== undefined) out[m[1]] = i + 1;
  });
  return out;
}

export function goEnv(tc: GoToolchain): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Drop anything that could change what or how we build.
    if (k.startsWith('GO') || k === 'CGO_ENABLED' || k.startsWith('CGO_')) continue;
    env[k] = v;
  }
  const buildDir = path.join(REPO_ROOT, '.cache', `go-build-${tc.name}`);
  return {
    ...env,
    GOROOT: tc.goroot,
    GOTOOLCHAIN: 'local',
    GOCACHE: path.join(buildDir, 'cache'),
    GOPATH: path.join(buildDir, 'gopath'),
    GOENV: 'off',
    GOPROXY: 'off',
    GOFLAGS: '',
    GO111MODULE: '',
    CGO_ENABLED: '0',
    PATH: `${path.join(tc.goroot, 'bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
  };
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd}) failed: ${signal ?? `exit ${String(code)}`}\n${output}`));
    });
  });
}

/**
 * Builds test/fixtures/go/<name> with the given toolchain into
 * `<outDir>/<name>-<toolchain>` and returns that absolute path. Builds are
 * cached in <repo>/.cache/go-build-<toolchain>.
 */
export async function buildFixture(
  name: FixtureName,
  toolchain: GoToolchain | ToolchainName,
  outDir: string,
): Promise<string> {
  const tc = typeof toolchain === 'string' ? goToolchain(toolchain) : toolchain;
  const problem = toolchainProblem(tc);
  if (problem !== undefined) throw new Error(`Go toolchain missing: ${problem}\n${SETUP_HINT}`);
  const src = fixtureSourcePath(name);
  if (!existsSync(src)) throw new Error(`no such Go fixture: ${src}`);

  const out = path.resolve(outDir, `${name}-${tc.name}`);
  await mkdir(path.dirname(out), { recursive: true });
  // Build to a unique name, then rename: concurrent builds of the same fixture
  // never see (or run) a half-written binary.
  const tmp = `${out}.tmp-${String(process.pid)}-${randomBytes(4).toString('hex')}`;
  try {
    await run(path.join(tc.goroot, 'bin', 'go'), ['build', '-o', tmp, 'main.go'], {
      cwd: path.dirname(src),
      env: goEnv(tc),
    });
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave fixture processes behind when the test process goes away.
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

const STDERR_KEEP = 64 * 1024;
const LISTEN_TIMEOUT_MS = 10_000;
const STOP_KILL_AFTER_MS = 5_000;

/**
 * Starts a built fixture and resolves once it printed its LISTENING line
 * (at most 10 s). Rejects, with the process's stderr, when it exits or does
 * not listen in time.
 */
export function startFixture(binary: string, args: readonly string[] = []): Promise<RunningFixture> {
  installExitHook();
  const child = spawn(binary, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);

  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > STDERR_KEEP) stderr = stderr.slice(-STDERR_KEEP);
  });

  let exitState: { code: number | null } | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      exitState = { code };
      live.delete(child);
      resolve(code);
    });
  });
  // If spawn itself fails there is no 'exit' event.
  let spawnError: Error | undefined;

  const kill9 = (): void => {
    if (exitState === undefined) child.kill('SIGKILL');
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (stopping !== undefined) return stopping;
    stopping = (async () => {
      if (spawnError !== undefined || exitState !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(kill9, STOP_KILL_AFTER_MS);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  return new Promise<RunningFixture>((resolve, reject) => {
    let stdoutBuf = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      kill9();
      reject(new Error(`fixture ${binary} ${args.join(' ')}: ${why}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => {
      fail(`no LISTENING line within ${String(LISTEN_TIMEOUT_MS / 1000)} s`);
    }, LISTEN_TIMEOUT_MS);

    child.on('error', (err) => {
      spawnError = err;
      live.delete(child);
      fail(`could not start: ${err.message}`);
    });
    void exited.then((code) => {
      fail(`exited (code ${String(code)}) before listening`);
    });

    child.stdout.on('data', (d: Buffer) => {
      if (settled) return; // keep draining the pipe
      stdoutBuf += d.toString();
      const m = /^LISTENING (\S+)\r?$/m.exec(stdoutBuf);
      if (m?.[1] === undefined) return;
      settled = true;
      clearTimeout(timer);
      const addr = m[1];
      const pid = child.pid;
      if (pid === undefined) {
        reject(new Error(`fixture ${binary}: no pid`));
        return;
      }
      resolve({ url: `http://${addr}`, addr, pid, stop, kill9, exited, stderr: () => stderr });
    });
  });
}

/**
 * Builds the Go module test/fixtures/go/<dir> (it has its own go.mod, whose `go` line sets the
 * GODEBUG defaults, e.g. `tracebacklabels`) with the given toolchain into `<outDir>/<dir>-<toolchain>`.
 */
export async function buildGoModule(dir: string, toolchain: ToolchainName, outDir: string): Promise<string> {
  const tc = goToolchain(toolchain);
  const src = path.join(REPO_ROOT, 'test', 'fixtures', 'go', dir);
  if (!existsSync(path.join(src, 'go.mod'))) throw new Error(`no Go module at ${src}`);
  const out = path.resolve(outDir, `${dir}-${tc.name}`);
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${String(process.pid)}-${randomBytes(4).toString('hex')}`;
  try {
    await run(path.join(tc.goroot, 'bin', 'go'), ['build', '-o', tmp, '.'], { cwd: src, env: goEnv(tc) });
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}
