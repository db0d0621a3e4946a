// Classification edge cases on sessions built through SessionBuilder, as the store fills them.
import { describe, expect, test } from 'vitest';
import { analyzeSession } from '../../src/main/analysis/analyze-session.js';
import { classifyCounts } from '../../src/main/analysis/classify.js';
import { robustSlopePerMin, measuredPoints, monotonicity, tickTimes } from '../../src/main/analysis/series-stats.js';
import { NOT_MEASURED } from '../../src/main/analysis/session.js';
import { fakeSession, range } from './helpers.js';

function classOf(counts: (number | null)[], intervalMs = 2000) {
  const session = fakeSession([{ key: 'g', counts }], intervalMs);
  return classifyCounts(session.groups[0]!.counts, session.ticks);
}

describe('classifyCounts', () => {
  test('a fixed pool of 8 is a stable pool, not a suspect', () => {
    const c = classOf(Array(30).fill(8));
    expect(c.class).toBe('stablePool');
    expect(c.why).toBe('level: between 8 and 8 at all 30 ticks');
  });

  test('a pool that fills up and then holds level is a stable pool', () => {
    const c = classOf([0, 2, 5, 8, ...Array(26).fill(8)]);
    expect(c.class).toBe('stablePool');
    expect(c.why).toBe('grew from 0 to 8, then held level for 27 ticks (52 s): a pool that filled up, or a leak that stopped');
  });

  test('a spike that comes back is a drained spike, with where it came back', () => {
    const c = classOf([...Array(10).fill(3), 803, 790, ...Array(18).fill(3)]);
    expect(c.class).toBe('drainedSpike');
    expect(c.why).toBe('rose to 803 at t10 and came back near its baseline of 3 by t12');
    expect(c.trend.returnedToBaseline).toBe(true);
  });

  test('a spike still draining is a drained spike, not a leak', () => {
    const c = classOf([0, 0, 0, 0, 500, 400, 300, 200, 100, 50]);
    expect(c.class).toBe('drainedSpike');
    expect(c.why).toBe('draining: down from 500 at t4 to 50, not yet back to 0');
  });

  test('a rise only in the last two ticks of thirty is too recent to judge', () => {
    const c = classOf([...Array(28).fill(0), 400, 400]);
    expect(c.class).toBe('transient');
    expect(c.why).toBe('rose to 400 only in the last 2 of 30 ticks: too recent to tell a spike from a leak');
  });

  test('one tick has no trend', () => {
    expect(classOf([300])).toMatchObject({ class: 'transient', why: 'one measured tick (300 goroutines): no trend to judge' });
  });

  test('one goroutine more now and then stays under minGrowth: transient', () => {
    expect(classOf([0, 0, 1, 0, 1, 2, 0, 1]).class).toBe('transient');
  });

  test('a steady leak of one goroutine every 3 s (2 s ticks) is a growing leak at 20/min', () => {
    const c = classOf(range(0, 30).map((i) => Math.floor((i * 2) / 3)));
    expect(c.class).toBe('growingLeak');
    expect(c.trend.growthPerMin).toBe(20);
    expect(c.trend.monotonicity).toBe(1);
    expect(c.trend.growth).toBe(18);
  });

  test('a failed tick in the middle is left out, not read as zero', () => {
    const c = classOf([0, 100, null, 300, 300]);
    expect(c.class).toBe('growingLeak');
    expect(c.trend.measuredTicks).toBe(4);
    expect(c.trend.returnedToBaseline).toBe(false);
  });
});

