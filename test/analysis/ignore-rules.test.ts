import { describe, expect, test } from 'vitest';
import {
  BUILTIN_RULES,
  DEFAULT_PROJECT_CONFIG,
  parseProjectConfig,
  ruleMatches,
  rulesOf,
  type RuleSubject,
} from '../../src/main/analysis/ignore-rules.js';
import { analyzeSession } from '../../src/main/analysis/analyze-session.js';
import { fakeSession, frame, loadCorpus, range } from './helpers.js';

describe('parseProjectConfig', () => {
  test('a full file', () => {
    const text = JSON.stringify({
      ignore: [
        { topFunction: 'go.opencensus.io/stats/view.(*worker).start', reason: 'metrics exporter' },
        { anyFunction: 'github.com/acme/pool.*', state: 'chan receive', maxCount: 16 },
        { blockingSite: 'internal/cache/cache.go:57' },
        { createdBy: 'main.startWorkers', unlessGrowing: true },
      ],
      builtinIgnores: false,
      minGrowth: 5,
    });
    const config = parseProjectConfig(text, '.goroscope.json');
    expect(config.builtinIgnores).toBe(false);
    expect(config.minGrowth).toBe(5);
    expect(config.ignore).toHaveLength(4);
    expect(rulesOf(config, '.goroscope.json').map((r) => r.id)).toEqual([
      '.goroscope.json#ignore[0]',
      '.goroscope.json#ignore[1]',
      '.goroscope.json#ignore[2]',
      '.goroscope.json#ignore[3]',
    ]);
  });

  test('an empty object gives the defaults, built-in rules first', () => {
    expect(parseProjectConfig('{}', 'x.json')).toEqual(DEFAULT_PROJECT_CONFIG);
    expect(rulesOf(DEFAULT_PROJECT_CONFIG, 'x.json')).toEqual(BUILTIN_RULES);
  });

  test.each([
    ['{', ".goroscope.json: not valid JSON (Expected property name or '}' in JSON at position 1)"],
    ['[]', '.goroscope.json: (top level): expected an object {...}, got a list'],
    ['{"ignor":[]}', '.goroscope.json: unknown field "ignor"; known fields: $schema, ignore, builtinIgnores, minGrowth, sourceRoots'],
    ['{"ignore":{}}', '.goroscope.json: ignore: expected a list [...], got an object'],
    ['{"ignore":[{"topFunction":3}]}', '.goroscope.json: ignore[0].topFunction: expected a string, got 3'],
    [
      '{"ignore":[{"state":"select"},{"topFuncton":"x"}]}',
      '.goroscope.json: ignore[1]: unknown field "topFuncton"; known fields: topFunction, anyFunction, blockingSite, state, createdBy, maxCount, unlessGrowing, reason',
    ],
    ['{"ignore":[{"reason":"why"}]}', '.goroscope.json: ignore[0]: a rule needs at least one of topFunction, anyFunction, blockingSite, state, createdBy'],
    ['{"ignore":[{"anyFunction":"net/*/pprof"}]}', '.goroscope.json: ignore[0].anyFunction: "*" is allowed only at the end (a prefix match) or in a receiver such as (*T)'],
    ['{"ignore":[{"topFunction":""}]}', '.goroscope.json: ignore[0].topFunction: expected a function name, got an empty string'],
    ['{"ignore":[{"state":"select","maxCount":-1}]}', '.goroscope.json: ignore[0].maxCount: expected at least 0, got -1'],
    ['{"minGrowth":0}', '.goroscope.json: minGrowth: expected more than 0, got 0'],
    ['{"minGrowth":2.5}', '.goroscope.json: minGrowth: expected a whole number, got 2.5'],
    ['{"ignore":[{"blockingSite":"main.go:"}]}', '.goroscope.json: ignore[0].blockingSite: expected file:line such as "main.go:84", or a function name'],
    ['{"ignore":[{"createdBy":"main.go:L84"}]}', '.goroscope.json: ignore[0].createdBy: expected file:line such as "main.go:84", or a function name'],
    ['{"builtinIgnores":"no"}', '.goroscope.json: builtinIgnores: expected true or false, got "no"'],
  ])('%s → %s', (text, message) => {
    expect(() => parseProjectConfig(text, '.goroscope.json')).toThrow(message);
    try {
      parseProjectConfig(text, '.goroscope.json');
    } catch (error) {
      expect((error as Error).message).toBe(message);
      expect((error as { code: string }).code).toBe('INVALID_INPUT');
    }
  });
});

