import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckResultSchema, ReportSchema, type CheckResult } from '../../src/shared/report.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { buildFixture, goToolchains, leakMarkers, REPO_ROOT, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import { startPrometheus, waitForSeries, type RunningPrometheus, type ScrapeTarget } from '../helpers/prometheus.js';

// Issue 15, "Must show": `goroscope check --prometheus … --job api --duration 45s --json` against a
// real Prometheus (Debian's 2.42, its own config and storage, scraping every second) that scrapes real
// Go services (test/fixtures/go/fleet): job `api` has 4 instances of which api-2 leaks; job `web` is
// 3 healthy ones; job `batch` has 2, and batch-1 is stopped mid-check. The three checks run at once
// (they mostly wait). Loopback only; everything is stopped in afterAll.

interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], onStderr: (text: string) => void = () => undefined): Promise<CheckRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/goroscope.js', ...args], { cwd: REPO_ROOT });
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
let prom: RunningPrometheus | null = null;
let outDir = '';
const runs = new Map<string, CheckRun>();

async function startJob(job: string, binary: string, count: number, leaking: number | null): Promise<ScrapeTarget[]> {
  const targets: ScrapeTarget[] = [];
  for (let i = 0; i < count; i++) {
    const svc = await startFixture(binary, i === leaking ? ['-leak-every', '250ms'] : []);
    services.push(svc);
    targets.push({ addr: svc.addr, instance: `${job}-${i}`, labels: { team: 'core' } });
  }
  return targets;
}

function check(job: string, duration: string, extra: string[] = [], onStderr?: (text: string) => void): Promise<CheckRun> {
  return runCli(['check', '--prometheus', prom!.url, '--job', job, '--lookback', '30s', '--duration', duration, '--json', ...extra], onStderr);
}

function parsed(run: CheckRun): CheckResult {
  return CheckResultSchema.parse(JSON.parse(run.stdout));
}

