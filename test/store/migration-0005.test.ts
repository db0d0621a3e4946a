import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BLOCK_TICKS } from '../../src/main/store/count-codec.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { migrate } from '../../src/main/store/migrations/index.js';
import { packIds } from '../../src/main/store/id-packing.js';
import { tempDir } from './temp-db.js';

/**
 * A history written at schema version 4, one `group_counts` row per group per snapshot as version 4
 * wrote them (its own SQL, not today's repository), opened by today's store: migration 5 moves the
 * compact counts into blocks and every read gives the same answers.
 */
const TICKS = BLOCK_TICKS + 40;
const STACKS = [1, 2, 3];
const key = (stackId: number): string => `s${String(stackId).padStart(15, '0')}`;

/** What version 4 stored for stack s at tick t's compact profile (null: absent). */
function compactCount(s: number, t: number): number | null {
  if (s === 1) return 10 + Math.floor(t / 50);
  if (s === 2) return t % 4 === 0 ? 3 : 2;
  return t % 9 === 0 ? 1 : null;
}

function writeV4(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  expect(migrate(db, file, 4)).toBe(4);
  const insertSnapshot = db.prepare(`INSERT INTO snapshots (session_id, tick, kind, endpoint, at_ms, duration_ms, bytes, format, profile, total, thread_stacks, taken_at_ms, error_code, error_message)
    VALUES (1, ?, ?, ?, ?, 1, 100, ?, ?, ?, 0, NULL, ?, ?)`);
  const insertCount = db.prepare('INSERT INTO group_counts (snapshot_id, stack_id, count, leaked, max_wait_minutes, states, labels, is_locked) VALUES (?, ?, ?, ?, ?, ?, ?, 0)');
  db.transaction(() => {
    db.exec(`INSERT INTO sessions (id, target_id, source, name, started_at_ms, ended_at_ms, interval_ms, full_every, raw_retention, raw_keep_last, endpoints, ticks, snapshots, failed_ticks)
      VALUES (1, NULL, 'recording', 'v4 day', 1000, NULL, 1000, 100, 'none', 0, NULL, ${TICKS}, ${TICKS}, 1)`);
    for (const s of STACKS) db.prepare('INSERT INTO stacks (id, key, frames, blocking_site, created_by) VALUES (?, ?, ?, NULL, NULL)').run(s, key(s), `[["main.w${s}","/src/main.go",${s}]]`);
    for (let t = 0; t < TICKS; t++) {
      const at = 1000 + t * 1000;
      if (t === 9) {
        // The compact request failed: the full dump of the tick counts.
        insertSnapshot.run(t, 'compact', 'goroutine?debug=1', at, null, null, null, 'TIMEOUT', 'no answer');
      } else {
        const id = Number(insertSnapshot.run(t, 'compact', 'goroutine?debug=1', at, 'debug1', 'goroutine', 0, null, null).lastInsertRowid);
        for (const s of STACKS) {
          const n = compactCount(s, t);
          // Tick 3 holds a row from before migration 3: its labels as JSON.
          if (n !== null) insertCount.run(id, s, n, 0, null, null, t === 3 && s === 1 ? '[{"labels":{"route":"GET /a"},"count":2}]' : null);
        }
      }
      if (t === 12) {
        // Two compact profiles in one tick (an import's debug=1 and protobuf twins): the last counts.
        const id = Number(insertSnapshot.run(t, 'compact', 'x.pb.gz', at, 'pprof-proto', 'goroutine', 0, null, null).lastInsertRowid);
        insertCount.run(id, 1, 99, 0, null, null, null);
      }
      if (t === 5 || t === 9) {
        const id = Number(insertSnapshot.run(t, 'full', 'goroutine?debug=2', at + 1, 'traceback', null, 0, null, null).lastInsertRowid);
        insertCount.run(id, 1, 77, 0, 4, '{"chan send":77}', null);
        db.prepare('INSERT INTO goroutine_ids (snapshot_id, stack_id, ids) VALUES (?, 1, ?)').run(id, packIds([3, 8]));
      }
    }
  })();
  db.close();
}

describe('migration 5 (counts packed per block)', () => {
  it('moves a version-4 history\'s compact counts into blocks and reads the same series back', () => {
    const t = tempDir('goroscope-migrate5-');
    onTestFinished(t.remove);
    const file = t.file('v4.db');
    writeV4(file);
    const store = HistoryStore.open(file);
    onTestFinished(() => store.dispose());

    const series = store.sessionSeries(1);
    expect(series.ticks).toHaveLength(TICKS);
    const expected = (s: number): (number | null)[] =>
      Array.from({ length: TICKS }, (_, tick) => (tick === 9 ? (s === 1 ? 77 : 0) : tick === 12 ? (s === 1 ? 99 : 0) : (compactCount(s, tick) ?? 0)));
    for (const s of STACKS) expect(series.groups.find((g) => g.stackId === s)!.counts, key(s)).toEqual(expected(s));
    expect([5, 9].map((tick) => store.snapshot(series.ticks[tick]!.fullSnapshotId!).groups[0]!.maxWaitMinutes)).toEqual([4, 4]);
    expect(series.ticks[9]!.errors.map((e) => e.code)).toEqual(['TIMEOUT']);

    // Each stored snapshot reads back as before: a packed compact profile, the one with old label
    // JSON, the tick's other compact profile, a full dump with its ids and states.
    const counted = (tick: number) => series.ticks[tick]!.countedSnapshotId!;
    expect(store.snapshot(counted(BLOCK_TICKS + 27)).groups.map((g) => [g.key, g.count])).toEqual(
      [[key(1), 10 + Math.floor((BLOCK_TICKS + 27) / 50)], [key(2), 2], [key(3), 1]],
    );
    expect(store.snapshot(counted(3)).groups.find((g) => g.key === key(1))!.labels).toEqual([{ labels: { route: 'GET /a' }, count: 2 }]);
    const twin = counted(12) - 1;
    expect(store.snapshot(twin).groups.map((g) => [g.key, g.count])).toEqual([[key(1), 10], [key(2), 3]]);
    expect(store.snapshot(series.ticks[5]!.fullSnapshotId!).groups[0]).toMatchObject({ key: key(1), count: 77, ids: [3, 8], states: { 'chan send': 77 } });
    expect(store.sessionStacks(1).map((s) => [s.key, s.firstTick, s.lastTick])).toEqual([
      [key(1), 0, TICKS - 1], [key(2), 0, TICKS - 1], [key(3), 0, TICKS - 1 - ((TICKS - 1) % 9)],
    ]);

    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    // Left as rows: the full dumps, the twin, the row with label JSON; every plain compact row is gone.
    expect(db.prepare(`SELECT s.kind, count(*) FROM group_counts g JOIN snapshots s ON s.id = g.snapshot_id GROUP BY s.kind ORDER BY s.kind`).raw().all()).toEqual([
      ['compact', 3],
      ['full', 2],
    ]);
    expect(db.prepare('SELECT block, count(*) FROM count_blocks GROUP BY block').raw().all()).toEqual([[0, 3], [1, 3]]);
    // The finished first hour's snapshot rows are packed too (the series above read them from there).
    expect(db.prepare('SELECT session_id, block FROM tick_blocks').raw().all()).toEqual([[1, 0]]);
  });
});
