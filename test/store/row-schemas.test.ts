import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { SessionSummarySchema, SnapshotInfoSchema } from '../../src/shared/contract.js';
import { SnapshotSchema, type Snapshot } from '../../src/shared/model.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { compressRaw } from '../../src/main/store/raw-dump.js';
import {
  FullDumpIdsSchema,
  RawDumpSchema,
  StackInfoSchema,
  StoredSeriesSchema,
  StoredSessionSchema,
  type SnapshotKind,
  type SnapshotRecord,
} from '../../src/main/store/types.js';
import { openTempStore } from './temp-db.js';

/**
 * The store's records are typed from the contract's schemas (src/main/store/types.ts): what a real
 * SQLite file gives back must pass those schemas' `parse` unchanged — no field missing, none extra
 * (parse drops unknown keys, so `toEqual` after it catches one), every value in range.
 */

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/generated');
const bytesOf = (name: string): Buffer => readFileSync(path.join(CORPUS, name));
const parsed = (name: string): Snapshot => parseSnapshots(bytesOf(name))[0]!;

async function record(kind: SnapshotKind, file: string, atMs: number): Promise<SnapshotRecord> {
  return { kind, endpoint: file, atMs, durationMs: 4, bytes: bytesOf(file).length, snapshot: parsed(file), error: null, raw: await compressRaw(bytesOf(file)) };
}

function expectParses<S extends z.ZodType>(schema: S, value: unknown): void {
  expect(schema.parse(value)).toEqual(value);
}

describe('store records read back from a SQLite file', () => {
  it('pass the schemas they are typed from', async () => {
    const { store } = openTempStore();
    const startedAtMs = 1_700_000_000_000;
    const recording = store.createSession({
      source: 'recording', name: 'rows', targetUrl: 'http://127.0.0.1:6060', startedAtMs, intervalMs: 1000, fullEvery: 2,
      rawRetention: 'full', rawKeepLast: 10, endpoints: ['goroutine', '/debug/vars'],
    });
    const dir = '01-chan-send-no-receiver';
    store.recordTick(recording, 0, [await record('compact', `${dir}/t0.debug1.txt`, startedAtMs), await record('expvar', `${dir}/t0.vars.json`, startedAtMs + 1)]);
    store.recordTick(recording, 1, [
      await record('compact', `${dir}/t1.debug0.pb.gz`, startedAtMs + 1000),
      await record('full', `${dir}/t1.debug2.txt`, startedAtMs + 1001),
      await record('leak', '14-go127-leak-profile/t2.leak.debug1.txt', startedAtMs + 1002),
    ]);
    store.recordTick(recording, 2, [
      { kind: 'compact', endpoint: 'goroutine?debug=1', atMs: startedAtMs + 2000, durationMs: 10, bytes: 0, snapshot: null, raw: null, error: { code: 'TIMEOUT', message: 'GET goroutine?debug=1: no complete answer within 10 ms' } },
    ]);
    store.heartbeat(recording, startedAtMs + 2500);
    store.endSession(recording, startedAtMs + 3000);
    const imported = store.createSession({
      source: 'import', name: 'an import', targetUrl: null, startedAtMs, intervalMs: null, fullEvery: null, rawRetention: 'all', rawKeepLast: 10, endpoints: null,
    });
    store.recordTick(imported, 0, [await record('full', `${dir}/t3.debug2.txt`, startedAtMs)]);

    for (const id of [recording, imported]) {
      const session = store.session(id);
      expectParses(StoredSessionSchema.strict(), session);
      // The contract's own summary is the stored one less what only the history keeps, plus what only a process knows.
      const { rawRetention: _retention, rawKeepLast: _keepLast, endpoints: _endpoints, heartbeatAtMs: _heartbeat, ...shown } = session;
      expectParses(SessionSummarySchema.strict(), { ...shown, isRecording: false });
      const infos = store.sessionSnapshots(id);
      expect(infos.length).toBeGreaterThan(0);
      for (const info of infos) {
        expectParses(SnapshotInfoSchema.strict(), info);
        expectParses(SnapshotInfoSchema.strict(), store.snapshotInfo(info.id));
        if (info.error === null) expectParses(SnapshotSchema, store.snapshot(info.id));
        const raw = store.rawDump(info.id);
        if (raw) expectParses(RawDumpSchema.strict(), raw);
      }
      expectParses(StoredSeriesSchema.strict(), store.sessionSeries(id));
      for (const stack of store.sessionStacks(id)) expectParses(StackInfoSchema.strict(), stack);
      for (const ids of store.fullDumpIds(id)) expectParses(FullDumpIdsSchema.strict(), ids);
    }
    expectParses(StoredSessionSchema.array(), store.listSessions());

    // The rows above are not vacuous: each kind of value the schemas allow was read back.
    const series = store.sessionSeries(recording);
    expect(series.ticks.map((x) => [x.compactTotal !== null, x.fullSnapshotId !== null, x.leakSnapshotId !== null, x.expvar !== null, x.errors.length])).toEqual([
      [true, false, false, true, 0],
      [true, true, true, false, 0],
      [false, false, false, false, 1],
    ]);
    expect(store.session(recording)).toMatchObject({ target: 'http://127.0.0.1:6060', heartbeatAtMs: startedAtMs + 2500, endedAtMs: startedAtMs + 3000, ticks: 3, failedTicks: 1 });
    expect(store.session(imported)).toMatchObject({ target: null, endpoints: null, heartbeatAtMs: null });
    expect(store.fullDumpIds(recording)[0]!.groups.some((g) => g.ids.length > 0)).toBe(true);
  });
});
