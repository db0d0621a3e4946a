// Table-driven cases for every line shape of src/main/dump/line-shapes.ts (STYLE.md §6), with real
// lines from the corpus, and for the line splitter.
import { describe, expect, it } from 'vitest';
import {
  isElidedFramesLine,
  isGarbledHeader,
  parseAncestorHeader,
  parseCreatedBy,
  parseFileLine,
  parseFuncLine,
  parseHeader,
} from '../../src/main/dump/line-shapes.js';
import { forEachLine, headLines } from '../../src/main/dump/lines.js';

interface Case<T> {
  name: string;
  input: string;
  want: T;
}

const header = (id: number, state: string, waitMinutes = 0, isLocked = false, isLeaked = false) => ({
  id,
  state,
  waitMinutes,
  isLocked,
  isLeaked,
  isScan: false,
  isDurable: false,
  syncTestBubble: null,
  labels: null,
});

describe('parseHeader', () => {
  const cases: Case<ReturnType<typeof parseHeader>>[] = [
    { name: 'plain', input: 'goroutine 9 [chan send]:', want: header(9, 'chan send') },
    { name: 'minutes', input: 'goroutine 9 [chan send, 1 minutes]:', want: header(9, 'chan send', 1) },
    { name: 'locked to thread', input: 'goroutine 7 [sleep, locked to thread]:', want: header(7, 'sleep', 0, true) },
    {
      name: 'minutes and locked (Go 1.4)',
      input: 'goroutine 17 [syscall, 10175 minutes, locked to thread]:',
      want: header(17, 'syscall', 10175, true),
    },
    { name: 'leaked (Go ≥ 1.26)', input: 'goroutine 42 [chan send (leaked)]:', want: header(42, 'chan send', 0, false, true) },
    {
      name: 'leaked with minutes',
      input: 'goroutine 8 [sync.WaitGroup.Wait (leaked), 2 minutes]:',
      want: header(8, 'sync.WaitGroup.Wait', 2, false, true),
    },
    { name: 'wait reason with parentheses', input: 'goroutine 5 [chan receive (nil chan)]:', want: header(5, 'chan receive (nil chan)') },
    { name: 'select (no cases)', input: 'goroutine 1 [select (no cases)]:', want: header(1, 'select (no cases)') },
    { name: 'GC worker (idle)', input: 'goroutine 18 [GC worker (idle)]:', want: header(18, 'GC worker (idle)') },
    { name: 'Go ≥ 1.24 wait reason', input: 'goroutine 23 [sync.Mutex.Lock]:', want: header(23, 'sync.Mutex.Lock') },
    {
      name: 'gp= m= mp= (Go ≥ 1.22 system traceback)',
      input: 'goroutine 21 gp=0x14000003880 m=4 mp=0x14000063b08 [running]:',
      want: header(21, 'running'),
    },
    { name: 'gp= m=nil', input: 'goroutine 121 gp=0xc000682fc0 m=nil [select]:', want: header(121, 'select') },
    { name: 'thread stack goroutine 0', input: 'goroutine 0 gp=0x9a3e40 m=0 mp=0x9a4ae0 [idle]:', want: header(0, 'idle') },
    { name: 'indented with spaces', input: '    goroutine 5 [select]:', want: header(5, 'select') },
    { name: 'trailing white space', input: 'goroutine 5 [select]:  ', want: header(5, 'select') },
    { name: 'debug=1 profile header', input: 'goroutine profile: total 303', want: null },
    { name: 'no colon', input: 'goroutine 9 [chan send]', want: null },
    { name: 'text after the colon', input: 'goroutine 9 [chan send]: more', want: null },
    { name: 'hex id', input: 'goroutine 0x1f [running]:', want: null },
    { name: 'created by … in goroutine N', input: 'created by main.main in goroutine 1', want: null },
    { name: 'ancestor section', input: '[originating from goroutine 21]:', want: null },
    { name: 'stack unavailable', input: 'goroutine running on other thread; stack unavailable', want: null },
    { name: 'interleaved', input: 'goroutine os.(*Process).blockUntilWaitable1( [0xc00001a1e0chan receive, ]:', want: null },
  ];
  it.each(cases)('$name: $input', ({ input, want }) => {
    expect(parseHeader(input)).toEqual(want);
  });
});

