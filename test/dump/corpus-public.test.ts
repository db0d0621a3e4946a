// What ../shared/corpus/public/SOURCES.md states about each public dump, asserted by value: goroutine
// counts (counted headers = goroutines + OS-thread stacks, or the debug=1 `total`) and the features.
import { describe, expect, it } from 'vitest';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { TRACEBACK_HEADER_ANYWHERE } from '../../src/main/dump/detect.js';
import { corpusBytes, countedIn, groupBlockedIn, siteOf, snapshotOf, snapshotsOf } from './corpus.js';

const pub = (name: string): string => `public/${name}`;

describe('SOURCES.md goroutine counts', () => {
  // [file, format, goroutines (total), OS-thread stacks]; headers in the file = goroutines + thread stacks.
  const COUNTS: [string, string, number, number][] = [
    ['erigon-debug1-20161-goroutines.txt', 'debug1', 20161, 0],
    ['ecs-erigon-zk-debug1-5171-leak.txt', 'debug1', 5171, 0],
    ['nats-jetstream-windows-debug1-7046.txt', 'debug1', 7046, 0],
    ['go-profiler-notes-debug1-labels.txt', 'debug1', 10, 0],
    ['go-profiler-notes-debug2-waitsince.txt', 'traceback', 10, 0],
    ['gostackparse-cgo-locked-to-thread.txt', 'traceback', 3, 0],
    ['gostackparse-frames-elided.txt', 'traceback', 1, 0],
    ['gostackparse-frames-elided-goroutine.txt', 'traceback', 2, 0],
    ['gostackparse-go121-created-by-in-goroutine.txt', 'traceback', 2, 0],
    ['gostackparse-tracebackancestors.txt', 'traceback', 3, 0],
    ['gostackparse-stack-overflow.txt', 'traceback', 6, 0],
    ['kvstore-raft-windows-go124-debug2.txt', 'traceback', 13, 0],
    ['transferfile-trimpath-debug2-129.txt', 'traceback', 129, 0],
    ['droute-go18-panic-with-log-header.txt', 'traceback', 36, 0],
    ['gin-unexpected-return-pc-fatal.txt', 'traceback', 1, 0],
    ['responsewriter-readme-markdown-stackoverflow-go122.txt', 'traceback', 7, 0],
    ['issue-k8s-37421-journald-tabs-stripped.txt', 'traceback', 2, 0],
    ['issue-k3s-2938-journald-prefixed.txt', 'traceback', 2, 0],
    ['issue-k8s-21811-fluentd-warn-wrapped.txt', 'traceback', 1, 0],
    // "unparseable": its one readable header is `goroutine 0 [idle]`; the rest is interleaved garbage.
    ['issue-go-36976-sigquit-interleaved-corrupt.txt', 'traceback', 0, 1],
    // starts mid-stack; its one header is `goroutine 0 [idle]`.
    ['issue-podman-19041-gotraceback-crash-registers.txt', 'traceback', 0, 1],
    ['issue-go-10546-go14-sigquit-proc-c.txt', 'traceback', 4, 1],
    ['issue-kubectl-1647-go122-gp-m-nil-registers.txt', 'traceback', 1, 0],
    ['issue-moby-44791-logrus-then-sigquit.txt', 'traceback', 0, 1],
    ['issue-nebula-316-reversed-lines.txt', 'traceback', 1, 0],
    ['issue-go-24267-double-spaced-ios.txt', 'traceback', 2, 0],
    ['issue-stompngo-19-go13-middot-4space.txt', 'traceback', 5, 0],
    ['issue-emp3r0r-34-trimpath-8space-minutes.txt', 'traceback', 3, 0],
    // SOURCES.md: "n/a" (not text); it decodes to a 3-goroutine profile.
    ['misnamed-debug0-protobuf-audiofile.txt', 'pprof-proto', 3, 0],
  ];
  it.each(COUNTS)('%s: %s, %i goroutines, %i thread stacks', (name, format, total, threads) => {
    const s = snapshotOf(pub(name));
    expect(s.format).toBe(format);
    expect(s.total).toBe(total);
    expect(countedIn(s)).toBe(total);
    expect(s.threadStacks).toBe(threads);
  });

  it.each(COUNTS.filter(([, format]) => format === 'traceback'))('%s: counted headers = goroutines + thread stacks', (name, _format, total, threads) => {
    const text = new TextDecoder().decode(corpusBytes(pub(name)));
    expect(text.split('\n').filter((l) => TRACEBACK_HEADER_ANYWHERE.test(l))).toHaveLength(total + threads);
  });

  it('repeated-debug1-cyrillic-paths.txt: 8 concatenated profiles of total 2', () => {
    const snapshots = snapshotsOf(pub('repeated-debug1-cyrillic-paths.txt'));
    expect(snapshots).toHaveLength(8);
    for (const s of snapshots) {
      expect([s.format, s.profile, s.total, s.groups.length]).toEqual(['debug1', 'goroutine', 2, 2]);
      expect(s.groups.map((g) => `${g.blockingSite?.func} ${siteOf(g.blockingSite)}`).sort()).toEqual([
        'main.main Дамп горутин.go:34',
        'main.main.func1 Дамп горутин.go:23',
      ]);
    }
    expect(new Set(snapshots.flatMap((s) => s.groups.map((g) => g.key))).size).toBe(2);
    expect(snapshots[0]!.groups[0]!.blockingSite?.file).toMatch(/^\/home\/andrey\/Рабочий стол\/.*\/Дамп горутин\.go$/);
  });
});

