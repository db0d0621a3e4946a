// Issue 12's "Must show", end to end with the built CLI: a real Go 1.27 service whose request
// goroutines leak under pprof labels. `check --json` and the reports attribute the suspect to its
// route, `parse --group-by-label` splits it by tenant, `report --redact-labels` hashes the values.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckResultSchema, ReportSchema } from '../../src/shared/report.js';
import { redactedValue } from '../../src/main/analysis/redact-labels.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { REPO_ROOT, startFixture, type RunningFixture } from '../helpers/go-toolchains.js';
import { buildLabelled, headerCount, leakOrdersLine } from '../helpers/labelled-fixture.js';

const CLI = path.join(REPO_ROOT, 'bin', 'goroscope.js');

function goroscope(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dir = '';
let service: RunningFixture | undefined;
const files: string[] = [];
let lastDump = '';

beforeAll(async () => {
  await ensureCliBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-labels-cli-'));
  service = await startFixture(await buildLabelled(), ['serve', '-leaks', '3']);
  const get = async (p: string): Promise<string> => {
    const res = await fetch(`${service!.url}${p}`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    return res.text();
  };
  // Three dumps while requests of six tenants leak one goroutine each.
  for (let t = 0; t < 3; t++) {
    if (t > 0) for (let i = 0; i < 12; i++) await get(`/orders?tenant=tenant-${i % 6}`);
    if (t === 2) writeFileSync(path.join(dir, 't2.leak.debug1.txt'), await get('/debug/pprof/goroutineleak?debug=1'));
    lastDump = await get('/debug/pprof/goroutine?debug=2');
    const file = path.join(dir, `t${t}.debug2.txt`);
    writeFileSync(file, lastDump);
    files.push(file);
  }
  files.splice(2, 0, path.join(dir, 't2.leak.debug1.txt'));
}, 120_000);

afterAll(async () => {
  await service?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a Go 1.27 service leaking labelled request goroutines', () => {
  it('parse keeps every goroutine and splits the leak by tenant', async () => {
    const run = await goroscope(['parse', '--json', '--group-by-label', 'tenant', files[files.length - 1]!]);
    expect(run.code).toBe(0);
    const s = JSON.parse(run.stdout) as { total: number; warnings: unknown[]; groups: { count: number; blockingSite: { func: string; line: number }; byLabel: { key: string; values: { value: string | null; count: number }[] } }[] };
    expect(s.total).toBe(headerCount(lastDump));
    expect(s.warnings).toEqual([]);
    const leak = s.groups.find((g) => g.blockingSite?.func === 'main.orderLeak')!;
    expect(leak.count).toBe(27);
    expect(leak.byLabel.key).toBe('tenant');
    expect(leak.byLabel.values).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((i) => ({ value: `tenant-${i}`, count: 4 })),
      { value: 't-0', count: 1 },
      { value: 't-1', count: 1 },
      { value: 't-2', count: 1 },
    ]);
    const text = await goroscope(['parse', '--group-by-label', 'tenant', files[files.length - 1]!]);
    expect(text.stdout).toContain('labels: 100% carry route=GET /orders; tenant spread over 9 values');
    expect(text.stdout).toContain('by tenant: tenant-0 4, tenant-1 4, tenant-2 4, tenant-3 4, tenant-4 4, tenant-5 4, t-0 1, t-1 1, t-2 1');
  });

  it('check --json attributes the suspect to its route and names the growing tenants', async () => {
    const run = await goroscope(['check', '--json', ...files]);
    expect(run.code).toBe(1);
    const result = CheckResultSchema.parse(JSON.parse(run.stdout));
    const s = result.suspects.find((x) => x.blockingSite?.func === 'main.orderLeak')!;
    expect(s.blockingSite!.line).toBe(leakOrdersLine());
    expect(s.isRuntimeProved).toBe(true);
    // 3 goroutines at t0 (t-0, t-1, t-2), 27 at t2: the route grew by 24, each new tenant by 4.
    expect(s.labelOrigin!.text).toBe('100% carry route=GET /orders; tenant spread over 9 values; growing: route=GET /orders +24, tenant=tenant-0 +4, tenant=tenant-1 +4');
    expect(s.labelOrigin!.keys[0]).toEqual({ key: 'route', values: 1, top: { value: 'GET /orders', count: 27, share: 1 } });
    expect(s.evidence.find((e) => e.kind === 'labels')!.text).toBe(`by label: ${s.labelOrigin!.text}`);
    expect(s.labels.reduce((n, l) => n + l.count, 0)).toBe(27);
  });

  it('the Markdown and HTML reports say where the leak comes from', async () => {
    const md = await goroscope(['report', '--format', 'md', ...files]);
    expect(md.stdout).toContain('by label: 100% carry route=GET /orders; tenant spread over 9 values');
    const html = await goroscope(['report', '--format', 'html', ...files]);
    expect(html.stdout).toContain('<p class="label-origin">By label: 100% carry route=GET /orders; tenant spread over 9 values');
  });

  it('report --redact-labels hashes every value, keeps keys, and says so', async () => {
    const json = await goroscope(['report', '--format', 'json', '--redact-labels', ...files]);
    const report = ReportSchema.parse(JSON.parse(json.stdout));
    expect(report.labelsRedacted).toBe(true);
    expect(json.stdout).not.toContain('tenant-0');
    expect(json.stdout).not.toContain('GET /orders');
    const s = report.suspects.find((x) => x.blockingSite?.func === 'main.orderLeak')!;
    expect(s.labelOrigin!.keys[0]!.top.value).toBe(redactedValue('GET /orders'));
    expect(s.labels.map((l) => Object.keys(l.labels).sort())).toEqual(s.labels.map(() => ['route', 'tenant']));
    const md = await goroscope(['report', '--format', 'md', '--redact-labels', ...files]);
    expect(md.stdout).toContain('Label values are redacted: each is replaced by a stable short hash');
  });
});
