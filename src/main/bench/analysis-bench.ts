import { performance } from 'node:perf_hooks';
import type { AnalysisSession } from '../analysis/session.js';
import { SessionBuilder } from '../analysis/session-builder.js';
import { analyzeSession } from '../analysis/analyze-session.js';
import { buildReport } from '../analysis/report/build-report.js';
import { renderHtml } from '../analysis/report/html.js';
import { renderMarkdown } from '../analysis/report/markdown.js';
import { renderJson } from '../analysis/report/json.js';
import { seededRandom } from './seeded-random.js';

const TICKS = 3600;
const GROUPS = 500;
const LEAKS = 10;
const BURSTY = 40;
const FULL_EVERY = 60;

interface SyntheticData {
  kinds: ('leak' | 'bursty' | 'stable')[];
  /** Counts per group per tick. */
  series: number[][];
}

/** One hour of 1 s ticks, 500 groups: 10 slow leaks (one goroutine every 10–100 s), 40 bursty groups
 * that drain, the rest stable pools with jitter. */
function syntheticData(): SyntheticData {
  const rnd = seededRandom(5);
  const kinds = Array.from({ length: GROUPS }, (_, g) => (g < LEAKS ? 'leak' : g < LEAKS + BURSTY ? 'bursty' : 'stable') as SyntheticData['kinds'][number]);
  const levels = kinds.map(() => 1 + Math.floor(rnd() * 20));
  const leakEvery = kinds.map(() => 10 + Math.floor(rnd() * 90));
  const series = kinds.map((kind, g) =>
    Array.from({ length: TICKS }, (_, t) => {
      if (kind === 'leak') return 2 + Math.floor(t / leakEvery[g]!) + (rnd() < 0.1 ? 1 : 0);
      if (kind === 'bursty') return t % 7 === g % 7 && rnd() < 0.5 ? 100 + Math.floor(rnd() * 300) : 0;
      return levels[g]! + (rnd() < 0.2 ? 1 : 0);
    }),
  );
  return { kinds, series };
}

/**
 * Fills the session through SessionBuilder one series per group, as a store reads them, with a full
 * dump (ids, states, waits) every 60th tick.
 */
function fillSession({ kinds, series }: SyntheticData): AnalysisSession {
  const b = new SessionBuilder();
  for (let g = 0; g < GROUPS; g++) {
    const frames = Array.from({ length: 12 }, (_, j) => ({ func: `github.com/acme/svc/pkg${g}.(*T).f${j}`, file: `/src/svc/pkg${g}/f${j}.go`, line: 10 + j }));
    b.defineGroup({ key: `group-${g}`, frames, blockingSite: frames[0]!, createdBy: { func: `github.com/acme/svc/pkg${g}.start`, file: `/src/svc/pkg${g}/start.go`, line: 5 } });
  }
  for (let t = 0; t < TICKS; t++) {
    const tick = b.addTick({ atMs: 1_700_000_000_000 + t * 1000 });
    let total = 0;
    for (let g = 0; g < GROUPS; g++) total += series[g]![t]!;
    b.addProfile(tick, { format: 'pprof-proto', profile: 'goroutine', total }, true);
  }
  for (let g = 0; g < GROUPS; g++) b.setCountSeries(`group-${g}`, series[g]!);
  let nextId = 1_000;
  const ids: number[][] = kinds.map(() => []);
  for (let t = 0; t < TICKS; t += FULL_EVERY) {
    for (let g = 0; g < GROUPS; g++) {
      const list = ids[g]!;
      const count = series[g]![t]!;
      while (list.length < count) list.push(nextId++);
      list.length = count;
      if (count === 0) continue;
      b.setFullDumpGroup(t, `group-${g}`, { states: { 'chan receive': count }, ids: list, maxWaitMinutes: kinds[g] === 'leak' ? Math.floor(t / 60) : 0 });
    }
  }
  return b.build();
}

/** The synthetic bench session (deterministic). */
export function syntheticSession(): AnalysisSession {
  return fillSession(syntheticData());
}

function median(runs: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const ms = (x: number) => Math.round(x * 10) / 10;

/**
 * `npm run bench` figures for issue 5: analysis of a 3,600-tick × 500-group session (target < 300 ms)
 * and report generation from it (target < 1 s), medians of several runs after a warm-up.
 */
export async function runAnalysisBench(): Promise<Record<string, string | number>> {
  const data = syntheticData();
  let session!: AnalysisSession;
  const buildMs = median(3, () => {
    session = fillSession(data);
  });
  let analysis = analyzeSession(session);
  const analyzeMs = median(7, () => {
    analysis = analyzeSession(session);
  });
  const meta = { source: { kind: 'session' as const, sessionId: 'bench', target: null }, timesAssumed: false, assumedIntervalMs: null };
  let report = buildReport(session, analysis, meta);
  const modelMs = median(5, () => {
    report = buildReport(session, analysis, meta);
  });
  let html = '';
  let md = '';
  let json = '';
  const htmlMs = median(5, () => {
    html = renderHtml(report);
  });
  const mdMs = median(5, () => {
    md = renderMarkdown(report);
  });
  const jsonMs = median(5, () => {
    json = renderJson(report);
  });
  const reportMs = median(3, () => {
    const r = buildReport(session, analyzeSession(session), meta);
    renderHtml(r);
  });
  return {
    'analysis: session': `${TICKS} ticks × ${GROUPS} groups, ${session.fullDumpTicks.length} full dumps`,
    'analysis: fill via SessionBuilder (ms)': ms(buildMs),
    'analysis: analyzeSession (ms, target < 300)': ms(analyzeMs),
    'analysis: suspects found (10 leaks planted)': analysis.suspects.length,
    'report: model (ms)': ms(modelMs),
    'report: HTML (ms)': ms(htmlMs),
    'report: Markdown (ms)': ms(mdMs),
    'report: JSON (ms)': ms(jsonMs),
    'report: analysis + model + HTML (ms, target < 1000)': ms(reportMs),
    'report: HTML bytes': html.length,
    'report: Markdown chars': md.length,
    'report: JSON bytes': json.length,
  };
}