beforeAll(async () => {
  goToolchains();
  await ensureCliBuilt();
  outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-fleet-'));
  // Go 1.27 serves goroutineleak, so the api fleet also exercises the one-leak-request-at-a-time rule.
  const bin27 = await buildFixture('fleet', 'go1.27', outDir);
  const bin19 = await buildFixture('fleet', 'go1.19', outDir);
  const jobs = {
    api: await startJob('api', bin27, 4, 2),
    web: await startJob('web', bin19, 3, null),
    batch: await startJob('batch', bin19, 2, null),
  };
  prom = await startPrometheus(jobs, 1);
  // deriv() needs two samples of each instance inside the lookback.
  for (const [job, targets] of Object.entries(jobs)) await waitForSeries(prom, `deriv(go_goroutines{job="${job}"}[30s])`, targets.length);
  const batch1 = services[services.length - 1]!;
  await Promise.all([
    check('api', '45s', ['--interval', '2s', '--db', path.join(outDir, 'api.db')]).then((r) => void runs.set('api', r)),
    check('web', '20s', ['--interval', '2s']).then((r) => void runs.set('web', r)),
    check('batch', '20s', ['--interval', '1s', '--match', 'team=core'], (text) => {
      if (/\[batch-1\] \S+ {2}#3 /.test(text)) void batch1.stop();
    }).then((r) => void runs.set('batch', r)),
    check('api', '4s', ['--interval', '1s', '--top', '2']).then((r) => void runs.set('top', r)),
    check('nosuch', '4s').then((r) => void runs.set('nosuch', r)),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await prom?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('check --prometheus: a fleet found through a real Prometheus', () => {
  it('ranks the instances by deriv(go_goroutines) before recording, the leaking one first', () => {
    const { stderr } = runs.get('api')!;
    expect(stderr).toContain('Prometheus http://127.0.0.1:');
    expect(stderr).toContain('job "api", 4 targets, ranked by deriv(go_goroutines{job="api"}[30s])');
    expect(stderr).toMatch(/^ {3}1\. api-2 +\+\d+(\.\d)?\/min/m);
    expect(stderr.indexOf('1. api-2')).toBeLessThan(stderr.indexOf('[api-2]'));
  });

  it('exits 1 naming the leak, with instances[] holding exactly the leaking instance', () => {
    const run = runs.get('api')!;
    expect(run.code, run.stderr).toBe(1);
    const result = parsed(run);
    expect(result.suspects.length).toBeGreaterThanOrEqual(1);
    const leak = result.suspects.find((s) => s.blockingSite?.func === 'main.forgottenReply');
    expect(leak, JSON.stringify(result.suspects.map((s) => s.blockingSite))).toBeDefined();
    expect(leak!.blockingSite!.line).toBe(leakMarkers('fleet')['LEAK-FLEET']);
    expect(leak!.blockingSite!.file).toMatch(/test\/fixtures\/go\/fleet\/main\.go$/);
    for (const s of result.suspects) expect(s.instances!.map((i) => i.name), s.key).toEqual(['api-2']);
    expect(leak!.growsOn).toBe('grows on 1 of 4: api-2; flat elsewhere');
    expect(leak!.instances![0]!.growthPerMin).toBeGreaterThan(60);
    expect(leak!.instances![0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.fleet!.instances.map((i) => i.name)[0]).toBe('api-2');
    expect(result.fleet!.instances.map((i) => i.name).sort()).toEqual(['api-0', 'api-1', 'api-2', 'api-3']);
  });

  it('shows the cost imposed: requests, bytes and time in full dumps, per instance and in sum', () => {
    const { fleet } = parsed(runs.get('api')!);
    for (const i of fleet!.instances) {
      expect(i.failedTicks, i.name).toBe(0);
      expect(i.cost.requests, i.name).toBeGreaterThanOrEqual(i.ticks);
      expect(i.cost.fullDumps, i.name).toBeGreaterThanOrEqual(2);
      expect(i.cost.fullDumpMs, i.name).toBeGreaterThan(0);
      expect(i.cost.bytes, i.name).toBeGreaterThan(i.cost.largestFullDumpBytes);
    }
    expect(fleet!.cost.requests).toBe(fleet!.instances.reduce((n, i) => n + i.cost.requests, 0));
    expect(fleet!.cost.bytes).toBe(fleet!.instances.reduce((n, i) => n + i.cost.bytes, 0));
  });

  it('keeps one session per instance under the fleet session, which report reads as a fleet', async () => {
    const db = path.join(outDir, 'api.db');
    const store = HistoryStore.open(db);
    let fleetId = 0;
    try {
      const fleetSession = store.listSessions().find((s) => s.name === 'check job api')!;
      fleetId = fleetSession.id;
      const fleet = store.fleets.fleet(fleetId)!;
      expect(fleet).toMatchObject({ source: 'prometheus', job: 'api', rankingQuery: 'deriv(go_goroutines{job="api"}[30s])', maxConcurrent: 4 });
      expect(fleet.instances.map((i) => i.name).sort()).toEqual(['api-0', 'api-1', 'api-2', 'api-3']);
      for (const i of fleet.instances) {
        expect(store.session(i.sessionId).name).toBe(`check job api · ${i.name}`);
        expect(store.sessionSeries(i.sessionId).ticks.length).toBeGreaterThanOrEqual(15);
        expect(i.labels).toMatchObject({ job: 'api', team: 'core', instance: i.name });
        expect(store.fleets.fleetOf(i.sessionId)).toEqual({ fleetSessionId: fleetId, name: i.name });
      }
      // Go 1.27 served goroutineleak on every instance: each full-dump tick asked for it.
      const leakRequests = fleet.instances.flatMap((i) => store.sessionSnapshots(i.sessionId).filter((s) => s.kind === 'leak'));
      expect(leakRequests.length).toBeGreaterThanOrEqual(8);
    } finally {
      store.dispose();
    }
    const report = await runCli(['report', String(fleetId), '--db', db, '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    const r = ReportSchema.parse(JSON.parse(report.stdout));
    expect(r.fleet!.instances.map((i) => i.name)[0]).toBe('api-2');
    expect(r.suspects[0]!.instances!.map((i) => i.name)).toEqual(['api-2']);
    const html = await runCli(['report', String(fleetId), '--db', db, '--format', 'html']);
    expect(html.code, html.stderr).toBe(0);
    for (const name of ['api-0', 'api-1', 'api-2', 'api-3']) expect(html.stdout).toContain(`data-instance="${name}"`);
  });

  it('--top K records the K fastest-growing instances and names the ones it skipped', () => {
    const run = runs.get('top')!;
    const { fleet } = parsed(run);
    expect(fleet!.instances.map((i) => i.name)[0]).toBe('api-2');
    expect(fleet!.instances).toHaveLength(2);
    expect(fleet!.skipped).toHaveLength(2);
    for (const s of fleet!.skipped) expect(s.why).toBe('not in the top 2 by growth');
  });

  it('names the jobs Prometheus has when the job has no target', () => {
    const run = runs.get('nosuch')!;
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`goroscope: Prometheus ${prom!.url} has no active target of job "nosuch"; its jobs are: api, batch, web\n`);
  });

  it('passes a healthy fleet with exit 0', () => {
    const run = runs.get('web')!;
    expect(run.code, run.stderr).toBe(0);
    const result = parsed(run);
    expect(result.suspects).toEqual([]);
    expect(result.fleet!.instances.map((i) => [i.name, i.failedTicks])).toEqual(
      expect.arrayContaining([['web-0', 0], ['web-1', 0], ['web-2', 0]]),
    );
  });

  it('gives failed ticks to the instance that died mid-session, and to it alone', () => {
    const run = runs.get('batch')!;
    expect(run.code, run.stderr).toBe(0);
    const { fleet } = parsed(run);
    const byName = new Map(fleet!.instances.map((i) => [i.name, i]));
    expect(byName.get('batch-0')!.failedTicks).toBe(0);
    expect(byName.get('batch-0')!.ticks).toBeGreaterThanOrEqual(15);
    expect(byName.get('batch-1')!.failedTicks).toBeGreaterThanOrEqual(1);
    expect(run.stderr).toMatch(/\[batch-1\] \S+ +#\d+ +FAILED/);
    expect(run.stderr).not.toMatch(/\[batch-0\] \S+ +#\d+ +FAILED/);
  });
});
