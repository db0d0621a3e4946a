// Every warning and refusal message of the dump parsers, word for word (STYLE.md §4 and §6): what
// failed, where, and what was expected instead.
import { gzipSync } from 'node:zlib';
import { Profile, StringTable } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { GoroscopeError, NotADumpError } from '../../src/shared/errors.js';
import type { ParseWarning } from '../../src/shared/model.js';
import { parseDump } from '../../src/main/dump/parse-dump.js';

const text = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** A pprof profile built with the pprof-format encoder: one sample of one frame, of the given type. */
function encodedProfile(sampleType: string, unit: string, value = 7, line = 12): Uint8Array {
  const strings = new StringTable();
  const profile = new Profile({
    sampleType: [{ type: strings.dedup(sampleType), unit: strings.dedup(unit) }],
    function: [{ id: 1, name: strings.dedup('main.spin'), filename: strings.dedup('/src/main.go') }],
    location: [{ id: 1, address: 0x401000, line: [{ functionId: 1, line }] }],
    sample: [{ locationId: [1], value: [value] }],
    stringTable: strings,
  });
  return profile.encode();
}

interface WarningCase {
  name: string;
  input: string;
  /** Goroutine ids that survive. */
  want: { ids: number[]; warnings: ParseWarning[] };
}

describe('traceback warnings: located, and the goroutine kept or dropped', () => {
  const cases: WarningCase[] = [
    {
      name: 'truncated goroutine kept (input cut inside a file line)',
      input: 'goroutine 1 [running]:\nmain.f()\n\t/src/main.go:3 +0x1\nmain.main()\n\t/src/ma',
      want: {
        ids: [1],
        warnings: [{ line: 5, message: 'line 5: expected file:line after function "main.main()", got "/src/ma" (input cut here); goroutine 1 kept with 1 frame(s)' }],
      },
    },
    {
      name: 'truncated goroutine kept (input ends after a function line)',
      input: text('goroutine 1 [running]:', 'main.f()', '\t/src/main.go:3 +0x1', 'main.main()'),
      want: { ids: [1], warnings: [{ line: 4, message: 'line 4: dump ends after "main.main()" without its file:line (truncated)' }] },
    },
    {
      name: 'truncated after created by',
      input: text('goroutine 7 [select]:', 'main.loop()', '\t/src/main.go:9 +0x1', 'created by main.start'),
      want: { ids: [7], warnings: [{ line: 4, message: 'line 4: dump ends after "created by main.start" without its file:line (truncated)' }] },
    },
    {
      name: 'malformed goroutine dropped, parsing resumes at the next header',
      input: text('goroutine 1 [running]:', 'main.f()', '\tgarbage line', '', 'goroutine 2 [select]:', 'main.g()', '\t/src/main.go:9 +0x1'),
      want: {
        ids: [2],
        warnings: [{ line: 3, message: 'line 3: expected file:line after function "main.f()", got "garbage line"; goroutine 1 dropped' }],
      },
    },
    {
      name: 'created by without its file line, dropped',
      input: text('goroutine 3 [select]:', 'main.g()', '\t/src/main.go:9 +0x1', 'created by main.main', 'oops', '', 'goroutine 4 [select]:', 'main.g()', '\t/src/main.go:9 +0x1'),
      want: {
        ids: [4],
        warnings: [{ line: 5, message: 'line 5: expected file:line after created by "created by main.main", got "oops"; goroutine 3 dropped' }],
      },
    },
    {
      name: 'garbled header (two processes interleaved)',
      input: text('goroutine 1 [running]:', 'main.main()', '\t/src/main.go:3 +0x1', '', 'goroutine os.(*Process).wait( [chan receive]:'),
      want: {
        ids: [1],
        warnings: [{ line: 5, message: 'line 5: garbled goroutine header "goroutine os.(*Process).wait( [chan receive]:" skipped (interleaved output?)' }],
      },
    },
    {
      name: 'orphan frames outside any goroutine',
      input: text(
        'goroutine 1 [running]:',
        'main.main()',
        '\t/src/main.go:3 +0x1',
        'created by main.start',
        '\t/src/main.go:2 +0x1',
        'main.orphan()',
        '\t/src/x.go:1 +0x1',
        'created by main.main',
      ),
      want: {
        ids: [1],
        warnings: [{ line: 6, message: 'line 6: 3 stack line(s) outside any goroutine were skipped (interleaved or corrupted output?)' }],
      },
    },
    {
      name: 'skipped text before the first goroutine (several lines)',
      input: text('2024/01/01 server started', 'panic: boom', '', 'goroutine 1 [running]:', 'main.main()', '\t/src/main.go:3 +0x1'),
      want: { ids: [1], warnings: [{ line: 1, message: 'skipped 2 line(s) of text before the first goroutine (lines 1–2): not part of a goroutine dump' }] },
    },
    {
      name: 'skipped text before the first goroutine (one line)',
      input: text('panic: boom', 'goroutine 1 [running]:', 'main.main()', '\t/src/main.go:3 +0x1'),
      want: { ids: [1], warnings: [{ line: 1, message: 'skipped 1 line(s) of text before the first goroutine (line 1): not part of a goroutine dump' }] },
    },
    {
      name: 'garbled header right after a goroutine\'s last frame',
      input: text('goroutine 1 [running]:', 'main.main()', '\t/src/main.go:3 +0x1', 'goroutine 20921 + [0x863syscall'),
      want: {
        ids: [1],
        warnings: [{ line: 4, message: 'line 4: garbled goroutine header "goroutine 20921 + [0x863syscall" skipped (interleaved output?)' }],
      },
    },
    {
      name: 'header-like line with a non-decimal id',
      input: text('goroutine 1 [running]:', 'main.main()', '\t/src/main.go:3 +0x1', '', 'goroutine 0x1f [running]:', 'goroutine 1e3 [running]:'),
      want: {
        ids: [1],
        warnings: [
          { line: 5, message: 'line 5: garbled goroutine header "goroutine 0x1f [running]:" skipped (interleaved output?)' },
          { line: 6, message: 'line 6: garbled goroutine header "goroutine 1e3 [running]:" skipped (interleaved output?)' },
        ],
      },
    },
    {
      name: 'running on another thread: counted, with its `created by`',
      input: text(
        'goroutine 5 [running]:',
        '\tgoroutine running on other thread; stack unavailable',
        'created by main.main',
        '\t/src/main.go:20 +0x1',
        '',
        'goroutine 1 [select]:',
        'main.main()',
        '\t/src/main.go:22 +0x1',
      ),
      want: {
        ids: [5, 1],
        warnings: [
          {
            line: null,
            message:
              'repaired: counted 1 goroutine(s) printed as "running on other thread; stack unavailable" (no frames; grouped together, with their created by)',
          },
        ],
      },
    },
    {
      name: 'goroutine without frames (stack unavailable)',
      input: text('goroutine 1 [running]:', 'goroutine running on other thread; stack unavailable', '', 'goroutine 2 [select]:', 'main.g()', '\t/src/main.go:9 +0x1'),
      want: {
        ids: [1, 2],
        warnings: [
          {
            line: null,
            message:
              'repaired: counted 1 goroutine(s) printed as "running on other thread; stack unavailable" (no frames; grouped together, with their created by)',
          },
        ],
      },
    },
    {
      name: 'panic text, `runtime stack:` frames and a register block around goroutines are no warnings',
      input: text(
        'fatal error: unexpected signal',
        '',
        'runtime stack:',
        'runtime.throw({0x1, 0x2})',
        '\t/usr/lib/go/src/runtime/panic.go:1047 +0x5d',
        '',
        'goroutine 1 [running]:',
        'main.main()',
        '\t/src/main.go:3 +0x1',
        '',
        'rax    0xca',
        'rbx    0x0',
      ),
      want: { ids: [1], warnings: [{ line: 1, message: 'skipped 4 line(s) of text before the first goroutine (lines 1–5): not part of a goroutine dump' }] },
    },
  ];

  it.each(cases)('$name', ({ input, want }) => {
    const [dump, ...more] = parseDump(input);
    expect(more).toEqual([]);
    expect(dump!.samples.map((s) => s.goroutine!.id)).toEqual(want.ids);
    expect(dump!.warnings).toEqual(want.warnings);
  });
});

