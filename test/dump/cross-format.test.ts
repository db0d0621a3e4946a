// One leak is one group whatever the format (ARCHITECTURE.md, "Group key"): the debug=1, debug=2 and
// protobuf files of each generated snapshot put every goroutine in a group with the same key and count,
// except the goroutines whose stack changes within the milliseconds between the three requests.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Group, Snapshot } from '../../src/shared/model.js';
import { corpusFiles, corpusPath, groupBlockedIn, snapshotOf } from './corpus.js';

const FORMATS = ['debug1.txt', 'debug2.txt', 'debug0.pb.gz'] as const;

/**
 * Why a group may differ between the three files of one snapshot. Every such group is one of:
 * - `backgroundRead`: the pprof connection's `(*connReader).backgroundRead`, caught `[IO wait]` in
 *   pollWait, `[runnable]` in syscall.Syscall, or at its entry `startBackgroundRead.func2`/`gowrap2`;
 * - `unstarted`: a goroutine not yet run, which debug=1 prints as `1 @ <goexit>` and the protobuf as a
 *   sample without locations (debug=2 shows it as `startBackgroundRead.func2` at that moment);
 * - `conn.serve`: a load-generator connection of 09 (reading, writing, in a handler, aborting a read);
 * - `pool.worker`: a worker of 09 idle in `range p.jobs` or busy in `main.fib`.
 * Anything else is a grouping bug.
 */
function transientClass(g: Group): string {
  const funcs = g.frames.map((f) => f.func);
  if (funcs.length === 0) return 'unstarted';
  if (funcs.includes('net/http.(*connReader).backgroundRead') || funcs[0]!.startsWith('net/http.(*connReader).startBackgroundRead.')) {
    return 'backgroundRead';
  }
  if (funcs.at(-1) === 'net/http.(*conn).serve' && !funcs.includes('runtime/pprof.(*Profile).WriteTo')) return 'conn.serve';
  if (funcs.at(-1) === 'main.(*pool).worker') return 'pool.worker';
  return `not timing-dependent: ${g.blockingSite?.func ?? '?'}`;
}

// Per snapshot t0, t1, …: the classes of the groups whose count is not the same in all three files.
const DIFFERING: Record<string, string[][]> = {
  '01-chan-send-no-receiver': [['backgroundRead', 'unstarted'], ['backgroundRead'], ['backgroundRead', 'unstarted'], []],
  '02-chan-receive-never-closed': [['backgroundRead'], ['backgroundRead', 'unstarted'], ['backgroundRead'], ['backgroundRead']],
  '03-forgotten-context-cancel': [['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted'], ['backgroundRead']],
  '04-http-body-not-closed': [['backgroundRead', 'unstarted'], ['backgroundRead'], [], ['backgroundRead', 'unstarted']],
  '05-mutex-held-forever': [['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted']],
  '06-waitgroup-never-done': [['backgroundRead', 'unstarted'], ['backgroundRead'], ['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted']],
  '07-select-nil-channels': [['backgroundRead'], ['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted'], ['backgroundRead']],
  '08-sleep-forever-loop': [['backgroundRead', 'unstarted'], ['backgroundRead', 'unstarted'], ['backgroundRead'], ['backgroundRead']],
  '09-healthy-control': [
    ['backgroundRead', 'unstarted'],
    ['backgroundRead', 'conn.serve'],
    ['backgroundRead', 'conn.serve', 'unstarted'],
    ['backgroundRead', 'conn.serve', 'pool.worker', 'unstarted'],
    ['backgroundRead', 'conn.serve', 'pool.worker', 'unstarted'],
    ['backgroundRead'],
  ],
  '10-spike-then-drain': [['backgroundRead'], ['backgroundRead', 'unstarted'], ['backgroundRead'], []],
  '11-large-50k-leak': [['backgroundRead', 'unstarted'], []],
  '12-stripped-binary': [['backgroundRead', 'unstarted'], ['backgroundRead'], ['backgroundRead', 'unstarted'], ['backgroundRead']],
  '14-go127-leak-profile': [['backgroundRead', 'unstarted'], [], ['backgroundRead', 'unstarted']],
};

// The leak stacks of each pattern, by blocking function (none at t0).
const LEAKS: Record<string, string[]> = {
  '01-chan-send-no-receiver': ['main.fetchWithTimeout.func1'],
  '02-chan-receive-never-closed': ['main.consume'],
  '03-forgotten-context-cancel': ['main.subscriptionWorker'],
  '04-http-body-not-closed': ['net/http.(*persistConn).readLoop', 'net/http.(*persistConn).writeLoop'],
  '05-mutex-held-forever': ['main.recordHit'],
  '06-waitgroup-never-done': ['main.collect'],
  '07-select-nil-channels': ['main.(*watcher).loop', 'main.(*watcher).waitUpdate', 'main.(*watcher).park'],
  '08-sleep-forever-loop': ['main.heartbeat'],
  '11-large-50k-leak': ['main.(*session).next'],
  '12-stripped-binary': ['main.fetchWithTimeout.func1'],
  '14-go127-leak-profile': ['main.replica', 'main.gather', 'main.recordHit', 'main.watch'],
};

