// `goroscope report` and `goroscope check` as a user runs them: the built CLI under plain Node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CheckResultSchema, ReportSchema } from '../../src/shared/report.js';
import { corpusPath, REPO_ROOT } from './helpers.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';

const BIN = path.join(REPO_ROOT, 'bin', 'goroscope.js');
let work = '';

beforeAll(async () => {
  await ensureCliBuilt();
  work = mkdtempSync(path.join(tmpdir(), 'goroscope-cli-'));
}, 150_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const files = (pattern: string, names: string[]) => names.map((n) => corpusPath(pattern, n));
const T4 = ['t0', 't1', 't2', 't3'];

describe('goroscope check', () => {
  test('a leak: exit 1, the suspect with its blocking site, count and explanation', () => {
    const r = run(['check', '--interval', '2s', ...files('01-chan-send-no-receiver', T4.map((t) => `${t}.debug2.txt`))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'goroscope check: 1 suspect (4 files: t0.debug2.txt, t1.debug2.txt, t2.debug2.txt, t3.debug2.txt; 4 ticks over 6.0 s, times assumed 2.0 s apart (the files carry no timestamps), 4 full dumps)',
    );
    expect(lines).toContain('#1 main.fetchWithTimeout.func1 main.go:84  300 goroutines, 3000/min, strong evidence, score 93/100');
    expect(lines).toContain('   created by main.fetchWithTimeout main.go:83');
  });

  test('text dumps without --interval: growth as counts, no rate', () => {
    const r = run(['check', ...files('01-chan-send-no-receiver', T4.map((t) => `${t}.debug2.txt`))]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'goroscope check: 1 suspect (4 files: t0.debug2.txt, t1.debug2.txt, t2.debug2.txt, t3.debug2.txt; 4 ticks, times unknown (no rate: give --interval), 4 full dumps)',
    );
    expect(lines).toContain('#1 main.fetchWithTimeout.func1 main.go:84  300 goroutines, +300 (no rate: no time), strong evidence, score 93/100');
    const [s] = CheckResultSchema.parse(JSON.parse(run(['check', '--json', ...files('01-chan-send-no-receiver', T4.map((t) => `${t}.debug2.txt`))]).stdout)).suspects;
    expect([s!.ratePerMin, s!.growthPerMin, s!.rise, s!.basis, s!.strength]).toEqual([null, 0, 300, 'trend', 'strong']);
    expect(s!.evidence.find((e) => e.kind === 'growth')!.text).toBe(
      '0 → 300 goroutines over 4 snapshots (+300): no rate, since the files carry no time and no interval was given',
    );
  });

  test('--json, protobuf files of 04: the three net/http groups, explained', () => {
    const r = run(['check', '--json', ...files('04-http-body-not-closed', T4.map((t) => `${t}.debug0.pb.gz`))]);
    expect(r.code).toBe(1);
    const result = CheckResultSchema.parse(JSON.parse(r.stdout));
    expect(result.suspects.map((s) => `${s.blockingSite!.func}:${s.blockingSite!.line} ${s.count} ${s.pattern}`).sort()).toEqual([
      'internal/poll.runtime_pollWait:305 300 http-server-idle-connections',
      'net/http.(*persistConn).readLoop:2213 300 http-client-body-not-closed',
      'net/http.(*persistConn).writeLoop:2392 300 http-client-body-not-closed',
    ]);
    const readLoop = result.suspects.find((s) => s.blockingSite!.line === 2213)!;
    expect(readLoop.explanation).toContain('HTTP client response bodies not closed. Every HTTP/1 client connection runs a readLoop and a writeLoop goroutine.');
    expect(readLoop.createdBy).toBeNull();
  });

  test('every format of each tick at once (t0.* … t3.*): one suspect, counts as measured', () => {
    const names = T4.flatMap((t) => [`${t}.debug0.pb.gz`, `${t}.debug1.txt`, `${t}.debug2.txt`, `${t}.vars.json`]);
    const r = run(['check', '--json', ...files('05-mutex-held-forever', names)]);
    expect(r.code).toBe(1);
    const [s] = CheckResultSchema.parse(JSON.parse(r.stdout)).suspects;
    expect(s!.blockingSite!.line).toBe(105);
    expect(s!.createdBy!.func).toBe('main.handleHit');
    expect(s!.evidence.find((e) => e.kind === 'counts')!.text).toBe(
      "process totals at t3, as measured: protobuf 303, debug=1 303, debug=2 303, NumGoroutine 303; its +300 is 100 % of the total's growth (+300)",
    );
  });

  test('one debug=2 dump of Go 1.27 with (leaked) marks: the runtime-proved groups first, then the two it cannot see', () => {
    const r = run(['check', '--json', corpusPath('14-go127-leak-profile', 't2.debug2.txt')]);
    expect(r.code).toBe(1);
    const result = CheckResultSchema.parse(JSON.parse(r.stdout));
    expect(result.suspects.map((s) => [s.blockingSite!.func, s.count, s.isRuntimeProved, s.strength, s.basis])).toEqual([
      ['main.replica', 300, true, 'proof', 'snapshot'],
      ['main.gather', 150, true, 'proof', 'snapshot'],
      ['main.recordHit', 150, false, 'strong', 'snapshot'],
      ['main.watch', 150, false, 'strong', 'snapshot'],
    ]);
    const text = run(['check', corpusPath('14-go127-leak-profile', 't2.debug2.txt')]).stdout;
    expect(text.endsWith('or give two or more dumps taken minutes apart.\n')).toBe(true);
    expect(text).toContain('\nOne snapshot: it shows where goroutines wait now, not whether their number grows.');
  });

  test('a healthy service: exit 0, no suspects', () => {
    const r = run(['check', ...files('09-healthy-control', ['t0', 't1', 't2', 't3', 't4', 't5'].map((t) => `${t}.debug1.txt`))]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^goroscope check: no suspects \(6 files: /);
    expect(run(['check', '--json', ...files('10-spike-then-drain', T4.map((t) => `${t}.debug2.txt`))])).toMatchObject({ code: 0, stdout: '{\n  "suspects": []\n}\n' });
  });

  test('errors: exit 2 with the reason', () => {
    expect(run(['check', '/nonexistent/t0.txt'])).toMatchObject({ code: 2, stdout: '', stderr: 'goroscope: cannot read /nonexistent/t0.txt: no such file\n' });
    const html = path.join(work, 'page.html');
    writeFileSync(html, '<html><title>Index</title></html>');
    expect(run(['check', html]).stderr).toBe(
      `goroscope: ${html}: an HTML page ("Index"), not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2\n`,
    );
    expect(run(['check', '--interval', 'soon', html])).toMatchObject({ code: 2, stderr: 'goroscope: --interval: expected a duration such as 60s, 2m or 500ms, got "soon"\n' });
    // Port 1 on loopback: nothing listens there, so recording cannot start.
    const url = run(['check', 'http://127.0.0.1:1', '--duration', '5s']);
    expect(url.code).toBe(2);
    expect(url.stderr).toBe(
      'checking http://127.0.0.1:1 for 5s, a tick every 2s (Ctrl-C ends early)\n' +
        'goroscope: GET http://127.0.0.1:1/debug/pprof/: connection refused by 127.0.0.1:1: nothing listens there; is the service running, on this port?\n',
    );
  });

  test('.goroscope.json in the working folder: its rules apply; a bad field is exit 2 naming it', () => {
    const leakFiles = files('01-chan-send-no-receiver', T4.map((t) => `${t}.debug1.txt`));
    writeFileSync(path.join(work, '.goroscope.json'), JSON.stringify({ ignore: [{ blockingSite: 'main.go:84', reason: 'tracked in JIRA-1' }] }));
    try {
      expect(run(['check', ...leakFiles]).code).toBe(0);
      writeFileSync(path.join(work, '.goroscope.json'), '{"ignore":[{"topFunction":42}]}');
      expect(run(['check', ...leakFiles])).toMatchObject({ code: 2, stderr: 'goroscope: .goroscope.json: ignore[0].topFunction: expected a string, got 42\n' });
    } finally {
      rmSync(path.join(work, '.goroscope.json'), { force: true });
    }
    expect(run(['check', '--config', 'missing.json', ...leakFiles])).toMatchObject({ code: 2, stderr: 'goroscope: cannot read missing.json: no such file\n' });
  });
});

describe('goroscope report', () => {
  const leak14 = () => files('14-go127-leak-profile', ['t0.debug2.txt', 't1.debug2.txt', 't2.debug2.txt']);

  test('-o report.html: one self-contained HTML file', () => {
    const out = path.join(work, 'report.html');
    const r = run(['report', ...leak14(), '-o', out]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Goroscope: 4 goroutine leak suspects</title>');
    expect(html).not.toMatch(/<script|https?:\/\//i);
  });

  test('--format md to standard output, and the format from the -o extension', () => {
    const r = run(['report', '--format', 'md', ...leak14()]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('## Goroscope: 4 goroutine leak suspects\n')).toBe(true);
    const out = path.join(work, 'r.json');
    expect(run(['report', ...leak14(), '-o', out]).code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(report.summary.runtimeProved).toBe(2);
  });

  test('errors: an unknown format, a session id the history does not have', () => {
    expect(run(['report', '--format', 'pdf', ...leak14()])).toMatchObject({ code: 2, stderr: 'goroscope: --format: expected html, md or json, got "pdf"\n' });
    expect(run(['report', '42', '--db', path.join(work, 'empty.db')])).toMatchObject({
      code: 2,
      stderr: 'goroscope: no session 42 in the history; `goroscope sessions` lists them\n',
    });
  });

  test('a recorded session by id: import files into a history, then report it', () => {
    const db = path.join(work, 'history.db');
    const t = files('01-chan-send-no-receiver', T4.map((x) => `${x}.debug1.txt`));
    const at = ['2026-01-01T10:00:00Z', '2026-01-01T10:01:00Z', '2026-01-01T10:02:00Z', '2026-01-01T10:03:00Z'];
    expect(run(['import', ...t, '--at', at.join(','), '--db', db]).code).toBe(0);
    const r = run(['report', '1', '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.suspects.map((s) => [s.blockingSite?.func, s.blockingSite?.line, s.count])).toEqual([['main.fetchWithTimeout.func1', 84, 300]]);
    expect(report.window.ticks).toBe(4);
    expect(report.window.timesAssumed).toBe(false);
  });
});
