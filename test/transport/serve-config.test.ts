import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { replySchemaOf } from '../../src/shared/contract.js';
import { ReportSchema, type Report } from '../../src/shared/report.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { rawRequest } from '../helpers/http-request.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

// `goroscope serve` reads the project file (`--config FILE`, else `.goroscope.json` in its working
// folder) at startup, and its ignore rules reach `report.render`. The real built CLI, over HTTP.

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const DIR_01 = path.join(CORPUS, 'generated', '01-chan-send-no-receiver');
const LEAK_SITE = { func: 'main.fetchWithTimeout.func1', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 84 };
const IGNORE_LEAK = JSON.stringify({ ignore: [{ blockingSite: 'main.go:84', reason: 'known, fixed upstream' }] });

let root = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'goroscope-serve-config-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the test's root with these files in it. */
async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  return dir;
}

async function serveIn(cwd: string, args: string[] = []): Promise<ServeProcess> {
  const serve = await startServe(['--db', path.join(cwd, 'history.db'), ...args], { cwd });
  onTestFinished(async () => {
    expect(await serve.stop()).toBe(0);
  });
  return serve;
}

async function call(serve: ServeProcess, name: 'dump.import' | 'report.render', input: unknown): Promise<unknown> {
  const res = await rawRequest({
    port: serve.port,
    method: 'POST',
    path: `/api/${name}`,
    headers: { host: `127.0.0.1:${serve.port}`, 'x-goroscope-token': serve.token, 'content-type': 'application/json' },
    body: JSON.stringify(input),
    timeoutMs: 15_000,
  });
  expect(res.status).toBe(200);
  const reply = replySchemaOf(name).parse(JSON.parse(res.body));
  if (!reply.ok) throw new Error(`${name}: ${reply.error.code} ${reply.error.message}`);
  return reply.value;
}

/** Imports corpus 01's four debug=2 dumps (a minute apart) and returns the JSON report of the session. */
async function reportOfCorpus01(serve: ServeProcess): Promise<Report> {
  const files = ['t0', 't1', 't2', 't3'].map((t, i) => ({
    name: `${t}.debug2.txt`,
    encoding: 'utf8',
    data: readFileSync(path.join(DIR_01, `${t}.debug2.txt`), 'utf8'),
    modifiedAtMs: 1_700_000_000_000 + i * 60_000,
  }));
  const imported = (await call(serve, 'dump.import', { name: 'corpus 01', files })) as { session: { id: number } };
  const rendered = (await call(serve, 'report.render', { sessionId: imported.session.id, format: 'json' })) as { content: string };
  return ReportSchema.parse(JSON.parse(rendered.content));
}

/** Runs `goroscope serve` expecting it to refuse to start; resolves with its exit code and stderr. */
function serveRefused(cwd: string, args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'goroscope.js'), 'serve', '--port', '0', '--db', path.join(cwd, 'history.db'), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('goroscope serve and the project file', () => {
  test('without a project file the leak of corpus 01 is the one suspect', { timeout: 30_000 }, async () => {
    const serve = await serveIn(await folder('none', {}));
    const report = await reportOfCorpus01(serve);
    // stderr follows the URL on stdout: by the time of the report it has been written.
    expect(serve.stderr()).toContain('ignore rules: built-in only\n');
    expect(report.suspects.map((x) => [x.blockingSite, x.count])).toEqual([[LEAK_SITE, 300]]);
    expect(report.ignoreRules.filter((r) => !r.isBuiltin)).toEqual([]);
  });

  test('.goroscope.json in the working folder ignores the leak: no suspect in report.render', { timeout: 30_000 }, async () => {
    const serve = await serveIn(await folder('default', { '.goroscope.json': IGNORE_LEAK }));
    const report = await reportOfCorpus01(serve);
    expect(serve.stderr()).toContain('ignore rules: .goroscope.json\n');
    expect(report.suspects).toEqual([]);
    expect(report.summary.suspects).toBe(0);
    expect(report.ignoreRules.filter((r) => !r.isBuiltin).map((r) => [r.id, r.reason, r.matchedGroups, r.matchedGoroutines])).toEqual([
      ['.goroscope.json#ignore[0]', 'known, fixed upstream', 1, 300],
    ]);
    expect(report.setAside.map((x) => [x.blockingSite, x.count])).toEqual([[LEAK_SITE, 300]]);
  });

  test('--config FILE wins over the working folder’s .goroscope.json', { timeout: 30_000 }, async () => {
    const dir = await folder('explicit', { '.goroscope.json': '{}', 'ignore-leak.json': IGNORE_LEAK });
    const file = path.join(dir, 'ignore-leak.json');
    const serve = await serveIn(dir, ['--config', file]);
    const report = await reportOfCorpus01(serve);
    expect(serve.stderr()).toContain(`ignore rules: ${file}\n`);
    expect(report.suspects).toEqual([]);
    expect(report.groups.find((g) => g.blockingSite?.line === 84)?.ignoredBy).toBe(`${file}#ignore[0]`);
  });

  test('a bad project file stops serve at startup with exit 2, naming the field; no history is created', { timeout: 30_000 }, async () => {
    const dir = await folder('bad', { '.goroscope.json': '{"ignore":[{"blockingSite":"main.go:84"}],"minGrowt":2}', 'typo.json': '{"ignore":[{"topFunc":"main.f"}]}' });
    const typo = await serveRefused(dir, ['--config', path.join(dir, 'typo.json')]);
    expect(typo).toEqual({
      code: 2,
      stdout: '',
      stderr: `goroscope: ${path.join(dir, 'typo.json')}: ignore[0]: unknown field "topFunc"; known fields: topFunction, anyFunction, blockingSite, state, createdBy, maxCount, unlessGrowing, reason\n`,
    });
    const unknown = await serveRefused(dir, []);
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'goroscope: .goroscope.json: unknown field "minGrowt"; known fields: $schema, ignore, builtinIgnores, minGrowth, sourceRoots\n' });
    const missing = await serveRefused(dir, ['--config', 'nowhere.json']);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'goroscope: cannot read nowhere.json: no such file\n' });
    expect(existsSync(path.join(dir, 'history.db'))).toBe(false);
  });
});
