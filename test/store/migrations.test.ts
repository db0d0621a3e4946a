import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HOT_QUERIES, HistoryStore } from '../../src/main/store/history-store.js';
import { COUNT_QUERIES } from '../../src/main/store/count-blocks.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src/main/store/migrations/index.js';
import { packIds } from '../../src/main/store/id-packing.js';
import { tempDir } from './temp-db.js';

/**
 * Data a database of each schema version holds, written with that version's own SQL (never through
 * today's repository, which only knows the latest schema). Add an entry with every new migration: the
 * test below fails until there is one.
 */
const SEEDS: Record<number, (db: Database.Database) => void> = {
  0: () => {
    // A brand-new file: nothing in it yet.
  },
  1: (db) => {
    db.exec(`
      INSERT INTO targets (id, url, first_seen_ms) VALUES (1, 'http://127.0.0.1:6060', 1000);
      INSERT INTO sessions (id, target_id, source, name, started_at_ms, ended_at_ms, interval_ms, full_every, raw_retention, raw_keep_last, endpoints, ticks, snapshots, failed_ticks)
        VALUES (1, 1, 'recording', 'v1 session', 1000, 3000, 1000, 10, 'full', 100, '["goroutine"]', 2, 2, 1);
      INSERT INTO stacks (id, key, frames, blocking_site, created_by)
        VALUES (1, 'aaaaaaaaaaaaaaaa', '[["main.worker","/src/main.go",42]]', '["main.worker","/src/main.go",42]', '["main.main","/src/main.go",10]');
      INSERT INTO snapshots (id, session_id, tick, kind, endpoint, at_ms, duration_ms, bytes, format, profile, total, thread_stacks, taken_at_ms, error_code, error_message)
        VALUES (1, 1, 0, 'full', 'goroutine?debug=2', 1000, 5, 300, 'traceback', NULL, 3, 0, NULL, NULL, NULL),
               (2, 1, 1, 'compact', 'goroutine?debug=1', 2000, 0, 0, NULL, NULL, NULL, NULL, NULL, 'TIMEOUT', 'GET x: no complete answer within 10 ms');
      INSERT INTO group_counts (snapshot_id, stack_id, count, leaked, max_wait_minutes, states, labels, is_locked)
        VALUES (1, 1, 3, 0, 7, '{"chan send":3}', NULL, 0);
    `);
    db.prepare('INSERT INTO goroutine_ids (snapshot_id, stack_id, ids) VALUES (1, 1, ?)').run(packIds([5, 9, 12]));
    db.prepare(`INSERT INTO raw_dumps (snapshot_id, session_id, encoding, original_bytes, data) VALUES (1, 1, 'identity', 3, ?)`).run(Buffer.from('abc'));
  },
  2: (db) => {
    SEEDS[1]!(db);
    // A recording whose recorder was killed: no end, its last heartbeat at 5000.
    db.exec(`INSERT INTO sessions (id, target_id, source, name, started_at_ms, ended_at_ms, interval_ms, full_every, raw_retention, raw_keep_last, endpoints, heartbeat_at_ms)
      VALUES (2, 1, 'recording', 'v2 killed', 4000, NULL, 1000, 10, 'full', 100, NULL, 5000)`);
  },
  3: (db) => {
    SEEDS[1]!(db);
    // A v1-style row (labels as JSON in group_counts) next to one stored the v3 way.
    db.exec(`
      UPDATE group_counts SET labels = '[{"labels":{"route":"GET /a"},"count":3}]' WHERE snapshot_id = 1;
      INSERT INTO stacks (id, key, frames, blocking_site, created_by) VALUES (2, 'bbbbbbbbbbbbbbbb', '[["main.leak","/src/main.go",7]]', NULL, NULL);
      INSERT INTO sessions (id, target_id, source, name, started_at_ms, ended_at_ms, interval_ms, full_every, raw_retention, raw_keep_last, endpoints, ticks, snapshots, failed_ticks)
        VALUES (2, 1, 'recording', 'v3 session', 5000, 6000, 1000, 10, 'full', 100, '["goroutine"]', 1, 1, 0);
      INSERT INTO snapshots (id, session_id, tick, kind, endpoint, at_ms, duration_ms, bytes, format, profile, total, thread_stacks, taken_at_ms, error_code, error_message)
        VALUES (3, 2, 0, 'compact', 'goroutine?debug=1', 3000, 1, 100, 'debug1', 'goroutine', 5, 0, NULL, NULL, NULL);
      INSERT INTO group_counts (snapshot_id, stack_id, count, leaked, max_wait_minutes, states, labels, is_locked) VALUES (3, 2, 5, 0, NULL, NULL, NULL, 0);
      INSERT INTO label_sets (id, key) VALUES (1, '[["route","GET /orders"],["tenant","t-1"]]'), (2, '[["route","GET /orders"],["tenant","t-2"]]');
      INSERT INTO group_label_counts (snapshot_id, stack_id, label_set_id, count) VALUES (3, 2, 1, 2), (3, 2, 2, 3);
    `);
  },
  4: (db) => {
    SEEDS[1]!(db);
    db.exec(`
      INSERT INTO sessions (id, target_id, source, name, started_at_ms, ended_at_ms, interval_ms, full_every, raw_retention, raw_keep_last, endpoints, ticks, snapshots, failed_ticks)
        VALUES (2, NULL, 'recording', 'v4 fleet', 1000, 3000, 1000, 10, 'full', 100, NULL, 0, 0, 0);
      INSERT INTO fleets (session_id, source, prometheus_url, job, ranking_query, max_concurrent, skipped)
        VALUES (2, 'prometheus', 'http://127.0.0.1:9090', 'api', 'deriv(go_goroutines{job="api"}[15m])', 4, '[{"name":"api-9","why":"down in Prometheus"}]');
      INSERT INTO fleet_instances (fleet_session_id, ordinal, session_id, name, url, labels, discovered_growth_per_min, discovered_goroutines, full_every, cadence_notes)
        VALUES (2, 0, 1, 'api-2', 'http://127.0.0.1:6060', '{"job":"api"}', 12.5, 40, 20, '["full dump took 812 ms"]');
    `);
  },
  5: (db) => {
    SEEDS[4]!(db);
  },
  // Migration 6 summarises packed blocks: test/api/columns-from-chart.test.ts migrates a version-5 file of 2.5 blocks.
  6: (db) => {
    SEEDS[5]!(db);
  },
};

