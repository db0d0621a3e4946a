import { describe, expect, test } from 'vitest';
import { CheckResultSchema, ReportSchema, type Report } from '../../src/shared/report.js';
import { analyzeSession } from '../../src/main/analysis/analyze-session.js';
import { buildReport } from '../../src/main/analysis/report/build-report.js';
import { renderHtml } from '../../src/main/analysis/report/html.js';
import { MARKDOWN_BUDGET, renderMarkdown } from '../../src/main/analysis/report/markdown.js';
import { checkResultOf, renderJson } from '../../src/main/analysis/report/json.js';
import { classesLine } from '../../src/main/analysis/report/report-text.js';
import type { LoadedSession } from '../../src/main/analysis/session.js';
import { corpusPath, fakeSession, frame, loadCorpus, range } from './helpers.js';
import { readFileSync } from 'node:fs';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { buildSessionReport } from '../../src/main/use-cases/analyse.js';
import { NO_PROJECT_CONFIG } from '../../src/main/use-cases/project-config.js';

function reportOf(loaded: LoadedSession): Report {
  const analysis = analyzeSession(loaded.session, { timesAssumed: loaded.timesAssumed });
  return buildReport(loaded.session, analysis, { source: loaded.source, timesAssumed: loaded.timesAssumed, assumedIntervalMs: loaded.assumedIntervalMs });
}

const corpus14 = () => reportOf(loadCorpus('14-go127-leak-profile', ['t0.debug2.txt', 't1.debug2.txt', 't2.debug2.txt']));

// A hostile dump: names and paths that are HTML, Markdown and quote characters.
const EVIL_FUNC = 'main.(*T[<script>alert(1)</script>]).run';
const EVIL_FILE = '/src/"quoted" & <b>bold</b>/it\'s|main.go';
function evilReport(): Report {
  const session = fakeSession([
    { key: 'evil', frames: [frame(EVIL_FUNC, EVIL_FILE, 7)], createdBy: frame('main.`spawn`', EVIL_FILE, 3), counts: range(0, 6).map((i) => i * 10) },
  ]);
  return reportOf({ session, source: { kind: 'files', files: ['<img src=x onerror=alert(1)>.txt'] }, timesAssumed: true, assumedIntervalMs: 2000 });
}

describe('HTML report', () => {
  test('one self-contained file: no script, no external reference, a CSP that forbids fetching', () => {
    const html = renderHtml(corpus14());
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html.match(/<svg /g)).toHaveLength(1 + 4);
  });

  test('each suspect: its stack with the blocking site marked, evidence, runtime marks, rules applied', () => {
    const html = renderHtml(corpus14());
    expect(html).toContain('<title>Goroscope: 4 goroutine leak suspects</title>');
    expect(html.match(/<article class="suspect"/g)).toHaveLength(4);
    expect(html.match(/<li class="blocking"><mark>/g)).toHaveLength(4);
    expect(html).toContain('<li class="blocking"><mark><code>main.replica</code><br><span class="path">/tmp/corpus/gen/14-go127-leak-profile/main.go:38</span></mark> <span class="badge">blocking site</span></li>');
    expect(html.match(/class="badge proved"/g)).toHaveLength(2);
    expect(html.match(/trend evidence only/g)).toHaveLength(2);
    expect(html).toContain('<td>ids</td><td>100 %</td><td>100 of the 100 goroutine ids seen at t1 are still there at t2');
    expect(html).toContain('<section id="rules"><h2>Ignore rules applied</h2>');
    expect(html).toContain('<td><code>builtin:pprof-profile-writer</code></td><td>anyFunction runtime/pprof.(*Profile).WriteTo</td>');
  });

  test('counts as measured use the same profile names as the evidence (debug=2, not the parser\'s "traceback")', () => {
    const html = renderHtml(corpus14());
    expect(html).toContain('<tr><td>t2</td><td>+4.0 s</td><td>debug=2 753</td></tr>');
    expect(html).not.toMatch(/<td>[^<]*traceback \d/);
  });

  test('dump text is escaped everywhere', () => {
    const html = renderHtml(evilReport());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold');
    expect(html).not.toContain('<img');
    expect(html).toContain('main.(*T[&lt;script&gt;alert(1)&lt;/script&gt;]).run');
    expect(html).toContain('/src/&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;/it&#39;s|main.go:7');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.txt');
  });
});