describe('analyzeSession', () => {
  test('a slow leak hidden among large bursts that drain: the leak is the only suspect', () => {
    const leak = range(0, 30).map((i) => Math.floor((i * 2) / 3));
    // 400 goroutines every 3 s for 200–800 ms: a 2 s tick catches one now and then.
    const bursts = range(0, 30).map((i) => (i % 3 === 1 ? 400 : i % 7 === 0 ? 150 : 0));
    const session = fakeSession([
      { key: 'awaitNotification', counts: leak },
      { key: 'burstTask', counts: bursts },
      { key: 'worker', counts: Array(30).fill(8) },
    ]);
    const analysis = analyzeSession(session);
    expect(analysis.suspects.map((s) => s.key)).toEqual(['awaitNotification']);
    expect(analysis.groups.map((g) => [g.key, g.classification.class])).toEqual([
      ['awaitNotification', 'growingLeak'],
      ['burstTask', 'drainedSpike'],
      ['worker', 'stablePool'],
    ]);
  });

  test('a slow leak inside a bursty group (same stack) is still found: its floor keeps rising', () => {
    const counts = range(0, 30).map((i) => Math.floor((i * 2) / 3) + (i % 3 === 1 ? 400 : 0));
    const analysis = analyzeSession(fakeSession([{ key: 'handler', counts }]));
    expect(analysis.suspects.map((s) => s.key)).toEqual(['handler']);
    expect(analysis.suspects[0]!.classification.trend.growthPerMin).toBe(20);
  });

  const select = { 'select': 1 };
  const ids = (n: number) => range(100, n);

  test('a growing select that wakes up (ids persist, wait stays 0 for 9 min) is set aside, not a suspect', () => {
    const counts = range(0, 10).map((i) => 4 + i);
    const fullDumps = { 0: { ids: ids(4), waitMinutes: 0, states: select }, 9: { ids: ids(13), waitMinutes: 0, states: select } };
    const analysis = analyzeSession(fakeSession([{ key: 'poller', counts, fullDumps }], 60_000));
    expect(analysis.suspects).toEqual([]);
    const [g] = analysis.setAside;
    expect(g!.setAsideBecause).toBe('its goroutines wake up (a timer or ticker): a periodic worker, not stuck');
    expect(g!.stuck.wakeUp).toEqual({ fromTick: 0, toTick: 9, spanMinutes: 9, waitMinutes: 0, how: 'flat' });
    expect(g!.evidence.find((e) => e.kind === 'wakeUp')!.text).toBe(
      'ids persisted from t0 to t9 (9 min) while the longest wait stayed 0 min: they wake up (a timer or ticker in the select)',
    );
  });

  test('a wait that falls while every goroutine stays is a reset: set aside', () => {
    const counts = range(0, 6).map((i) => 4 + i);
    const fullDumps = { 2: { ids: ids(6), waitMinutes: 3 }, 5: { ids: ids(9), waitMinutes: 0 } };
    const [g] = analyzeSession(fakeSession([{ key: 'ticker', counts, fullDumps }], 30_000)).setAside;
    expect(g!.stuck.wakeUp).toMatchObject({ fromTick: 2, toTick: 5, how: 'reset', waitMinutes: 0 });
  });

  test('the same growth with waits that build up is stuck: a suspect, with the wait as evidence', () => {
    const counts = range(0, 10).map((i) => 4 + i);
    const fullDumps = { 0: { ids: ids(4), waitMinutes: 0 }, 9: { ids: ids(13), waitMinutes: 8 } };
    const analysis = analyzeSession(fakeSession([{ key: 'stuck', counts, fullDumps }], 60_000));
    expect(analysis.suspects.map((s) => s.key)).toEqual(['stuck']);
    expect(analysis.suspects[0]!.reasons).toContain('waiting 8 min');
    expect(analysis.suspects[0]!.reasons).toContain('4 of 4 ids persist');
  });

  test('runtime proof makes a group a suspect even without a trend (score 1)', () => {
    const analysis = analyzeSession(fakeSession([{ key: 'gather', counts: [150], leaked: { 0: 150 } }]));
    expect(analysis.suspects.map((s) => [s.key, s.score, s.isRuntimeProved])).toEqual([['gather', 1, true]]);
  });

  test('more ticks and stuck evidence give a higher score than two ticks', () => {
    const two = analyzeSession(fakeSession([{ key: 'a', counts: [0, 300] }])).suspects[0]!;
    const four = analyzeSession(fakeSession([{ key: 'a', counts: [0, 100, 300, 300] }])).suspects[0]!;
    expect(two.score).toBe(0.7);
    expect(four.score).toBe(0.85);
  });
});

describe('series statistics', () => {
  test('Theil–Sen ignores a burst on top of the floor', () => {
    const session = fakeSession([{ key: 'g', counts: [0, 1, 2, 900, 4, 5, 6] }], 60_000);
    const p = measuredPoints(session.groups[0]!.counts, tickTimes(session.ticks));
    expect(robustSlopePerMin(p)).toBe(1);
  });

  test('monotonicity weighs changes by size', () => {
    expect(monotonicity(Int32Array.from([0, 400, 0, 0]))).toBe(0.5);
    expect(monotonicity(Int32Array.from([0, 100, 300, 300]))).toBe(1);
    expect(monotonicity(Int32Array.from([5, 5, 5]))).toBe(1);
  });

  test('NOT_MEASURED ticks are dropped from the points', () => {
    const session = fakeSession([{ key: 'g', counts: [1, null, 3] }]);
    expect(Array.from(session.groups[0]!.counts)).toEqual([1, NOT_MEASURED, 3]);
    expect(session.ticks[1]).toMatchObject({ isFailed: true, error: 'GET /debug/pprof/goroutine?debug=1: timeout', countFormat: null });
    expect(Array.from(measuredPoints(session.groups[0]!.counts, tickTimes(session.ticks)).values)).toEqual([1, 3]);
  });
});
