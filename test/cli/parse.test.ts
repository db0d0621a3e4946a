// `goroscope parse` as a user runs it: the built CLI under plain Node, on files, on standard input, with
// --json (the documented shape, README "JSON output"), and refusing what is not a dump with exit code 2.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CORPUS_ROOT, REPO_ROOT, corpusBytes, corpusPath } from '../dump/corpus.js';

const CLI = path.join(REPO_ROOT, 'bin', 'goroscope.js');
const RUN_LIMIT_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/goroscope.js …args`, feeding `stdin` if given; killed after RUN_LIMIT_MS. */
function goroscope(args: string[], stdin?: Uint8Array): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(stdin ?? new Uint8Array(0));
  });
}

const FrameJson = z.strictObject({ func: z.string().min(1), file: z.string(), line: z.number().int().nonnegative() });
const GroupJson = z.strictObject({
  key: z.string().regex(/^[0-9a-f]{16}$/),
  count: z.number().int().positive(),
  states: z.record(z.string(), z.number().int().positive()),
  leakedCount: z.number().int().nonnegative(),
  maxWaitMinutes: z.number().int().nonnegative().nullable(),
  blockingSite: FrameJson.nullable(),
  createdBy: FrameJson.nullable(),
  frames: z.array(FrameJson),
  labels: z.array(z.strictObject({ labels: z.record(z.string(), z.string()), count: z.number().int().positive() })),
  ids: z.array(z.number().int().nonnegative()),
});
const SnapshotJson = z.strictObject({
  format: z.enum(['traceback', 'debug1', 'pprof-proto', 'expvar', 'prometheus']),
  profile: z.enum(['goroutine', 'goroutineleak']).nullable(),
  total: z.number().int().nonnegative(),
  takenAtMs: z.number().nullable(),
  threadStacks: z.number().int().nonnegative(),
  metrics: z
    .strictObject({
      numGoroutine: z.number().nullable(),
      threads: z.number().nullable(),
      heapAllocBytes: z.number().nullable(),
      heapInuseBytes: z.number().nullable(),
      gcCycles: z.number().nullable(),
    })
    .nullable(),
  groups: z.array(GroupJson),
  warnings: z.array(z.strictObject({ line: z.number().int().positive().nullable(), message: z.string().min(1) })),
});
type SnapshotJson = z.infer<typeof SnapshotJson>;

let scratch = '';

beforeAll(async () => {
  await ensureCliBuilt();
  scratch = mkdtempSync(path.join(tmpdir(), 'goroscope-cli-'));
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('goroscope parse', () => {
  const leak = corpusPath('generated/01-chan-send-no-receiver/t1.debug2.txt');

  it('a debug=2 file: one line per group, largest first, exit 0', async () => {
    const run = await goroscope(['parse', leak]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('traceback, 103 goroutines in 4 groups');
    expect(lines[1]).toMatch(/^ {4}COUNT {2}STATE +BLOCKING SITE +CREATED BY$/);
    expect(lines[2]).toMatch(/^ {6}100 {2}chan send +main\.fetchWithTimeout\.func1 main\.go:84 +main\.fetchWithTimeout main\.go:83$/);
    expect(lines).toHaveLength(6);
  });

  it('standard input (`-`), a debug=1 profile', async () => {
    const run = await goroscope(['parse', '-'], corpusBytes('generated/03-forgotten-context-cancel/t2.debug1.txt'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('debug1 (goroutine profile), 303 goroutines in 4 groups');
    expect(lines[2]).toMatch(/^ {6}300 {2}- +main\.subscriptionWorker main\.go:94 +-$/);
  });

  it('standard input, a gzipped protobuf (binary)', async () => {
    const run = await goroscope(['parse', '-', '--json'], corpusBytes('generated/14-go127-leak-profile/t2.leak.debug0.pb.gz'));
    expect(run.code).toBe(0);
    const json = SnapshotJson.parse(JSON.parse(run.stdout));
    expect([json.format, json.profile, json.total]).toEqual(['pprof-proto', 'goroutineleak', 450]);
    expect(json.groups.map((g) => [g.count, g.blockingSite?.func])).toEqual([
      [300, 'main.replica'],
      [150, 'main.gather'],
    ]);
    expect(json.takenAtMs).toBeGreaterThan(0);
  });

  it('--json: the documented shape, with the values of the dump', async () => {
    const run = await goroscope(['parse', leak, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const json: SnapshotJson = SnapshotJson.parse(JSON.parse(run.stdout));
    expect([json.format, json.profile, json.total, json.threadStacks, json.metrics, json.warnings]).toEqual(['traceback', null, 103, 0, null, []]);
    const g = json.groups[0]!;
    expect(g).toMatchObject({
      count: 100,
      states: { 'chan send': 100 },
      leakedCount: 0,
      maxWaitMinutes: 0,
      blockingSite: { func: 'main.fetchWithTimeout.func1', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 84 },
      createdBy: { func: 'main.fetchWithTimeout', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 83 },
      frames: [{ func: 'main.fetchWithTimeout.func1', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 84 }],
      labels: [],
    });
    expect(g.ids).toHaveLength(100);
    expect(g.ids).toEqual([...g.ids].sort((a, b) => a - b));
    expect(json.groups.map((x) => x.count)).toEqual([100, 1, 1, 1]);
    expect(json.groups.find((x) => x.blockingSite?.func === 'main.main')?.createdBy).toBeNull();
  });

  it('--json on concatenated profiles: {"snapshots": [...]}', async () => {
    const run = await goroscope(['parse', corpusPath('public/repeated-debug1-cyrillic-paths.txt'), '--json']);
    expect(run.code).toBe(0);
    const json = z.strictObject({ snapshots: z.array(SnapshotJson) }).parse(JSON.parse(run.stdout));
    expect(json.snapshots).toHaveLength(8);
    expect(json.snapshots.map((s) => s.total)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(json.snapshots[0]!.groups.map((g) => g.blockingSite?.file.split('/').pop())).toEqual(['Дамп горутин.go', 'Дамп горутин.go']);
  });

  it('--json on expvar: metrics, no groups', async () => {
    const run = await goroscope(['parse', corpusPath('generated/10-spike-then-drain/t1.vars.json'), '--json']);
    expect(run.code).toBe(0);
    const json = SnapshotJson.parse(JSON.parse(run.stdout));
    expect([json.format, json.total, json.groups, json.metrics?.numGoroutine]).toEqual(['expvar', 803, [], 803]);
  });

  it('an HTML page: exit 2 and the reason on stderr, nothing on stdout', async () => {
    const file = path.join(scratch, 'index.html');
    writeFileSync(file, '<!DOCTYPE html>\n<html><head><title>/debug/pprof/</title></head><body>profiles</body></html>\n');
    const run = await goroscope(['parse', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'goroscope: an HTML page ("/debug/pprof/"), not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2\n',
    );
  });

  it('a missing file: exit 2', async () => {
    const file = path.join(scratch, 'no-such-dump.txt');
    const run = await goroscope(['parse', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`goroscope: cannot read ${file}: no such file\n`);
  });

  it('an empty file: exit 2', async () => {
    const file = path.join(scratch, 'empty.txt');
    writeFileSync(file, '');
    const run = await goroscope(['parse', file, '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('goroscope: an empty input; expected a goroutine dump or profile\n');
  });

  it('empty standard input: exit 2', async () => {
    const run = await goroscope(['parse', '-']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('goroscope: an empty input; expected a goroutine dump or profile\n');
  });

  it('reads the corpus in place beside the repo', () => {
    expect(path.relative(REPO_ROOT, CORPUS_ROOT)).toBe(path.join('..', 'shared', 'corpus'));
  });
});
