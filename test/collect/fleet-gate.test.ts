import { writeFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { growsOnText } from '../../src/main/analysis/report/fleet-report.js';
import { nextFullEvery } from '../../src/main/collect/full-dump-cadence.js';
import { parseMatch, pprofUrlOf } from '../../src/main/collect/prometheus-source.js';
import { RequestGate } from '../../src/main/collect/request-gate.js';
import { readTargetsFile, resolveFleet } from '../../src/main/cli/fleet-options.js';
import { tempDir } from '../store/temp-db.js';

/** A job that runs until `finish()` is called, recording when it started. */
function job(log: string[], name: string): { run: () => Promise<string>; finish: () => void } {
  let finish = (): void => undefined;
  return {
    run: () =>
      new Promise<string>((resolve) => {
        log.push(`start ${name}`);
        finish = () => {
          log.push(`end ${name}`);
          resolve(name);
        };
      }),
    finish: () => finish(),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('RequestGate', () => {
  it('holds requests past max-concurrent until one ends', async () => {
    const gate = new RequestGate(2);
    const log: string[] = [];
    const [a, b, c] = [job(log, 'a'), job(log, 'b'), job(log, 'c')];
    const done = [gate.run(false, undefined, a.run), gate.run(false, undefined, b.run), gate.run(false, undefined, c.run)];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    a.finish();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end a', 'start c']);
    b.finish();
    c.finish();
    expect(await Promise.all(done)).toEqual(['a', 'b', 'c']);
    expect(gate.stats).toEqual({ maxConcurrent: 2, peakInFlight: 2, peakLeakInFlight: 0 });
  });

  it('never runs two goroutineleak requests at once, even from two fleets', async () => {
    const one = new RequestGate(4);
    const two = new RequestGate(4);
    const log: string[] = [];
    const [a, b, c] = [job(log, 'leak a'), job(log, 'leak b'), job(log, 'compact c')];
    const done = [one.run(true, undefined, a.run), two.run(true, undefined, b.run), two.run(false, undefined, c.run)];
    await tick();
    expect(log.slice().sort()).toEqual(['start compact c', 'start leak a']);
    a.finish();
    await tick();
    expect(log.slice(2)).toEqual(['end leak a', 'start leak b']);
    b.finish();
    c.finish();
    await Promise.all(done);
    expect(two.stats.peakLeakInFlight).toBe(1);
  });

  it('lets a waiting request give up through its signal without taking a slot', async () => {
    const gate = new RequestGate(1);
    const log: string[] = [];
    const [a, b] = [job(log, 'a'), job(log, 'b')];
    const first = gate.run(false, undefined, a.run);
    const controller = new AbortController();
    const waiting = gate.run(false, controller.signal, b.run);
    controller.abort(new Error('recording cancelled'));
    await expect(waiting).rejects.toThrow('recording cancelled');
    a.finish();
    await first;
    const c = job(log, 'c');
    const third = gate.run(false, undefined, c.run);
    await tick();
    c.finish();
    await third;
    expect(log).toEqual(['start a', 'end a', 'start c', 'end c']);
  });
});

describe('nextFullEvery', () => {
  const budget = { maxDurationMs: 250, maxBytes: 8 << 20 };
  it.each([
    { name: 'cheap dump at the asked cadence', current: 10, ms: 40, bytes: 1 << 20, want: null },
    { name: 'slow dump doubles the spacing', current: 10, ms: 800, bytes: 1 << 20, want: 20 },
    { name: 'large dump doubles the spacing', current: 20, ms: 40, bytes: 40 << 20, want: 40 },
    { name: 'never past 8x the asked cadence', current: 80, ms: 800, bytes: 1 << 20, want: null },
    { name: 'stops at 8x', current: 60, ms: 800, bytes: 1 << 20, want: 80 },
    { name: 'cheap again: back to the asked cadence', current: 40, ms: 40, bytes: 1 << 20, want: 10 },
  ])('$name', ({ current, ms, bytes, want }) => {
    expect(nextFullEvery(10, current, ms, bytes, budget)?.fullEvery ?? null).toBe(want);
  });

  it('says why, with the cost and the budget', () => {
    expect(nextFullEvery(10, 10, 812.4, 43_000_000, budget)?.note).toBe('full dump took 812 ms, 41.0 MB (budget 250 ms, 8.0 MB): one every 20 ticks instead of 10');
    expect(nextFullEvery(10, 20, 12, 1 << 20, budget)?.note).toBe('full dump took 12 ms, 1.0 MB, within budget again: one every 10 ticks');
  });
});

describe('fleet targets', () => {
  it('derives the pprof base URL from the scrape URL, or moves it to --pprof-port', () => {
    expect(pprofUrlOf('http://10.0.3.7:8080/metrics', null)).toBe('http://10.0.3.7:8080');
    expect(pprofUrlOf('http://10.0.3.7:8080/metrics', 6060)).toBe('http://10.0.3.7:6060');
    expect(pprofUrlOf('https://api-2.internal:8443/admin/metrics?format=text', null)).toBe('https://api-2.internal:8443/admin');
  });

  it('reads LABEL=VALUE matchers and refuses anything else', () => {
    expect(parseMatch('zone=eu-1')).toEqual(['zone', 'eu-1']);
    expect(parseMatch('version=')).toEqual(['version', '']);
    expect(() => parseMatch('zone')).toThrow(`--match "zone": expected LABEL=VALUE, e.g. --match 'zone=eu-1'`);
    expect(() => parseMatch('1zone=a')).toThrow('--match "1zone=a"');
  });

  it('reads a targets file: URLs or NAME URL, comments and blank lines skipped', () => {
    const t = tempDir('goroscope-targets-');
    onTestFinished(t.remove);
    const file = t.file('targets.txt');
    writeFileSync(file, '# the api fleet\nhttp://10.0.0.1:6060\n\napi-2 10.0.0.2:6060/debug/pprof/  # pasted\n');
    expect(readTargetsFile(file)).toEqual([
      { name: '10.0.0.1:6060', url: 'http://10.0.0.1:6060' },
      { name: 'api-2', url: 'http://10.0.0.2:6060' },
    ]);
    writeFileSync(file, 'a b c\n');
    expect(() => readTargetsFile(file)).toThrow(`${file}:1: expected "URL" or "NAME URL", got "a b c"`);
    writeFileSync(file, '# nothing\n');
    expect(() => readTargetsFile(file)).toThrow(`--targets ${file}: no URL in it; expected one per line`);
  });

  it('refuses options that do not go together', async () => {
    await expect(resolveFleet(['http://a:1'], { job: 'api' })).rejects.toThrow('--job, --match, --pprof-port and --top apply to --prometheus');
    await expect(resolveFleet(['http://a:1'], { prometheus: 'http://p:9090', job: 'api' })).rejects.toThrow('--prometheus finds the targets itself');
    await expect(resolveFleet([], { prometheus: 'http://p:9090' })).rejects.toThrow('--prometheus needs --job NAME');
  });
});

describe('growsOnText', () => {
  it('names where a group grows and says it is flat elsewhere', () => {
    expect(growsOnText(['api-2', 'api-5', 'api-7'], 8)).toBe('grows on 3 of 8: api-2, api-5, api-7; flat elsewhere');
    expect(growsOnText(['a', 'b'], 2)).toBe('grows on 2 of 2: a, b');
    expect(growsOnText(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], 12)).toBe('grows on 10 of 12: a, b, c, d, e, f, g, h, … 2 more; flat elsewhere');
  });
});