/** Versions that have a migration (0: a new file). */
const VERSIONS = [0, ...MIGRATIONS.map((m) => m.version)];

/** What must read back, through today's repository, after upgrading a database seeded at `version`. */
function checkSeed(store: HistoryStore, version: number): void {
  if (version === 0) {
    expect(store.listSessions()).toEqual([]);
    return;
  }
  expect(store.session(1)).toMatchObject({ name: 'v1 session', target: 'http://127.0.0.1:6060', ticks: 2, snapshots: 2, failedTicks: 1 });
  const series = store.sessionSeries(1);
  expect(series.ticks.map((t) => [t.tick, t.fullTotal, t.errors.map((e) => e.code)])).toEqual([[0, 3, []], [1, null, ['TIMEOUT']]]);
  expect(series.groups).toEqual([{ stackId: 1, key: 'aaaaaaaaaaaaaaaa', counts: [3, null], leaked: new Map() }]);
  expect(store.snapshot(1).groups[0]).toMatchObject({ count: 3, ids: [5, 9, 12], createdBy: { func: 'main.main', file: '/src/main.go', line: 10 } });
  expect(Buffer.from(store.rawDump(1)!.bytes).toString()).toBe('abc');
  if (version === 3) {
    expect(store.snapshot(1).groups[0]!.labels).toEqual([{ labels: { route: 'GET /a' }, count: 3 }]);
    expect(store.snapshot(3).groups[0]!.labels).toEqual([
      { labels: { route: 'GET /orders', tenant: 't-2' }, count: 3 },
      { labels: { route: 'GET /orders', tenant: 't-1' }, count: 2 },
    ]);
    expect(store.sessionLabelSpans(2).get('bbbbbbbbbbbbbbbb')!.last).toHaveLength(2);
  }
  // Sessions from before the heartbeat (version 1) have none.
  expect(store.session(1).heartbeatAtMs).toBeNull();
  if (version === 2) expect(store.session(2)).toMatchObject({ name: 'v2 killed', endedAtMs: null, heartbeatAtMs: 5000 });
  if (version < 4) {
    expect(store.fleets.fleet(1)).toBeNull();
    return;
  }
  expect(store.fleets.fleet(2)).toEqual({
    sessionId: 2, source: 'prometheus', prometheusUrl: 'http://127.0.0.1:9090', job: 'api', rankingQuery: 'deriv(go_goroutines{job="api"}[15m])', maxConcurrent: 4,
    skipped: [{ name: 'api-9', why: 'down in Prometheus' }],
    instances: [{ ordinal: 0, sessionId: 1, name: 'api-2', url: 'http://127.0.0.1:6060', labels: { job: 'api' }, discoveredGrowthPerMin: 12.5, discoveredGoroutines: 40, fullEvery: 20, cadenceNotes: ['full dump took 812 ms'] }],
  });
  expect(store.fleets.fleetOf(1)).toEqual({ fleetSessionId: 2, name: 'api-2' });
  store.fleets.setCadence(1, 40, 'again');
  expect(store.fleets.fleet(2)!.instances[0]).toMatchObject({ fullEvery: 40, cadenceNotes: ['full dump took 812 ms', 'again'] });
  // Removing the fleet removes its instance sessions with it.
  store.removeSession(2);
  expect(store.listSessions()).toEqual([]);
}


