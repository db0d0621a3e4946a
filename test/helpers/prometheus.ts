// A real Prometheus server (Debian's `prometheus` 2.42, installed by scripts/test-env.sh) for fleet
// tests: its own generated config, its own storage folder, loopback on a port it picks itself. A
// missing binary is an error, never a silent skip.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';

export interface ScrapeTarget {
  /** `127.0.0.1:40123` */
  addr: string;
  /** The `instance` label Prometheus gives the target (default: its address). */
  instance?: string;
  labels?: Record<string, string>;
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the storage folder. Idempotent. */
  stop(): Promise<void>;
  /** Everything it logged (for failure messages). */
  log(): string;
}

const START_TIMEOUT_MS = 15_000;

/** The YAML config: one job per entry, every target with its labels, scraped every `scrapeIntervalS`. */
export function prometheusConfig(jobs: Record<string, ScrapeTarget[]>, scrapeIntervalS: number): string {
  const lines = ['global:', `  scrape_interval: ${scrapeIntervalS}s`, `  scrape_timeout: ${scrapeIntervalS}s`, `  evaluation_interval: ${scrapeIntervalS}s`, 'scrape_configs:'];
  for (const [job, targets] of Object.entries(jobs)) {
    lines.push(`  - job_name: ${JSON.stringify(job)}`, '    static_configs:');
    for (const t of targets) {
      const labels = { ...(t.labels ?? {}), ...(t.instance !== undefined ? { instance: t.instance } : {}) };
      lines.push(`      - targets: [${JSON.stringify(t.addr)}]`, `        labels: ${JSON.stringify(labels)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Starts Prometheus scraping `jobs` and resolves once it listens and says it is ready. */
export function startPrometheus(jobs: Record<string, ScrapeTarget[]>, scrapeIntervalS = 1): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS_BIN)) throw new Error(`${PROMETHEUS_BIN} not found: run \`bash scripts/test-env.sh\` (installs Debian's prometheus)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-prometheus-'));
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(jobs, scrapeIntervalS));
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--log.level=info'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise<RunningPrometheus>((resolve, reject) => {
    let url: string | null = null;
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`prometheus: ${why}\n${log}`)));
    };
    child.once('error', (e) => fail(`could not start: ${e.message}`));
    void exit.then(() => fail('exited before it was ready'));
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      url ??= /msg="Listening on" address=(127\.0\.0\.1:\d+)/.exec(log)?.[1] ?? null;
      if (url !== null && log.includes('Server is ready to receive web requests.')) {
        clearTimeout(timer);
        resolve({ url: `http://${url}`, stop, log: () => log });
      }
    });
  });
}

/** Polls `query` until it returns at least `want` series (Prometheus needs a few scrapes for deriv()). */
export async function waitForSeries(prom: RunningPrometheus, query: string, want: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    last = await res.text();
    const doc = JSON.parse(last) as { data?: { result?: unknown[] } };
    if ((doc.data?.result?.length ?? 0) >= want) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`prometheus: ${query} did not return ${want} series within ${timeoutMs / 1000} s; last answer ${last}`);
}
