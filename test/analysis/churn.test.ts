import { describe, expect, test } from 'vitest';
import { analyzeSession, type GroupAnalysis } from '../../src/main/analysis/analyze-session.js';
import { buildReport } from '../../src/main/analysis/report/build-report.js';
import { renderMarkdown } from '../../src/main/analysis/report/markdown.js';
import { renderHtml } from '../../src/main/analysis/report/html.js';
import { checkResultOf } from '../../src/main/analysis/report/json.js';
import { CheckResultSchema, ReportSchema } from '../../src/shared/report.js';
import { fakeSession, frame, range, type FakeGroup } from './helpers.js';

// Issue 19, "Churn is not a leak": id turnover weighed against growth, growth that tracks the load,
// and a warm-up at the start of a session. Sessions of 30 ticks 2 s apart with a full dump every 5
// ticks (and at the last), like `goroscope check --duration 60s`.
const DUMP_TICKS = [0, 5, 10, 15, 20, 25, 29];
const SERVE = frame('net/http.(*Server).Serve', '/usr/lib/go-1.19/src/net/http/server.go', 3071);

function textOf(a: GroupAnalysis, kind: string): string {
  return a.evidence.find((e) => e.kind === kind)!.text;
}

/** Full dumps where each dump's ids are `fresh(d)` (replaced) plus `kept(d)` (staying). */
function dumps(fresh: (d: number) => number[], kept: (d: number) => number[] = () => []): FakeGroup['fullDumps'] {
  return Object.fromEntries(DUMP_TICKS.map((t, d) => [t, { ids: [...kept(d), ...fresh(d)].sort((a, b) => a - b), waitMinutes: 0 }]));
}

const report = (groups: FakeGroup[]) => {
  const session = fakeSession(groups);
  const analysis = analyzeSession(session);
  return { analysis, report: buildReport(session, analysis, { source: { kind: 'files', files: ['a'] }, timesAssumed: false, assumedIntervalMs: null }) };
};

