import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Snapshot } from '../../src/shared/model.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { compressRaw } from '../../src/main/store/raw-dump.js';
import type { NewSession, SnapshotKind, SnapshotRecord } from '../../src/main/store/types.js';
import { openTempStore as openTemp, tempDir } from './temp-db.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/generated');
const bytesOf = (name: string): Buffer => readFileSync(path.join(CORPUS, name));
const parsed = (name: string): Snapshot => parseSnapshots(bytesOf(name))[0]!;

const SESSION: NewSession = {
  source: 'recording', name: 'corpus 01', targetUrl: 'http://127.0.0.1:6060', startedAtMs: 1_700_000_000_000,
  intervalMs: 1000, fullEvery: 2, rawRetention: 'full', rawKeepLast: 100, endpoints: ['goroutine', '/debug/vars'],
};

function ok(kind: SnapshotKind, endpoint: string, atMs: number, snapshot: Snapshot, raw: SnapshotRecord['raw'] = null): SnapshotRecord {
  return { kind, endpoint, atMs, durationMs: 3, bytes: 100, snapshot, error: null, raw };
}

/** Ticks 0–3 from corpus 01 (debug=1 + expvar each tick, debug=2 at ticks 1 and 3), tick 4 refused. */
async function recordCorpus01(store: HistoryStore): Promise<number> {
  const id = store.createSession(SESSION);
  for (let t = 0; t < 4; t++) {
    const at = SESSION.startedAtMs + t * 1000;
    const records = [ok('compact', 'goroutine?debug=1', at, parsed(`01-chan-send-no-receiver/t${t}.debug1.txt`)), ok('expvar', '/debug/vars', at + 1, parsed(`01-chan-send-no-receiver/t${t}.vars.json`))];
    if (t % 2 === 1) {
      const full = `01-chan-send-no-receiver/t${t}.debug2.txt`;
      records.push(ok('full', 'goroutine?debug=2', at + 2, parsed(full), await compressRaw(bytesOf(full))));
    }
    store.recordTick(id, t, records);
  }
  store.recordTick(id, 4, [
    { kind: 'compact', endpoint: 'goroutine?debug=1', atMs: SESSION.startedAtMs + 4000, durationMs: 1, bytes: 0, snapshot: null, raw: null, error: { code: 'TARGET_UNREACHABLE', message: 'GET http://127.0.0.1:6060/debug/pprof/goroutine?debug=1: connection refused' } },
  ]);
  store.endSession(id, SESSION.startedAtMs + 5000);
  return id;
}

