import { describe, expect, it } from 'vitest';
import type { SessionSeries, TimelineTick } from '../../src/shared/contract.js';
import { downsampleSeries } from '../../src/main/api/series-columns.js';
import { entryOfSessionIndex } from '../../src/renderer/app/tick-selection.js';

function tick(t: number, over: Partial<TimelineTick> = {}): TimelineTick {
  return {
    tick: t, atMs: 1_000 * t, countedSnapshotId: t + 1, fullSnapshotId: null, compactTotal: 10, fullTotal: null, leakTotal: null,
    numGoroutine: null, goGoroutines: null, errors: [], ...over,
  };
}

function seriesOf(n: number, count: (t: number) => number | null, over: (t: number) => Partial<TimelineTick> = () => ({})): SessionSeries {
  const ticks = Array.from({ length: n }, (_, t) => tick(t, over(t)));
  const counts = ticks.map((t) => count(t.tick));
  return { sessionId: 1, ticks, groups: [{ key: 'g', blockingSite: null, counts }], rest: counts.map(() => 0), restGroups: 0 };
}

describe('downsampleSeries', () => {
  it('leaves a series of at most twice the columns as it is', () => {
    const s = seriesOf(40, () => 3);
    expect(downsampleSeries(s, 20)).toBe(s);
    expect(downsampleSeries(s, undefined)).toBe(s);
  });

  it('gives each column its lowest then highest value, at two real ticks in order', () => {
    // 10 ticks in 3 columns (ticks 0–2, 3–5, 6–9); a spike of 90 at tick 7, a gap at tick 4.
    const s = downsampleSeries(seriesOf(10, (t) => (t === 7 ? 90 : t === 4 ? null : t)), 3);
    expect(s.ticks.map((t) => t.tick)).toEqual([0, 2, 3, 5, 6, 9]);
    expect(s.groups[0]!.counts).toEqual([0, 2, 3, 5, 6, 90]);
    expect(s.downsampled).toEqual({ sessionTicks: 10, columns: 3, ticksPerColumn: 10 / 3 });
  });

  it('keeps the marks of a full dump and of a failed tick inside a column', () => {
    const failed = { code: 'TIMEOUT' as const, message: 'x', kind: 'compact' as const, endpoint: 'e' };
    const s = downsampleSeries(
      seriesOf(12, () => 1, (t) => (t === 5 ? { fullSnapshotId: 99, fullTotal: 40 } : t === 2 ? { errors: [failed], compactTotal: null } : {})),
      2,
    );
    // Column 0 (ticks 0–5) stands as its failed tick 2 and its full dump at 5; column 1 as its ends.
    expect(s.ticks.map((t) => t.tick)).toEqual([2, 5, 6, 11]);
    expect(s.ticks[0]!.errors).toEqual([failed]);
    expect(s.ticks[1]!.fullSnapshotId).toBe(99);
    // The totals are the column's extremes too (the full dump's 40 is column 0's only full total).
    expect(s.ticks.map((t) => t.fullTotal)).toEqual([40, 40, null, null]);
  });
});

describe('entryOfSessionIndex', () => {
  it('finds the column of a tick index of the whole session, as the downsampler cut it', () => {
    const d = { sessionTicks: 10, columns: 3 };
    expect([0, 2, 3, 5, 6, 9].map((i) => entryOfSessionIndex(i, d))).toEqual([0, 0, 2, 2, 4, 4]);
    const day = { sessionTicks: 86_400, columns: 1_440 };
    expect(entryOfSessionIndex(51_234, day)).toBe(2 * Math.floor(51_234 / 60));
  });
});
