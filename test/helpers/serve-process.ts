// A real `goroscope serve` process for the transport and end-to-end tests.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './go-toolchains.js';

export interface ServeProcess {
  /** The printed URL, token included. */
  url: string;
  origin: string;
  token: string;
  port: number;
  /** The serve process (its memory can be read from /proc). */
  pid: number;
  /** stderr so far. */
  stderr(): string;
  /** SIGTERM, then wait for exit (SIGKILL after 5 s); resolves with the exit code. Idempotent. */
  stop(): Promise<number | null>;
}

const START_TIMEOUT_MS = 10_000;

/**
 * Starts the built CLI's `serve` (or the `goroscope` script at `bin`) on 127.0.0.1 with a free port
 * (in `cwd`, default the repository); resolves once it printed its URL.
 */
export function startServe(args: readonly string[], options: { cwd?: string; bin?: string } = {}): Promise<ServeProcess> {
  const bin = options.bin ?? path.join(REPO_ROOT, 'bin', 'goroscope.js');
  if (options.bin === undefined && !existsSync(path.join(REPO_ROOT, 'out', 'main', 'cli.js'))) throw new Error('out/main/cli.js missing: run `npx electron-vite build` first');
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stopping: Promise<number | null> | null = null;
  const stop = (): Promise<number | null> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`goroscope serve printed no URL within ${START_TIMEOUT_MS} ms\n${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`goroscope serve exited (${code}) before listening\n${stderr}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^goroscope serve: (http:\/\/([^/]+)\/#token=(\S+))$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = new URL(m[1]!);
      resolve({ url: m[1]!, origin: url.origin, token: m[3]!, port: Number(url.port), pid: child.pid!, stderr: () => stderr, stop });
    });
  });
}