describe('report wording', () => {
  test('each class noun agrees with its count, and scores read 0–100 as in the app', () => {
    expect(classesLine({ growingLeak: 1, stablePool: 1, drainedSpike: 1, transient: 0 })).toBe('1 growing, 1 stable pool, 1 drained spike, 0 transient');
    expect(classesLine({ growingLeak: 2, stablePool: 0, drainedSpike: 3, transient: 4 })).toBe('2 growing, 0 stable pools, 3 drained spikes, 4 transient');
    const html = renderHtml(corpus14());
    expect(html).toContain('2 stable pools, 0 drained spikes, 2 transient');
    expect(html).toContain('score <strong>100</strong>/100');
    expect(html).not.toMatch(/score <strong>[01]\.\d\d<\/strong>/);
  });
});

describe('Markdown report', () => {
  test('a verdict, a table of suspects, then each suspect with its stack in a details block', () => {
    const md = renderMarkdown(corpus14());
    const lines = md.split('\n');
    expect(lines[0]).toBe('## Goroscope: 4 goroutine leak suspects');
    expect(lines).toContain('| # | blocking site | created by | count | growth/min | strength | score (0–100) | runtime |');
    expect(lines).toContain('| 1 | `main.replica` `main.go:38` | `main.fetchFirst` `main.go:44` | 300 | 4500 | proof | 100 | proved |');
    expect(lines).toContain('| 3 | `main.recordHit` `main.go:57` | `main.leakOne` `main.go:73` | 150 | 2250 | strong | 85 | trend only |');
    expect(lines).toContain('### 1. `main.replica` at `main.go:38` (runtime-proved)');
    expect(md.match(/<details>/g)).toHaveLength(4);
    expect(md.match(/<\/details>/g)).toHaveLength(4);
    expect(md.match(/^```$/gm)).toHaveLength(8);
    expect(lines).toContain('→ main.replica');
    expect(lines).toContain('      /tmp/corpus/gen/14-go127-leak-profile/main.go:38   ← blocking site');
    expect(md).toContain('#### Runtime leak detection');
  });

  test('markup in dump text is escaped outside code', () => {
    const md = renderMarkdown(evilReport());
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>.txt');
    expect(md).toContain('| 1 | `main.(*T[<script>alert(1)</script>]).run` `it\'s\\|main.go:7` | `` main.`spawn` `` `it\'s\\|main.go:3` |');
  });

  test('hundreds of suspects stay within a GitHub issue body, and say what was left out', () => {
    const groups = range(0, 300).map((i) => ({
      key: `leak${i}`,
      frames: range(0, 40).map((j) => frame(`github.com/acme/service/internal/pkg${j}.(*Worker).step${i}`, `/home/build/src/github.com/acme/service/internal/pkg${j}/worker.go`, 100 + j)),
      counts: range(0, 8).map((t) => t * (i + 3)),
    }));
    const md = renderMarkdown(reportOf({ session: fakeSession(groups), source: { kind: 'files', files: ['a'] }, timesAssumed: true, assumedIntervalMs: 2000 }));
    expect(md.length).toBeLessThan(MARKDOWN_BUDGET + 5_000);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toMatch(/\n_2\d\d more suspect\(s\) are in the table above; the HTML and JSON reports have their details\._\n/);
    expect(md.match(/<details>/g)!.length).toBeGreaterThan(0);
  });
});

describe('JSON report', () => {
  test('validates against the documented schema, with the numbers', () => {
    const json = JSON.parse(renderJson(corpus14())) as unknown;
    const report = ReportSchema.parse(json);
    expect(report.schemaVersion).toBe(1);
    expect(report.source).toEqual({ kind: 'files', files: ['t0.debug2.txt', 't1.debug2.txt', 't2.debug2.txt'] });
    expect(report.window).toEqual({ startMs: 0, endMs: 4000, ticks: 3, failedTicks: 0, fullDumps: 3, leakEvidenceTicks: 1, timesAssumed: true, assumedIntervalMs: 2000, timeBasis: 'interval' });
    expect(report.summary).toEqual({
      groups: 8,
      suspects: 4,
      runtimeProved: 2,
      byClass: { growingLeak: 4, stablePool: 2, drainedSpike: 0, transient: 2 },
      ignoredGroups: 3,
      setAside: 0,
    });
    expect(report.suspects.map((s) => [s.rank, s.blockingSite!.line, s.count, s.isRuntimeProved, s.series])).toEqual([
      [1, 38, 300, true, [0, 100, 300]],
      [2, 53, 150, true, [0, 50, 150]],
      [3, 57, 150, false, [0, 50, 150]],
      [4, 66, 150, false, [0, 50, 150]],
    ]);
    expect(report.runtimeLeakProfile.proved.map((p) => p.leaked)).toEqual([300, 150]);
    expect(report.suspects[0]!.frames[report.suspects[0]!.blockingFrameIndex]).toEqual(report.suspects[0]!.blockingSite);
  });

  test('check --json: {suspects: [{blockingSite, createdBy, count, growthPerMin, score, evidence, explanation}]}', () => {
    const result = CheckResultSchema.parse(checkResultOf(corpus14()));
    const first = result.suspects[0]!;
    expect(Object.keys(first).slice(0, 7)).toEqual(['blockingSite', 'createdBy', 'count', 'growthPerMin', 'score', 'evidence', 'explanation']);
    expect(first.blockingSite).toEqual({ func: 'main.replica', file: '/tmp/corpus/gen/14-go127-leak-profile/main.go', line: 38 });
    expect(first.createdBy).toEqual({ func: 'main.fetchFirst', file: '/tmp/corpus/gen/14-go127-leak-profile/main.go', line: 44 });
    expect([first.count, first.growthPerMin, first.score, first.pattern, first.isRuntimeProved]).toEqual([300, 4500, 1, 'send-without-receiver', true]);
    // The app's 0–100 scale, added last so the documented fields keep their order and meaning.
    expect(Object.keys(first).at(-1)).toBe('score100');
    expect(result.suspects.map((s) => s.score100)).toEqual(result.suspects.map((s) => Math.round(s.score * 100)));
    expect(first.score100).toBe(100);
    expect(first.explanation.startsWith('Sending on a channel nobody receives from. The receiver gave up')).toBe(true);
    expect(first.evidence.map((e) => e.kind)).toEqual(['growth', 'baseline', 'monotonicity', 'ticks', 'ids', 'wait', 'state', 'createdBy', 'counts', 'runtime']);
  });
});

describe('a report of one dump', () => {
  test('HTML and Markdown carry the one-snapshot note and the dump on one page; JSON its overview', () => {
    const loaded = loadCorpus('01-chan-send-no-receiver', ['t3.debug2.txt']);
    loaded.singleDump = parseDump(readFileSync(corpusPath('01-chan-send-no-receiver', 't3.debug2.txt')))[0]!;
    const report = ReportSchema.parse(buildSessionReport(loaded, NO_PROJECT_CONFIG));
    expect(report.singleSnapshot?.note).toMatch(/^One snapshot: it shows where goroutines wait now, not whether their number grows/);
    expect(report.overview?.groups[0]).toMatchObject({ count: 300, waitMinutes: { min: 1, max: 1 }, suspect: { strength: 'strong' } });
    const html = renderHtml(report);
    expect(html).toContain('<h2>The dump on one page</h2>');
    expect(html).toContain('<span class="badge strength-strong">strong evidence, one snapshot</span>');
    expect(html).toContain('one snapshot: no growth to measure');
    expect(html).not.toContain('id="chart"');
    const md = renderMarkdown(report).split('\n');
    expect(md).toContain('| 300 | chan send 300 | 1 min | `main.fetchWithTimeout.func1` `main.go:84` | `main.fetchWithTimeout` `main.go:83` | strong |');
    expect(md).toContain('| 1 | `main.fetchWithTimeout.func1` `main.go:84` | `main.fetchWithTimeout` `main.go:83` | 300 | one snapshot | strong | 86 | — |');
  });
});
