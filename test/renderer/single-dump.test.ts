import { describe, expect, test } from 'vitest';
import type { DumpOverview, OverviewGroup } from '../../src/shared/dump-overview.js';
import { headline, idsText, pageOrder, statesText, waitRange } from '../../src/renderer/views/single-dump/single-dump.js';

function group(id: string, count: number, over: Partial<OverviewGroup> = {}): OverviewGroup {
  return { id, keys: [id], count, states: {}, waitMinutes: null, frames: [], blockingFrameIndex: -1, createdBy: null, ids: { first: 1, last: 1 }, leaked: 0, suspect: null, ...over };
}

describe('single-dump page helpers', () => {
  test.each([
    [{ waitMinutes: { min: 3, max: 41 }, leaked: 0, count: 9 }, '3~41 minutes'],
    [{ waitMinutes: { min: 1, max: 1 }, leaked: 0, count: 9 }, '1 minute'],
    [{ waitMinutes: null, leaked: 0, count: 9 }, 'under a minute'],
    [{ waitMinutes: null, leaked: 9, count: 9 }, 'no wait printed for (leaked)'],
  ])('waitRange(%j) = %s', (g, want) => {
    expect(waitRange(g)).toBe(want);
  });

  test('states most first, ids as a range, the headline says what was merged', () => {
    expect(statesText({ runnable: 2, 'chan send': 300 })).toBe('chan send 300 · runnable 2');
    expect(idsText(group('a', 300, { ids: { first: 9, last: 629 } }))).toBe('ids 9…629');
    expect(idsText(group('a', 1, { ids: { first: 1, last: 1 } }))).toBe('id 1');
    const o = { total: 303, isExact: false, exactStacks: 6, groups: [group('a', 300), group('b', 3)] } as DumpOverview;
    expect(headline(o)).toBe('303 goroutines in 2 groups, merged from 6 distinct stacks');
    expect(headline({ ...o, isExact: true })).toBe('303 goroutines in 2 groups');
  });

  test('suspects first, strongest first, then by size', () => {
    const weak = { strength: 'weak' as const, score: 0.4, reasons: [] };
    const proof = { strength: 'proof' as const, score: 1, reasons: [] };
    const order = pageOrder([group('big', 500), group('w', 300, { suspect: weak }), group('p', 10, { suspect: proof }), group('small', 2)]);
    expect(order.map((g) => g.id)).toEqual(['p', 'w', 'big', 'small']);
  });
});
