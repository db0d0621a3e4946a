import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { NotADumpError } from '../../src/shared/errors.js';
import { importFiles } from '../../src/main/use-cases/import-files.js';
import { importUploads } from '../../src/main/use-cases/import-uploads.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { tempStore } from '../integration/record-helpers.js';

// The one import behind `goroscope import` (paths; test/integration/record-import.test.ts) and
// `dump.import` (bytes from a renderer): here through the upload side and directly.

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const DIR_01 = path.join(CORPUS, 'generated', '01-chan-send-no-receiver');
const text = (name: string) => readFileSync(path.join(DIR_01, name), 'utf8');

describe('importUploads (dump.import)', () => {
  test('files of one stem make one tick; the interval times text dumps; modification times are not used', async () => {
    const { store } = tempStore();
    const outcome = await importUploads(
      store,
      {
        files: [
          { name: 't2.debug1.txt', encoding: 'utf8', data: text('t2.debug1.txt'), modifiedAtMs: 2_000 },
          { name: 'notes.html', encoding: 'utf8', data: '<!doctype html><title>Notes</title>' },
          { name: 't1.debug1.txt', encoding: 'utf8', data: text('t1.debug1.txt'), modifiedAtMs: 1_000 },
          { name: 't1.debug2.txt', encoding: 'utf8', data: text('t1.debug2.txt'), modifiedAtMs: 1_000 },
        ],
        intervalMs: 30_000,
      },
      5_000,
    );
    expect(outcome.refused).toEqual([
      { file: 'notes.html', message: 'an HTML page ("Notes"), not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2' },
    ]);
    const session = store.session(outcome.sessionId);
    // The order given, 30 s apart from the time of the import; the interval is kept for the analysis.
    expect(session).toMatchObject({ name: 't2.debug1.txt and 2 more', source: 'import', ticks: 2, snapshots: 3, startedAtMs: 5_000, endedAtMs: 35_000, intervalMs: 30_000 });
    const snaps = store.sessionSnapshots(outcome.sessionId);
    expect(snaps.map((s) => [s.endpoint, s.tick, s.atMs, s.format])).toEqual([
      ['t2.debug1.txt', 0, 5_000, 'debug1'],
      ['t1.debug1.txt', 1, 35_000, 'debug1'],
      ['t1.debug2.txt', 1, 35_000, 'traceback'],
    ]);
    expect(new TextDecoder().decode(store.rawDump(snaps[2]!.id)!.bytes)).toBe(text('t1.debug2.txt'));
  });

  test('protobuf profiles are timed by their own time_nanos; untimed text without an interval has no time (interval 0)', async () => {
    const { store } = tempStore();
    const pb = (t: string) => ({ name: `${t}.debug0.pb.gz`, encoding: 'base64' as const, data: readFileSync(path.join(DIR_01, `${t}.debug0.pb.gz`)).toString('base64') });
    const timed = await importUploads(store, { files: [pb('t0'), pb('t1')], intervalMs: 30_000 }, 5_000);
    const snaps = store.sessionSnapshots(timed.sessionId);
    const stamps = ['t0', 't1'].map((t) => parseSnapshots(readFileSync(path.join(DIR_01, `${t}.debug0.pb.gz`)))[0]!.takenAtMs);
    expect(snaps.map((s) => s.atMs)).toEqual(stamps);
    expect(store.session(timed.sessionId).intervalMs).toBeNull();
    const untimed = await importUploads(store, { files: [{ name: 't1.debug2.txt', encoding: 'utf8', data: text('t1.debug2.txt') }, { name: 't2.debug2.txt', encoding: 'utf8', data: text('t2.debug2.txt') }] }, 7_000);
    expect(store.session(untimed.sessionId)).toMatchObject({ intervalMs: 0, startedAtMs: 7_000, ticks: 2 });
  });

  test('a pasted dump is one tick dated now; nothing importable is NOT_A_DUMP, and stores nothing', async () => {
    const { store } = tempStore();
    const one = await importUploads(store, { files: [{ name: 'pasted dump', encoding: 'utf8', data: text('t1.debug2.txt') }] }, 7_000);
    expect(store.session(one.sessionId)).toMatchObject({ name: 'pasted dump', startedAtMs: 7_000, ticks: 1 });
    await expect(
      importUploads(store, { files: [{ name: 'a.txt', encoding: 'utf8', data: 'hello' }, { name: 'b.json', encoding: 'utf8', data: '{"a":1}' }], name: 'x' }, 0),
    ).rejects.toThrow(NotADumpError);
    expect(store.listSessions().map((s) => s.name)).toEqual(['pasted dump']);
  });
});

describe('importFiles', () => {
  test('several snapshots of one file are ticks of their own; a given time wins; refusals keep their position', async () => {
    const { store } = tempStore();
    // Two debug=1 profiles in one file (a log that captured both) make two snapshots.
    const twice = new TextEncoder().encode(`${text('t1.debug1.txt')}\n${text('t2.debug1.txt')}`);
    const outcome = await importFiles(
      store,
      [
        { name: 'junk.bin', bytes: new Uint8Array([0, 1, 2, 3]), atMs: 0 },
        { name: '/var/log/both.txt', bytes: twice, atMs: null },
      ],
      { timing: { intervalMs: 1_000 }, nowMs: 10_000 },
    );
    expect(outcome.isImported).toBe(true);
    if (!outcome.isImported) return;
    expect(outcome.refused.map((r) => [r.index, r.name, r.code])).toEqual([[0, 'junk.bin', 'NOT_A_DUMP']]);
    expect(outcome.timeBasis).toBe('interval');
    expect(outcome.imported.map((f) => f.warnings)).toEqual([[]]);
    const session = store.session(outcome.sessionId);
    expect(session).toMatchObject({ name: 'both.txt', ticks: 2, startedAtMs: 10_000, endedAtMs: 11_000 });
    const snaps = store.sessionSnapshots(outcome.sessionId);
    expect(snaps.map((s) => [s.atMs, s.total, s.bytes, s.hasRawDump])).toEqual([
      [10_000, 103, twice.length, true],
      [11_000, 303, 0, false],
    ]);
    expect(await importFiles(store, [{ name: 'junk.bin', bytes: new Uint8Array([0]), atMs: 0 }], { timing: { intervalMs: null }, nowMs: 0 })).toMatchObject({
      isImported: false,
      refused: [{ index: 0, name: 'junk.bin' }],
    });
  });
});
