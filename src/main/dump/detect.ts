import type { DumpFormat } from '../../shared/model.js';
import { NotADumpError } from '../../shared/errors.js';
import { isGzip } from './gzip.js';
import { clip } from './clip.js';

// Anywhere in a line, so that log prefixes and quotes around a dump do not hide it. Go ≥ 1.27 prints
// labels between the status and the colon: `goroutine 19 [chan send] {route: "GET /x"}:`.
export const TRACEBACK_HEADER_ANYWHERE = /goroutine \d+ (?:gp=0x[0-9a-f]+ m=(?:\d+|nil)(?: mp=0x[0-9a-f]+)? )?\[[^\]]*\](?: \{.*\})?:/;
const DEBUG1_HEADER = /^\s*goroutine(?:leak)? profile: total \d+\s*$/m;
const PROMETHEUS_LINE = /^(?:# (?:HELP|TYPE) [a-zA-Z_:]|[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})? [-+0-9.eEInaf]+\s*$)/;

/**
 * Tells the format from the content, never the file name. `head` is the start of the input decoded as
 * UTF-8 (up to 1 MiB). Throws NotADumpError naming what was seen: an empty input, an HTML page, JSON
 * that is not expvar is left to the expvar parser, binary junk, or text without any goroutine header.
 */
export function detectFormat(bytes: Uint8Array, head: string): DumpFormat {
  if (isGzip(bytes)) return 'pprof-proto';
  if (head.trim().length === 0) {
    throw new NotADumpError(
      bytes.length === 0 ? 'an empty input; expected a goroutine dump or profile' : 'only white space; expected a goroutine dump or profile',
    );
  }
  // Binary: only a protobuf decode can tell an uncompressed profile (Go writes fields in no fixed
  // order) from junk; parsePprofProto refuses junk with binaryDataError.
  if (looksBinary(head)) return 'pprof-proto';
  const start = head.trimStart();
  if (/^<(!doctype html|html|head|body)/i.test(start) || /<html[\s>]/i.test(head.slice(0, 4096))) {
    const title = /<title>([^<]*)<\/title>/i.exec(head)?.[1]?.trim();
    throw new NotADumpError(
      `an HTML page${title ? ` ("${clip(title, 60)}")` : ''}, not a goroutine dump; a pprof index page links the dumps: use .../debug/pprof/goroutine?debug=2`,
    );
  }
  // A JSON array holding a traceback is a dump pasted as string lines (`"goroutine 1 [running]:",`).
  if (start.startsWith('[') && TRACEBACK_HEADER_ANYWHERE.test(head)) return 'traceback';
  if (start.startsWith('{') || start.startsWith('[')) return 'expvar';
  const debug1 = DEBUG1_HEADER.exec(head);
  const traceback = TRACEBACK_HEADER_ANYWHERE.exec(head);
  if (debug1 && (!traceback || debug1.index < traceback.index)) return 'debug1';
  if (traceback) return 'traceback';
  const firstLine = start.split('\n', 1)[0] ?? '';
  if (PROMETHEUS_LINE.test(firstLine)) return 'prometheus';
  throw new NotADumpError(
    `text with no goroutine header ("goroutine 1 [running]:") and no profile header ("goroutine profile: total N"); it starts "${clip(firstLine.trim(), 80)}"`,
  );
}

/**
 * Binary when over 5% of the first 4 KiB is NUL, invalid UTF-8 (decoded as U+FFFD) or control
 * characters other than white space: judged by share, not presence, because a real dump may carry a
 * stray NUL or a mangled byte from a log pipeline (issue #11), while a protobuf is full of them.
 */
function looksBinary(head: string): boolean {
  const sample = head.slice(0, 4096);
  let suspicious = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27 && c !== 28)) suspicious++;
  }
  return suspicious > sample.length / 20;
}

/** The refusal for binary input that is neither gzip nor a pprof protobuf. */
export function binaryDataError(bytes: Uint8Array, cause?: unknown): NotADumpError {
  return new NotADumpError(`binary data (${bytes.length} bytes, starting ${hexStart(bytes)}), not a goroutine dump or pprof profile`, { cause });
}

function hexStart(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
