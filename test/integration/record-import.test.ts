import { copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { importDumps } from '../../src/main/use-cases/import-paths.js';
import { tempStore } from './record-helpers.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/generated');

describe('importDumps', () => {
  it('times files as check does: --at times first; modification times are not used; raw bytes are kept', async () => {
    const { store, dir } = tempStore();
    const names = ['t3.debug2.txt', 't1.debug1.txt', 't2.vars.json', 't0.debug1.txt'];
    const files = names.map((n) => {
      const to = path.join(dir, n);
      copyFileSync(path.join(CORPUS, '01-chan-send-no-receiver', n), to);
      // Copies all share one modification time, which says nothing of when the dumps were taken.
      utimesSync(to, 1_700_000_000, 1_700_000_000);
      return to;
    });
    const atMs = [1_700_000_300_000, 1_700_000_100_000, 1_700_000_200_000, 1_700_000_000_000];
    const result = await importDumps(store, { paths: files, atMs });
    expect(result.refused).toEqual([]);
    expect(result.imported.map((f) => [path.basename(f.path), f.atMs])).toEqual(names.map((n, i) => [n, atMs[i]]));
    const session = store.session(result.sessionId);
    expect(session).toMatchObject({ source: 'import', target: null, ticks: 4, snapshots: 4, failedTicks: 0, intervalMs: null });
    expect(session.startedAtMs).toBe(1_700_000_000_000);
    expect(session.endedAtMs).toBe(1_700_000_300_000);
    const series = store.sessionSeries(result.sessionId);
    expect(series.ticks.map((t) => [t.atMs, t.compactTotal, t.expvar?.numGoroutine ?? null, t.fullTotal])).toEqual([
      [1_700_000_000_000, 3, null, null], [1_700_000_100_000, 103, null, null], [1_700_000_200_000, null, 303, null], [1_700_000_300_000, null, null, 303],
    ]);
    const snaps = store.sessionSnapshots(result.sessionId);
    expect(snaps.map((s) => s.kind)).toEqual(['compact', 'compact', 'expvar', 'full']);
    expect(Buffer.from(store.rawDump(snaps[3]!.id)!.bytes).equals(readFileSync(files[0]!))).toBe(true);
  });

  it('without --at or content times: the order given, --interval apart, else no time (stored interval 0)', async () => {
    const { store } = tempStore();
    const files = ['t0.debug2.txt', 't1.debug2.txt'].map((n) => path.join(CORPUS, '01-chan-send-no-receiver', n));
    const spaced = await importDumps(store, { paths: files, intervalMs: 60_000 });
    expect(spaced.imported[1]!.atMs - spaced.imported[0]!.atMs).toBe(60_000);
    expect(store.session(spaced.sessionId).intervalMs).toBe(60_000);
    const untimed = await importDumps(store, { paths: files });
    expect(store.session(untimed.sessionId).intervalMs).toBe(0);
  });

  it('reports refused files, imports the rest, and refuses when nothing is left', async () => {
    const { store, dir } = tempStore();
    const html = path.join(dir, 'page.html');
    writeFileSync(html, '<!DOCTYPE html><html><head><title>pprof</title></head></html>');
    const missing = path.join(dir, 'missing.txt');
    const good = path.join(CORPUS, '14-go127-leak-profile', 't2.leak.debug1.txt');
    const result = await importDumps(store, { paths: [html, good, missing], name: 'mixed', atMs: [1, 2, 3] });
    expect(result.refused).toEqual([
      { path: html, error: { code: 'NOT_A_DUMP', message: `${html}: an HTML page ("pprof"), not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2` } },
      { path: missing, error: { code: 'INVALID_INPUT', message: `cannot read ${missing}: no such file` } },
    ]);
    expect(store.sessionSnapshots(result.sessionId).map((s) => [s.kind, s.profile])).toEqual([['leak', 'goroutineleak']]);
    await expect(importDumps(store, { paths: [html, missing] })).rejects.toThrow(`nothing imported: ${html}: an HTML page`);
    await expect(importDumps(store, { paths: [good], atMs: [1, 2] })).rejects.toThrow(
      '--at gives 2 times for 1 files; expected one ISO time per file, comma-separated',
    );
    expect(store.listSessions().map((s) => s.name)).toEqual(['mixed']);
  });

  it('leaves no half-imported session behind when the store fails midway', async () => {
    const { store, file } = tempStore();
    const earlier = await importDumps(store, { paths: [path.join(CORPUS, '01-chan-send-no-receiver', 't0.debug1.txt')], name: 'earlier' });
    // The third snapshot of the import fails to be written, as on a full disk.
    const side = new Database(file);
    onTestFinished(() => {
      side.close();
    });
    side.exec(`CREATE TRIGGER full_disk BEFORE INSERT ON snapshots WHEN NEW.tick = 2 BEGIN SELECT RAISE(ABORT, 'database or disk is full (simulated)'); END`);
    const files = ['t0.debug1.txt', 't1.debug1.txt', 't2.debug1.txt', 't3.debug1.txt'].map((n) => path.join(CORPUS, '01-chan-send-no-receiver', n));
    await expect(importDumps(store, { paths: files, atMs: [1, 2, 3, 4] })).rejects.toThrow('database or disk is full (simulated)');
    expect(store.listSessions().map((s) => s.name)).toEqual(['earlier']);
    expect(side.prepare('SELECT count(*) FROM snapshots').pluck().get()).toBe(1);
    expect(store.sessionSnapshots(earlier.sessionId)).toHaveLength(1);
  });
});
