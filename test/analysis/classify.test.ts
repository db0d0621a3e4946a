// Classification edge cases on sessions built through SessionBuilder, as the store fills them.
import { describe, expect, test } from 'vitest';
import { analyzeSession } from '../../src/main/analysis/analyze-session.js';
import { classifyCounts } from '../../src/main/analysis/classify.js';
import { robustSlopePerMin, measuredPoints, monotonicity, tickTimes } from '../../src/main/analysis/series-stats.js';
import { NOT_MEASURED } from '../../src/main/analysis/session.js';
import { fakeSession, range } from './helpers.js';
import { seededRandom } from '../../src/main/bench/seeded-random.js';

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

  test('a slow leak of one goroutine every 10 s (2 s ticks, 60 s) grows: one-goroutine steps are no level plateau', () => {
    const c = classOf(range(0, 30).map((i) => Math.floor((i * 2) / 10)));
    expect(c.class).toBe('growingLeak');
    expect(c.why).toBe('grew from 0 to 5 and never came back');
    expect(c.trend.growthPerMin).toBe(6);
    expect(c.trend.plateauTicks).toBe(0);
  });

  test('a pool that filled up and later gained one worker for good is still a stable pool', () => {
    const c = classOf([0, 3, 6, 8, ...Array(10).fill(8), ...Array(16).fill(9)]);
    expect(c.class).toBe('stablePool');
    expect(c.why).toBe('grew from 0 to 9, then held level for 27 ticks (52 s): a pool that filled up, or a leak that stopped');
  });

  test('a pool whose idle count dips one below its level keeps its whole plateau', () => {
    const c = classOf([0, 3, 6, 8, ...range(0, 26).map((i) => (i % 4 === 1 ? 7 : 8))]);
    expect(c.class).toBe('stablePool');
    expect(c.trend.plateauTicks).toBe(27);
  });

  // Seen live: the healthy fixture while 16 keep-alive clients hammer it (from t3): per-request
  // goroutines jitter around their level and drop now and then. The old plateau (within ±1 of the last
  // count) made it a growing leak.
  test('work in flight under steady load that started in the window is a stable pool, not a leak', () => {
    const inFlight = [0, 0, 0, 13, 16, 13, 16, 15, 14, 17, 15, 15, 4, 16, 16, 15, 14, 16, 15, 15, 17, 16, 16, 16, 16, 16, 16, 4, 14, 16];
    const c = classOf(inFlight);
    expect(c.class).toBe('stablePool');
    expect(c.why).toBe('grew from 0 to 16, then held level for 27 ticks (52 s): a pool that filled up, or a leak that stopped');
    // 40 clients that joined over the first 20 s, seen on Go 1.27.
    const ramp = [0, 0, 1, 3, 0, 6, 11, 19, 20, 26, 29, 32, 37, 40, 36, 40, 38, 40, 38, 36, 40, 39, 35, 39, 40, 39, 37, 33, 40, 29];
    expect(classOf(ramp).class).toBe('stablePool');
  });

  test('a rise after the group came back down before is no leak until it outlasts the earlier rise', () => {
    const handlers = [0, 0, 0, 14, 13, 12, 4, 13, 14, 15, 11, 13, 13, 12, 14, 14, 8, 14, 12, 14, 10, 12, 14, 14, 14, 0, 14, 13, 6, 15];
    expect(classOf(handlers)).toMatchObject({
      class: 'transient',
      why: 'rose to 15 in the last 4 ticks, but came back after 22 ticks up before: too recent to tell',
    });
  });

  test('jittering pools that filled up in the window are stable pools; clean leaks still grow (200 seeded runs each)', () => {
    const rnd = seededRandom(7);
    const jitter = (k: number) => Math.round((rnd() * 2 - 1) * k);
    const tally = (gen: () => number[]) => {
      const out: Record<string, number> = {};
      for (let i = 0; i < 200; i++) {
        const k = classOf(gen()).class;
        out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    };
    const pool = tally(() => range(0, 30).map((i) => (i < 3 ? i * 16 : 50 + jitter(3))));
    expect(pool.stablePool).toBeGreaterThanOrEqual(190);
    const leak = tally(() => range(0, 30).map((i) => 50 + Math.floor((i * 2) / 3) + jitter(1)));
    expect(leak).toEqual({ growingLeak: 200 });
  });

  test('a leak that started late in the window grows at the rate of its rise, not of the whole window', () => {
    const c = classOf(range(0, 30).map((i) => (i < 23 ? 0 : (i - 22) * 2)));
    expect(c.class).toBe('growingLeak');
    expect(c.trend.growthPerMin).toBe(60);
    expect(c.trend.riseFromTick).toBe(23);
  });

  test('a rise smaller than minGrowth that stays is called too small, not "comes and goes"', () => {
    const c = classOf(range(0, 30).map((i) => Math.floor((i * 2) / 20)));
    expect(c).toMatchObject({ class: 'transient', why: 'rose from 0 to 2: less than 3, the smallest rise that counts as growth' });
    expect(classOf([0, 2, 0, 0, 1, 0, 2, 0]).why).toBe('comes and goes: at most 2, present at 38 % of ticks');
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

  const textOf = (a: { evidence: { kind: string; text: string }[] }, kind: string) => a.evidence.find((e) => e.kind === kind)?.text;

  test('a leak that started late: its growth evidence gives the rate of the rise and where the rise began', () => {
    const [s] = analyzeSession(fakeSession([{ key: 'late', counts: range(0, 30).map((i) => (i < 23 ? 0 : (i - 22) * 2)) }])).suspects;
    expect(textOf(s!, 'growth')).toBe('0 → 14 goroutines over 58 s: 60/min by a robust slope over its rise since t23');
    expect(textOf(s!, 'baseline')).toBe('never back near its baseline of 0 after t23: 3 or more above it for the last 6 ticks (10 s)');
  });

  test('runtime proof: the number proved and the tick named are the same evidence', () => {
    const counts = range(0, 6).map((i) => 8 + i * 4);
    const [s] = analyzeSession(fakeSession([{ key: 'sender', counts, leaked: { 0: 8, 3: 20, 5: 28 } }])).suspects;
    expect(s!.evidence.find((e) => e.kind === 'runtime')).toEqual({
      kind: 'runtime',
      value: 28,
      text: 'the runtime proved 28 of them leaked (goroutineleak evidence at t5; first proved at t0)',
    });
  });

  test('Go 1.27 prints no wait for goroutines it marked (leaked): a wait that stays 0 is then no wake-up', () => {
    const counts = range(0, 10).map((i) => 4 + i);
    const fullDumps = { 0: { ids: ids(4), waitMinutes: 0 }, 9: { ids: ids(13), waitMinutes: 0 } };
    const analysis = analyzeSession(fakeSession([{ key: 'proved', counts, fullDumps, leaked: { 0: 4, 9: 13 } }], 60_000));
    const [s] = analysis.suspects;
    expect(s!.stuck.wakeUp).toBeNull();
    expect(s!.evidence.map((e) => e.kind)).not.toContain('wakeUp');
    expect(textOf(s!, 'wait')).toBe(
      'no goroutine shows a wait of a minute yet (Go prints wait minutes after 1 minute, once a GC has run); Go prints no wait for the goroutines it marked (leaked)',
    );
  });

  test('GOGC=off: no GC ran between the full dumps, so a wait that stayed 0 proves nothing and the leak stays a suspect', () => {
    const counts = range(0, 10).map((i) => 4 + i);
    const fullDumps = { 0: { ids: ids(4), waitMinutes: 0, states: select }, 9: { ids: ids(13), waitMinutes: 0, states: select } };
    const analysis = analyzeSession(fakeSession([{ key: 'stuck', counts, fullDumps }], 60_000, Array(10).fill(3)));
    expect(analysis.suspects.map((s) => [s.key, s.stuck.wakeUp])).toEqual([['stuck', null]]);
  });

  test('measured GC counts prove a wake-up sooner than the 2-minute forced GC would (2.5 min between dumps)', () => {
    const counts = range(0, 6).map((i) => 4 + i);
    const fullDumps = { 0: { ids: ids(4), waitMinutes: 0, states: select }, 5: { ids: ids(9), waitMinutes: 0, states: select } };
    expect(analyzeSession(fakeSession([{ key: 'poller', counts, fullDumps }], 30_000)).suspects.map((s) => s.key)).toEqual(['poller']);
    const gcCounted = analyzeSession(fakeSession([{ key: 'poller', counts, fullDumps }], 30_000, [10, 11, 12, 12, 13, 14]));
    expect(gcCounted.suspects).toEqual([]);
    expect(gcCounted.setAside[0]!.stuck.wakeUp).toEqual({ fromTick: 0, toTick: 5, spanMinutes: 2.5, waitMinutes: 0, how: 'flat' });
  });

  test('a group whose goroutines are replaced between full dumps is work in flight under rising load, set aside', () => {
    const counts = range(0, 30).map((i) => i);
    const dumpAt = [0, 5, 10, 15, 20, 25, 29];
    const replaced = Object.fromEntries(dumpAt.map((t) => [t, { ids: range(10_000 + t * 1000, t), waitMinutes: 0 }]));
    const analysis = analyzeSession(fakeSession([{ key: 'handler', counts, fullDumps: replaced }]));
    expect(analysis.suspects).toEqual([]);
    const [g] = analysis.setAside;
    expect(g!.setAsideBecause).toBe('its goroutines are replaced between full dumps, none stays: more work in flight, not stuck');
    expect(g!.stuck.turnover).toEqual({ pairs: 5, maxPersisted: 0, fromTick: 25, toTick: 29, of: 25, stayed: 0 });
    expect(textOf(g!, 'ids')).toBe(
      '0 of the 5 goroutine ids seen at t5 are still there at t29 (oldest 15000), 29 newer ids joined; at most 0 stayed from one full dump to the next ' +
        '(5 pairs of dumps; of the 25 at t25, 0 were still there at t29); turnover: 75 of the 75 ids seen at a full dump were gone by the next (100 %); ' +
        'none of the 29 at t29 has stayed longer than the ids that left, each seen at one full dump only (first seen at t29: 29): its goroutines finish and are replaced, not stuck',
    );
    // The same counts with ids that stay: a leak.
    const kept = Object.fromEntries(dumpAt.map((t) => [t, { ids: range(10_000, t), waitMinutes: 0 }]));
    expect(analyzeSession(fakeSession([{ key: 'leak', counts, fullDumps: kept }])).suspects.map((x) => x.key)).toEqual(['leak']);
  });

  test('count shares are taken over the same ticks as the total, so the leaks of one process add up to 100 %', () => {
    const leak = range(0, 30).map((i) => 4 * i);
    const analysis = analyzeSession(fakeSession([{ key: 'a', counts: leak }, { key: 'b', counts: leak }, { key: 'pool', counts: Array(30).fill(8) }]));
    expect(analysis.suspects.map((s) => textOf(s, 'counts'))).toEqual([
      "process totals at t29, as measured: debug=1 240; its +116 is 50 % of the total's growth (+232)",
      "process totals at t29, as measured: debug=1 240; its +116 is 50 % of the total's growth (+232)",
    ]);
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