describe('SOURCES.md features', () => {
  it('erigon: 12,096 goroutines in one sync.(*Cond).Wait record, blocked in the anacrolix webseed requester', () => {
    const s = snapshotOf(pub('erigon-debug1-20161-goroutines.txt'));
    const g = s.groups[0]!;
    expect(g.count).toBe(12_096);
    expect(g.frames.map((f) => f.func)).toContain('sync.(*Cond).Wait');
    expect(g.blockingSite?.func).toBe('github.com/anacrolix/torrent.(*webseedPeer).requester');
    // trimpath: std frames have module-relative paths and still count as Go's own code.
    expect(g.frames[0]).toEqual({ func: 'sync.runtime_notifyListWait', file: 'runtime/sema.go', line: 527 });
    expect(s.groups.some((x) => x.frames.some((f) => f.func.includes('pumpStreamLoop[...]')))).toBe(true);
  });

  it('ecs-erigon-zk: the real leak, 5,067 goroutines at tx_gas_logger.go:52', () => {
    const g = snapshotOf(pub('ecs-erigon-zk-debug1-5171-leak.txt')).groups[0]!;
    expect(g.count).toBe(5067);
    expect(g.blockingSite?.func).toBe('github.com/ledgerwatch/erigon/zk/utils.(*TxGasLogger).Start.func1');
    expect(siteOf(g.blockingSite)).toBe('tx_gas_logger.go:52');
  });

  it('nats (Windows D:/ paths): the 1000-goroutine records', () => {
    const s = snapshotOf(pub('nats-jetstream-windows-debug1-7046.txt'));
    expect(s.groups.slice(0, 3).map((g) => [g.count, g.blockingSite?.func])).toEqual([
      [1004, 'github.com/nats-io/nats-server/v2/server.(*raft).fileWriter'],
      [1001, 'github.com/nats-io/nats-server/v2/server.(*jetStream).monitorConsumer'],
      [1001, 'github.com/nats-io/nats-server/v2/server.(*consumerFileStore).flushLoop'],
    ]);
    expect(s.groups[0]!.blockingSite?.file).toBe('D:/project/src/github.com/nats-io/nats-server/server/raft.go');
    // `1 @ 0x467ba1`: a record with runtime.goexit alone, not yet started; no frames in its key.
    expect(s.groups.filter((g) => g.frames.length === 0).map((g) => [g.count, g.key, g.blockingSite])).toEqual([[1, 'da39a3ee5e6b4b0d', null]]);
  });

  it('go-profiler-notes-debug1-labels: labels on some records only', () => {
    const s = snapshotOf(pub('go-profiler-notes-debug1-labels.txt'));
    const labelled = s.groups.filter((g) => g.labels.length > 0);
    expect(labelled.map((g) => g.labels)).toEqual(labelled.map((g) => [{ labels: { test_label: 'test_value' }, count: g.count }]));
    expect(labelled.reduce((n, g) => n + g.count, 0)).toBe(7);
    expect(s.groups.filter((g) => g.labels.length === 0).reduce((n, g) => n + g.count, 0)).toBe(3);
    expect(groupBlockedIn(s, 'main.shortSleepLoop').labels).toEqual([{ labels: { test_label: 'test_value' }, count: 2 }]);
  });

  it('go-profiler-notes-debug2-waitsince: `, 1 minutes` wait times and old-ABI args', () => {
    const s = snapshotOf(pub('go-profiler-notes-debug2-waitsince.txt'));
    expect(groupBlockedIn(s, 'main.shortSleepLoop')).toMatchObject({ count: 2, maxWaitMinutes: 1, states: { sleep: 2 } });
    expect(groupBlockedIn(s, 'main.chanReceiveForever')).toMatchObject({ count: 1, maxWaitMinutes: 1, states: { 'chan receive': 1 } });
    expect(s.groups.filter((g) => g.maxWaitMinutes === 1).reduce((n, g) => n + g.count, 0)).toBe(5);
    expect(s.groups.flatMap((g) => g.frames).some((f) => f.func.startsWith('main.glob..func'))).toBe(true);
  });

  it('gostackparse-cgo: [syscall] in _cgo_gotypes.go, [sleep, locked to thread], inlined main.goSleep(...)', () => {
    const s = snapshotOf(pub('gostackparse-cgo-locked-to-thread.txt'));
    const cgo = groupBlockedIn(s, 'main._Cfunc_c_sleep_loop');
    expect([cgo.states, cgo.blockingSite?.file, cgo.blockingSite?.line]).toEqual([{ syscall: 1 }, '_cgo_gotypes.go', 56]);
    const sleeper = groupBlockedIn(s, 'main.goSleep');
    expect([sleeper.states, sleeper.isLocked, siteOf(sleeper.blockingSite)]).toEqual([{ sleep: 1 }, true, 'cgo.go:53']);
  });

  it('gostackparse-frames-elided: 97 recursive frames kept, the elision noted', () => {
    const g = snapshotOf(pub('gostackparse-frames-elided.txt')).groups[0]!;
    expect(g.frames.filter((f) => f.func === 'main.stackDump')).toHaveLength(97);
    const [dump] = parseDump(corpusBytes(pub('gostackparse-frames-elided.txt')));
    expect(dump!.samples[0]!.goroutine!.hasElidedFrames).toBe(true);
  });

  it('gostackparse-frames-elided-goroutine: `created by` read after the elided frames', () => {
    const s = snapshotOf(pub('gostackparse-frames-elided-goroutine.txt'));
    expect(groupBlockedIn(s, 'main.stackDump').createdBy).toMatchObject({ func: 'main.main', line: 16 });
  });

  it('gostackparse-go121: `created by main.main in goroutine 1`', () => {
    const [dump] = parseDump(corpusBytes(pub('gostackparse-go121-created-by-in-goroutine.txt')));
    const g18 = dump!.samples.find((s) => s.goroutine!.id === 18)!.goroutine!;
    expect([g18.createdBy?.func, g18.createdBy?.line, g18.createdByGoroutine]).toEqual(['main.main', 14, 1]);
  });

  it('gostackparse-tracebackancestors: ancestor sections are not goroutines', () => {
    const s = snapshotOf(pub('gostackparse-tracebackancestors.txt'));
    expect(s.groups.map((g) => [g.count, g.blockingSite?.func])).toEqual([
      [2, 'main.bar'],
      [1, 'main.stackAll'],
    ]);
  });

  it('gostackparse-stack-overflow: system headers, runtime goroutines, `runtime stack:` skipped', () => {
    const s = snapshotOf(pub('gostackparse-stack-overflow.txt'));
    expect(groupBlockedIn(s, 'main.overflow').ids).toEqual([6]);
    expect(groupBlockedIn(s, 'main.main').states).toEqual({ 'sync.WaitGroup.Wait': 1 });
    expect(s.warnings).toEqual([{ line: 2, message: 'skipped 7 line(s) of text before the first goroutine (lines 2–8): not part of a goroutine dump' }]);
  });

  it('kvstore (Go 1.24, C:/Program Files/Go): [sync.Mutex.Lock], `in goroutine N`', () => {
    const s = snapshotOf(pub('kvstore-raft-windows-go124-debug2.txt'));
    const g = groupBlockedIn(s, 'distributed-kv/consensus.(*RaftConsensus).Start.func2');
    expect(g.states).toEqual({ 'sync.Mutex.Lock': 1 });
    expect(g.frames[0]!.file).toBe('C:/Program Files/Go/src/runtime/sema.go');
    expect(siteOf(g.blockingSite)).toBe('consensus.go:432');
    // `startBackgroundRead.gowrap2` alone: an unstarted goroutine, grouped like the protobuf's empty stack.
    expect(s.groups.find((x) => x.states['runnable'] === 1)).toMatchObject({ frames: [], key: 'da39a3ee5e6b4b0d' });
  });

  it('transferfile (-trimpath): `runtime/pprof/pprof.go` frames, wait minutes', () => {
    const s = snapshotOf(pub('transferfile-trimpath-debug2-129.txt'));
    expect(groupBlockedIn(s, 'runtime/pprof.(*Profile).WriteTo').frames[0]).toEqual({
      func: 'runtime/pprof.(*Profile).WriteTo',
      file: 'runtime/pprof/pprof.go',
      line: 329,
    });
    expect(Math.max(...s.groups.map((g) => g.maxWaitMinutes ?? 0))).toBe(10);
    expect(s.groups.some((g) => g.isLocked)).toBe(true);
  });

  it('droute: 6 panics appended to one log, log headers between them skipped', () => {
    const s = snapshotOf(pub('droute-go18-panic-with-log-header.txt'));
    expect(groupBlockedIn(s, 'os/signal.signal_recv').count).toBe(6);
    expect(s.warnings).toEqual([
      { line: null, message: 'repaired: skipped 5 line(s) of text between goroutines or before a first frame (notes or log lines; first at line 50)' },
      { line: 1, message: 'skipped 1 line(s) of text before the first goroutine (line 1): not part of a goroutine dump' },
    ]);
  });

  it('gin: shell + GIN log + hexdump before the crash, 8-space indentation', () => {
    const s = snapshotOf(pub('gin-unexpected-return-pc-fatal.txt'));
    expect(s.groups[0]!.blockingSite?.func).toBe('golang.org/x/sys/unix.ioctl');
    expect(s.warnings.map((w) => w.message)).toEqual([
      'repaired: file lines indented with 8 spaces instead of a tab',
      'skipped 81 line(s) of text before the first goroutine (lines 1–85): not part of a goroutine dump',
    ]);
  });

  it('responsewriter README: markdown around a Go 1.22 stack overflow', () => {
    const s = snapshotOf(pub('responsewriter-readme-markdown-stackoverflow-go122.txt'));
    expect(groupBlockedIn(s, 'git.v6.io/go-web/middleware.(*wrappedWriter).WriteHeader').ids).toEqual([21]);
    expect(s.warnings).toEqual([{ line: 1, message: 'skipped 29 line(s) of text before the first goroutine (lines 1–35): not part of a goroutine dump' }]);
  });

  it('issue-k8s-37421: journald prefix, tabs stripped, [select, 385 minutes]', () => {
    const s = snapshotOf(pub('issue-k8s-37421-journald-tabs-stripped.txt'));
    expect(groupBlockedIn(s, 'k8s.io/kubernetes/pkg/client/cache.(*Reflector).ListAndWatch.func1')).toMatchObject({ states: { select: 1 }, maxWaitMinutes: 385 });
    expect(s.warnings.map((w) => w.message)).toEqual([
      'repaired: removed the log prefix "Nov 23 06:03:13 centos7-image kube-controller-manager:" (and its kin) from 9 lines',
      'repaired: file lines had lost their leading tab',
      'skipped 1 line(s) of text before the first goroutine (line 1): not part of a goroutine dump',
    ]);
  });

  it('issue-k3s-2938: journald prefix with 8-space tabs, cut in the last file line', () => {
    const s = snapshotOf(pub('issue-k3s-2938-journald-prefixed.txt'));
    expect(s.warnings.map((w) => w.message)).toEqual([
      'repaired: removed the log prefix "feb 16 12:46:21 mnode2 k3s[10737]:" (and its kin) from 13 lines',
      'repaired: file lines indented with 8 spaces instead of a tab',
      'skipped 1 line(s) of text before the first goroutine (line 1): not part of a goroutine dump',
      'line 13: expected file:line after created by "created by github.com/rancher/k3s/vendor/k8s.io/kubernetes/pkg/scheduler/framework/runtime.newMetricsRecorder", got "/go/src/github.com/rancher/k3s/vendor/k8s.io/kubern" (input cut here); goroutine 101 kept with 2 frame(s)',
    ]);
  });

  it('issue-k8s-21811: fluentd-wrapped lines with escaped tabs', () => {
    const s = snapshotOf(pub('issue-k8s-21811-fluentd-warn-wrapped.txt'));
    expect(s.groups[0]!.frames.map((f) => `${f.func} ${siteOf(f)}`)).toEqual([
      'k8s.io/kubernetes/pkg/httplog.(*respLogger).recordStatus log.go:214',
      'k8s.io/kubernetes/pkg/httplog.(*respLogger).WriteHeader log.go:193',
    ]);
    expect(s.warnings.slice(0, 2).map((w) => w.message)).toEqual([
      'repaired: removed the log prefix "2016-02-23 23:44:02 +0000 [warn]: pattern not match:" (and its kin) from 10 lines',
      'repaired: unwrapped 9 quoted lines and their escapes (\\t, \\")',
    ]);
  });

  it('issue-go-36976: interleaved output is reported, not parsed into goroutines', () => {
    const s = snapshotOf(pub('issue-go-36976-sigquit-interleaved-corrupt.txt'));
    expect(s.warnings.map((w) => w.message)).toEqual([
      'skipped 2 line(s) of text before the first goroutine (lines 1–2): not part of a goroutine dump',
      'line 6: 6 stack line(s) outside any goroutine were skipped (interleaved or corrupted output?)',
      'line 22: garbled goroutine header "goroutine os.(*Process).blockUntilWaitable1( [0xc00001a1e0chan receive, ]:" skipped (interleaved output?)',
    ]);
  });

  it('issue-go-10546 (Go 1.4): [syscall, 10175 minutes, locked to thread], os/signal.init·1, C frames', () => {
    const s = snapshotOf(pub('issue-go-10546-go14-sigquit-proc-c.txt'));
    const locked = s.groups.find((g) => g.isLocked)!;
    expect([locked.states, locked.maxWaitMinutes, locked.frames]).toEqual([{ syscall: 1 }, 10175, []]);
    expect(groupBlockedIn(s, 'os/signal.loop').createdBy?.func).toBe('os/signal.init·1');
    expect(s.warnings.at(-1)?.message).toBe('line 39: dump ends after "created by github" without its file:line (truncated)');
  });

  it('issue-kubectl-1647: `gp=… m=nil` header, runtime.goexit({}), `in goroutine 1`', () => {
    const g = snapshotOf(pub('issue-kubectl-1647-go122-gp-m-nil-registers.txt')).groups[0]!;
    expect([g.ids, g.states, g.createdBy]).toEqual([[121], { select: 1 }, { func: 'golang.org/x/net/http2.(*ClientConn).goRun', file: 'golang.org/x/net@v0.23.0/http2/transport.go', line: 369 }]);
  });

  it('issue-nebula-316: reversed lines read bottom-up', () => {
    const s = snapshotOf(pub('issue-nebula-316-reversed-lines.txt'));
    expect(s.groups.map((g) => [g.ids, g.frames])).toEqual([[[102], [{ func: 'runtime.throw', file: 'runtime/panic.go', line: 1116 }]]]);
    expect(s.warnings[0]!.message).toBe('repaired: lines were in reverse order (newest first); read them bottom-up');
  });

  it('issue-go-24267: double-spaced, both goroutines [chan send]', () => {
    const s = snapshotOf(pub('issue-go-24267-double-spaced-ios.txt'));
    expect(s.groups.map((g) => g.states)).toEqual([{ 'chan send': 1 }, { 'chan send': 1 }]);
    expect(s.warnings[0]!.message).toBe('repaired: every line was followed by an empty line (double-spaced paste)');
  });

  it('issue-stompngo-19 (Go 1.3): testing.func·007 with a middle dot, 4-space indentation', () => {
    const s = snapshotOf(pub('issue-stompngo-19-go13-middot-4space.txt'));
    expect(groupBlockedIn(s, 'github.com/danieltmiles/stompngo.TestDataError').count).toBe(1);
    expect(s.groups.filter((g) => g.blockingSite?.func === 'testing.func·007').reduce((n, g) => n + g.count, 0)).toBe(3);
    expect(s.warnings.map((w) => w.message)).toEqual(['repaired: file lines indented with 4 spaces instead of a tab']);
  });

  it('issue-emp3r0r-34: trimpath lib/cc/rshell.go, [chan send, 12 minutes], .func2.1', () => {
    const s = snapshotOf(pub('issue-emp3r0r-34-trimpath-8space-minutes.txt'));
    const g = groupBlockedIn(s, 'github.com/jm33-m0/emp3r0r/core/lib/cc.reverseBash.func2.1');
    expect([g.states, g.maxWaitMinutes, g.blockingSite?.file]).toEqual([{ 'chan send': 1 }, 12, 'lib/cc/rshell.go']);
  });

  it('misnamed-debug0-protobuf-audiofile: a gzipped profile saved as .txt is decoded', () => {
    const s = snapshotOf(pub('misnamed-debug0-protobuf-audiofile.txt'));
    expect([s.format, s.profile]).toEqual(['pprof-proto', 'goroutine']);
    expect(s.groups.map((g) => g.blockingSite?.func)).toContain('github.com/marianina8/audiofile/services/metadata.Run');
  });
});
