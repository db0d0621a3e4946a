// Real third-party Go servers for the churn tests (issue 19): caddy and nats-server from Debian
// bookworm, unpacked by `bash scripts/setup-servers.sh` into $GOROSCOPE_SERVERS_CACHE (default
// <repo>/.cache/servers). Each test instance runs on loopback with a temporary config and data
// folder, and serves net/http/pprof: caddy on its admin endpoint, nats-server on its profiling port.
// A missing binary is an error, never a silent skip.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './go-toolchains.js';

export type ThirdPartyServerName = 'caddy' | 'nats-server';

export interface RunningServer {
  name: ThirdPartyServerName;
  /** Base URL of the net/http/pprof endpoint, e.g. `http://127.0.0.1:40123`. */
  pprofUrl: string;
  /** Where clients connect: caddy's HTTP site, nats-server's client port. */
  clientPort: number;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp folder. Idempotent. */
  stop(): Promise<void>;
  /** stderr and stdout collected so far (last 64 KiB). */
  output(): string;
}

const SETUP_HINT = 'Run `bash scripts/setup-servers.sh` (scripts/test-env.sh does) to fetch caddy and nats-server.';
const READY_TIMEOUT_MS = 15_000;
const OUTPUT_KEEP = 64 * 1024;

function serversRoot(): string {
  const override = process.env['GOROSCOPE_SERVERS_CACHE'];
  return path.join(override !== undefined && override !== '' ? path.resolve(override) : path.join(REPO_ROOT, '.cache', 'servers'), 'root');
}

/** The server's binary; throws with the set-up hint when it is missing. */
export function serverBinary(name: ThirdPartyServerName): string {
  const bin = path.join(serversRoot(), name === 'caddy' ? 'usr/bin/caddy' : 'usr/sbin/nats-server');
  if (!existsSync(bin)) throw new Error(`${name} missing: ${bin} not found. ${SETUP_HINT}`);
  return bin;
}

/** A free loopback port (the kernel's pick; released before the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts caddy with a static-response site and its admin endpoint (which serves /debug/pprof/). */
export async function startCaddy(): Promise<RunningServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-caddy-'));
  const [admin, site] = [await freePort(), await freePort()];
  const config = {
    admin: { listen: `127.0.0.1:${admin}` },
    // Caddy keeps its state under $XDG_DATA_HOME / $XDG_CONFIG_HOME: both point into the temp folder.
    apps: { http: { servers: { churn: { listen: [`127.0.0.1:${site}`], automatic_https: { disable: true }, routes: [{ handle: [{ handler: 'static_response', body: 'ok\n' }] }] } } } },
  };
  writeFileSync(path.join(dir, 'caddy.json'), JSON.stringify(config));
  return launch('caddy', ['run', '--config', path.join(dir, 'caddy.json')], dir, `http://127.0.0.1:${admin}`, site);
}

/** Starts nats-server on loopback with its profiling port (which serves /debug/pprof/). */
export async function startNats(): Promise<RunningServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-nats-'));
  const [client, prof] = [await freePort(), await freePort()];
  // -a binds the client and the profiling listeners to loopback.
  return launch('nats-server', ['-a', '127.0.0.1', '-p', String(client), '--profile', String(prof)], dir, `http://127.0.0.1:${prof}`, client);
}

async function launch(name: ThirdPartyServerName, args: string[], dir: string, pprofUrl: string, clientPort: number): Promise<RunningServer> {
  const bin = serverBinary(name);
  const child = spawn(bin, args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') },
  });
  let output = '';
  const keep = (d: Buffer): void => {
    output += d.toString();
    if (output.length > OUTPUT_KEEP) output = output.slice(-OUTPUT_KEEP);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let hasExited = false;
  const exited = new Promise<void>((resolve) => child.on('exit', () => ((hasExited = true), resolve())));
  child.on('error', (err) => keep(Buffer.from(`spawn error: ${err.message}\n`)));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!hasExited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })());
  const server: RunningServer = { name, pprofUrl, clientPort, stop, output: () => output };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited) break;
    if (await isServingPprof(pprofUrl)) return server;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`${name} ${args.join(' ')}: ${pprofUrl}/debug/pprof/goroutine not served within ${READY_TIMEOUT_MS / 1000} s\n--- output ---\n${output}`);
}

async function isServingPprof(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/debug/pprof/goroutine?debug=1`, { signal: AbortSignal.timeout(2_000) });
    const text = await res.text();
    return res.ok && text.startsWith('goroutine profile:');
  } catch {
    // Not listening yet: the caller polls again.
    return false;
  }
}
