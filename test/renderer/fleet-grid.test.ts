import { describe, expect, it } from 'vitest';
import { costText, fleetGrid, MAX_COLUMNS, type FleetData } from '../../src/renderer/views/fleet/fleet-grid.js';

const cost = { requests: 40, failedRequests: 2, bytes: 3 * 1024 * 1024, fullDumps: 4, fullDumpMs: 81.6, largestFullDumpBytes: 900_000, fullEvery: 10, cadenceNotes: [] };

function instance(name: string, rank: number, totals: (number | null)[]): FleetData['fleet']['instances'][number] {
  return { rank, name, url: `http://${name}:6060`, sessionId: String(10 + rank), ticks: totals.length, failedTicks: totals.filter((t) => t === null).length, suspects: 0, growthPerMin: 0, discoveredGrowthPerMin: null, totals, atMs: totals.map((_, i) => i * 1000), cost };
}

const data: FleetData = {
  sessionId: 9,
  fleet: {
    source: 'prometheus', prometheusUrl: 'http://p:9090', job: 'api', rankingQuery: 'deriv(go_goroutines{job="api"}[15m])', maxConcurrent: 4, skipped: [],
    instances: [instance('api-2', 1, [10, 14, null, 22]), instance('api-1', 2, [10, 10, 11, 10])],
    cost,
  },
  suspects: [
    {
      rank: 1, key: 'k1', count: 12, growthPerMin: 240,
      blockingSite: { func: 'example.com/api/internal.forgottenReply', file: '/src/api/internal/reply.go', line: 29 },
      growsOn: 'grows on 1 of 2: api-2; flat elsewhere',
      instances: [{ name: 'api-2', url: 'http://api-2:6060', sessionId: '11', growthPerMin: 240, count: 12, baseline: 0, score: 0.99, series: [0, 4, null, 12] }],
      instanceSeries: [{ name: 'api-2', series: [0, 4, null, 12] }, { name: 'api-1', series: [0, 0, 0, 0] }],
    },
  ],
};

describe('fleetGrid', () => {
  it('makes one row per instance in rank order and one column per suspect', () => {
    const grid = fleetGrid(data);
    expect(grid.columns).toEqual([{ key: 'k1', label: 'internal.forgottenReply reply.go:29', growsOn: 'grows on 1 of 2: api-2; flat elsewhere' }]);
    expect(grid.rows.map((r) => [r.name, r.sessionId, r.failedTicks])).toEqual([['api-2', 11, 1], ['api-1', 12, 0]]);
    // A failed tick carries the value before it, so the line does not fall to 0.
    expect(grid.rows[0]!.totals).toEqual([10, 14, 14, 22]);
    expect(grid.rows[0]!.cells).toEqual([{ values: [0, 4, 4, 12], growthPerMin: 240, last: 12 }]);
    expect(grid.rows[1]!.cells).toEqual([{ values: [0, 0, 0, 0], growthPerMin: null, last: 0 }]);
  });

  it(`shows at most ${MAX_COLUMNS} groups`, () => {
    const many = { ...data, suspects: Array.from({ length: 9 }, (_, i) => ({ ...data.suspects[0]!, key: `k${i}`, rank: i + 1 })) };
    expect(fleetGrid(many).columns).toHaveLength(MAX_COLUMNS);
  });

  it('says what recording cost', () => {
    expect(costText(cost)).toBe('40 requests (2 failed) · 3.0 MB · 4 full dumps, 82 ms');
  });
});
