import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { diffSnapshots } from '../../src/main/analysis/diff.js';
import { BUILTIN_RULES } from '../../src/main/analysis/ignore-rules.js';
import { corpusPath } from './helpers.js';

function snap(pattern: string, file: string) {
  return parseSnapshots(readFileSync(corpusPath(pattern, file)))[0]!;
}

function summary(list: { blockingSite: { func: string } | null; before: number; after: number }[]) {
  return list.map((c) => `${c.blockingSite?.func ?? '?'} ${c.before}→${c.after}`);
}

describe('diffSnapshots', () => {
  test('two full dumps: the leak grew, its first 100 ids persisted and 200 are new', () => {
    const d = diffSnapshots(snap('01-chan-send-no-receiver', 't1.debug2.txt'), snap('01-chan-send-no-receiver', 't3.debug2.txt'));
    expect(summary(d.grew)).toEqual(['main.fetchWithTimeout.func1 100→300']);
    const ids = d.grew[0]!.ids!;
    expect([ids.persisted.length, ids.added.length, ids.gone.length]).toEqual([100, 200, 0]);
    expect(Math.min(...ids.added)).toBeGreaterThan(Math.max(...ids.persisted));
    expect(d.before).toEqual({ format: 'traceback', profile: null, total: 103 });
    expect(d.after).toEqual({ format: 'traceback', profile: null, total: 303 });
    // The leak's 100 and main.main's id 1; the pprof request runs on a new connection each time.
    expect(d.ids).toEqual({ persisted: 101, added: 200 + 2, gone: 2 });
  });

  test('formats mix: debug=1 before, protobuf after; no ids', () => {
    const d = diffSnapshots(snap('01-chan-send-no-receiver', 't0.debug1.txt'), snap('01-chan-send-no-receiver', 't2.debug0.pb.gz'));
    expect(summary(d.appeared)).toContain('main.fetchWithTimeout.func1 0→300');
    expect(d.appeared[0]!.ids).toBeNull();
    expect(d.ids).toBeNull();
    expect(summary(d.unchanged).slice(0, 2)).toEqual(['main.main 1→1', 'runtime/pprof.(*Profile).WriteTo 1→1']);
  });

  test('a drained spike vanishes; built-in rules leave out the profiler and background reads', () => {
    const d = diffSnapshots(snap('10-spike-then-drain', 't1.debug2.txt'), snap('10-spike-then-drain', 't2.debug2.txt'), BUILTIN_RULES);
    expect(summary(d.vanished)).toEqual(['main.callSlowBackend 400→0']);
    expect(d.grew).toEqual([]);
    expect(d.ignored).toBe(3);
    const ids = d.vanished[0]!.ids!;
    expect([ids.persisted.length, ids.added.length, ids.gone.length]).toEqual([0, 0, 400]);
  });

  test('largest change first, ties by key', () => {
    const d = diffSnapshots(snap('07-select-nil-channels', 't1.debug1.txt'), snap('07-select-nil-channels', 't2.debug1.txt'));
    // Equal changes keep a stable order by group key.
    expect(summary(d.grew)).toEqual(['main.(*watcher).waitUpdate 33→100', 'main.(*watcher).park 33→100', 'main.(*watcher).loop 34→100']);
  });
});
