import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GoroscopeError, InvalidInputError, NotFoundError } from '../../shared/errors.js';
import type { DumpFormat, Group, ProfileKind, Snapshot } from '../../shared/model.js';
import { ChartTicksBuilder, mergeStackStats, uncountedStack, unpackStackStats, type ChartInputs, type StackStat } from './chart-blocks.js';
import { CountBlocks, type PackedSessionCounts } from './count-blocks.js';
import { FleetHistory } from './fleet-store.js';
import { migrate } from './migrations/index.js';
import { packIds, unpackIds } from './id-packing.js';
import { decompressRaw, type RawBlob, type RawEncoding } from './raw-dump.js';
import { frameJson, frameOf, framesJson, framesOf, groupOf, metricsOf, sessionOf, snapshotInfoOf, type Row } from './rows.js';
import { labelSetKey } from '../../shared/labels.js';
import { assembleSeries, assembleTypedSeries, numberCell, SERIES_TICK_COLUMNS, tableOfRows, textCell, ticksOfRows, type DetailCountRow, type TickRow, type TickTable, type TypedSessionSeries } from './series.js';
import {
  isRawKept,
  type FullDumpIds,
  type NewSession,
  type RawDump,
  type RawRetention,
  type SessionSeries,
  type SessionSummary,
  type SnapshotInfo,
  type SnapshotRecord,
  type TickError,
  type StackInfo,
} from './types.js';

const BUSY_TIMEOUT_MS = 5_000;

/**
 * The hot reads, named so that the migration test can check their `EXPLAIN QUERY PLAN` (each must
 * search an index, never scan a table).
 */
export const HOT_QUERIES = {
  seriesTicks: `SELECT ${SERIES_TICK_COLUMNS} FROM snapshots WHERE session_id = ? AND tick >= ? ORDER BY tick, id`,
  seriesDetails: `SELECT s.tick, s.kind, g.stack_id, g.count
    FROM snapshots s JOIN group_counts g ON g.snapshot_id = s.id
    WHERE s.session_id = ? AND s.kind IN ('full', 'leak') AND s.error_code IS NULL`,
  fullDumpIds: `SELECT s.id, s.tick, s.at_ms, gi.stack_id, st.key, gi.ids
    FROM snapshots s JOIN goroutine_ids gi ON gi.snapshot_id = s.id JOIN stacks st ON st.id = gi.stack_id
    WHERE s.session_id = ? ORDER BY s.id, gi.stack_id`,
  snapshotLabels: `SELECT glc.stack_id, ls.key, glc.count
    FROM group_label_counts glc JOIN label_sets ls ON ls.id = glc.label_set_id
    WHERE glc.snapshot_id = ?`,
  sessionLabels: `SELECT s.tick, st.key AS stack_key, ls.key, glc.count
    FROM snapshots s JOIN group_label_counts glc ON glc.snapshot_id = s.id
    JOIN label_sets ls ON ls.id = glc.label_set_id JOIN stacks st ON st.id = glc.stack_id
    WHERE s.session_id = ? AND s.error_code IS NULL AND s.kind IN ('compact', 'full')
    ORDER BY s.tick, s.id`,
  stackLabels: `SELECT glc.snapshot_id, ls.key, glc.count
    FROM stacks st JOIN group_label_counts glc ON glc.stack_id = st.id
    JOIN snapshots s ON s.id = glc.snapshot_id JOIN label_sets ls ON ls.id = glc.label_set_id
    WHERE st.key = ? AND s.session_id = ?`,
  snapshotGroups: `SELECT g.stack_id, st.key, st.frames, st.blocking_site, st.created_by, g.count, g.leaked, g.max_wait_minutes, g.states, g.labels, g.is_locked, gi.ids
    FROM group_counts g JOIN stacks st ON st.id = g.stack_id
    LEFT JOIN goroutine_ids gi ON gi.snapshot_id = g.snapshot_id AND gi.stack_id = g.stack_id
    WHERE g.snapshot_id = ?`,
  // Keeps a session's first raw dump and its last @keep. With @keep = 0 the inner SELECT is empty and
  // min() is NULL, which `<` would turn into "delete nothing": coalesce makes it "delete all but the first".
  pruneRaw: `DELETE FROM raw_dumps WHERE session_id = @session
    AND snapshot_id > (SELECT min(snapshot_id) FROM raw_dumps WHERE session_id = @session)
    AND snapshot_id < coalesce((SELECT min(snapshot_id) FROM (SELECT snapshot_id FROM raw_dumps WHERE session_id = @session ORDER BY snapshot_id DESC LIMIT @keep)), 9223372036854775807)`,
} as const;


