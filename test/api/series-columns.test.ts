import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionSeries } from '../../src/shared/contract.js';
import { SessionSeriesSchema } from '../../src/shared/contract.js';
import type { Group, Snapshot } from '../../src/shared/model.js';
import { openApi, type OpenedApi } from '../../src/main/api/open-api.js';
import { dispatch } from '../../src/main/transport/dispatch.js';
import { HistoryStore } from '../../src/main/store/history-store.js';

/**
 * A day of 1 s ticks (86,400) in a real history file, recorded through the store's write path: a pool
 * steady at 20 goroutines but for one tick at 500 (tick 51,234), a slow leak, and one failed tick.
 * `session.series` with `columns` sends two entries per column; the spike and the failure survive.
 */
const TICKS = 86_400;
const SPIKE_TICK = 51_234;
const FAILED_TICK = 70_001;
const START_MS = 1_700_000_000_000;

function group(name: string, count: number): Group {
  const frames = [{ func: `main.${name}`, file: '/src/main.go', line: name.length }];
  return { key: `${name.padEnd(16, '0')}`, count, states: {}, leakedCount: 0, maxWaitMinutes: null, blockingSite: frames[0]!, createdBy: null, frames, labels: [], ids: [], isLocked: false };
}

function seedDay(file: string): number {
  const store = HistoryStore.open(file);
  try {
    const sessionId = store.createSession({
      source: 'recording', name: 'a day', targetUrl: 'http://127.0.0.1:1', startedAtMs: START_MS, intervalMs: 1000, fullEvery: 0,
      rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine'],
    });
    for (let t = 0; t < TICKS; t++) {
      const atMs = START_MS + t * 1000;
      if (t === FAILED_TICK) {
        store.recordTick(sessionId, t, [{ kind: 'compact', endpoint: 'goroutine?debug=1', atMs, durationMs: 1, bytes: 0, snapshot: null, raw: null, error: { code: 'TIMEOUT', message: 'GET x: no answer within 1 s' } }]);
        continue;
      }
      const groups = [group('pool', t === SPIKE_TICK ? 500 : 20), group('leak', 1 + Math.floor(t / 3600))];
      const snapshot: Snapshot = { format: 'debug1', profile: 'goroutine', total: groups[0]!.count + groups[1]!.count, takenAtMs: null, groups, metrics: null, threadStacks: 0, warnings: [] };
      store.recordTick(sessionId, t, [{ kind: 'compact', endpoint: 'goroutine?debug=1', atMs, durationMs: 1, bytes: 100, snapshot, error: null, raw: null }]);
    }
    store.endSession(sessionId, START_MS + TICKS * 1000);
    return sessionId;
  } finally {
    store.dispose();
  }
}

describe('session.series downsampled to the chart\'s columns', () => {
  let dir: string;
  let opened: OpenedApi;
  let sessionId: number;
  const series = async (params: Record<string, unknown>): Promise<SessionSeries> => {
    const r = await dispatch(opened.api, 'session.series', { sessionId, maxGroups: 1, ...params }, new AbortController().signal);
    if (!r.reply.ok) throw new Error(JSON.stringify(r.reply));
    return SessionSeriesSchema.parse(r.reply.value);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'goroscope-columns-'));
    const file = path.join(dir, 'history.db');
    sessionId = seedDay(file);
    opened = openApi(file, '0.1.0-test');
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('keeps a one-tick spike among 86,400 ticks, and the failed tick\'s mark', async () => {
    const s = await series({ columns: 1200 });
    expect(s.downsampled).toEqual({ sessionTicks: TICKS, columns: 1200, ticksPerColumn: 72 });
    expect(s.ticks).toHaveLength(2400);
    // Ticks ascend; each column's pair is two real ticks of its 72.
    for (let i = 1; i < s.ticks.length; i++) expect(s.ticks[i]!.tick).toBeGreaterThan(s.ticks[i - 1]!.tick);
    const column = Math.floor(SPIKE_TICK / 72);
    // maxGroups 1: the leak (largest last count) is a band, the pool is folded into `rest`.
    expect(s.groups.map((g) => g.key)).toEqual(['leak'.padEnd(16, '0')]);
    expect(s.rest[2 * column]).toBe(20);
    expect(s.rest[2 * column + 1]).toBe(500);
    expect(s.ticks[2 * column + 1]!.compactTotal).toBe(500 + 1 + Math.floor(SPIKE_TICK / 3600));
    expect(s.rest.filter((v) => v === 500)).toHaveLength(1);
    expect(Math.max(...s.rest.map((v) => v ?? 0))).toBe(500);
    // The leak's band: lowest and highest per column, its last value the last tick's.
    expect(s.groups[0]!.counts[0]).toBe(1);
    expect(s.groups[0]!.counts.at(-1)).toBe(1 + Math.floor((TICKS - 1) / 3600));
    const failed = s.ticks.filter((t) => t.errors.length > 0);
    expect(failed.map((t) => [t.tick, t.errors[0]!.code])).toEqual([[FAILED_TICK, 'TIMEOUT']]);
  });

  test('sends every tick, with the same fields as before, when no columns are asked for', async () => {
    const s = await series({});
    expect(s.ticks).toHaveLength(TICKS);
    expect(s.downsampled).toBeUndefined();
    expect(s.rest[SPIKE_TICK]).toBe(500);
    expect(s.rest[SPIKE_TICK - 1]).toBe(20);
    expect(s.ticks[FAILED_TICK]!.countedSnapshotId).toBeNull();
  });

  test('refuses a column count out of range', async () => {
    const r = await dispatch(opened.api, 'session.series', { sessionId, maxGroups: 1, columns: 3 }, new AbortController().signal);
    expect(r.reply.ok).toBe(false);
    expect((r.reply as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
  });
});
