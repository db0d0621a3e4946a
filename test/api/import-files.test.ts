import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { NotADumpError } from '../../src/shared/errors.js';
import { importFiles } from '../../src/main/api/import-files.js';
import { importUploads } from '../../src/main/api/import-uploads.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { tempStore } from '../integration/record-helpers.js';

// The one import behind `goroscope import` (paths; test/integration/record-import.test.ts) and
// `dump.import` (bytes from a renderer): here through the upload side and directly.

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const DIR_01 = path.join(CORPUS, 'generated', '01-chan-send-no-receiver');
const text = (name: string) => readFileSync(path.join(DIR_01, name), 'utf8');

describe('importUploads (dump.import)', () => {
  test('orders by modification time, names the session after the first file, keeps every raw dump', async () => {
    const { store } = tempStore();
    const outcome = await importUploads(
      store,
      [
        { name: 't2.debug1.txt', encoding: 'utf8', data: text('t2.debug1.txt'), modifiedAtMs: 2_000 },
        { name: 'notes.html', encoding: 'utf8', data: '<!doctype html><title>Notes</title>' },
        { name: 't1.debug1.txt', encoding: 'utf8', data: text('t1.debug1.txt'), modifiedAtMs: 1_000 },
        { name: 't1.debug0.pb.gz', encoding: 'base64', data: readFileSync(path.join(DIR_01, 't1.debug0.pb.gz')).toString('base64'), modifiedAtMs: 1_000 },
      ],
      undefined,
      5_000,
    );
    expect(outcome.refused).toEqual([
      { file: 'notes.html', message: 'an HTML page ("Notes"), not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2' },
    ]);
    const session = store.session(outcome.sessionId);
    expect(session).toMatchObject({ name: 't1.debug1.txt and 2 more', source: 'import', ticks: 3, snapshots: 3, startedAtMs: 1_000, endedAtMs: 2_000 });
    const snaps = store.sessionSnapshots(outcome.sessionId);
    // Two files of one time stay in the order given, a millisecond apart.
    expect(snaps.map((s) => [s.endpoint, s.atMs, s.format])).toEqual([
      ['t1.debug1.txt', 1_000, 'debug1'],
      ['t1.debug0.pb.gz', 1_001, 'pprof-proto'],
      ['t2.debug1.txt', 2_000, 'debug1'],
    ]);
    expect(new TextDecoder().decode(store.rawDump(snaps[2]!.id)!.bytes)).toBe(text('t2.debug1.txt'));
  });

  test('a file without a time follows the given order from "now"; nothing importable is NOT_A_DUMP, and stores nothing', async () => {
    const { store } = tempStore();
    const one = await importUploads(store, [{ name: 'pasted dump', encoding: 'utf8', data: text('t1.debug2.txt') }], undefined, 7_000);
    expect(store.session(one.sessionId)).toMatchObject({ name: 'pasted dump', startedAtMs: 7_000, ticks: 1 });
    await expect(importUploads(store, [{ name: 'a.txt', encoding: 'utf8', data: 'hello' }, { name: 'b.json', encoding: 'utf8', data: '{"a":1}' }], 'x', 0)).rejects.toThrow(NotADumpError);
    expect(store.listSessions().map((s) => s.name)).toEqual(['pasted dump']);
  });
});

describe('importFiles', () => {
  test('several snapshots of one file get increasing times and one raw dump; refusals keep their position', async () => {
    const { store } = tempStore();
    // Two debug=1 profiles in one file (a log that captured both) make two snapshots.
    const twice = new TextEncoder().encode(`${text('t1.debug1.txt')}\n${text('t2.debug1.txt')}`);
    const outcome = await importFiles(store, [
      { name: 'junk.bin', bytes: new Uint8Array([0, 1, 2, 3]), atMs: 0 },
      { name: '/var/log/both.txt', bytes: twice, atMs: 10_000.6 },
    ]);
    expect(outcome.isImported).toBe(true);
    if (!outcome.isImported) return;
    expect(outcome.refused.map((r) => [r.index, r.name, r.code])).toEqual([[0, 'junk.bin', 'NOT_A_DUMP']]);
    expect(outcome.imported).toEqual([{ name: '/var/log/both.txt', atMs: 10_000.6, snapshots: 2 }]);
    const session = store.session(outcome.sessionId);
    expect(session).toMatchObject({ name: 'both.txt', ticks: 2, startedAtMs: 10_001, endedAtMs: 10_002 });
    const snaps = store.sessionSnapshots(outcome.sessionId);
    expect(snaps.map((s) => [s.atMs, s.total, s.bytes, s.hasRawDump])).toEqual([
      [10_001, 103, twice.length, true],
      [10_002, 303, 0, false],
    ]);
    expect(await importFiles(store, [{ name: 'junk.bin', bytes: new Uint8Array([0]), atMs: 0 }])).toMatchObject({ isImported: false, refused: [{ index: 0, name: 'junk.bin' }] });
  });
});