function makeDbAt(version: number): string {
  const t = tempDir('goroscope-migrate-');
  onTestFinished(t.remove);
  const file = t.file('h.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  expect(migrate(db, file, version)).toBe(version);
  SEEDS[version]!(db);
  db.close();
  return file;
}

describe('migrations', () => {
  // `user_version` alone says which migrations a file has run: they are numbered 1, 2, 3, … without a gap.
  it('numbers migrations 1, 2, 3, … with a seed for every version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const v of VERSIONS) expect(SEEDS[v], `SEEDS[${v}]`).toBeTypeOf('function');
  });

  for (const version of VERSIONS) {
    it(`upgrades a database made at schema version ${version} with its data in place`, () => {
      const file = makeDbAt(version);
      const store = HistoryStore.open(file);
      onTestFinished(() => store.dispose());
      checkSeed(store, version);
      const db = new Database(file, { readonly: true });
      onTestFinished(() => {
      db.close();
    });
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    });
  }

  it('refuses a database from a newer Goroscope', () => {
    const file = makeDbAt(SCHEMA_VERSION);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => HistoryStore.open(file)).toThrow(
      `${file}: history schema version ${SCHEMA_VERSION + 1} is newer than this Goroscope understands (${SCHEMA_VERSION}); update Goroscope or use another --db file`,
    );
  });

  it('makes every table STRICT', () => {
    const file = makeDbAt(SCHEMA_VERSION);
    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    const tables = db.prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'`).all() as { name: string; strict: number }[];
    expect(tables.map((t) => t.name).sort()).toEqual(['chart_blocks', 'count_blocks', 'count_staged', 'count_ticks', 'fleet_instances', 'fleets', 'goroutine_ids', 'group_counts', 'group_label_counts', 'label_sets', 'raw_dumps', 'sessions', 'snapshots', 'stacks', 'targets', 'tick_blocks']);
    for (const t of tables) expect(t.strict, t.name).toBe(1);
  });

  it('answers the hot queries from indexes, never by scanning a table', () => {
    const file = makeDbAt(SCHEMA_VERSION);
    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    const plans: Record<string, string[]> = {};
    const countParams: Record<string, unknown[]> = {
      seriesTicks: [1, 0], stagedBefore: [1, 3600], clearStaged: [1, 3600], block: [1, 0, 1], tickRow: [1, 0], blocksAt: [1, 0, 5, 5], blockTickRows: [1, 0, 3600],
      blockRuns: [1, 0], stackRuns: [1, 1], detailStacks: [1, 0, 3600],
    };
    for (const [name, sql] of [...Object.entries(HOT_QUERIES), ...Object.entries(COUNT_QUERIES)]) {
      const params = name === 'pruneRaw' ? [{ session: 1, keep: 5 }] : name === 'stackLabels' ? ['bbbbbbbbbbbbbbbb', 2] : (countParams[name] ?? [1]);
      plans[name] = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    }
    for (const [name, details] of Object.entries(plans)) {
      for (const d of details) expect(d, `${name}: ${details.join(' | ')}`).not.toMatch(/^SCAN (?!CONSTANT)/);
    }
    expect(plans.seriesTicks).toContain('SEARCH snapshots USING INDEX snapshots_by_session_tick (session_id=? AND tick>?)');
    expect(plans.sessionBlocks).toHaveLength(1);
    expect(plans.sessionBlocks![0]).toMatch(/^SEARCH count_blocks USING INDEX \w+ \(session_id=\?\)$/);
    expect(plans.oldestStaged!.join(' ')).toContain('count_staged');
    // Migration 6: the kept groups' runs by stack, and full dumps and leak profiles without the compact rows.
    expect(plans.stackRuns).toEqual(['SEARCH count_blocks USING INDEX count_blocks_by_stack (session_id=? AND stack_id=?)']);
    expect(plans.detailStacks!.join(' | ')).toContain('SEARCH s USING INDEX snapshots_details (session_id=? AND tick>? AND tick<?)');
    expect(plans.seriesDetails!.join(' | ')).toContain('USING INDEX snapshots_details');
  });
});

