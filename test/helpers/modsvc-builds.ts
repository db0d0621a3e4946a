// The `modsvc` fixture (test/fixtures/go/modsvc: module example.com/leaksvc with a sub-package) built the
// three ways a dump's paths differ: in place, copied to another directory first (a CI runner's
// `/build/svc/…`), and with -trimpath (`example.com/leaksvc/internal/pipe/pipe.go`).
import { spawn } from 'node:child_process';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { goEnv, goToolchain, REPO_ROOT, type ToolchainName } from './go-toolchains.js';

export const MODSVC_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'go', 'modsvc');
export type ModsvcVariant = 'in-place' | 'other-dir' | 'trimpath';

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} in ${cwd}: exit ${String(code)}\n${output}`))));
  });
}

/** Builds modsvc as `variant` with `toolchain` into `workDir` and returns the binary's path. */
export async function buildModsvc(variant: ModsvcVariant, toolchain: ToolchainName, workDir: string): Promise<string> {
  const tc = goToolchain(toolchain);
  const out = path.join(workDir, `modsvc-${variant}-${toolchain}`);
  let src = MODSVC_DIR;
  if (variant === 'other-dir') {
    // Another absolute path than the checkout's, as a CI runner's build folder would be.
    src = path.join(workDir, 'build', 'svc');
    await mkdir(path.dirname(src), { recursive: true });
    await cp(MODSVC_DIR, src, { recursive: true });
  }
  const flags = variant === 'trimpath' ? ['-trimpath'] : [];
  await run(path.join(tc.goroot, 'bin', 'go'), ['build', ...flags, '-o', out, '.'], src, goEnv(tc));
  return out;
}
