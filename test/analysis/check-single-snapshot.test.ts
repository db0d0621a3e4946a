// `goroscope check FILE` on one dump (issue #14): the built CLI under plain Node, over the generated corpus.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { CheckResultSchema, type CheckResult } from '../../src/shared/report.js';
import { corpusPath, REPO_ROOT } from './helpers.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';

const BIN = path.join(REPO_ROOT, 'bin', 'goroscope.js');

beforeAll(async () => {
  await ensureCliBuilt();
}, 150_000);

function check(args: string[]): { code: number | null; stdout: string; result: CheckResult | null } {
  const r = spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, result: args.includes('--json') ? CheckResultSchema.parse(JSON.parse(r.stdout)) : null };
}

type Site = `${string}:${number}`;
const siteOf = (s: CheckResult['suspects'][number]): Site => `${s.blockingSite!.func}:${s.blockingSite!.line}`;

// The leak of each pattern (its README's blocking `file:line`), and the strength one snapshot gives it.
const LEAKS: [pattern: string, file: string, sites: Site[], strength: 'strong' | 'weak'][] = [
  ['01-chan-send-no-receiver', 't2.debug2.txt', ['main.fetchWithTimeout.func1:84'], 'strong'],
  ['02-chan-receive-never-closed', 't2.debug2.txt', ['main.consume:92'], 'strong'],
  ['03-forgotten-context-cancel', 't2.debug2.txt', ['main.subscriptionWorker:94'], 'strong'],
  ['04-http-body-not-closed', 't2.debug2.txt', ['net/http.(*persistConn).writeLoop:2392', 'net/http.(*persistConn).readLoop:2213'], 'strong'],
  ['05-mutex-held-forever', 't2.debug2.txt', ['main.recordHit:105'], 'strong'],
  ['06-waitgroup-never-done', 't2.debug2.txt', ['main.collect:93'], 'strong'],
  ['07-select-nil-channels', 't2.debug2.txt', ['main.(*watcher).loop:96', 'main.(*watcher).waitUpdate:107', 'main.(*watcher).park:113'], 'strong'],
  ['08-sleep-forever-loop', 't2.debug2.txt', ['main.heartbeat:86'], 'weak'],
  ['01-chan-send-no-receiver', 't3.debug2.txt', ['main.fetchWithTimeout.func1:84'], 'strong'],
  ['05-mutex-held-forever', 't3.debug2.txt', ['main.recordHit:105'], 'strong'],
  ['08-sleep-forever-loop', 't3.debug2.txt', ['main.heartbeat:86'], 'weak'],
  ['11-large-50k-leak', 't1.debug2.txt', ['main.(*session).next:116'], 'strong'],
];