describe('debug=1 warnings', () => {
  it('a line that is not a record is reported with its line and skipped', () => {
    const [dump] = parseDump(text('goroutine profile: total 2', 'not a record', '2 @ 0x1 0x2', '#\t0x1\tmain.f+0x1\t/src/main.go:3'));
    expect(dump!.warnings).toEqual([{ line: 2, message: 'line 2: expected a record line like "1 @ 0x43b256 0x46b181", got "not a record"' }]);
    expect(dump!.samples.map((s) => [s.count, s.frames])).toEqual([[2, [{ func: 'main.f', file: '/src/main.go', line: 3 }]]]);
  });
});

interface RefusalCase {
  name: string;
  input: string | Uint8Array;
  wantError: string;
}

describe('refused input: NotADumpError with what was seen', () => {
  const html = '<!DOCTYPE html>\n<html>\n<head>\n<title>/debug/pprof/</title>\n</head>\n<body>goroutine</body></html>\n';
  const cases: RefusalCase[] = [
    { name: 'empty bytes', input: new Uint8Array(0), wantError: 'an empty input; expected a goroutine dump or profile' },
    { name: 'empty string', input: '', wantError: 'an empty input; expected a goroutine dump or profile' },
    { name: 'white space', input: '  \n\t\r\n\n', wantError: 'only white space; expected a goroutine dump or profile' },
    {
      name: 'HTML page with a title',
      input: html,
      wantError: 'an HTML page ("/debug/pprof/"), not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2',
    },
    {
      name: 'HTML page without a title',
      input: '<html><body>502 Bad Gateway</body></html>',
      wantError: 'an HTML page, not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2',
    },
    {
      name: 'JSON that is not expvar',
      input: '{"status":"ok","uptime":5}',
      wantError: 'JSON that is not expvar /debug/vars (keys: status, uptime); expected "memstats" or "cmdline"',
    },
    { name: 'JSON array', input: '[1, 2, 3]', wantError: 'JSON array, not an expvar /debug/vars object' },
    { name: 'JSON that does not parse', input: '{"memstats":', wantError: 'JSON that does not parse (Unexpected end of JSON input); expected expvar /debug/vars' },
    {
      name: 'binary junk',
      input: new Uint8Array([0x00, 0x01, 0xff, 0xfe, 0x10, 0x20, 0x30, 0x40, 0x50]),
      wantError: 'binary data (9 bytes, starting 00 01 ff fe 10 20 30 40), not a goroutine dump or pprof profile',
    },
    {
      name: 'Prometheus without go_goroutines',
      input: text('# HELP http_requests_total Requests.', '# TYPE http_requests_total counter', 'http_requests_total{code="200"} 5'),
      wantError: 'Prometheus metrics without go_goroutines: not a Go service, or its Go collector is not registered',
    },
    {
      name: 'gzip that does not inflate',
      input: new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 1, 2, 3, 4, 5]),
      wantError: 'gzip data that does not inflate (invalid stored block lengths); expected a gzipped pprof profile',
    },
    {
      name: 'gzip cut short',
      input: gzipSync(encodedProfile('goroutine', 'count')).subarray(0, 20),
      wantError: 'gzip data that does not inflate (unexpected end of file); expected a gzipped pprof profile',
    },
    {
      name: 'gzipped CPU profile (pprof-format encoder)',
      input: gzipSync(encodedProfile('samples', 'count')),
      wantError: 'a pprof profile of "samples", not of goroutines; expected sample type "goroutine" or "goroutineleak"',
    },
    {
      name: 'uncompressed CPU profile',
      input: encodedProfile('cpu', 'nanoseconds'),
      wantError: 'a pprof profile of "cpu", not of goroutines; expected sample type "goroutine" or "goroutineleak"',
    },
    {
      name: 'goroutine profile with a negative count (corrupt)',
      input: encodedProfile('goroutine', 'count', -5),
      wantError: 'a pprof profile with an impossible goroutine count (18446744073709551611); the profile is corrupt',
    },
    {
      name: 'goroutine profile with a negative line number (corrupt)',
      input: gzipSync(encodedProfile('goroutine', 'count', 1, -3)),
      wantError: 'a pprof profile with an impossible line number (18446744073709551613); the profile is corrupt',
    },
    {
      name: 'plain text',
      input: text('hello world', 'nothing to see'),
      wantError: 'text with no goroutine header ("goroutine 1 [running]:") and no profile header ("goroutine profile: total N"); it starts "hello world"',
    },
    {
      name: 'a header and nothing readable',
      input: text('goroutine 1 [running]:'),
      wantError: 'a goroutine dump with no readable goroutine (line 1: goroutine 1 has no frames (stack unavailable or cut off); not counted)',
    },
  ];

  it.each(cases)('$name', ({ input, wantError }) => {
    let caught: unknown;
    try {
      parseDump(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotADumpError);
    expect(caught).toBeInstanceOf(GoroscopeError);
    expect((caught as NotADumpError).code).toBe('NOT_A_DUMP');
    expect((caught as Error).message).toBe(wantError);
  });
});

