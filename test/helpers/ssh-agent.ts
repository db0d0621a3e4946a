// A real OpenSSH ssh-agent for the tests: its own socket in a temp folder, keys added with ssh-add.
// It comes with openssh-client (installed with openssh-server by scripts/test-env.sh); missing, it fails.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RunningAgent {
  /** What SSH_AUTH_SOCK / IdentityAgent point at. */
  socket: string;
  /** `ssh-add FILE` (an unencrypted key). */
  add(keyFile: string): void;
  /** Kills the agent and removes its folder. Idempotent. */
  dispose(): Promise<void>;
}

/** Starts `ssh-agent -D -a SOCKET` and resolves once the socket exists (at most 5 s). */
export async function startAgent(): Promise<RunningAgent> {
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
  const end = Date.now() + 5_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`ssh-agent did not create ${socket} (exit ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  let disposing: Promise<void> | null = null;
  return {
    socket,
    add(keyFile) {
      execFileSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe', timeout: 10_000 });
    },
    dispose: () =>
      (disposing ??= (async () => {
        child.kill('SIGKILL');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
