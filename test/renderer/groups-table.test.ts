import { describe, expect, test } from 'vitest';
import type { GroupRow } from '../../src/shared/contract.js';
import { filterRows, moveSelection, sortRows, toTableRows, visibleWindow } from '../../src/renderer/views/groups/groups-table.js';

function row(key: string, count: number, firstCount: number, extra: Partial<GroupRow> = {}): GroupRow {
  return {
    key,
    count,
    states: {},
    leakedCount: 0,
    maxWaitMinutes: null,
    blockingSite: null,
    createdBy: null,
    frames: [],
    labels: [],
    ids: [],
    isLocked: false,
    firstCount,
    peakCount: count,
    sparkline: [],
    typicalState: null,
    suspect: null,
    ...extra,
  };
}

const rows = toTableRows([
  row('k1', 50, 0, {
    states: { 'chan receive': 48, select: 2 },
    typicalState: 'chan receive',
    blockingSite: { func: 'main.(*session).next', file: '/src/app/main.go', line: 116 },
    createdBy: { func: 'main.openSession', file: '/src/app/main.go', line: 102 },
    frames: [{ func: 'main.(*session).readEvents', file: '/src/app/main.go', line: 107 }],
    suspect: { score: 92, growthPerMin: 12, isConfirmed: false, evidence: [], explanation: null, strength: 'strong', basis: 'trend', reasons: [] },
  }),
  row('k2', 3, 3, { states: {}, typicalState: 'IO wait', blockingSite: { func: 'internal/poll.runtime_pollWait', file: '/go/src/runtime/netpoll.go', line: 305 } }),
  row('k3', 0, 7),
  row('k0', 3, 1),
]);

describe('toTableRows', () => {
  test('derives change, dominant state and short sites', () => {
    expect(rows.map((r) => [r.row.key, r.change, r.state, r.blockingSite, r.createdBy])).toEqual([
      ['k1', 50, 'chan receive', 'main.(*session).next main.go:116', 'main.openSession main.go:102'],
      ['k2', 0, 'IO wait', 'poll.runtime_pollWait netpoll.go:305', '—'],
      ['k3', -7, 'gone', '—', '—'],
      ['k0', 2, '—', '—', '—'],
    ]);
  });
});

describe('filterRows', () => {
  test('every word must match somewhere: sites, state, frames; case-insensitive', () => {
    expect(filterRows(rows, 'readevents').map((r) => r.row.key)).toEqual(['k1']);
    expect(filterRows(rows, 'MAIN.go:116 receive').map((r) => r.row.key)).toEqual(['k1']);
    expect(filterRows(rows, 'netpoll.go').map((r) => r.row.key)).toEqual(['k2']);
    expect(filterRows(rows, 'main.go nothing-like-this')).toEqual([]);
    expect(filterRows(rows, '   ')).toHaveLength(4);
  });
});

describe('sortRows', () => {
  test('by count, ties by key; by change; by score with no score last', () => {
    expect(sortRows(rows, 'count', 'desc').map((r) => r.row.key)).toEqual(['k1', 'k0', 'k2', 'k3']);
    expect(sortRows(rows, 'count', 'asc').map((r) => r.row.key)).toEqual(['k3', 'k0', 'k2', 'k1']);
    expect(sortRows(rows, 'change', 'desc').map((r) => r.row.key)).toEqual(['k1', 'k0', 'k2', 'k3']);
    expect(sortRows(rows, 'suspect', 'desc').map((r) => r.row.key)).toEqual(['k1', 'k0', 'k2', 'k3']);
    expect(sortRows(rows, 'state', 'asc').map((r) => r.state)).toEqual(['—', 'chan receive', 'gone', 'IO wait']);
  });
});

describe('virtual window and keyboard', () => {
  test('visibleWindow covers the viewport plus overscan, clamped to the rows', () => {
    expect(visibleWindow(0, 300, 30, 5000, 8)).toEqual({ first: 0, last: 18 });
    expect(visibleWindow(30_000, 300, 30, 5000, 8)).toEqual({ first: 992, last: 1018 });
    expect(visibleWindow(149_700, 300, 30, 5000, 8)).toEqual({ first: 4982, last: 4999 });
    expect(visibleWindow(0, 300, 30, 0)).toEqual({ first: 0, last: -1 });
  });

  test('moveSelection: arrows, pages, Home/End, clamped; other keys do not move', () => {
    expect(moveSelection('ArrowDown', -1, 10, 5)).toBe(0);
    expect(moveSelection('ArrowDown', 9, 10, 5)).toBe(9);
    expect(moveSelection('ArrowUp', 0, 10, 5)).toBe(0);
    expect(moveSelection('PageDown', 3, 10, 5)).toBe(8);
    expect(moveSelection('PageUp', 3, 10, 5)).toBe(0);
    expect(moveSelection('End', 0, 10, 5)).toBe(9);
    expect(moveSelection('Home', 7, 10, 5)).toBe(0);
    expect(moveSelection('a', 3, 10, 5)).toBeNull();
    expect(moveSelection('ArrowDown', 0, 0, 5)).toBeNull();
  });
});