function threeFormats(dir: string, t: number): Snapshot[] {
  return FORMATS.map((f) => snapshotOf(`generated/${dir}/t${t}.${f}`));
}

const SNAPSHOTS = Object.entries(DIFFERING).flatMap(([dir, rows]) => rows.map((differing, t) => ({ name: `${dir} t${t}`, dir, t, differing })));

describe('cross-format grouping: debug=1, debug=2 and protobuf of one snapshot', () => {
  it('covers every snapshot that has all three files (51)', () => {
    const debug1Files = corpusFiles().filter((f) => /^generated\/[^/]+\/t\d\.debug1\.txt$/.test(f));
    expect(SNAPSHOTS.map(({ dir, t }) => `generated/${dir}/t${t}.debug1.txt`).sort()).toEqual(debug1Files);
    for (const f of debug1Files) {
      for (const other of ['debug2.txt', 'debug0.pb.gz']) expect(existsSync(corpusPath(f.replace('debug1.txt', other)))).toBe(true);
    }
    expect(SNAPSHOTS).toHaveLength(51);
  });

  it.each(SNAPSHOTS)('$name: equal key and count for every group but the timing-dependent ones', ({ dir, t, differing }) => {
    const snapshots = threeFormats(dir, t);
    const keys = new Set(snapshots.flatMap((s) => s.groups.map((g) => g.key)));
    const classes = new Set<string>();
    for (const key of keys) {
      const groups = snapshots.map((s) => s.groups.find((g) => g.key === key));
      const counts = groups.map((g) => g?.count ?? 0);
      if (counts.every((c) => c === counts[0])) continue;
      classes.add(transientClass(groups.find((g) => g !== undefined)!));
    }
    expect([...classes].sort()).toEqual(differing);
  });

  it.each(SNAPSHOTS.filter((s) => LEAKS[s.dir] !== undefined && s.t > 0))('$name: the leak groups are one key, one count, one stack', ({ dir, t }) => {
    const snapshots = threeFormats(dir, t);
    for (const func of LEAKS[dir]!) {
      const [debug1, debug2, proto] = snapshots.map((s) => groupBlockedIn(s, func));
      expect(debug1!.key).toBe(debug2!.key);
      expect(proto!.key).toBe(debug2!.key);
      expect(debug1!.count).toBe(debug2!.count);
      expect(proto!.count).toBe(debug2!.count);
      expect(debug1!.frames).toEqual(debug2!.frames);
      expect(proto!.frames).toEqual(debug2!.frames);
    }
  });
});

describe('cross-format grouping: tracebacks of one Go 1.19 process (13-crash-formats)', () => {
  const stack = 'generated/13-crash-formats/runtime-stack-all.txt';

  it('panic-recovered-gotraceback-all and runtime.Stack agree on the background goroutines', () => {
    const a = snapshotOf(stack);
    const b = snapshotOf('generated/13-crash-formats/panic-recovered-gotraceback-all.txt');
    for (const func of ['main.waitForever', 'main.lockedWorker', 'main.labelledSleeper', 'main.(*server).blockedOnMutex']) {
      expect(groupBlockedIn(b, func).key).toBe(groupBlockedIn(a, func).key);
    }
  });

  // Known limitation: Go 1.19 SIGQUIT tracebacks print the compiler's `go` statement wrappers, named
  // like any closure (`main.backgroundGoroutines.func2`), which debug=2, runtime.Stack and profiles
  // hide. Only Go ≥ 1.22 names them apart (`gowrapN`, dropped from keys), so here the key differs.
  it('SIGQUIT: same blocking sites and counts; keys differ by exactly the go-statement wrapper frame', () => {
    const a = snapshotOf(stack);
    const b = snapshotOf('generated/13-crash-formats/sigquit-gotraceback-default.txt');
    const wrappers: Record<string, string | null> = {
      'main.waitForever': 'main.backgroundGoroutines.func2',
      'main.labelledSleeper': 'main.backgroundGoroutines.func1.1',
      'main.(*server).blockedOnMutex': 'main.backgroundGoroutines.func3',
      'main.lockedWorker': null,
    };
    for (const [func, wrapper] of Object.entries(wrappers)) {
      const [ga, gb] = [groupBlockedIn(a, func), groupBlockedIn(b, func)];
      expect(gb.count).toBe(ga.count);
      expect(gb.blockingSite).toEqual(ga.blockingSite);
      expect(gb.frames.map((f) => f.func)).toEqual(wrapper === null ? ga.frames.map((f) => f.func) : [...ga.frames.map((f) => f.func), wrapper]);
      expect(gb.key === ga.key).toBe(wrapper === null);
    }
  });
});
