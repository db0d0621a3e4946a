import { NotADumpError, ResponseTooLargeError } from '../../shared/errors.js';
import { detectFormat } from './detect.js';
import { headLines, headText, forEachLine, forEachLineSpan } from './lines.js';
import { learnRepair } from './repair.js';
import { WrapJoiner } from './paste-shapes.js';
import { capText, gunzip, isGzip } from './gzip.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../../shared/defaults.js';
import { parsePprofProto } from './pprof-proto.js';
import { parseExpvar, parsePrometheus } from './runtime-metrics.js';
import { TracebackParser } from './traceback-parser.js';
import { Debug1Parser } from './debug1-parser.js';
import type { LineParser, ParsedDump } from './types.js';

export interface ParseOptions {
  /** Largest input accepted, and largest inflated size of gzip data (a zip bomb guard); 256 MiB by default. */
  maxInflatedBytes?: number;
}

const HEAD_BYTES = 1 << 20;
const HEAD_LINES = 400;
/** Go's debug=2 handler stops writing at 64 MiB (runtime.Stack buffer cap): what follows was cut. */
export const GO_DEBUG2_CAP_BYTES = 64 << 20;

/**
 * Parses any goroutine dump or profile into snapshots (usually one; several for concatenated debug=1
 * profiles). Pure: no I/O. Refused input (not a dump at all) throws NotADumpError with what was seen;
 * input or gzip data inflating past the cap throws ResponseTooLargeError; damage inside a dump never
 * throws: it becomes located warnings and what could be recovered.
 */
export function parseDump(input: Uint8Array | string, options: ParseOptions = {}): ParsedDump[] {
  const maxBytes = options.maxInflatedBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (input.length > maxBytes) {
    throw new ResponseTooLargeError(`an input of ${input.length} bytes, past the ${capText(maxBytes)} cap; raise it with --max-bytes if the dump is really that large`);
  }
  if (typeof input !== 'string' && isGzip(input)) {
    const inflated = gunzip(input, maxBytes);
    if (isGzip(inflated)) throw new NotADumpError('gzip data inside gzip data; expected one gzipped pprof profile');
    const dumps = parseDump(inflated, options);
    // Profiles come gzipped from Go; a gzipped text dump is somebody's archive: say it was unpacked.
    if (dumps[0] && dumps[0].format !== 'pprof-proto') {
      dumps[0].warnings.unshift({ line: null, message: 'repaired: the input was gzip-compressed text; read it inflated' });
    }
    return dumps;
  }
  const bytes = typeof input === 'string' ? null : input;
  const head = headText(input, HEAD_BYTES);
  const format = detectFormat(bytes ?? new TextEncoder().encode(head.slice(0, 16)), head);
  switch (format) {
    case 'pprof-proto':
      if (!bytes) throw new NotADumpError('a pprof protobuf must be given as bytes, not text');
      return [parsePprofProto(bytes)];
    case 'expvar':
      return [parseExpvar(textOf(input))];
    case 'prometheus':
      return [parsePrometheus(textOf(input))];
    case 'debug1':
      return runLines(input, new Debug1Parser());
    case 'traceback':
      return parseTraceback(input);
  }
}

function parseTraceback(input: Uint8Array | string): ParsedDump[] {
  const repair = learnRepair(headLines(input, 256 << 10, HEAD_LINES));
  const parser = new TracebackParser();
  let joiner: WrapJoiner | null = null;
  if (repair.isReversed) {
    // Reversed pastes come from log viewers and are small; they have to be held to be turned round.
    const lines: { text: string; line: number }[] = [];
    forEachLine(input, (text, line) => lines.push({ text: repair.fix(text), line }));
    for (let i = lines.length - 1; i >= 0; i--) parser.push(lines[i]!.text, lines[i]!.line);
  } else if (repair.wrapWidth !== null) {
    joiner = new WrapJoiner(repair.wrapWidth, (text, line) => parser.push(text, line));
    const join = joiner;
    forEachLine(input, (text, line) => join.push(repair.fix(text), line));
    join.end();
  } else if (repair.rewritesLines) {
    forEachLine(input, (text, line) => parser.push(repair.fix(text), line));
  } else {
    // A clean dump (nearly every one): lines go to the parser as spans, sliced only where needed.
    forEachLineSpan(input, parser);
  }
  const dumps = parser.end();
  const dump = dumps[0]!;
  dump.warnings.unshift(...repair.report());
  // A dump pasted from a log is dated by its log prefix: files of one log then order and time themselves.
  dump.takenAtMs ??= repair.prefixTimeMs;
  if (joiner && joiner.joined > 0) {
    dump.warnings.unshift({
      line: null,
      message: `repaired: joined ${joiner.joined} line(s) a terminal had hard-wrapped at ${repair.wrapWidth} columns`,
    });
  }
  const size = typeof input === 'string' ? input.length : input.length;
  if (size >= GO_DEBUG2_CAP_BYTES) {
    dump.warnings.push({
      line: null,
      message: `the dump is ${size} bytes, at or over Go's 64 MiB debug=2 cap: the runtime cut it, so goroutines after the cut are missing`,
    });
  }
  if (dump.samples.length === 0 && dump.threadStacks === 0) {
    const why = dump.warnings.find((w) => w.line !== null)?.message;
    throw new NotADumpError(`a goroutine dump with no readable goroutine${why ? ` (${why})` : ''}`);
  }
  return dumps;
}

function runLines(input: Uint8Array | string, parser: LineParser): ParsedDump[] {
  forEachLine(input, (text, line) => parser.push(text, line));
  const dumps = parser.end();
  // A profile header that detection saw but whose profile could not be read (mangled paste): refused,
  // never an empty result.
  if (dumps.length === 0) throw new NotADumpError('a goroutine profile header with no readable profile after it');
  return dumps;
}

function textOf(input: Uint8Array | string): string {
  return typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
}
