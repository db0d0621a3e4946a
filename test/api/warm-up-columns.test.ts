import { describe, expect, it } from 'vitest';
import { warmUpColumns } from '../../src/main/api/warm-up-columns.js';

describe('warmUpColumns (the timeline read run once at start)', () => {
  it('folds its made-up two blocks into columns as a real session is', () => {
    const s = warmUpColumns()!;
    // 7,200 ticks into 900 columns of 8: two real ticks each.
    expect(s.downsampled).toEqual({ sessionTicks: 7200, columns: 900, ticksPerColumn: 8 });
    expect(s.ticks).toHaveLength(1800);
    // A dozen groups (group i counts 10 + i, 2 more on some ticks), the 10 largest by their count at
    // the last tick kept: group 4 has its 2 more there (16), so it ranks above group 5 (15).
    expect(s.groups.map((g) => g.key)).toEqual([11, 10, 9, 8, 7, 6, 4, 5, 3, 2].map((i) => `warm-up-${i}`));
    expect(s.restGroups).toBe(2);
    // Failed ticks (every 1,000th) and full dumps (every 600th) keep their marks.
    expect(s.ticks.filter((t) => t.errors.length > 0).map((t) => t.tick)).toEqual([999, 1999, 2999, 3999, 4999, 5999, 6999]);
    expect(s.ticks.filter((t) => t.fullSnapshotId !== null)).toHaveLength(12);
    // Group 11 counts 21, or 23 at every 7th-ish jitter; its columns hold both.
    expect(Math.max(...s.groups[0]!.counts.map((c) => c ?? 0))).toBe(23);
  });
});
