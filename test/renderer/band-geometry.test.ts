import { describe, expect, test } from 'vitest';
import { columnKeep, edgeY, runsOf } from '../../src/renderer/views/timeline/band-geometry.js';

describe('stacked band geometry', () => {
  test('columnKeep keeps the last tick of each pixel column within i0…i1', () => {
    expect([...columnKeep([0, 0, 1, 1, 1, 2, 5], 0, 6)]).toEqual([1, 4, 5, 6]);
    expect([...columnKeep([0, 0, 1, 1, 1, 2, 5], 2, 3)]).toEqual([3]);
    expect([...columnKeep([], 0, -1)]).toEqual([]);
  });

  test('edgeY maps values linearly and marks gaps NaN', () => {
    expect([...edgeY([10, null, 30, 40], Int32Array.of(0, 1, 3), { at0: 200, perUnit: -2 })]).toEqual([180, NaN, 120]);
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
