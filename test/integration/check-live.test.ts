import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckResultSchema } from '../../src/shared/report.js';
import { buildFixture, FIXTURES, goToolchains, leakMarkers, REPO_ROOT, startFixture, type FixtureName, type RunningFixture, type ToolchainName } from '../helpers/go-toolchains.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';

// Issue 5, "Live": `goroscope check --duration 60s` against real services built with Go 1.19 and
// Go 1.27 names each leak and passes the healthy ones. All ten checks (and a short one against a
// service that goes down) run at once (they mostly wait), so the file takes about a minute. Loopback
// only; every service is stopped in afterAll.
const TOOLCHAINS: ToolchainName[] = ['go1.19', 'go1.27'];
/** A fixture run with some flags, under a name of its own. */
const RUNS: { name: string; fixture: FixtureName; args: string[] }[] = [
  { name: 'leaky', fixture: 'leaky', args: ['-rate', '2'] },
  { name: 'healthy', fixture: 'healthy', args: [] },
  { name: 'bursty', fixture: 'bursty', args: ['-burst', '400', '-burst-every', '3s'] },
  { name: 'slowleak', fixture: 'slowleak', args: ['-burst', '400', '-burst-every', '3s', '-leak-every', '3s'] },
  // Six goroutines in the minute, one at a time: each step stays within the ±1 a plateau allows.
  { name: 'slowleak-10s', fixture: 'slowleak', args: ['-burst', '400', '-burst-every', '3s', '-leak-every', '10s'] },
];

interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `onStderr` sees the progress lines as they come (`  #0 17 goroutines`). */
function runCheck(url: string, duration = '60s', onStderr: (text: string) => void = () => undefined): Promise<CheckRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/goroscope.js', 'check', url, '--duration', duration, '--interval', '2s', '--json'], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const services: RunningFixture[] = [];
const results = new Map<string, CheckRun>();
let outDir = '';