describe('HistoryStore', () => {
  it('gives back every stored snapshot exactly as parsed (debug=2, debug=1, protobuf, expvar, goroutineleak)', async () => {
    const { store } = openTemp();
    const id = store.createSession(SESSION);
    const files = ['01-chan-send-no-receiver/t3.debug2.txt', '01-chan-send-no-receiver/t3.debug1.txt', '01-chan-send-no-receiver/t3.debug0.pb.gz', '01-chan-send-no-receiver/t3.vars.json', '14-go127-leak-profile/t2.leak.debug1.txt', '14-go127-leak-profile/t2.debug2.txt'];
    const kinds: SnapshotKind[] = ['full', 'compact', 'compact', 'expvar', 'leak', 'full'];
    for (const [i, f] of files.entries()) {
      const snapshot = parsed(f);
      const [snapshotId] = store.recordTick(id, i, [ok(kinds[i]!, f, 1, snapshot, await compressRaw(bytesOf(f)))]);
      expect(store.snapshot(snapshotId!), f).toEqual(snapshot);
    }
  });

  it('reads back per-tick totals, metrics, errors and per-group series', async () => {
    const { store } = openTemp();
    const id = await recordCorpus01(store);
    const series = store.sessionSeries(id);
    expect(series.ticks.map((t) => t.tick)).toEqual([0, 1, 2, 3, 4]);
    expect(series.ticks.map((t) => t.compactTotal)).toEqual([3, 103, 303, 303, null]);
    expect(series.ticks.map((t) => t.fullTotal)).toEqual([null, 103, null, 303, null]);
    expect(series.ticks.map((t) => t.expvar?.numGoroutine ?? null)).toEqual([3, 103, 303, 303, null]);
    expect(series.ticks[4]!.errors).toEqual([
      { kind: 'compact', endpoint: 'goroutine?debug=1', code: 'TARGET_UNREACHABLE', message: 'GET http://127.0.0.1:6060/debug/pprof/goroutine?debug=1: connection refused' },
    ]);
    expect(series.ticks[4]!.countedSnapshotId).toBeNull();

    const stacks = store.sessionStacks(id);
    const leak = stacks.find((s) => s.blockingSite?.func === 'main.fetchWithTimeout.func1')!;
    expect(leak.blockingSite).toEqual({ func: 'main.fetchWithTimeout.func1', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 84 });
    // debug=1 never says `created by`: the first full dump filled it in.
    expect(leak.createdBy).toEqual({ func: 'main.fetchWithTimeout', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 83 });
    expect(leak.states).toEqual({ 'chan send': 400 });
    expect([leak.firstTick, leak.lastTick]).toEqual([1, 3]);

    const g = series.groups.find((s) => s.stackId === leak.stackId)!;
    expect(g.key).toBe(leak.key);
    expect(g.counts).toEqual([0, 100, 300, 300, null]);
    // Wait minutes come from the full dump itself.
    expect(store.snapshot(series.ticks[3]!.fullSnapshotId!).groups.find((x) => x.key === leak.key)!.maxWaitMinutes).toBeGreaterThanOrEqual(1);
    expect(g.leaked).toEqual(new Map());

    expect(store.session(id)).toMatchObject({ ticks: 5, snapshots: 10, failedTicks: 1, endedAtMs: SESSION.startedAtMs + 5000, target: 'http://127.0.0.1:6060' });
  });

  it('keeps goroutine IDs per stack per full dump', async () => {
    const { store } = openTemp();
    const id = await recordCorpus01(store);
    const dumps = store.fullDumpIds(id);
    expect(dumps.map((d) => d.tick)).toEqual([1, 3]);
    const key = parsed('01-chan-send-no-receiver/t3.debug2.txt').groups[0]!.key;
    const ids = dumps.map((d) => d.groups.find((g) => g.key === key)!.ids);
    expect(ids.map((x) => x.length)).toEqual([100, 300]);
    expect(ids[1]).toEqual(parsed('01-chan-send-no-receiver/t3.debug2.txt').groups[0]!.ids);
  });

  it('keeps raw dumps per retention: full dumps only, the first and the last N', async () => {
    const { store } = openTemp();
    const id = store.createSession({ ...SESSION, rawKeepLast: 1 });
    const full = bytesOf('01-chan-send-no-receiver/t1.debug2.txt');
    const ids: number[] = [];
    for (let t = 0; t < 3; t++) {
      const compactFile = bytesOf('01-chan-send-no-receiver/t1.debug1.txt');
      ids.push(
        ...store.recordTick(id, t, [
          ok('compact', 'goroutine?debug=1', t, parseSnapshots(compactFile)[0]!, await compressRaw(compactFile)),
          ok('full', 'goroutine?debug=2', t, parseSnapshots(full)[0]!, await compressRaw(full)),
        ]),
      );
    }
    expect(store.sessionSnapshots(id).map((s) => [s.kind, s.hasRawDump])).toEqual([
      ['compact', false], ['full', true], ['compact', false], ['full', false], ['compact', false], ['full', true],
    ]);
    const raw = store.rawDump(ids[5]!)!;
    expect(Buffer.from(raw.bytes).equals(full)).toBe(true);
    expect(raw.format).toBe('traceback');
    expect(raw.storedBytes).toBeLessThan(full.length / 5);
    expect(store.rawDump(ids[3]!)).toBeNull();
  });

  it('removes a session with everything that hangs off it, and says so for unknown ids', async () => {
    const { store, file } = openTemp();
    const keep = await recordCorpus01(store);
    const gone = await recordCorpus01(store);
    store.removeSession(gone);
    expect(store.listSessions().map((s) => s.id)).toEqual([keep]);
    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    const count = (table: string) => (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
    expect(count('snapshots')).toBe(11);
    expect(count('goroutine_ids')).toBe(store.fullDumpIds(keep).reduce((n, d) => n + d.groups.length, 0));
    expect(count('raw_dumps')).toBe(2);
    expect(() => store.removeSession(gone)).toThrow(`no session ${gone} in the history; \`goroscope sessions\` lists them`);
    expect(() => store.sessionSeries(999)).toThrow('no session 999 in the history');
    expect(() => store.snapshot(12345)).toThrow('no snapshot 12345 in the history');
    const failed = store.sessionSnapshots(keep).find((s) => s.error !== null)!;
    expect(() => store.snapshot(failed.id)).toThrow(`snapshot ${failed.id} is a failed request (TARGET_UNREACHABLE: GET http://127.0.0.1:6060/debug/pprof/goroutine?debug=1: connection refused)`);
  });

  it('refuses a file that is not an SQLite database', () => {
    const t = tempDir();
    onTestFinished(t.remove);
    const file = t.file('notes.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(100));
    expect(() => HistoryStore.open(file)).toThrow(`${file} is not a Goroscope history: not an SQLite database`);
  });

  it('dispose() twice is harmless', () => {
    const t = tempDir();
    onTestFinished(t.remove);
    const store = HistoryStore.open(t.file('nested/dir/h.db'));
    store.dispose();
    expect(() => store.dispose()).not.toThrow();
  });
});

describe('HistoryStore when a write fails', () => {
  /** A second connection to the same file, as another process (or a failing disk) would be. */
  function sideConnection(file: string): Database.Database {
    const db = new Database(file);
    onTestFinished(() => {
      db.close();
    });
    return db;
  }

  it('stores nothing of a failed tick, keeps earlier ticks, and stores the same stacks once the failure is gone', () => {
    const { store, file } = openTemp();
    const id = store.createSession(SESSION);
    const first = parsed('01-chan-send-no-receiver/t0.debug1.txt');
    store.recordTick(id, 0, [ok('compact', 'goroutine?debug=1', 1, first)]);
    // The full dump brings new stacks; the write fails after they were inserted (at the goroutine IDs).
    const side = sideConnection(file);
    side.exec(`CREATE TRIGGER fail_ids BEFORE INSERT ON goroutine_ids BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END`);
    const full = parsed('01-chan-send-no-receiver/t3.debug2.txt');
    const newKeys = full.groups.filter((g) => !first.groups.some((f) => f.key === g.key)).length;
    expect(newKeys).toBeGreaterThan(0);
    expect(() => store.recordTick(id, 1, [ok('full', 'goroutine?debug=2', 2, full)])).toThrow('disk I/O error (simulated)');
    expect(store.sessionSnapshots(id).map((s) => s.tick)).toEqual([0]);
    expect(store.session(id)).toMatchObject({ ticks: 1, snapshots: 1, failedTicks: 0 });
    expect(side.prepare('SELECT count(*) FROM stacks').pluck().get()).toBe(first.groups.length);

    side.exec('DROP TRIGGER fail_ids');
    const [snapshotId] = store.recordTick(id, 1, [ok('full', 'goroutine?debug=2', 2, full)]);
    expect(store.snapshot(snapshotId!)).toEqual(full);
    expect(side.prepare('SELECT count(*) FROM stacks').pluck().get()).toBe(first.groups.length + newKeys);
    // `created by` reached the stacks first seen in the debug=1 profile too, though its first write was rolled back.
    const leak = store.sessionStacks(id).find((s) => s.blockingSite?.func === 'main.fetchWithTimeout.func1')!;
    expect(leak.createdBy).toEqual({ func: 'main.fetchWithTimeout', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 83 });
  });

  it('says the session is gone when it was removed while recording, and stores nothing', () => {
    const { store } = openTemp();
    const id = store.createSession(SESSION);
    store.removeSession(id);
    expect(() => store.recordTick(id, 0, [ok('compact', 'goroutine?debug=1', 1, parsed('01-chan-send-no-receiver/t1.debug1.txt'))])).toThrow(
      `no session ${id} in the history; \`goroscope sessions\` lists them`,
    );
    const other = store.createSession(SESSION);
    expect(store.sessionSnapshots(other)).toEqual([]);
  });

  it('keeps only the first raw dump when a session keeps the last 0', async () => {
    const { store } = openTemp();
    const id = store.createSession({ ...SESSION, rawKeepLast: 0 });
    const bytes = bytesOf('01-chan-send-no-receiver/t1.debug2.txt');
    const raw = await compressRaw(bytes);
    for (let t = 0; t < 3; t++) store.recordTick(id, t, [ok('full', 'goroutine?debug=2', t, parsed('01-chan-send-no-receiver/t1.debug2.txt'), raw)]);
    expect(store.sessionSnapshots(id).map((s) => s.hasRawDump)).toEqual([true, false, false]);
  });

  it('names the file and the problem when SQLite cannot use it', () => {
    const t = tempDir();
    onTestFinished(t.remove);
    const file = t.file('damaged.db');
    const store = HistoryStore.open(file);
    store.dispose();
    // Keep the header (a valid SQLite file), damage the schema page.
    const bytes = readFileSync(file);
    bytes.fill(0xee, 100, 4096);
    writeFileSync(file, bytes);
    expect(() => HistoryStore.open(file)).toThrow(`cannot open history database ${file}: database disk image is malformed (SQLITE_CORRUPT); expected a writable SQLite file`);
  });
});