describe('parseFileLine', () => {
  const at = (file: string, line: number) => ({ file, line });
  const cases: Case<ReturnType<typeof parseFileLine>>[] = [
    { name: 'GOROOT with offset', input: '\t/usr/lib/go-1.19/src/net/http/server.go:3102 +0x4db', want: at('/usr/lib/go-1.19/src/net/http/server.go', 3102) },
    { name: 'inlined: no offset', input: '\t/tmp/corpus/gen/13-crash-formats/main.go:87', want: at('/tmp/corpus/gen/13-crash-formats/main.go', 87) },
    {
      name: 'Windows path with a space',
      input: '\tC:/Program Files/Go/src/runtime/proc.go:435 +0xce',
      want: at('C:/Program Files/Go/src/runtime/proc.go', 435),
    },
    {
      name: 'Windows path with fp/sp/pc',
      input: '\tC:/Program Files/Go/src/runtime/proc.go:435 +0xce fp=0xc000 sp=0xc000 pc=0x43b256',
      want: at('C:/Program Files/Go/src/runtime/proc.go', 435),
    },
    { name: 'drive letter D:', input: '\tD:/project/src/github.com/nats-io/nats-server/server/raft.go:3002 +0x25b', want: at('D:/project/src/github.com/nats-io/nats-server/server/raft.go', 3002) },
    {
      name: 'trimpath with fp/sp/pc',
      input: '        runtime/proc.go:402 +0xce fp=0xc000a70c28 sp=0xc000a70c08 pc=0x440bce',
      want: at('runtime/proc.go', 402),
    },
    { name: 'trimpath module path with version', input: '\tgolang.org/x/net@v0.23.0/http2/transport.go:369 +0x2d', want: at('golang.org/x/net@v0.23.0/http2/transport.go', 369) },
    { name: 'trimpath main module, 8 spaces', input: '        lib/cc/rshell.go:79 +0x1ba', want: at('lib/cc/rshell.go', 79) },
    { name: 'pre-1.4 src/pkg, 4 spaces', input: '    /usr/local/go/src/pkg/testing/testing.go:508 +0x5b', want: at('/usr/local/go/src/pkg/testing/testing.go', 508) },
    { name: 'tab stripped (journald)', input: '/go/src/k8s.io/kubernetes/cmd/kube-controller-manager/controller-manager.go:53 +0x9b', want: at('/go/src/k8s.io/kubernetes/cmd/kube-controller-manager/controller-manager.go', 53) },
    { name: '<autogenerated>', input: '\t<autogenerated>:1 +0x2d', want: at('<autogenerated>', 1) },
    { name: 'relative ./x.go', input: '\t./stackoverflow.go:54 +0x1c fp=0xc020160390 sp=0xc020160368 pc=0x4a5d5c', want: at('./stackoverflow.go', 54) },
    { name: 'cgo file', input: '\t_cgo_gotypes.go:56 +0x3c', want: at('_cgo_gotypes.go', 56) },
    { name: 'assembly', input: '\t/usr/lib/go-1.19/src/runtime/asm_amd64.s:1594 +0x1', want: at('/usr/lib/go-1.19/src/runtime/asm_amd64.s', 1594) },
    { name: 'Go 1.4 C runtime', input: '\t/usr/local/go/src/runtime/proc.c:1178 +0x119', want: at('/usr/local/go/src/runtime/proc.c', 1178) },
    {
      name: 'non-ASCII directory with a space',
      input: '\t/home/andrey/Рабочий стол/Go/Дамп горутин.go:23 +0x25',
      want: at('/home/andrey/Рабочий стол/Go/Дамп горутин.go', 23),
    },
    { name: 'function line', input: 'main.main()', want: null },
    { name: 'created by', input: 'created by main.main', want: null },
    { name: 'signal PC line', input: 'PC=0x4484b1 m=0 sigcode=0', want: null },
    { name: 'register', input: 'rax    0xca', want: null },
    { name: 'path cut before its line number', input: '\t/usr/lo', want: null },
    { name: 'no extension', input: '\t/usr/bin/thing:12', want: null },
  ];
  it.each(cases)('$name: $input', ({ input, want }) => {
    expect(parseFileLine(input)).toEqual(want);
  });
});