/** The SQL each migration runs, in order (they are `db.exec` scripts). */
function migrationScripts(): string[] {
  const scripts: string[] = [];
  // Migrations 5 and 6 also move rows with prepared statements: a new file has none to move.
  const noRows = { raw: () => noRows, pluck: () => noRows, all: () => [], run: () => ({ changes: 0 }) };
  const recorder = { exec: (sql: string) => void scripts.push(sql), prepare: () => noRows } as unknown as Database.Database;
  for (const m of MIGRATIONS) m.up(recorder);
  return scripts;
}

// Another process migrating the same new file: it holds the write lock for 300 ms, then commits the schema.
const OTHER_PROCESS = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require('better-sqlite3');
const db = new Database(workerData.file);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('locked');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
for (const sql of workerData.scripts) db.exec(sql);
db.pragma('user_version = ' + workerData.version);
db.exec('COMMIT');
db.close();
`;

describe('two processes opening a new history at once', () => {
  it('the second waits for the first migration and skips it', { timeout: 20_000 }, async () => {
    const t = tempDir('goroscope-migrate-');
    onTestFinished(t.remove);
    const file = t.file('h.db');
    const init = new Database(file);
    init.pragma('journal_mode = WAL');
    init.close();
    const worker = new Worker(OTHER_PROCESS, { eval: true, workerData: { file, scripts: migrationScripts(), version: SCHEMA_VERSION } });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    onTestFinished(async () => {
      await worker.terminate();
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    // Reads user_version 0 while the other holds the lock, then has to wait for it.
    const store = HistoryStore.open(file);
    onTestFinished(() => store.dispose());
    expect(await exited).toBe(0);
    expect(store.listSessions()).toEqual([]);
    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });
});
