import { describe, expect, test } from 'vitest';
import type { SessionSeries, TimelineTick } from '../../src/shared/contract.js';
import { nearestTick, REST_ID, toChartData, zoomRange } from '../../src/renderer/views/timeline/timeline-data.js';
import { assignColors, CALM_COLORS, SUSPECT_COLORS } from '../../src/renderer/views/timeline/band-colors.js';

function tick(i: number, extra: Partial<TimelineTick> = {}): TimelineTick {
  return {
    tick: i,
    atMs: 1_000_000 + i * 2000,
    countedSnapshotId: i + 1,
    fullSnapshotId: null,
    compactTotal: 100 + i,
    fullTotal: null,
    leakTotal: null,
    numGoroutine: null,
    goGoroutines: null,
    errors: [],
    ...extra,
  };
}

const site = { func: 'main.(*session).next', file: '/src/app/main.go', line: 116 };

const SERIES: SessionSeries = {
  sessionId: 1,
  ticks: [
    tick(0, { fullSnapshotId: 1, fullTotal: 100 }),
    tick(1, { countedSnapshotId: null, compactTotal: null, errors: [{ code: 'TIMEOUT', message: 'GET …: no answer', kind: 'compact', endpoint: '/debug/pprof/goroutine?debug=1' }] }),
    tick(2, { numGoroutine: 104, goGoroutines: 103 }),
  ],
  groups: [
    { key: 'a', blockingSite: site, counts: [10, null, 30] },
    { key: 'b', blockingSite: null, counts: [5, null, 0] },
  ],
  rest: [2, null, 4],
  restGroups: 3,
};
const ANALYSIS = { suspectScores: new Map([['a', 93]]), restartTicks: [2, 7] };

describe('toChartData', () => {
  const d = toChartData(SERIES, new Set(), ANALYSIS);

  test('stacks bands from the largest group up, the folded rest on top; a tick without counts is a gap', () => {
    expect(d.bands.map((b) => b.label)).toEqual(['main.(*session).next :116', '(no frames) b', '3 other groups']);
    expect(d.bands.map((b) => b.stacked)).toEqual([
      [10, null, 30],
      [15, null, 30],
      [17, null, 34],
    ]);
    expect(d.bands[1]!.values).toEqual([5, null, 0]);
  });

  test('keeps the measured totals as they are, and marks failed ticks and full dumps', () => {
    expect(d.x).toEqual([1000, 1002, 1004]);
    expect(d.total).toEqual([100, null, 102]);
    expect(d.numGoroutine).toEqual([null, null, 104]);
    expect(d.goGoroutines).toEqual([null, null, 103]);
    expect(d.failedTicks).toEqual([1]);
    expect(d.fullDumpTicks).toEqual([0]);
    expect(d.restartTicks).toEqual([2]);
    expect(d.bands.map((b) => b.suspectScore)).toEqual([93, null, null]);
    expect(toChartData(SERIES).restartTicks).toEqual([]);
    expect(d.shape).toBe('3 bands + rest + NumGoroutine + go_goroutines');
    expect([d.hasNumGoroutine, d.hasGoGoroutines]).toEqual([true, true]);
  });

  test('no rest band when every group is shown', () => {
    const noRest = toChartData({ ...SERIES, restGroups: 0, groups: [...SERIES.groups].reverse() });
    expect(noRest.bands.map((b) => b.key)).toEqual(['b', 'a']);
    expect(noRest.shape).toBe('2 bands + NumGoroutine + go_goroutines');
  });

  test('a hidden band keeps its place and counts but adds nothing to the stack; the chart shape stays', () => {
    const hidden = toChartData(SERIES, new Set(['a']));
    expect(hidden.bands.map((b) => b.isHidden)).toEqual([true, false, false]);
    expect(hidden.bands.map((b) => b.stacked)).toEqual([
      [0, null, 0],
      [5, null, 0],
      [7, null, 4],
    ]);
    expect(hidden.bands[0]!.values).toEqual([10, null, 30]);
    expect(hidden.shape).toBe(d.shape);
    expect(toChartData(SERIES, new Set([REST_ID])).bands[2]!.stacked).toEqual([15, null, 30]);
  });
});

describe('assignColors', () => {
  const g = (key: string, suspectScore: number | null = null) => ({ key, suspectScore });

  test('suspects take the warm colours, highest score first; the others the calm ones; no two alike', () => {
    const colors = assignColors(new Map(), [g('pool'), g('leakB', 60), g('idle'), g('leakA', 95)]);
    expect(colors.get('leakA')).toBe(SUSPECT_COLORS[0]);
    expect(colors.get('leakB')).toBe(SUSPECT_COLORS[1]);
    expect(colors.get('pool')).toBe(CALM_COLORS[0]);
    expect(colors.get('idle')).toBe(CALM_COLORS[1]);
    expect(new Set(colors.values()).size).toBe(4);
  });

  test('a group keeps its colour whatever its rank, and a group that became a suspect moves to a warm colour', () => {
    const first = assignColors(new Map(), [g('a'), g('b'), g('c', 80)]);
    const next = assignColors(first, [g('c', 80), g('b', 40), g('d'), g('a')]);
    expect(next.get('a')).toBe(first.get('a'));
    expect(next.get('c')).toBe(first.get('c'));
    expect(next.get('b')).toBe(SUSPECT_COLORS[1]);
    expect(next.get('d')).toBe(CALM_COLORS[1]);
    expect(new Set(next.values()).size).toBe(4);
  });

  test('50 groups: 50 different colours', () => {
    const many = Array.from({ length: 50 }, (_, i) => g(`k${i}`, i < 5 ? 90 - i : null));
    expect(new Set(assignColors(new Map(), many).values()).size).toBe(50);
  });
});

describe('picking and zooming', () => {
  test('nearestTick finds the closest time, earlier on a tie', () => {
    expect(nearestTick([10, 20, 30], 24)).toBe(1);
    expect(nearestTick([10, 20, 30], 25)).toBe(1);
    expect(nearestTick([10, 20, 30], 26)).toBe(2);
    expect(nearestTick([10, 20, 30], -5)).toBe(0);
    expect(nearestTick([], 3)).toBeNull();
  });

  test('zoomRange zooms around the pointer and stays inside the data', () => {
    expect(zoomRange(0, 100, 50, 0.5, 0, 100)).toEqual([25, 75]);
    expect(zoomRange(0, 100, 0, 0.5, 0, 100)).toEqual([0, 50]);
    expect(zoomRange(50, 100, 100, 0.5, 0, 100)).toEqual([75, 100]);
    expect(zoomRange(20, 60, 40, 4, 0, 100)).toEqual([0, 100]);
  });
});