describe('ruleMatches', () => {
  const subject: RuleSubject = {
    frames: [frame('sync.runtime_SemacquireMutex', '/usr/lib/go/src/runtime/sema.go', 77), frame('main.recordHit', '/srv/app/cache/main.go', 105)],
    blockingSite: frame('main.recordHit', '/srv/app/cache/main.go', 105),
    createdBy: frame('main.handleHit', '/srv/app/cache/main.go', 101),
    states: ['semacquire'],
    peak: 300,
    isGrowing: true,
  };

  test.each([
    [{ topFunction: 'sync.runtime_SemacquireMutex' }, true],
    [{ topFunction: 'main.recordHit' }, false],
    [{ anyFunction: 'main.recordHit' }, true],
    [{ anyFunction: 'main.record*' }, true],
    [{ anyFunction: 'main.(*server).recordHit' }, false],
    [{ anyFunction: 'main.recordHi' }, false],
    [{ blockingSite: 'main.go:105' }, true],
    [{ blockingSite: 'cache/main.go:105' }, true],
    [{ blockingSite: 'ain.go:105' }, false],
    [{ blockingSite: 'main.go:104' }, false],
    [{ blockingSite: 'main.recordHit' }, true],
    [{ createdBy: 'main.handleHit' }, true],
    [{ createdBy: 'main.go:101' }, true],
    [{ state: 'semacquire' }, true],
    [{ state: 'select' }, false],
    [{ anyFunction: 'main.recordHit', state: 'select' }, false],
    [{ anyFunction: 'main.recordHit', maxCount: 299 }, false],
    [{ anyFunction: 'main.recordHit', maxCount: 300 }, true],
    [{ anyFunction: 'main.recordHit', unlessGrowing: true }, false],
  ])('%j → %s', (rule, want) => {
    expect(ruleMatches(rule, subject)).toBe(want);
  });
});

describe('rules in analysis', () => {
  test('a project rule hides the leak from the suspects but lists it as set aside, with the rule', () => {
    const { session } = loadCorpus('01-chan-send-no-receiver', ['t0.debug2.txt', 't1.debug2.txt', 't2.debug2.txt', 't3.debug2.txt']);
    const config = parseProjectConfig('{"ignore":[{"blockingSite":"main.go:84","reason":"known, fixed in v2"}]}', '.goroscope.json');
    const analysis = analyzeSession(session, { rules: rulesOf(config, '.goroscope.json') });
    expect(analysis.suspects).toEqual([]);
    expect(analysis.setAside.map((g) => g.setAsideBecause)).toEqual(['ignored by .goroscope.json#ignore[0] (known, fixed in v2)']);
    const use = analysis.rules.find((u) => u.rule.id === '.goroscope.json#ignore[0]')!;
    expect([use.groups, use.goroutines]).toEqual([1, 300]);
  });

  test('built-in rules quiet the profiler and idle HTTP plumbing, and never hide a growing accept loop', () => {
    const serve = [frame('internal/poll.runtime_pollWait', 'netpoll.go', 305), frame('net/http.(*Server).Serve', 'server.go', 3102), frame('main.main', 'main.go', 52)];
    const session = fakeSession([
      { key: 'acceptLoops', frames: serve, counts: range(0, 10).map((i) => 1 + i * 5) },
      { key: 'mainServer', frames: [serve[0]!, serve[1]!, frame('main.run', 'main.go', 20)], counts: Array(10).fill(1) },
      { key: 'pprof', frames: [frame('runtime/pprof.(*Profile).WriteTo', 'pprof.go', 330)], counts: Array(10).fill(1) },
    ]);
    const analysis = analyzeSession(session);
    expect(analysis.suspects.map((s) => s.key)).toEqual(['acceptLoops']);
    expect(analysis.groups.map((g) => g.ignoredBy?.id ?? null)).toEqual([null, 'builtin:http-accept-loop', 'builtin:pprof-profile-writer']);
  });

  test('builtinIgnores: false leaves every group visible', () => {
    const { session } = loadCorpus('01-chan-send-no-receiver', ['t0.debug1.txt', 't3.debug1.txt']);
    const rules = rulesOf(parseProjectConfig('{"builtinIgnores":false}', 'c.json'), 'c.json');
    expect(analyzeSession(session, { rules }).groups.filter((g) => g.ignoredBy !== null)).toEqual([]);
    expect(analyzeSession(session).groups.filter((g) => g.ignoredBy !== null).map((g) => g.ignoredBy!.id).sort()).toEqual([
      'builtin:http-accept-loop',
      'builtin:http-background-read',
      'builtin:pprof-profile-writer',
    ]);
  });
});