describe('parseFuncLine', () => {
  const cases: Case<string | null>[] = [
    { name: 'no arguments', input: 'main.main()', want: 'main.main' },
    { name: 'register ABI args with ?', input: 'main.(*server).handle(0xc000010000, {0x7761a0?, 0xc0001840e0})', want: 'main.(*server).handle' },
    { name: 'old word args', input: 'projects2/viperutil.GetMapN(0xc4201a5ec8, 0x2, 0x2, 0x1, 0xc420168f80)', want: 'projects2/viperutil.GetMapN' },
    { name: 'inlined (...)', input: 'main.process(...)', want: 'main.process' },
    { name: 'varargs ...)', input: 'runtime.futex(0x11941b8, 0x0, 0x0, 0x0, 0x0, 0x1193020, 0x1, 0x41604f, 0x41626e, 0x11941b8, ...)', want: 'runtime.futex' },
    { name: 'runtime.goexit({}) (Go ≥ 1.22)', input: 'runtime.goexit({})', want: 'runtime.goexit' },
    { name: 'panic({…})', input: 'panic({0x4aac40, 0x4ddf10})', want: 'panic' },
    { name: 'generics', input: 'github.com/ledgerwatch/erigon/p2p/sentry/sentry_multi_client.pumpStreamLoop[...](0x1)', want: 'github.com/ledgerwatch/erigon/p2p/sentry/sentry_multi_client.pumpStreamLoop[...]' },
    { name: 'middle dot (Go 1.3)', input: 'testing.func·007()', want: 'testing.func·007' },
    { name: 'middle dot init', input: 'os/signal.init·1()', want: 'os/signal.init·1' },
    { name: 'unqualified C frame (Go 1.4)', input: 'stopm()', want: 'stopm' },
    { name: 'glob..func', input: 'main.glob..func1()', want: 'main.glob..func1' },
    { name: 'nested closure', input: 'github.com/jm33-m0/emp3r0r/core/lib/cc.reverseBash.func2.1()', want: 'github.com/jm33-m0/emp3r0r/core/lib/cc.reverseBash.func2.1' },
    { name: 'gowrap (Go ≥ 1.22)', input: 'net/http.(*connReader).startBackgroundRead.gowrap2()', want: 'net/http.(*connReader).startBackgroundRead.gowrap2' },
    { name: 'percent-encoded package', input: 'gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun(0xc000bc2000)', want: 'gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun' },
    { name: 'leading space (reversed paste)', input: ' runtime.throw(0x59f459, 0x15)', want: 'runtime.throw' },
    { name: 'header', input: 'goroutine 1 [running]:', want: null },
    { name: 'file line', input: '\t/src/main.go:84 +0x4c', want: null },
    { name: 'created by', input: 'created by main.main', want: null },
    { name: 'panic message with a space', input: 'panic: oops (details)', want: null },
    { name: 'fatal error', input: 'fatal error: all goroutines are asleep - deadlock!', want: null },
    { name: 'bare parentheses', input: '()', want: null },
  ];
  it.each(cases)('$name: $input', ({ input, want }) => {
    expect(parseFuncLine(input)).toBe(want);
  });
});