/**
 * The history: the one module that runs SQL (STYLE.md §7). Open with {@link HistoryStore.open}; every
 * method is synchronous (better-sqlite3) and returns domain types. `dispose()` closes it; twice is fine.
 *
 * Read API for analysis and the api layer:
 * - `listSessions()`, `session(id)`: summaries with counts (`snapshots` = successful snapshots).
 * - `sessionSeries(id)`: per tick, every total as measured (compact, full, leak, expvar, Prometheus) and
 *   errors; per stack, counts aligned with the ticks (compact profile, else the full dump of the tick),
 *   leaked counts from goroutineleak profiles, longest waits from full dumps. 3,600 ticks in < 200 ms.
 * - `sessionStacks(id)`: the session's stacks with frames, blocking site, creation site, states seen.
 * - `fullDumpIds(id)`: goroutine IDs per stack of each full dump, for tracking IDs across snapshots.
 * - `sessionSnapshots(id)`, `snapshot(snapshotId)` (the full Snapshot back), `rawDump(snapshotId)`.
 * Unknown ids throw NotFoundError.
 */
/** What analysis reads of one stored request (`sessionRequests`). */
export type SnapshotRequest = Pick<SnapshotInfo, 'id' | 'tick' | 'endpoint' | 'format' | 'profile' | 'total' | 'error'>;

export interface OpenOptions {
  /**
   * better-sqlite3's addon built for another ABI: the Electron app passes the copy built for Electron
   * (scripts/electron-native.mjs), while the CLI and tests use node_modules' copy built for Node.
   */
  nativeBinding?: string;
}