/** A healthy service that goes down after the check's first tick. */
async function checkDyingService(bin: string): Promise<CheckRun> {
  const svc = await startFixture(bin, []);
  services.push(svc);
  return runCheck(svc.url, '10s', (text) => {
    if (/ {2}#0 \d+ goroutines/.test(text)) void svc.stop();
  });
}

beforeAll(async () => {
  goToolchains();
  await ensureCliBuilt();
  outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-check-live-'));
  const runs: Promise<void>[] = [];
  for (const tc of TOOLCHAINS) {
    for (const fixture of FIXTURES) await buildFixture(fixture, tc, outDir);
    for (const run of RUNS) {
      const svc = await startFixture(path.join(outDir, `${run.fixture}-${tc}`), run.args);
      services.push(svc);
      runs.push(runCheck(svc.url).then((r) => void results.set(`${run.name}-${tc}`, r)));
    }
  }
  runs.push(checkDyingService(path.join(outDir, 'healthy-go1.19')).then((r) => void results.set('dying-go1.19', r)));
  await Promise.all(runs);
}, 240_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function suspectsOf(name: string, tc: ToolchainName): CheckResultSchemaT['suspects'] {
  const run = results.get(`${name}-${tc}`)!;
  expect(run.stderr).toContain('checking http://127.0.0.1:');
  return CheckResultSchema.parse(JSON.parse(run.stdout)).suspects;
}
type CheckResultSchemaT = ReturnType<typeof CheckResultSchema.parse>;

function siteOf(s: CheckResultSchemaT['suspects'][number]): string {
  return `${s.blockingSite!.func} ${path.basename(s.blockingSite!.file)}:${s.blockingSite!.line}`;
}

describe.each(TOOLCHAINS)('goroscope check --duration 60s against services built with %s', (tc) => {
  it('names each leak of the leaky service, with the net/http explanation for unclosed bodies, and exits 1', () => {
    expect(results.get(`leaky-${tc}`)!.code).toBe(1);
    const suspects = suspectsOf('leaky', tc);
    const m = leakMarkers('leaky');
    const sites = suspects.map(siteOf);
    expect(sites).toEqual(
      expect.arrayContaining([
        `main.leakASender main.go:${m['LEAK-A']}`,
        `main.leakBConsumer main.go:${m['LEAK-B']}`,
        `main.leakCWaiter main.go:${m['LEAK-C']}`,
        `main.leakDWaiter main.go:${m['LEAK-D']}`,
      ]),
    );
    const http = suspects.filter((s) => /persistConn\)\.(readLoop|writeLoop)$/.test(s.blockingSite!.func));
    expect(http).toHaveLength(2);
    for (const s of http) {
      expect(s.explanation).toMatch(/^HTTP client response bodies not closed/);
      // Go 1.27 waits for the next request in bufio Peek, Go 1.19 in readRequest: both are idle server connections.
      expect(s.explanation).toMatch(/server connections \(net\/http\.\(\*conn\)\.serve\) grew \+\d+ in step/);
    }
    const server = suspects.filter((s) => s.createdBy?.func === 'net/http.(*Server).Serve');
    expect(server.map((s) => s.pattern)).toEqual(['http-server-idle-connections']);
    // Nothing but the leaks: the four of main.go, the two client loops and the server side of them.
    expect(suspects).toHaveLength(7);
    for (const s of suspects) expect(s.growthPerMin).toBeGreaterThan(60);
    const proved = new Set(suspects.filter((s) => s.isRuntimeProved).map(siteOf));
    if (tc === 'go1.27') {
      expect(proved.has(`main.leakASender main.go:${m['LEAK-A']}`)).toBe(true);
      expect(proved.has(`main.leakBConsumer main.go:${m['LEAK-B']}`)).toBe(true);
    } else {
      expect(proved.size).toBe(0);
    }
  });

  it('passes the healthy worker pool (exit 0, no suspect)', () => {
    expect(results.get(`healthy-${tc}`)!.code).toBe(0);
    expect(suspectsOf('healthy', tc)).toEqual([]);
  });

  it('passes the service whose bursts of 400 goroutines drain (exit 0, no suspect)', () => {
    expect(results.get(`bursty-${tc}`)!.code).toBe(0);
    expect(suspectsOf('bursty', tc)).toEqual([]);
  });

  it('finds the slow leak (one goroutine every 3 s) hidden among bursts, and nothing else', () => {
    expect(results.get(`slowleak-${tc}`)!.code).toBe(1);
    const suspects = suspectsOf('slowleak', tc);
    expect(suspects.map(siteOf)).toEqual([`main.awaitNotification main.go:${leakMarkers('slowleak')['LEAK-SLOW']}`]);
    expect(suspects[0]!.growthPerMin).toBeGreaterThan(12);
    expect(suspects[0]!.growthPerMin).toBeLessThan(30);
    expect(suspects[0]!.isRuntimeProved).toBe(tc === 'go1.27');
  });

  it('finds a slower leak (one goroutine every 10 s, six in the minute) among the bursts', () => {
    expect(results.get(`slowleak-10s-${tc}`)!.code).toBe(1);
    const suspects = suspectsOf('slowleak-10s', tc);
    expect(suspects.map(siteOf)).toEqual([`main.awaitNotification main.go:${leakMarkers('slowleak')['LEAK-SLOW']}`]);
    expect(suspects[0]!.growthPerMin).toBeGreaterThan(4);
    expect(suspects[0]!.growthPerMin).toBeLessThan(9);
  });
});

describe('goroscope check against a service that goes down after the first tick', () => {
  it('exits 2 saying growth needs two measured ticks, instead of passing with no suspects', () => {
    const run = results.get('dying-go1.19')!;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /\ngoroscope: check http:\/\/127\.0\.0\.1:\d+: goroutines were measured at 1 of \d+ ticks; growth needs at least two \(last failure: .*connection refused by 127\.0\.0\.1:\d+.*\)\. Is the service still up\? A longer --duration or --timeout may help\n$/,
    );
  });
});