describe('parseCreatedBy', () => {
  const cases: Case<ReturnType<typeof parseCreatedBy>>[] = [
    { name: 'Go ≤ 1.20', input: 'created by main.fetchWithTimeout', want: { func: 'main.fetchWithTimeout', goroutine: null } },
    { name: 'Go ≥ 1.21: in goroutine N', input: 'created by main.main in goroutine 1', want: { func: 'main.main', goroutine: 1 } },
    { name: 'method', input: 'created by net/http.(*Server).Serve in goroutine 19', want: { func: 'net/http.(*Server).Serve', goroutine: 19 } },
    { name: '4-space indentation', input: '    created by testing.RunTests', want: { func: 'testing.RunTests', goroutine: null } },
    { name: 'middle dot', input: 'created by os/signal.init·1', want: { func: 'os/signal.init·1', goroutine: null } },
    { name: 'cut by an excerpt', input: 'created by github', want: { func: 'github', goroutine: null } },
    { name: 'nothing after', input: 'created by ', want: null },
    { name: 'words, not a function', input: 'created by the scheduler', want: null },
    { name: 'function line', input: 'main.main()', want: null },
  ];
  it.each(cases)('$name: $input', ({ input, want }) => {
    expect(parseCreatedBy(input)).toEqual(want);
  });
});

describe('other shapes', () => {
  it.each([
    { input: '[originating from goroutine 21]:', want: 21 },
    { input: '  [originating from goroutine 1]:', want: 1 },
    { input: 'originating from goroutine 21', want: null },
    { input: 'goroutine 21 [running]:', want: null },
  ])('parseAncestorHeader($input) → $want', ({ input, want }) => {
    expect(parseAncestorHeader(input)).toBe(want);
  });

  it.each([
    { input: '...additional frames elided...', want: true },
    { input: '\t...additional frames elided...', want: true },
    { input: '...16777040 frames elided...', want: true },
    { input: '...additional frames elided', want: false },
    { input: '...', want: false },
  ])('isElidedFramesLine($input) → $want', ({ input, want }) => {
    expect(isElidedFramesLine(input)).toBe(want);
  });

  it.each([
    { input: 'goroutine os.(*Process).blockUntilWaitable1( [0xc00001a1e0chan receive, ]:', want: true },
    { input: 'goroutine 20921 + [0x863syscall', want: true },
    { input: 'goroutine 1 [running]:', want: false },
    { input: 'goroutine profile: total 3', want: false },
    { input: 'created by main.main in goroutine 1', want: false },
  ])('isGarbledHeader($input) → $want', ({ input, want }) => {
    expect(isGarbledHeader(input)).toBe(want);
  });
});

describe('forEachLine / headLines', () => {
  const lines = (input: string | Uint8Array): [string, number][] => {
    const out: [string, number][] = [];
    forEachLine(input, (text, line) => out.push([text, line]));
    return out;
  };
  const bytes = (s: string) => new TextEncoder().encode(s);

  it.each([
    { name: 'LF', input: 'a\nb\n', want: [['a', 1], ['b', 2]] },
    { name: 'CRLF', input: 'a\r\nb\r\n', want: [['a', 1], ['b', 2]] },
    { name: 'last line without newline', input: 'a\nb', want: [['a', 1], ['b', 2]] },
    { name: 'last line CR only', input: 'a\nb\r', want: [['a', 1], ['b', 2]] },
    { name: 'blank lines kept', input: 'a\n\n\nb\n', want: [['a', 1], ['', 2], ['', 3], ['b', 4]] },
    { name: 'empty', input: '', want: [] },
    { name: 'non-ASCII', input: 'Дамп горутин.go:23\n', want: [['Дамп горутин.go:23', 1]] },
  ])('$name', ({ input, want }) => {
    expect(lines(input)).toEqual(want);
    expect(lines(bytes(input))).toEqual(want);
  });

  it('splits bytes across decode chunks without breaking a multi-byte character or a line', () => {
    const line = `${'я'.repeat(1000)}\n`; // 2001 bytes per line: chunk ends fall inside characters
    const input = bytes(line.repeat(1200)); // 2.4 MB
    const got = lines(input);
    expect(got).toHaveLength(1200);
    expect(got.every(([text], i) => text === line.slice(0, -1) && got[i]![1] === i + 1)).toBe(true);
  });

  it('headLines stops at the byte and line limits and drops CR', () => {
    expect(headLines('a\r\nb\r\nc\r\n', 1 << 20, 2)).toEqual(['a', 'b']);
    expect(headLines(bytes('abc\ndef\n'), 5, 10)).toEqual(['abc', 'd']);
  });
});
