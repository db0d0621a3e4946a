import { describe, expect, test } from 'vitest';
import { columnStarts, edgeEnvelope, runsOf } from '../../src/renderer/views/timeline/band-geometry.js';

describe('stacked band geometry', () => {
  test('columnStarts cuts i0…i1 into pixel columns, ending with i1 + 1', () => {
    expect([...columnStarts([0, 0, 1, 1, 1, 2, 5], 0, 6)]).toEqual([0, 2, 5, 6, 7]);
    expect([...columnStarts([0, 0, 1, 1, 1, 2, 5], 2, 3)]).toEqual([2, 4]);
    expect([...columnStarts([], 0, -1)]).toEqual([0]);
  });

  test('edgeEnvelope keeps each column\'s lowest and highest value, mapped linearly; a column of gaps is NaN', () => {
    const env = edgeEnvelope([10, 50, null, null, 30, 40], Int32Array.of(0, 2, 4, 6), { at0: 200, perUnit: -2 });
    expect([...env.low]).toEqual([180, NaN, 140]);
    expect([...env.high]).toEqual([100, NaN, 120]);
  });

  test('a one-tick spike among 86,400 ticks on 1,000 columns survives the reduction', () => {
    const ticks = 86_400;
    const values = new Float64Array(ticks).fill(20);
    values[43_210] = 5_000;
    const px = Int32Array.from({ length: ticks }, (_, i) => Math.floor((i * 1000) / ticks));
    const starts = columnStarts(px, 0, ticks - 1);
    expect(starts.length - 1).toBe(1000);
    const env = edgeEnvelope(values, starts, { at0: 0, perUnit: 1 });
    expect(Math.max(...env.high)).toBe(5_000);
    expect(Math.min(...env.low)).toBe(20);
    expect(env.high.filter((v) => v === 5_000).length).toBe(1);
  });

  test('runsOf splits where either edge has a gap', () => {
    const top = Float64Array.of(1, 2, NaN, 4, 5, 6);
    const bottom = Float64Array.of(0, 0, 0, 0, NaN, 0);
    expect(runsOf(top, bottom)).toEqual([
      [0, 1],
      [3, 3],
      [5, 5],
    ]);
    expect(runsOf(new Float64Array(0), new Float64Array(0))).toEqual([]);
  });
});
