// Labels in the history (migration 3): each distinct set stored once, counts per tick, read back as
// the parser gave them, and a group's count over time split by one label (`session.labelSeries`).
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { Group, Snapshot } from '../../src/shared/model.js';
import { labelSeriesOf } from '../../src/main/api/label-series.js';
import { tempStore } from '../integration/record-helpers.js';

const frame = { func: 'main.orderLeak', file: '/src/main.go', line: 46 };
const leak = (perTenant: Record<string, number>): Group => ({
  key: '00000000000000aa', count: Object.values(perTenant).reduce((a, b) => a + b, 0), states: {}, leakedCount: 0, maxWaitMinutes: null,
  blockingSite: frame, createdBy: null, frames: [frame],
  labels: Object.entries(perTenant).map(([tenant, count]) => ({ labels: { route: 'GET /orders', tenant }, count })).sort((a, b) => b.count - a.count),
  ids: [], isLocked: false,
});
const compact = (g: Group): Snapshot => ({ format: 'debug1', profile: 'goroutine', total: g.count, takenAtMs: null, groups: [g], metrics: null, threadStacks: 0, warnings: [] });

describe('labels in the history', () => {
  test('stored once per distinct set, read back per snapshot and split over time', () => {
    const { store, file } = tempStore();
    const session = store.createSession({
      source: 'recording', name: 'labels', targetUrl: 'http://127.0.0.1:1', startedAtMs: 0, intervalMs: 1000, fullEvery: 10,
      rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine'],
    });
    const ticks: Record<string, number>[] = [{ acme: 1 }, { acme: 3, zoë: 1 }, { acme: 6, zoë: 2, 'x y': 1 }];
    ticks.forEach((perTenant, t) => {
      store.recordTick(session, t, [{ kind: 'compact', endpoint: 'goroutine?debug=1', atMs: t * 1000, durationMs: 1, bytes: 10, snapshot: compact(leak(perTenant)), error: null, raw: null }]);
    });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM label_sets').pluck().get()).toBe(3);
      expect(db.prepare('SELECT count(*) FROM group_label_counts').pluck().get()).toBe(6);
      expect(db.prepare('SELECT count(*) FROM group_counts WHERE labels IS NOT NULL').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    const last = store.sessionSnapshots(session).at(-1)!;
    expect(store.snapshot(last.id).groups[0]!.labels).toEqual(leak(ticks[2]!).labels);
    expect(store.sessionLabelSpans(session).get('00000000000000aa')).toEqual({ first: leak(ticks[0]!).labels, last: leak(ticks[2]!).labels });
    const split = labelSeriesOf(store.sessionSeries(session), store.stackLabelsBySnapshot(session, '00000000000000aa'), 'tenant');
    expect(split).toEqual({
      ticks: [{ tick: 0, atMs: 0 }, { tick: 1, atMs: 1000 }, { tick: 2, atMs: 2000 }],
      values: [
        { value: 'acme', counts: [1, 3, 6] },
        { value: 'zoë', counts: [0, 1, 2] },
        { value: 'x y', counts: [0, 0, 1] },
      ],
    });
  });
});