export class HistoryStore {
  private isDisposed = false;
  private readonly stackIds = new Map<string, number>();
  private readonly stacksWithCreator = new Set<number>();
  private readonly retention = new Map<number, { retention: RawRetention; keepLast: number }>();
  /** Label set ids by their key; ids inserted by the tick being written leave it if the tick rolls back. */
  private readonly labelSetIds = new Map<string, number>();
  private readonly labelSetsThisTick: string[] = [];
  /**
   * What the tick being written added to the two caches above. A transaction that throws rolls those
   * rows back, so they leave the caches too: a cached id of a rolled-back stack would make every later
   * snapshot of that stack fail its foreign key.
   */
  private readonly cachedThisTick: { key: string; id: number; isNew: boolean }[] = [];
  private readonly st;
  private readonly recordTickTx;
  private readonly finishTx;
  private readonly readTx;
  private readonly createSessionTx;
  /** Fleets (many instances, one session each, under one fleet session): see fleet-store.ts. */
  readonly fleets: FleetHistory;
  /** The counts of compact profiles, packed per stack per block of ticks (migration 5). */
  private readonly counts: CountBlocks;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      upsertTarget: p('INSERT INTO targets (url, first_seen_ms) VALUES (?, ?) ON CONFLICT (url) DO NOTHING'),
      targetId: p('SELECT id FROM targets WHERE url = ?').pluck(),
      insertSession: p(`INSERT INTO sessions (target_id, source, name, started_at_ms, interval_ms, full_every, raw_retention, raw_keep_last, endpoints)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      endSession: p('UPDATE sessions SET ended_at_ms = ? WHERE id = ?'),
      heartbeat: p('UPDATE sessions SET heartbeat_at_ms = ? WHERE id = ? AND ended_at_ms IS NULL'),
      bumpSession: p(`UPDATE sessions SET ticks = max(ticks, ?), snapshots = snapshots + ?, failed_ticks = failed_ticks + ? WHERE id = ?`),
      session: p('SELECT s.*, t.url FROM sessions s LEFT JOIN targets t ON t.id = s.target_id WHERE s.id = ?'),
      sessions: p('SELECT s.*, t.url FROM sessions s LEFT JOIN targets t ON t.id = s.target_id ORDER BY s.id'),
      deleteSession: p('DELETE FROM sessions WHERE id = ?'),
      stackId: p('SELECT id, created_by IS NOT NULL AS has_creator FROM stacks WHERE key = ?'),
      insertStack: p('INSERT INTO stacks (key, frames, blocking_site, created_by) VALUES (?, ?, ?, ?)'),
      setCreator: p('UPDATE stacks SET created_by = ? WHERE id = ? AND created_by IS NULL'),
      insertSnapshot: p(`INSERT INTO snapshots (session_id, tick, kind, endpoint, at_ms, duration_ms, bytes, format, profile, total, thread_stacks,
        taken_at_ms, num_goroutine, threads, heap_alloc_bytes, heap_inuse_bytes, gc_cycles, error_code, error_message, warnings)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertCount: p(`INSERT INTO group_counts (snapshot_id, stack_id, count, leaked, max_wait_minutes, states, labels, is_locked)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      labelSetId: p(`INSERT INTO label_sets (key) VALUES (?) ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id`).pluck(),
      insertLabelCount: p('INSERT INTO group_label_counts (snapshot_id, stack_id, label_set_id, count) VALUES (?, ?, ?, ?)'),
      snapshotLabels: p(HOT_QUERIES.snapshotLabels),
      sessionLabels: p(HOT_QUERIES.sessionLabels).raw(),
      stackLabels: p(HOT_QUERIES.stackLabels).raw(),
      insertIds: p('INSERT INTO goroutine_ids (snapshot_id, stack_id, ids) VALUES (?, ?, ?)'),
      insertRaw: p('INSERT INTO raw_dumps (snapshot_id, session_id, encoding, original_bytes, data) VALUES (?, ?, ?, ?, ?)'),
      pruneRaw: p(HOT_QUERIES.pruneRaw),
      seriesTicks: p(HOT_QUERIES.seriesTicks).raw(),
      seriesDetails: p(HOT_QUERIES.seriesDetails).raw(),
      fullDumpIds: p(HOT_QUERIES.fullDumpIds),
      snapshotGroups: p(HOT_QUERIES.snapshotGroups),
      sessionStackTicks: p(`SELECT g.stack_id, min(s.tick) AS first_tick, max(s.tick) AS last_tick
        FROM snapshots s JOIN group_counts g ON g.snapshot_id = s.id WHERE s.session_id = ? GROUP BY g.stack_id`),
      sessionStates: p(`SELECT g.stack_id, g.states FROM snapshots s JOIN group_counts g ON g.snapshot_id = s.id
        WHERE s.session_id = ? AND s.kind = 'full' AND g.states IS NOT NULL`).raw(),
      stack: p('SELECT id, key, frames, blocking_site, created_by FROM stacks WHERE id = ?'),
      snapshot: p('SELECT s.*, r.snapshot_id IS NOT NULL AS has_raw FROM snapshots s LEFT JOIN raw_dumps r ON r.snapshot_id = s.id WHERE s.id = ?'),
      sessionSnapshots: p(`SELECT s.*, r.snapshot_id IS NOT NULL AS has_raw FROM snapshots s LEFT JOIN raw_dumps r ON r.snapshot_id = s.id
        WHERE s.session_id = ? ORDER BY s.tick, s.id`),
      rawDump: p('SELECT r.encoding, r.original_bytes, r.data, s.format FROM raw_dumps r JOIN snapshots s ON s.id = r.snapshot_id WHERE r.snapshot_id = ?'),
    };
    this.finishTx = db.transaction((sessionId: number) => this.counts.finish(sessionId));
    this.readTx = db.transaction((read: () => unknown) => read());
    this.recordTickTx = db.transaction((sessionId: number, tick: number, records: readonly SnapshotRecord[]) =>
      this.writeTick(sessionId, tick, records),
    );
    this.createSessionTx = db.transaction((s: NewSession) => this.writeSession(s));
    this.fleets = new FleetHistory(db);
    this.counts = new CountBlocks(db);
  }

  /**
   * Opens (creating folder and file if needed) and migrates the history at `dbPath`: WAL, foreign keys,
   * a busy timeout. Throws SchemaTooNewError for a newer schema, InvalidInputError for a file that is
   * not an SQLite database or cannot be opened.
   */
  static open(dbPath: string, options: OpenOptions = {}): HistoryStore {
    let db: Database.Database;
    try {
      mkdirSync(path.dirname(dbPath), { recursive: true });
      db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    } catch (cause) {
      throw new InvalidInputError(`cannot open history database ${dbPath}: ${(cause as Error).message}`, { cause });
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(db, dbPath);
      return new HistoryStore(db, dbPath);
    } catch (cause) {
      db.close();
      throw openError(dbPath, cause);
    }
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.db.close();
  }

  /** Creates a session (and its target, once per URL); returns its id. */
  createSession(s: NewSession): number {
    return this.createSessionTx(s);
  }

  /** Stamps a running recording as alive (see session-liveness.ts); an ended or removed session is left alone. */
  heartbeat(sessionId: number, atMs: number): void {
    this.st.heartbeat.run(atMs, sessionId);
  }

  /**
   * Marks the session ended, then packs its unfinished block (count-blocks.ts `finish`) in a
   * transaction of its own: a packing that fails (a full disk) leaves the session ended and its staged
   * rows as they were, which read the same; the error is thrown after.
   */
  endSession(sessionId: number, endedAtMs: number): void {
    if (this.st.endSession.run(endedAtMs, sessionId).changes === 0) throw noSession(sessionId);
    try {
      this.finishTx(sessionId);
    } catch (error) {
      this.counts.forget(sessionId);
      throw error;
    }
  }

  /**
   * Runs `read` in one read transaction: every query in it sees the same state of the file, also
   * while another process (a `goroscope record`) compacts a block of the session being read.
   */
  consistentRead<T>(read: () => T): T {
    return this.readTx(read) as T;
  }

  /**
   * Stores one tick's snapshots (successful and failed) in one transaction, then drops raw dumps over
   * the session's retention. Returns the new snapshot ids in `records` order. All or nothing: when it
   * throws (NotFoundError for an unknown session, or SQLite's own error), nothing of the tick is stored.
   */
  recordTick(sessionId: number, tick: number, records: readonly SnapshotRecord[]): number[] {
    this.cachedThisTick.length = 0;
    this.labelSetsThisTick.length = 0;
    try {
      return this.recordTickTx(sessionId, tick, records);
    } catch (error) {
      this.counts.forget(sessionId);
      for (const c of this.cachedThisTick) {
        if (c.isNew) this.stackIds.delete(c.key);
        this.stacksWithCreator.delete(c.id);
      }
      for (const key of this.labelSetsThisTick) this.labelSetIds.delete(key);
      throw error;
    } finally {
      this.cachedThisTick.length = 0;
      this.labelSetsThisTick.length = 0;
    }
  }

  /** Deletes a session with its snapshots, counts, IDs and raw dumps (stacks stay: they are shared). */
  removeSession(sessionId: number): void {
    // A fleet's instance sessions go with it.
    for (const member of this.fleets.memberSessions(sessionId)) {
      this.st.deleteSession.run(member);
      this.retention.delete(member);
    }
    if (this.st.deleteSession.run(sessionId).changes === 0) throw noSession(sessionId);
    this.retention.delete(sessionId);
    this.counts.forget(sessionId);
  }

  listSessions(): SessionSummary[] {
    return (this.st.sessions.all() as Row[]).map(sessionOf);
  }

  session(sessionId: number): SessionSummary {
    const row = this.st.session.get(sessionId) as Row | undefined;
    if (!row) throw noSession(sessionId);
    return sessionOf(row);
  }

  sessionSeries(sessionId: number): SessionSeries {
    return this.readSeries(sessionId);
  }

  /**
   * The series with each group's counts as an Int32Array (`NO_COUNT` for null): the timeline's
   * downsampled read (`session.series` with `columns`), which never needs the contract's arrays.
   */
  sessionTypedSeries(sessionId: number): TypedSessionSeries {
    const { tables, counts, details } = this.seriesInputs(sessionId);
    const series = assembleTypedSeries(sessionId, tables, counts, details, new Map());
    for (const g of series.groups) g.key = this.stackKeyOf(g.stackId);
    return series;
  }

  /**
   * What the timeline's columns read (api/series-columns.ts `columnsFromChart`): the finished blocks'
   * chart summaries (chart-blocks.ts), the rest of the ticks row by row, and the counts not in packed
   * blocks. Null when the session is not in that shape (counts packed without a summary, ticks not
   * numbered 0…n-1): the caller then assembles the series. `runsOf` reads when called: call it, and
   * this, inside one `consistentRead`.
   */
  sessionChartInputs(sessionId: number): ChartInputs | null {
    this.session(sessionId);
    const chart = this.counts.chartBlocks(sessionId);
    if (this.counts.lastCountBlock(sessionId) >= chart.blocks.length) return null;
    const builder = new ChartTicksBuilder();
    const stacks = new Map<number, StackStat>();
    for (const [, ticks, stats] of chart.blocks) {
      builder.addPacked(ticks);
      mergeStackStats(stacks, unpackStackStats(stats));
    }
    builder.addTicks(ticksOfRows(this.st.seriesTicks.all(sessionId, chart.fromTick) as TickRow[]));
    const ticks = builder.done();
    if (ticks === null) return null;
    const staged = this.counts.stagedTicks(sessionId);
    if (staged.some(([tick]) => tick < chart.fromTick)) return null;
    const loose: ChartInputs['loose'] = staged;
    const unsummarised = this.counts.detailStacks(sessionId, chart.fromTick, Number.MAX_SAFE_INTEGER);
    mergeStackStats(stacks, unsummarised.map(uncountedStack));
    // Ticks whose compact request failed are counted by their full dump, kept as rows.
    for (let i = 0; i < ticks.length; i++) {
      const full = ticks.fullSnapshotId[i]!;
      if (full === ticks.countedSnapshotId[i]) loose.push([i, this.counts.snapshotCounts(full)]);
    }
    return {
      sessionId,
      ticks,
      stacks,
      loose,
      runsOf: (stackId) => this.counts.stackRuns(sessionId, stackId),
      headOf: (stackId) => {
        const row = this.st.stack.get(stackId) as Row;
        return { key: row.key as string, blockingSite: frameOf(row.blocking_site) };
      },
    };
  }

  private seriesInputs(sessionId: number): { tables: TickTable[]; counts: PackedSessionCounts; details: DetailCountRow[] } {
    return this.consistentRead(() => {
      this.session(sessionId);
      // Finished blocks' rows come packed (tick_blocks); the rest, row by row.
      const packed = this.counts.packedTickTables(sessionId);
      const tables = [...packed.tables, tableOfRows(this.st.seriesTicks.all(sessionId, packed.fromTick) as TickRow[])];
      return { tables, counts: this.counts.sessionCounts(sessionId), details: this.st.seriesDetails.all(sessionId) as DetailCountRow[] };
    });
  }

  private readSeries(sessionId: number): SessionSeries {
    const { tables, counts, details } = this.seriesInputs(sessionId);
    const series = assembleSeries(sessionId, tables, counts, details, new Map());
    for (const g of series.groups) g.key = this.stackKeyOf(g.stackId);
    return series;
  }

  sessionStacks(sessionId: number): StackInfo[] {
    this.session(sessionId);
    const states = new Map<number, Record<string, number>>();
    for (const [stackId, json] of this.st.sessionStates.all(sessionId) as [number, string][]) {
      const acc = states.get(stackId) ?? {};
      for (const [s, n] of Object.entries(JSON.parse(json) as Record<string, number>)) acc[s] = (acc[s] ?? 0) + n;
      states.set(stackId, acc);
    }
    // Ticks per stack from its rows (full dumps, leak profiles) and from the packed compact counts.
    const spans = this.counts.stackSpans(sessionId);
    for (const r of this.st.sessionStackTicks.all(sessionId) as Row[]) {
      const span = spans.get(r.stack_id as number);
      if (!span) spans.set(r.stack_id as number, { first: r.first_tick as number, last: r.last_tick as number });
      else {
        span.first = Math.min(span.first, r.first_tick as number);
        span.last = Math.max(span.last, r.last_tick as number);
      }
    }
    return [...spans].sort((a, b) => a[0] - b[0]).map(([stackId, span]) => {
      const stack = this.st.stack.get(stackId) as Row;
      return {
        stackId,
        key: stack.key as string,
        frames: framesOf(stack.frames as string),
        blockingSite: frameOf(stack.blocking_site),
        createdBy: frameOf(stack.created_by),
        states: states.get(stackId) ?? {},
        firstTick: span.first,
        lastTick: span.last,
      };
    });
  }

  fullDumpIds(sessionId: number): FullDumpIds[] {
    this.session(sessionId);
    const out: FullDumpIds[] = [];
    for (const r of this.st.fullDumpIds.iterate(sessionId) as Iterable<Row>) {
      let last = out[out.length - 1];
      if (last === undefined || last.snapshotId !== r.id) {
        last = { snapshotId: r.id as number, tick: r.tick as number, atMs: r.at_ms as number, groups: [] };
        out.push(last);
      }
      last.groups.push({ stackId: r.stack_id as number, key: r.key as string, ids: unpackIds(r.ids as Buffer) });
    }
    return out;
  }

  /**
   * The series and, per snapshot of the session (tick order), what analysis reads of its request:
   * both from one pass over the snapshots (a day of 1 s ticks has 172,800 of them).
   */
  sessionSeriesAndRequests(sessionId: number): { series: TypedSessionSeries; requests: SnapshotRequest[] } {
    // Counts as Int32Array (NO_COUNT = -1, analysis' NOT_MEASURED too): analysis keeps them so.
    const { tables, counts, details } = this.seriesInputs(sessionId);
    const series = assembleTypedSeries(sessionId, tables, counts, details, new Map());
    for (const g of series.groups) g.key = this.stackKeyOf(g.stackId);
    const requests: SnapshotRequest[] = [];
    for (const { length, columns: c } of tables) {
      for (let i = 0; i < length; i++) {
        const code = textCell(c[11]!, i);
        requests.push({
          id: numberCell(c[0]!, i)!, tick: numberCell(c[1]!, i)!, endpoint: textCell(c[3]!, i)!, format: textCell(c[13]!, i) as DumpFormat | null,
          profile: textCell(c[14]!, i) as ProfileKind | null, total: numberCell(c[5]!, i),
          error: code === null ? null : { code: code as TickError['code'], message: textCell(c[12]!, i) ?? '' },
        });
      }
    }
    return { series, requests };
  }

  sessionSnapshots(sessionId: number): SnapshotInfo[] {
    this.session(sessionId);
    return (this.st.sessionSnapshots.all(sessionId) as Row[]).map(snapshotInfoOf);
  }

  snapshotInfo(snapshotId: number): SnapshotInfo {
    const row = this.st.snapshot.get(snapshotId) as Row | undefined;
    if (!row) throw new NotFoundError(`no snapshot ${snapshotId} in the history`);
    return snapshotInfoOf(row);
  }

  /** The stored snapshot as the parser gave it (groups largest first). A failed one throws NotFoundError. */
  snapshot(snapshotId: number): Snapshot {
    const row = this.st.snapshot.get(snapshotId) as Row | undefined;
    if (!row) throw new NotFoundError(`no snapshot ${snapshotId} in the history`);
    if (row.error_code !== null) {
      throw new NotFoundError(`snapshot ${snapshotId} is a failed request (${String(row.error_code)}: ${String(row.error_message)})`);
    }
    const format = row.format as DumpFormat;
    // Only tracebacks print `created by`; the stack row may know it from another snapshot.
    const hasCreators = format === 'traceback';
    const rows = this.st.snapshotGroups.all(snapshotId) as Row[];
    if (row.kind === 'compact') rows.push(...this.packedGroupRows(row, rows));
    const labelsByStack = this.snapshotLabelsByStack(snapshotId);
    const groups = rows.map((r) => {
      const g = groupOf(r, hasCreators);
      const labels = labelsByStack.get(r.stack_id as number);
      return labels ? { ...g, labels } : g;
    });
    groups.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    const isMetrics = format === 'expvar' || format === 'prometheus';
    return {
      format,
      profile: row.profile as ProfileKind | null,
      total: row.total as number,
      takenAtMs: row.taken_at_ms as number | null,
      groups,
      metrics: isMetrics ? metricsOf(row) : null,
      threadStacks: row.thread_stacks as number,
      warnings: row.warnings === null ? [] : JSON.parse(row.warnings as string),
    };
  }

  /**
   * A counted compact profile's groups from the packed counts, as rows like `snapshotGroups`' (only
   * the count: a group with more, such as ids or states, has its own row in `rows` and is skipped).
   */
  private packedGroupRows(snapshot: Row, rows: readonly Row[]): Row[] {
    const counts = this.counts.countsAt(snapshot.session_id as number, snapshot.tick as number, snapshot.id as number);
    if (counts === null) return [];
    const present = new Set(rows.map((r) => r.stack_id as number));
    const out: Row[] = [];
    for (const [stackId, count] of counts) {
      if (present.has(stackId)) continue;
      const stack = this.st.stack.get(stackId) as Row;
      out.push({ ...stack, stack_id: stackId, count, leaked: 0, max_wait_minutes: null, states: null, labels: null, is_locked: 0, ids: null });
    }
    return out;
  }

  private stackKeyOf(stackId: number): string {
    return (this.st.stack.get(stackId) as Row).key as string;
  }

  /**
   * Per stack key, the label distribution of its first and of its last snapshot in the session that
   * carried labels (compact profiles and full dumps): where a group's goroutines come from, and which
   * label values grew. Empty for sessions without labels.
   */
  sessionLabelSpans(sessionId: number): Map<string, { first: Group['labels']; last: Group['labels'] }> {
    this.session(sessionId);
    const perStack = new Map<string, { firstTick: number; first: Group['labels']; lastTick: number; last: Group['labels'] }>();
    for (const [tick, stackKey, key, count] of this.st.sessionLabels.iterate(sessionId) as Iterable<[number, string, string, number]>) {
      const labels = labelSetOf(key);
      let span = perStack.get(stackKey);
      if (!span) {
        span = { firstTick: tick, first: [], lastTick: tick, last: [] };
        perStack.set(stackKey, span);
      }
      if (tick === span.firstTick) span.first.push({ labels, count });
      if (tick !== span.lastTick) {
        span.lastTick = tick;
        span.last = [];
      }
      span.last.push({ labels, count });
    }
    return new Map([...perStack].map(([k, v]) => [k, { first: v.first, last: v.last }]));
  }

  /** One stack's label sets with counts, per snapshot of the session that has them (snapshot id → sets). */
  stackLabelsBySnapshot(sessionId: number, stackKey: string): Map<number, Group['labels']> {
    this.session(sessionId);
    const out = new Map<number, Group['labels']>();
    for (const [snapshotId, key, count] of this.st.stackLabels.iterate(stackKey, sessionId) as Iterable<[number, string, number]>) {
      const list = out.get(snapshotId) ?? [];
      list.push({ labels: labelSetOf(key), count });
      out.set(snapshotId, list);
    }
    return out;
  }

  private snapshotLabelsByStack(snapshotId: number): Map<number, Group['labels']> {
    const out = new Map<number, Group['labels']>();
    for (const r of this.st.snapshotLabels.all(snapshotId) as Row[]) {
      const list = out.get(r.stack_id as number) ?? [];
      list.push({ labels: labelSetOf(r.key as string), count: r.count as number });
      out.set(r.stack_id as number, list);
    }
    for (const list of out.values()) list.sort((a, b) => b.count - a.count || (labelSetKey(a.labels) < labelSetKey(b.labels) ? -1 : 1));
    return out;
  }

  /**
   * A snapshot's kept raw dump as stored (compressed), for a reader that can take it so (`serve`
   * sends a brotli blob to a browser as it is); null as for {@link rawDump}.
   */
  rawDumpBlob(snapshotId: number): { format: DumpFormat | null; blob: RawBlob } | null {
    const row = this.st.rawDump.get(snapshotId) as Row | undefined;
    if (!row) {
      this.snapshotInfo(snapshotId);
      return null;
    }
    return { format: row.format as DumpFormat | null, blob: { encoding: row.encoding as RawEncoding, originalBytes: row.original_bytes as number, data: row.data as Buffer } };
  }

  /** The raw bytes of a snapshot, or null when retention dropped them (or none were kept). */
  rawDump(snapshotId: number): RawDump | null {
    const kept = this.rawDumpBlob(snapshotId);
    if (kept === null) return null;
    return { snapshotId, format: kept.format, bytes: decompressRaw(kept.blob), storedBytes: kept.blob.data.length };
  }

  private writeSession(s: NewSession): number {
    let targetId: number | null = null;
    if (s.targetUrl !== null) {
      this.st.upsertTarget.run(s.targetUrl, s.startedAtMs);
      targetId = this.st.targetId.get(s.targetUrl) as number;
    }
    const info = this.st.insertSession.run(
      targetId, s.source, s.name, s.startedAtMs, s.intervalMs, s.fullEvery, s.rawRetention, s.rawKeepLast,
      s.endpoints ? JSON.stringify(s.endpoints) : null,
    );
    return Number(info.lastInsertRowid);
  }

  private writeTick(sessionId: number, tick: number, records: readonly SnapshotRecord[]): number[] {
    this.counts.beforeTick(sessionId, tick);
    // The session row first: a session removed meanwhile (`sessions rm` from another process) is a
    // NotFoundError naming it, not a foreign-key failure of the first snapshot row.
    const ok = records.filter((r) => r.snapshot !== null).length;
    const failed = records.some((r) => r.error !== null) ? 1 : 0;
    if (this.st.bumpSession.run(tick + 1, ok, failed, sessionId).changes === 0) throw noSession(sessionId);
    const ids: number[] = [];
    let keptRaw = false;
    // The tick's counted compact profile (the last that succeeded, as the series reads it) is packed.
    const counted = records.findLast((r) => r.kind === 'compact' && r.snapshot !== null);
    for (const r of records) {
      const s = r.snapshot;
      const m = s?.metrics ?? null;
      const info = this.st.insertSnapshot.run(
        sessionId, tick, r.kind, r.endpoint, Math.round(r.atMs), Math.round(r.durationMs), r.bytes,
        s?.format ?? null, s?.profile ?? null, s?.total ?? null, s?.threadStacks ?? null, s?.takenAtMs ?? null,
        m?.numGoroutine ?? null, m?.threads ?? null, m?.heapAllocBytes ?? null, m?.heapInuseBytes ?? null, m?.gcCycles ?? null,
        r.error?.code ?? null, r.error?.message ?? null, s && s.warnings.length > 0 ? JSON.stringify(s.warnings) : null,
      );
      const snapshotId = Number(info.lastInsertRowid);
      ids.push(snapshotId);
      if (s && r === counted && this.writePackedCounts(sessionId, tick, snapshotId, s)) {
        // Packed: counts only; a group with more than a count (ids, states…) keeps its row too.
        for (const g of s.groups) {
          if (hasMoreThanCount(g)) this.writeGroup(snapshotId, g);
          else this.writeLabels(snapshotId, this.stackIdOf(g), g);
        }
      } else if (s) {
        for (const g of s.groups) this.writeGroup(snapshotId, g);
      }
      if (r.raw && isRawKept(this.retentionOf(sessionId).retention, r.kind)) {
        this.st.insertRaw.run(snapshotId, sessionId, r.raw.encoding, r.raw.originalBytes, r.raw.data);
        keptRaw = true;
      }
    }
    if (keptRaw) this.st.pruneRaw.run({ session: sessionId, keep: this.retentionOf(sessionId).keepLast });
    return ids;
  }

  private writeGroup(snapshotId: number, g: Group): void {
    const stackId = this.stackIdOf(g);
    const states = Object.keys(g.states).length > 0 ? JSON.stringify(g.states) : null;
    // Labels go to group_label_counts (migration 3): each set once in label_sets, a small row per tick.
    this.st.insertCount.run(snapshotId, stackId, g.count, g.leakedCount, g.maxWaitMinutes, states, null, g.isLocked ? 1 : 0);
    this.writeLabels(snapshotId, stackId, g);
    if (g.ids.length > 0) this.st.insertIds.run(snapshotId, stackId, packIds(g.ids));
  }

  private writeLabels(snapshotId: number, stackId: number, g: Group): void {
    for (const l of g.labels) this.st.insertLabelCount.run(snapshotId, stackId, this.labelSetIdOf(l.labels), l.count);
  }

  /** One packed row for the tick's counts (count-blocks.ts); false when the tick already has one. */
  private writePackedCounts(sessionId: number, tick: number, snapshotId: number, s: Snapshot): boolean {
    const counts = s.groups.map((g) => ({ stackId: this.stackIdOf(g), count: g.count }));
    return this.counts.record(sessionId, tick, snapshotId, counts);
  }

  private stackIdOf(g: Group): number {
    let id = this.stackIds.get(g.key);
    if (id === undefined) {
      const row = this.st.stackId.get(g.key) as { id: number; has_creator: number } | undefined;
      if (row) {
        id = row.id;
        if (row.has_creator) this.stacksWithCreator.add(id);
      } else {
        const frames = framesJson(g.frames);
        id = Number(this.st.insertStack.run(g.key, frames, frameJson(g.blockingSite), frameJson(g.createdBy)).lastInsertRowid);
        if (g.createdBy) this.stacksWithCreator.add(id);
        this.cachedThisTick.push({ key: g.key, id, isNew: true });
      }
      this.stackIds.set(g.key, id);
    }
    // debug=1 and protobuf never say `created by`: the first full dump that does fills it in.
    if (g.createdBy && !this.stacksWithCreator.has(id)) {
      this.st.setCreator.run(frameJson(g.createdBy), id);
      this.stacksWithCreator.add(id);
      this.cachedThisTick.push({ key: g.key, id, isNew: false });
    }
    return id;
  }

  private labelSetIdOf(labels: Group['labels'][number]['labels']): number {
    const key = labelSetKey(labels);
    let id = this.labelSetIds.get(key);
    if (id === undefined) {
      id = this.st.labelSetId.get(key) as number;
      this.labelSetIds.set(key, id);
      this.labelSetsThisTick.push(key);
    }
    return id;
  }

  private retentionOf(sessionId: number): { retention: RawRetention; keepLast: number } {
    let r = this.retention.get(sessionId);
    if (!r) {
      const s = this.session(sessionId);
      r = { retention: s.rawRetention, keepLast: s.rawKeepLast };
      this.retention.set(sessionId, r);
    }
    return r;
  }
}

/** Whether a group carries more than its count and labels, so that it needs a `group_counts` row. */
function hasMoreThanCount(g: Group): boolean {
  return g.leakedCount !== 0 || g.maxWaitMinutes !== null || g.isLocked || g.ids.length > 0 || Object.keys(g.states).length > 0;
}

/** `[["route","GET /x"]]` (a label_sets key) → { route: 'GET /x' }. */
function labelSetOf(key: string): Group['labels'][number]['labels'] {
  return Object.fromEntries(JSON.parse(key) as [string, string][]);
}

function noSession(id: number): NotFoundError {
  return new NotFoundError(`no session ${id} in the history; \`goroscope sessions\` lists them`);
}

/**
 * Why a history could not be opened, as a GoroscopeError naming the file: SQLite's own errors
 * (read-only file, locked past the busy timeout, damaged) would otherwise reach the user as a stack trace.
 */
function openError(dbPath: string, cause: unknown): GoroscopeError {
  if (cause instanceof GoroscopeError) return cause;
  if (!(cause instanceof Database.SqliteError)) throw cause;
  if (cause.code === 'SQLITE_NOTADB') return new InvalidInputError(`${dbPath} is not a Goroscope history: not an SQLite database`, { cause });
  return new InvalidInputError(`cannot open history database ${dbPath}: ${cause.message} (${cause.code}); expected a writable SQLite file`, { cause });
}