describe('id turnover against growth', () => {
  // Rose 2 → 8 with monotonicity 0.63: a growing leak by its counts alone.
  const counts = range(0, 30).map((i) => 2 + Math.floor(i / 5) + (i % 2));

  test("the issue's case: a connection group that rose 2 → 8 while one long-lived id stayed and the rest came and went is replaced, not stuck", () => {
    // Id 7 is one long-lived connection; every other id is gone by the next full dump.
    const fullDumps = dumps((d) => range(100 + d * 20, counts[DUMP_TICKS[d]!]! - 1), () => [7]);
    const { analysis, report: r } = report([{ key: 'conn', counts, createdBy: SERVE, fullDumps }]);
    const [g] = analysis.groups;
    expect(g!.classification.class).toBe('growingLeak');
    expect(analysis.suspects).toEqual([]);
    expect(g!.setAsideBecause).toBe(
      'its goroutines are replaced between full dumps; only 1 stayed longer than the ones that left lived, and they did not accumulate: more work in flight, not stuck',
    );
    // Persistence ("1 of the 2 … still there") and turnover side by side.
    expect(textOf(g!, 'ids')).toBe(
      '1 of the 2 goroutine ids seen at t0 are still there at t29 (oldest 7), 7 newer ids joined; at most 1 stayed from one full dump to the next ' +
        '(6 pairs of dumps; of the 8 at t25, 1 were still there at t29); turnover: 24 of the 30 ids seen at a full dump were gone by the next (80 %); ' +
        'only 1 of the 8 at t29 has stayed longer than the ids that left, each seen at one full dump only (first seen at t0: 1, t29: 7): its goroutines finish and are replaced, not stuck',
    );
    expect(r.setAside[0]!.turnover).toMatchObject({ seen: 30, gone: 24, present: 8, ages: [{ tick: 0, ids: 1 }, { tick: 29, ids: 7 }], stuckIds: [7], accumulated: 0, isChurn: true });
    expect(ReportSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  test('the same counts with ids that stay are a leak, and the evidence says none left', () => {
    const fullDumps = dumps((d) => range(100, counts[DUMP_TICKS[d]!]!));
    const { analysis } = report([{ key: 'leak', counts, createdBy: SERVE, fullDumps }]);
    expect(analysis.suspects.map((s) => s.key)).toEqual(['leak']);
    expect(textOf(analysis.suspects[0]!, 'ids')).toBe(
      '2 of the 2 goroutine ids seen at t0 are still there at t29 (oldest 100), 6 newer ids joined; turnover: none of the 30 ids seen at a full dump had left by the next; ' +
        'of the 8 at t29, first seen at t0: 2, t5: 2, t15: 2, t25: 2: they stay',
    );
  });

  test('a slow leak hidden in churn stays a leak: the stayers accumulate, and the stuck ids are named in the evidence, the explanation and the JSON', () => {
    // Eight fresh ids at every full dump (replaced), and one more stuck id per dump (1000, 1001, …):
    // 8 goroutines at t0, 14 at t29.
    const hidden = range(0, 30).map((i) => 8 + DUMP_TICKS.filter((t) => t <= i).length - 1);
    const fullDumps = dumps((d) => range(10_000 + d * 100, 8), (d) => range(1000, d));
    const { analysis, report: r } = report([{ key: 'watcher', counts: hidden, createdBy: frame('main.watchHandler.func1'), fullDumps }]);
    expect([hidden[0], hidden[29]]).toEqual([8, 14]);
    expect(analysis.suspects.map((s) => s.key)).toEqual(['watcher']);
    const [s] = analysis.suspects;
    const turnover =
      'turnover: 48 of the 63 ids seen at a full dump were gone by the next (76 %); 5 of the 14 at t29 stayed longer than the ids that left, each seen at one full dump only, ' +
      '5 of them joined after t0 (first seen at t5: 1, t10: 1, t15: 1, t20: 1, t25: 1, t29: 9): stuck ids 1000, 1001, 1002, 1003, 1004: a leak hidden in the churn';
    expect(textOf(s!, 'ids')).toBe(`0 of the 8 goroutine ids seen at t0 are still there at t29 (oldest 10000), 8 newer ids joined; ${turnover}`);
    expect(s!.explanation!.support).toContain(`id ${turnover}`);
    expect(r.suspects[0]!.turnover).toMatchObject({ stuckIds: [1000, 1001, 1002, 1003, 1004], accumulated: 5, isChurn: false });
    const check = CheckResultSchema.parse(checkResultOf(r));
    expect(check.suspects[0]!.turnover!.stuckIds).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(check.suspects[0]!.explanation).toContain('stuck ids 1000, 1001, 1002, 1003, 1004: a leak hidden in the churn');
    // The Markdown and HTML reports carry the same turnover sentence.
    expect(renderMarkdown(r)).toContain('stuck ids 1000, 1001, 1002, 1003, 1004: a leak hidden in the churn');
    expect(renderHtml(r)).toContain('stuck ids 1000, 1001, 1002, 1003, 1004: a leak hidden in the churn');
    // Without the stuck ids the same group is churn.
    const churnOnly = report([{ key: 'watcher', counts: hidden, createdBy: frame('main.watchHandler.func1'), fullDumps: dumps((d) => range(10_000 + d * 100, 8 + d)) }]);
    expect(churnOnly.analysis.suspects).toEqual([]);
  });

  test('every trend suspect states its id turnover, or why it is unknown (no full dumps)', () => {
    const { analysis } = report([{ key: 'leak', counts: range(0, 30).map((i) => 4 * i) }]);
    expect(analysis.suspects[0]!.explanation!.support).toContain('id turnover unknown: fewer than two full dumps (debug=2) show its goroutine ids');
  });
});

describe('growth that tracks the load', () => {
  // Clients arrive from none for 24 s, then hold about 12 while they come and go.
  const ramp = range(0, 30).map((i) => (i < 12 ? i : 11 + [0, 2, 1, 0, 2, 1][i % 6]!));
  const conn = frame('net/http.(*conn).serve', '/usr/lib/go-1.19/src/net/http/server.go', 1991);
  const handler = frame('main.watchHandler.func1', '/src/app/main.go', 60);
  const watcher = frame('main.watcher', '/src/app/main.go', 42);
  const base: FakeGroup = { key: 'signal', counts: Array(30).fill(3) };

  test('groups created by the same connection machinery rose together and held: "rose with the service\'s connections, then held", and a warm-up', () => {
    const { analysis, report: r } = report([
      base,
      { key: 'handler', frames: [handler, conn], createdBy: SERVE, counts: ramp },
      { key: 'watcher', frames: [watcher], createdBy: handler, counts: ramp },
    ]);
    expect(analysis.suspects).toEqual([]);
    const texts = analysis.groups.filter((g) => g.tracksLoad).map((g) => [g.key, g.tracksLoad!.text]);
    const text = "rose with the service's connections: 2 groups created by net/http.(*Server).Serve and what it starts rose together from t3 (+24 together) while the total rose from 3 to 27, then held level from t10";
    expect(texts).toEqual([
      ['handler', text],
      ['watcher', text],
    ]);
    expect(r.groups.find((g) => g.key === 'handler')!.tracksLoad).toBe(text);
    expect(analysis.warmUp!.text).toBe(
      'the first 20 s (t0–t10) are a warm-up: the total rose from 3 to 27 goroutines, then held level to the end (38 s); growth in that part is the service filling up, not a trend',
    );
    expect(r.warmUp!.untilTick).toBe(10);
    expect(renderMarkdown(r)).toContain('Warm-up: the first 20 s (t0–t10) are a warm-up');
    expect(renderHtml(r)).toContain('Warm-up: the first 20 s (t0–t10) are a warm-up');
  });

  test('a group that reads as growing by its counts alone (swinging with its clients) but did not keep rising after the load settled is set aside', () => {
    // Ramps with the clients, then swings by up to 6 while its floor creeps by 2 (under minGrowth).
    const swinging = range(0, 30).map((i) => (i < 10 ? i : 8 + Math.floor((i - 10) / 8) + [0, 4, 1, 5, 2, 6, 0, 3][i % 8]!));
    const { analysis, report: r } = report([
      base,
      { key: 'handler', frames: [handler, conn], createdBy: SERVE, counts: ramp },
      { key: 'watcher', frames: [watcher], createdBy: handler, counts: swinging },
    ]);
    const g = analysis.groups.find((a) => a.key === 'watcher')!;
    expect(g.classification.class).toBe('growingLeak');
    expect(analysis.suspects).toEqual([]);
    expect(g.setAsideBecause).toBe(
      "rose with the service's connections: 2 groups created by net/http.(*Server).Serve and what it starts rose together from t3 (+28 together) " +
        'while the total rose from 3 to 27, then held level from t11: it did not keep rising after the load settled, so not a leak',
    );
    expect(r.setAside.map((x) => x.key)).toEqual(['watcher']);
  });

  test('a group of the same machinery that keeps rising after the load settled is still a leak, and says so', () => {
    const leak = range(0, 30).map((i) => (i < 12 ? i : 11 + Math.floor((i - 11) / 2)));
    const { analysis } = report([
      base,
      { key: 'handler', frames: [handler, conn], createdBy: SERVE, counts: ramp },
      { key: 'watcher', frames: [watcher], createdBy: handler, counts: leak },
    ]);
    expect(analysis.suspects.map((s) => s.key)).toEqual(['watcher']);
    expect(analysis.suspects[0]!.tracksLoad!.text).toMatch(/, but this group kept rising after the load held level at t\d+ \(\+\d+\): more than the load$/);
    expect(analysis.suspects[0]!.explanation!.support.at(-1)).toBe(analysis.suspects[0]!.tracksLoad!.text);
  });

  test('a session that starts level is no warm-up', () => {
    const { analysis } = report([base, { key: 'pool', counts: Array(30).fill(8) }]);
    expect(analysis.warmUp).toBeNull();
  });
});
