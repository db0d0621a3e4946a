import { describe, expect, test } from 'vitest';
import { restartTicks } from '../../src/main/analysis/restarts.js';
import { fakeSession, loadCorpus, range } from './helpers.js';

describe('restartTicks', () => {
  test('the GC count going down is a new process; steady or missing counts are not', () => {
    const s = fakeSession([{ key: 'pool', counts: [8, 8, 8, 8, 8, 8] }], 2000, [40, 41, null, 3, 3, 9]);
    expect(restartTicks(s)).toEqual([3]);
  });

  test('goroutine ids starting over, with the old goroutines gone, is a new process', () => {
    const s = fakeSession([
      { key: 'main', counts: [1, 1, 1, 1], fullDumps: { 0: { ids: [1], waitMinutes: 0 }, 1: { ids: [1], waitMinutes: 0 }, 3: { ids: [1], waitMinutes: 0 } } },
      {
        key: 'leak',
        counts: [50, 100, 2, 20],
        fullDumps: { 0: { ids: range(100, 50), waitMinutes: 1 }, 1: { ids: range(100, 100), waitMinutes: 2 }, 3: { ids: range(20, 20), waitMinutes: 0 } },
      },
    ]);
    expect(restartTicks(s)).toEqual([3]);
  });

  test('the newest goroutines exiting (the highest id drops) while the rest live on is no restart', () => {
    const s = fakeSession([
      { key: 'workers', counts: [30, 30], fullDumps: { 0: { ids: range(10, 30), waitMinutes: 0 }, 1: { ids: range(10, 30), waitMinutes: 0 } } },
      { key: 'burst', counts: [5, 0], fullDumps: { 0: { ids: range(500, 5), waitMinutes: 0 } } },
    ]);
    expect(restartTicks(s)).toEqual([]);
  });

  test('the corpus leak recorded over four dumps of one process has none', () => {
    const loaded = loadCorpus('01-chan-send-no-receiver', ['t0.debug2.txt', 't1.debug2.txt', 't2.debug2.txt', 't3.debug2.txt']);
    expect(restartTicks(loaded.session)).toEqual([]);
  });
});
