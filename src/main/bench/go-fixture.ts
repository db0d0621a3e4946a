import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

// The benches' real Go programs: built with Go 1.19 (/usr/lib/go-1.19, or GOROSCOPE_BENCH_GOROOT) into
// the repository's shared build cache, then run as the services or dump writers a bench measures.

/** The Goroscope repository this bench runs in (the working folder or one above it). */
export function findRepoRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(path.join(dir, 'test', 'fixtures', 'go', 'leaky', 'main.go'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`run the bench from the Goroscope repository (no test/fixtures/go/leaky above ${process.cwd()})`);
    dir = up;
  }
}

/** Runs `cmd` to its end; rejects with its stderr when it fails. */
export function runToEnd(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} in ${options.cwd} failed (${code}): ${err}`))));
  });
}

/**
 * `go build -o out` with the bench's Go: nothing of the caller's GO* or CGO* environment (a GOFLAGS or
 * GOTOOLCHAIN there would change what is built), no network, no cgo. Builds a fixture of
 * test/fixtures/go (its main.go), or, with `dir`, what `args` name there (`['-trimpath', '.']`).
 */
export function benchGoBuild(root: string, out: string, from: { fixture: string } | { dir: string; args: string[] }): Promise<void> {
  const goroot = process.env['GOROSCOPE_BENCH_GOROOT'] ?? '/usr/lib/go-1.19';
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GO') && !k.startsWith('CGO')) env[k] = v;
  Object.assign(env, {
    GOROOT: goroot, GOTOOLCHAIN: 'local', GOENV: 'off', GOPROXY: 'off', GOFLAGS: '', GO111MODULE: 'on', CGO_ENABLED: '0',
    GOCACHE: path.join(root, '.cache', 'go-build-go1.19', 'cache'), GOPATH: path.join(root, '.cache', 'go-build-go1.19', 'gopath'),
  });
  const [cwd, args] = 'fixture' in from ? [path.join(root, 'test', 'fixtures', 'go', from.fixture), ['main.go']] : [from.dir, from.args];
  return runToEnd(path.join(goroot, 'bin', 'go'), ['build', '-o', out, ...args], { cwd, env });
}

/** Starts a fixture service on 127.0.0.1:0 (`-addr` among `args`); resolves once it prints `LISTENING host:port`. */
export function startGoService(binary: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(binary)} fixture did not listen within 10 s`));
    }, 10_000);
    child.on('error', reject);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^LISTENING (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://${m[1]}` });
      }
    });
  });
}
