import { describe, expect, test } from 'vitest';
import { firstPaneSize, isShare, shareAfterKey, shareAt } from '../../src/renderer/ui/split-size.js';
import { isPlace, placeOf, searchWithPlace } from '../../src/renderer/app/place.js';
import { indexOfTick } from '../../src/renderer/app/tick-selection.js';
import type { TimelineTick } from '../../src/shared/contract.js';
import {
  COLUMNS,
  DEFAULT_LAYOUT,
  fitColumns,
  gridTemplateOf,
  isColumnLayout,
  resizeColumn,
  TABLE_CHROME_PX,
  toggleColumn,
} from '../../src/renderer/views/groups/table-columns.js';

describe('split sizes', () => {
  const limits = { minFirst: 200, minSecond: 300 };

  test('the share of the room, kept within both minimums', () => {
    expect(firstPaneSize(0.5, 1000, limits)).toBe(500);
    expect(firstPaneSize(0.05, 1000, limits)).toBe(200);
    expect(firstPaneSize(0.95, 1000, limits)).toBe(700);
  });

  test('when both minimums do not fit they shrink in proportion: the panes never overlap', () => {
    expect(firstPaneSize(0.5, 400, limits)).toBe(160);
    expect(400 - firstPaneSize(0.9, 400, limits)).toBe(240);
    expect(firstPaneSize(0.5, 0, limits)).toBe(0);
  });

  test('a drag and the arrow keys give shares within the limits', () => {
    expect(shareAt(100, 1000, limits)).toBe(0.2);
    expect(shareAt(450, 1000, limits)).toBe(0.45);
    expect(shareAfterKey('ArrowRight', false, 0.5)).toBeCloseTo(0.52);
    expect(shareAfterKey('ArrowUp', true, 0.5)).toBeCloseTo(0.4);
    expect(shareAfterKey('Enter', false, 0.5)).toBeNull();
    expect([0, 0.3, 1, -0.1, 2, Number.NaN, '0.5'].map(isShare)).toEqual([true, true, true, false, false, false, false]);
  });
});

describe('the place in the URL', () => {
  test('reads session, view, group and tick; malformed values read as absent', () => {
    expect(placeOf('?session=3&view=dump&group=1f0c2a9b4d5e6f70&tick=120')).toEqual({ sessionId: 3, view: 'dump', groupKey: '1f0c2a9b4d5e6f70', tick: 120 });
    expect(placeOf('?session=x&view=<b>&group=a%20b&tick=-1')).toEqual({ sessionId: null, view: null, groupKey: null, tick: null });
    expect(placeOf('')).toEqual({ sessionId: null, view: null, groupKey: null, tick: null });
  });

  test('writes the place and keeps parameters it does not know; without a session, nothing else', () => {
    expect(searchWithPlace('?debug=1', { sessionId: 3, view: 'diff', groupKey: null, tick: 7 })).toBe('?debug=1&session=3&view=diff&tick=7');
    expect(searchWithPlace('?session=3&view=diff&tick=7', { sessionId: 3, view: 'diff', groupKey: null, tick: null })).toBe('?session=3&view=diff');
    expect(searchWithPlace('?session=3&view=diff', { sessionId: null, view: 'diff', groupKey: 'k', tick: 1 })).toBe('');
    const place = { sessionId: 12, view: 'report', groupKey: 'abc', tick: 0 };
    expect(placeOf(searchWithPlace('', place))).toEqual(place);
  });

  test('a stored place is checked before use', () => {
    expect(isPlace({ sessionId: 1, view: null, groupKey: null, tick: 2 })).toBe(true);
    expect(isPlace({ sessionId: '1', view: null, groupKey: null, tick: 2 })).toBe(false);
    expect(isPlace(null)).toBe(false);
  });

  test('a tick number finds its index, also when numbers skip', () => {
    const ticks = [0, 1, 2, 5, 9].map((tick) => ({ tick }) as TimelineTick);
    expect(indexOfTick(ticks, 2)).toBe(2);
    expect(indexOfTick(ticks, 9)).toBe(4);
    expect(indexOfTick(ticks, 4)).toBeNull();
  });
});

describe('groups table columns', () => {
  const ids = (cols: readonly { id: string }[]): string[] => cols.map((c) => c.id);
  const all = COLUMNS.reduce((n, c) => n + c.minPx, TABLE_CHROME_PX);

  test('every column when there is room', () => {
    const fit = fitColumns(DEFAULT_LAYOUT, 2000);
    expect(ids(fit.shown)).toEqual(['count', 'change', 'trend', 'state', 'blockingSite', 'createdBy', 'score']);
    expect(fit.dropped).toEqual([]);
    expect(fit.neededPx).toBe(all);
  });

  test('in a narrow pane trend, then state, then change give way; count, sites and score stay', () => {
    expect(fitColumns(DEFAULT_LAYOUT, all - 1).dropped).toEqual(['trend']);
    const narrow = fitColumns(DEFAULT_LAYOUT, 380);
    expect(narrow.dropped).toEqual(['trend', 'state', 'change']);
    expect(ids(narrow.shown)).toEqual(['count', 'blockingSite', 'createdBy', 'score']);
    expect(narrow.neededPx).toBeLessThanOrEqual(380);
    // Nothing left to drop: the table scrolls sideways rather than cut a column.
    expect(fitColumns(DEFAULT_LAYOUT, 100).neededPx).toBeGreaterThan(100);
  });

  test('hidden and widened columns; the grid gives the sites the room left over', () => {
    let layout = toggleColumn(DEFAULT_LAYOUT, 'state');
    layout = resizeColumn(layout, 'blockingSite', 300);
    layout = resizeColumn(layout, 'count', 10);
    const fit = fitColumns(layout, 2000);
    expect(ids(fit.shown)).not.toContain('state');
    expect(gridTemplateOf(fit.shown, layout)).toBe('66px 78px 64px minmax(300px, 1.6fr) minmax(100px, 1fr) 64px');
    expect(toggleColumn(layout, 'state').hidden).toEqual([]);
    expect(isColumnLayout(layout)).toBe(true);
    expect(isColumnLayout({ widths: { nope: 3 }, hidden: [] })).toBe(false);
    expect(isColumnLayout({ widths: {}, hidden: ['count', 'x'] })).toBe(false);
  });
});
