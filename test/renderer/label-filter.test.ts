// The groups filter's `label:key=value` terms (issue 12) and the label split the group detail shows.
import { describe, expect, test } from 'vitest';
import type { GroupRow } from '../../src/shared/contract.js';
import { filterRows, toTableRows } from '../../src/renderer/views/groups/groups-table.js';
import { labelQuery, parseLabelTerms } from '../../src/renderer/ui/label-terms.js';
import { splitByLabel } from '../../src/shared/labels.js';
import { labelOriginOf } from '../../src/shared/label-origin.js';

function row(key: string, count: number, labels: GroupRow['labels'], func: string): GroupRow {
  return {
    key, count, states: {}, leakedCount: 0, maxWaitMinutes: null, blockingSite: { func, file: '/src/main.go', line: 1 }, createdBy: null,
    frames: [], labels, ids: [], isLocked: false, firstCount: 0, peakCount: count, sparkline: [], typicalState: null, suspect: null,
  };
}

const orders = (tenant: string, count: number) => ({ labels: { route: 'GET /orders', tenant }, count });
const rows = toTableRows([
  row('leak', 9, [orders('acme', 5), orders('zoë', 3)], 'main.orderLeak'),
  row('pool', 4, [{ labels: { pool: 'workers' }, count: 4 }], 'main.worker'),
  row('bare', 2, [], 'main.parked'),
]);

describe('label: terms in the groups filter', () => {
  test.each([
    { query: 'label:route="GET /orders"', want: ['leak'] },
    { query: 'label:tenant=zoë', want: ['leak'] },
    { query: 'label:tenant=nobody', want: [] },
    { query: 'label:pool', want: ['pool'] },
    { query: 'worker label:pool=workers', want: ['pool'] },
    { query: 'parked', want: ['bare'] },
    { query: 'label:route="GET /orders" label:tenant=acme', want: ['leak'] },
  ])('$query', ({ query, want }) => {
    expect(filterRows(rows, query).map((r) => r.row.key)).toEqual(want);
  });

  test('terms and the rest of the query', () => {
    expect(parseLabelTerms('orderLeak label:route="GET /x" label:t')).toEqual({
      terms: [{ key: 'route', value: 'GET /x' }, { key: 't', value: null }],
      rest: 'orderLeak    ',
    });
    expect(labelQuery('route', 'GET /orders')).toBe('label:route="GET /orders"');
    expect(labelQuery('tenant', 'acme')).toBe('label:tenant=acme');
    expect(filterRows(rows, labelQuery('route', 'GET /orders')).map((r) => r.row.key)).toEqual(['leak']);
  });
});

describe('splitByLabel and labelOriginOf', () => {
  test('a group split by tenant, goroutines without the key last', () => {
    expect(splitByLabel(10, [orders('acme', 5), orders('zoë', 3)], 'tenant')).toEqual([
      { value: 'acme', count: 5 },
      { value: 'zoë', count: 3 },
      { value: null, count: 2 },
    ]);
  });

  test('where the goroutines come from, and which values grew', () => {
    const last = Array.from({ length: 41 }, (_, i) => orders(`t-${i}`, i === 3 ? 50 : 1));
    const first = [orders('t-3', 10)];
    const origin = labelOriginOf(100, last, first)!;
    expect(origin.text).toBe('90% carry route=GET /orders; 50% carry tenant=t-3 (tenant has 41 values); growing: route=GET /orders +80, tenant=t-3 +40, tenant=t-0 +1');
    const even = labelOriginOf(41, Array.from({ length: 41 }, (_, i) => orders(`t-${i}`, 1)), [])!;
    expect(even.text).toMatch(/^100% carry route=GET \/orders; tenant spread over 41 values; growing: /);
    expect(origin.labelledShare).toBe(0.9);
    expect(labelOriginOf(3, [], [])).toBeNull();
  });
});