describe('accepted metrics and profiles (the counterparts of the refusals)', () => {
  it('a goroutine profile built with the pprof-format encoder, gzipped or not', () => {
    for (const input of [encodedProfile('goroutine', 'count'), gzipSync(encodedProfile('goroutine', 'count'))]) {
      const [dump] = parseDump(input);
      expect([dump!.format, dump!.profile, dump!.declaredTotal]).toEqual(['pprof-proto', 'goroutine', 7]);
      expect(dump!.samples.map((s) => [s.count, s.frames])).toEqual([[7, [{ func: 'main.spin', file: '/src/main.go', line: 12 }]]]);
    }
  });

  it('Prometheus with go_goroutines', () => {
    const [dump] = parseDump(text('# HELP go_goroutines Number of goroutines.', '# TYPE go_goroutines gauge', 'go_goroutines 103', 'go_threads 9'));
    expect([dump!.format, dump!.declaredTotal, dump!.metrics?.threads]).toEqual(['prometheus', 103, 9]);
  });
});

describe('metrics whose goroutine gauge is not a count', () => {
  it.each([
    { name: 'expvar negative', input: '{"cmdline":["x"],"goroutines":-3}', gauge: -3 },
    { name: 'expvar fraction', input: '{"cmdline":["x"],"goroutines":2.5}', gauge: 2.5 },
    { name: 'Prometheus huge', input: 'go_goroutines 1e300\n', gauge: 1e300 },
  ])('$name: kept as measured, not taken as the total', ({ input, gauge }) => {
    const [dump] = parseDump(input);
    expect(dump!.metrics?.numGoroutine).toBe(gauge);
    expect(dump!.declaredTotal).toBeNull();
  });
});
