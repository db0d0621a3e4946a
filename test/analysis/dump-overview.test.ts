// The single-dump page's model (issue #14) over real corpus dumps.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { dumpOverview } from '../../src/main/analysis/dump-overview.js';
import { DumpOverviewSchema } from '../../src/shared/dump-overview.js';
import { corpusPath, GENERATED } from './helpers.js';
import path from 'node:path';

const dumpOf = (file: string) => parseDump(readFileSync(file))[0]!;
const PUBLIC = path.join(GENERATED, '..', 'public');

describe('dumpOverview: one dump on one page', () => {
  test('Go 1.27: states summed, (leaked) counts, frames by origin, creators that exited folded under their site', () => {
    const o = DumpOverviewSchema.parse(dumpOverview(dumpOf(corpusPath('14-go127-leak-profile', 't2.debug2.txt'))));
    expect([o.total, o.exactStacks, o.groups.length, o.hasParentIds, o.oldestWaitMinutes]).toEqual([753, 7, 7, true, null]);
    expect(o.states.slice(0, 2)).toEqual([{ state: 'chan send', count: 300 }, { state: 'chan receive', count: 150 }]);
    const [replica, gather] = o.groups;
    expect([replica!.count, replica!.leaked, replica!.frames[0]!.func, replica!.frames[0]!.origin, replica!.ids]).toEqual([300, 300, 'main.replica', 'own', { first: 13, last: 1083 }]);
    expect(gather!.frames.map((f) => f.origin)).toEqual(['stdlib', 'stdlib', 'own']);
    expect(gather!.frames[gather!.blockingFrameIndex]!.func).toBe('main.gather');
    const tree = o.creationTree.map((n) => `${'  '.repeat(n.depth)}${n.label}`);
    expect(tree).toContain('created by main.leakOne main.go:72, by goroutines that have exited — 150 goroutines');
    expect(tree[tree.indexOf('created by main.leakOne main.go:72, by goroutines that have exited — 150 goroutines') + 1]).toBe('  150× main.gather main.go:53');
  });

  test('Go 1.19 with waits: wait ranges, the tree by creation site, the runtime frames kept and marked', () => {
    const o = dumpOverview(dumpOf(corpusPath('08-sleep-forever-loop', 't3.debug2.txt')));
    expect(o.hasParentIds).toBe(false);
    expect(o.oldestWaitMinutes).toBe(1);
    const sleep = o.groups[0]!;
    expect([sleep.count, sleep.waitMinutes, sleep.states]).toEqual([300, { min: 1, max: 1 }, { sleep: 300 }]);
    expect(o.creationTree.slice(0, 2)).toEqual([
      { depth: 0, groupId: null, label: 'created by main.startHeartbeat main.go:81 — 300 goroutines in 1 group', count: 300 },
      { depth: 1, groupId: sleep.id, label: '300× main.heartbeat main.go:86', count: 300 },
    ]);
    const healthy = dumpOverview(dumpOf(corpusPath('09-healthy-control', 't3.debug2.txt')));
    expect(healthy.groups.flatMap((g) => g.frames).some((f) => f.func === 'runtime.goexit' && f.origin === 'runtime')).toBe(true);
  });

  test('similar stacks merge (same blocking site, creator and functions, call lines between ignored); exact keeps them apart', () => {
    const text = [
      'goroutine 1 [select (no cases)]:',
      'main.main()',
      '\t/src/app/main.go:12 +0x1d',
      '',
      ...[[5, 30], [6, 31], [7, 31]].flatMap(([id, line]) => [
        `goroutine ${id} [chan send, 3 minutes]:`,
        'main.worker(0xc000010000)',
        '\t/src/app/main.go:20 +0x25',
        'main.run(...)',
        `\t/src/app/main.go:${line} +0x1`,
        'created by main.start in goroutine 1',
        '\t/src/app/main.go:40 +0x4f',
        '',
      ]),
    ].join('\n');
    const dump = parseDump(text)[0]!;
    const similar = dumpOverview(dump);
    const exact = dumpOverview(dump, { isExact: true });
    expect([similar.exactStacks, similar.groups.length, exact.groups.length]).toEqual([3, 2, 3]);
    expect([similar.groups[0]!.count, similar.groups[0]!.keys.length, similar.groups[0]!.waitMinutes]).toEqual([3, 2, { min: 3, max: 3 }]);
    expect(similar.creationTree.map((n) => `${'  '.repeat(n.depth)}${n.label}`)).toEqual(['1× main.main main.go:12', '  3× main.worker main.go:20']);
    expect(exact.creationTree.map((n) => `${'  '.repeat(n.depth)}${n.label}`)).toEqual(['1× main.main main.go:12', '  2× main.worker main.go:20', '  1× main.worker main.go:20']);
    // A real dump with such stacks: a Go 1.8 panic whose log header precedes it.
    const droute = dumpOverview(dumpOf(path.join(PUBLIC, 'droute-go18-panic-with-log-header.txt')));
    expect([droute.groups.length, droute.exactStacks]).toEqual([8, 9]);
  });

  test('verdicts attach to the group that holds their key', () => {
    const dump = dumpOf(corpusPath('01-chan-send-no-receiver', 't2.debug2.txt'));
    const key = dumpOverview(dump).groups[0]!.id;
    const o = dumpOverview(dump, { suspects: new Map([[key, { strength: 'strong', score: 0.86, reasons: ['blocked'] }]]) });
    expect(o.groups[0]!.suspect).toEqual({ strength: 'strong', score: 0.86, reasons: ['blocked'] });
    expect(o.groups.slice(1).every((g) => g.suspect === null)).toBe(true);
  });
});