describe('goroscope check on one debug=2 dump', () => {
  test.each(LEAKS)('%s %s: the leak is the top suspect, %s…', (pattern, file, sites, strength) => {
    const r = check(['--json', corpusPath(pattern, file)]);
    expect(r.code).toBe(1);
    const suspects = r.result!.suspects;
    expect(sites).toContain(siteOf(suspects[0]!));
    // Every leak group of the pattern is named, with the same strength, before anything else.
    expect(suspects.slice(0, sites.length).map(siteOf).sort()).toEqual([...sites].sort());
    for (const s of suspects.slice(0, sites.length)) {
      expect([s.strength, s.basis, s.ratePerMin, s.isRuntimeProved]).toEqual([strength, 'snapshot', null, false]);
      expect(s.reasons.length).toBeGreaterThanOrEqual(2);
      expect(s.evidence.find((e) => e.kind === 'limit')!.text).toContain('from one snapshot: it shows where goroutines wait now, not whether their number grows');
    }
  });

  test('the reasons say why: size against the dump, who created them, and for sleepers why one snapshot cannot tell', () => {
    const [chan] = check(['--json', corpusPath('01-chan-send-no-receiver', 't2.debug2.txt')]).result!.suspects;
    expect(chan!.reasons).toEqual([
      'blocked on a channel or lock and created by the service’s own code',
      "300 goroutines share this stack, 300× the dump's typical group (1)",
    ]);
    expect(chan!.evidence.find((e) => e.kind === 'wait')!.text).toBe(
      'no goroutine shows a wait of a minute yet (Go prints wait minutes after 1 minute, once a GC has run): they may be seconds old',
    );
    const [sleep] = check(['--json', corpusPath('08-sleep-forever-loop', 't3.debug2.txt')]).result!.suspects;
    expect(sleep!.reasons[0]).toBe(
      'sleeping goroutines are usually periodic loops; a burst of sleepers in progress looks the same as a sleeping leak of the same size, and whether they ever wake needs a second dump',
    );
    expect(sleep!.evidence.find((e) => e.kind === 'wait')!.text).toBe('waiting up to 1 minute; the process is at least 1 minute old (goroutine 1’s wait)');
    // One creating function, many blocked children: said for each of its groups.
    const nil = check(['--json', corpusPath('07-select-nil-channels', 't2.debug2.txt')]).result!.suspects;
    for (const s of nil) expect(s.reasons).toContain('main.leakOne started 300 blocked goroutines in 3 groups');
    const body = check(['--json', corpusPath('04-http-body-not-closed', 't2.debug2.txt')]).result!.suspects;
    expect(body[0]!.reasons[0]).toBe('300 HTTP client connections alive, more than http.Transport keeps idle by default (100): something holds them');
    expect(body[0]!.pattern).toBe('http-client-body-not-closed');
    // The server side of those connections is in the same process: weak on its own.
    expect(body.map((s) => [siteOf(s), s.strength])).toContainEqual(['internal/poll.runtime_pollWait:305', 'weak']);
  });

  test('the text output names strength, reasons and what one snapshot cannot tell', () => {
    const r = check([corpusPath('11-large-50k-leak', 't1.debug2.txt')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('goroscope check: 1 suspect (1 file: t1.debug2.txt; one snapshot, 1 full dump)');
    expect(lines).toContain('#1 main.(*session).next main.go:116  50000 goroutines, one snapshot, strong evidence, score 95/100');
    expect(r.stdout).toContain('\nOne snapshot: it shows where goroutines wait now, not whether their number grows. A large healthy pool, or a burst of requests in progress, looks the same');
  });

  test('healthy controls: no suspect in any snapshot of 09, nor in the drained snapshots of 10', () => {
    const controls = [
      ...['t0', 't1', 't2', 't3', 't4', 't5'].flatMap((t) => [corpusPath('09-healthy-control', `${t}.debug2.txt`), corpusPath('09-healthy-control', `${t}.debug1.txt`)]),
      ...['t0', 't2', 't3'].map((t) => corpusPath('10-spike-then-drain', `${t}.debug2.txt`)),
    ];
    for (const file of controls) expect([file, check(['--json', file])]).toMatchObject([file, { code: 0, result: { suspects: [] } }]);
  });

  test('a burst in progress (10 t1): a weak suspect that says a burst looks the same; --fail-on strong passes it', () => {
    const r = check(['--json', corpusPath('10-spike-then-drain', 't1.debug2.txt')]);
    expect(r.code).toBe(1);
    expect(r.result!.suspects.map((s) => [siteOf(s), s.strength])).toEqual([['main.callSlowBackend:72', 'weak']]);
    expect(r.result!.suspects[0]!.reasons[0]).toBe(
      'its goroutines serve HTTP requests (created by net/http.(*Server).Serve) and none has waited a minute: a burst of requests in progress looks the same',
    );
    expect(check(['--fail-on', 'strong', corpusPath('10-spike-then-drain', 't1.debug2.txt')]).code).toBe(0);
    expect(check(['--fail-on', 'strong', corpusPath('08-sleep-forever-loop', 't2.debug2.txt')]).code).toBe(0);
    expect(check(['--fail-on', 'strong', corpusPath('01-chan-send-no-receiver', 't2.debug2.txt')]).code).toBe(1);
    expect(check(['--fail-on', 'proof', corpusPath('01-chan-send-no-receiver', 't2.debug2.txt')]).code).toBe(0);
    expect(check(['--fail-on', 'proof', corpusPath('14-go127-leak-profile', 't2.debug2.txt')]).code).toBe(1);
  });
});
