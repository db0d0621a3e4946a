// Runs the built `goroscope` the way the hostile-input tests need it: in a child process, with its
// peak memory reported (report-max-rss.mjs) and a hard time limit, so that a runaway parse fails the
// test instead of taking the test runner down.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import { REPO_ROOT } from './go-toolchains.js';

export const CLI_PATH = path.join(REPO_ROOT, 'bin', 'goroscope.js');
const RSS_REPORTER = path.join(REPO_ROOT, 'test', 'helpers', 'report-max-rss.mjs');
/** What each hostile input must stay under: "below 1 GiB of memory" (issue #11). */
export const MEMORY_BOUND_BYTES = 1 << 30;

export interface BoundedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the CLI process, bytes; null when it died before reporting. */
  maxRssBytes: number | null;
  elapsedMs: number;
}

/**
 * `node bin/goroscope.js …args` with `stdin` fed (bytes or a stream), killed after `timeoutMs`. V8's
 * old space is allowed more than the bound, so that exceeding it shows as a measured RSS, not a crash.
 */
export function runBounded(args: readonly string[], options: { stdin?: Uint8Array | Readable; timeoutMs: number; cwd?: string }): Promise<BoundedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--max-old-space-size=1536', '--import', pathToFileURL(RSS_REPORTER).href, CLI_PATH, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let rss = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as Readable).on('data', (b: Buffer) => (rss += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const kib = Number.parseInt(rss, 10);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        maxRssBytes: Number.isFinite(kib) ? kib * 1024 : null,
        elapsedMs: performance.now() - started,
      });
    });
    child.stdin!.on('error', () => undefined); // the CLI may stop reading once past its cap
    if (options.stdin === undefined || options.stdin instanceof Uint8Array) child.stdin!.end(options.stdin ?? new Uint8Array(0));
    else options.stdin.pipe(child.stdin!);
  });
}
