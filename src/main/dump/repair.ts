import type { ParseWarning } from '../../shared/model.js';
import { TRACEBACK_HEADER_ANYWHERE } from './detect.js';
import { parseFileLine, parseFuncLine, parseHeader } from './line-shapes.js';
import { clip } from './clip.js';
import { learnBlockquote, learnWrapWidth } from './paste-shapes.js';

/**
 * How a pasted traceback was mangled on its way to us, learnt from its first lines, and how to undo
 * it line by line. Each repair is reported as a warning; nothing is repaired silently.
 */
export interface Repair {
  /** Undoes prefixes and quoting for one line. */
  fix(text: string): string;
  /** False when `fix` returns every line unchanged (a clean dump): the caller may skip it. */
  rewritesLines: boolean;
  /** Lines came newest first (log viewers): the caller must feed them in reverse. */
  isReversed: boolean;
  /** The time in the log prefix of the first goroutine header (a dated prefix only), ms since the epoch. */
  prefixTimeMs: number | null;
  /** A terminal hard-wrapped lines at this many columns: the caller joins them (WrapJoiner). */
  wrapWidth: number | null;
  /** Warnings describing what was repaired, with how many lines it touched. */
  report(): ParseWarning[];
}

const NO_REPAIR: Repair = { fix: (t) => t, rewritesLines: false, isReversed: false, prefixTimeMs: null, wrapWidth: null, report: () => [] };

/**
 * Longest text before a header that may be a log prefix. Real ones (journald, syslog, logrus, k8s
 * collectors) are under 100 characters; a 30,000-character "prefix" made a regular expression V8
 * refuses to compile (issue #11). Longer text before the header is not a prefix: it is left alone.
 */
export const MAX_PREFIX_CHARS = 512;

/** Learns the mangling from `head` (the first few hundred lines). Returns an identity repair for clean dumps. */
export function learnRepair(head: string[]): Repair {
  // A markdown blockquote (`> ` on every line) is peeled first; the rest is learnt from what it quoted.
  const blockquote = learnBlockquote(head);
  if (blockquote) {
    const inner = learnLinePrefixes(head.map(blockquote.strip));
    blockquote.resetCount();
    return {
      fix: (text) => inner.fix(blockquote.strip(text)),
      rewritesLines: true,
      isReversed: inner.isReversed,
      prefixTimeMs: inner.prefixTimeMs,
      wrapWidth: inner.wrapWidth,
      report: () => [repaired(blockquote.note()), ...inner.report()],
    };
  }
  return learnLinePrefixes(head);
}

function learnLinePrefixes(head: string[]): Repair {
  const firstHeader = head.findIndex((l) => TRACEBACK_HEADER_ANYWHERE.test(l));
  if (firstHeader < 0) return NO_REPAIR;
  const headerLine = head[firstHeader]!;
  const rawPrefix = headerLine.slice(0, headerLine.search(TRACEBACK_HEADER_ANYWHERE));
  // Quoted by a log collector (`msg="…"`) or as JSON/JS string lines (`"…",`, `'…',`).
  const quote = rawPrefix.trimEnd().slice(-1);
  const closing = quote === '"' || quote === "'" ? new RegExp(`${quote},?\\s*$`) : null;
  const isQuoted = closing !== null && closing.test(headerLine);
  const prefixText = isQuoted ? rawPrefix.trimEnd().slice(0, -1) : rawPrefix;
  const isPrefixSized = prefixText.trim().length >= 3 && prefixText.length <= MAX_PREFIX_CHARS;
  const prefix = isPrefixSized ? shapeOf(prefixText, isQuoted) : null;

  let prefixedLines = 0;
  let unquotedLines = 0;
  const fix = (text: string): string => {
    let out = text;
    if (prefix) {
      const m = prefix.exec(out);
      if (m) {
        out = out.slice(m[0].length);
        prefixedLines++;
      }
    } else if (isQuoted) {
      const q = out.indexOf(quote);
      if (q >= 0 && out.slice(0, q).trim().length === 0) out = out.slice(q + 1);
    }
    const close = isQuoted && closing ? closing.exec(out) : null;
    if (close) {
      out = unescape(out.slice(0, close.index));
      unquotedLines++;
    }
    return out;
  };
  // Reversed pastes end with their first header: judge the order on every line of the head.
  const isReversed = looksReversed(head.map(fix));
  const notes = describeLayout(head.slice(firstHeader).map(fix));
  const wrapWidth = isReversed ? null : learnWrapWidth(head.slice(firstHeader).map(fix));
  prefixedLines = 0;
  unquotedLines = 0;
  return {
    fix,
    rewritesLines: prefix !== null || isQuoted,
    isReversed,
    prefixTimeMs: prefix ? timeOfPrefix(prefixText) : null,
    wrapWidth,
    report(): ParseWarning[] {
      const out: ParseWarning[] = [];
      if (prefix && prefixedLines > 0) {
        out.push(repaired(`removed the log prefix "${clip(prefixText.trim(), 80)}" (and its kin) from ${prefixedLines} lines`));
      }
      if (isQuoted && unquotedLines > 0) {
        out.push(repaired(`unwrapped ${unquotedLines} quoted lines and their escapes (\\t, \\")`));
      }
      if (isReversed) out.push(repaired('lines were in reverse order (newest first); read them bottom-up'));
      for (const note of notes) out.push(repaired(note));
      return out;
    },
  };
}

// `2016-02-23 23:44:02 +0000`, `2024-05-01T10:00:00.123Z`, Go's log `2009/11/10 23:00:00`: a date with
// the year. Syslog's `Nov 23 06:03:13` has none, so it gives no time.
const DATED = /(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?/;

/**
 * `2016-02-23 23:44:02 +0000 [warn]: ` → 1456271042000. A time without a zone is read as UTC: wrong by the
 * zone's offset, but every dump of one log is wrong alike, so the times between them hold.
 */
export function timeOfPrefix(prefix: string): number | null {
  const m = DATED.exec(prefix);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  if (Number.isNaN(ms)) return null;
  if (!zone || zone === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

function repaired(message: string): ParseWarning {
  return { line: null, message: `repaired: ${message}` };
}

/**
 * `Nov 23 06:03:13 host kube-controller-manager: ` → a regexp that matches that prefix with any
 * digits and any run of white space: the shape of a syslog/journald/logrus/collector prefix.
 */
function shapeOf(prefix: string, isQuoted: boolean): RegExp {
  let source = '^';
  const parts = prefix.match(/\d+|\s+|[^\d\s]+/g) ?? [];
  for (const part of parts) {
    if (/^\d/.test(part)) source += '\\d+';
    else if (/^\s/.test(part)) source += '\\s+';
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  // Tabs of the dump itself may follow the prefix: keep them out of the prefix.
  if (source.endsWith('\\s+')) source = `${source.slice(0, -3)}[ ]?`;
  if (isQuoted) source += '["\']';
  return new RegExp(source);
}

/** `\t/src/x.go:1 +0x2` from `\\t/src/x.go:1 +0x2`, as a log collector or JSON escaped it. */
function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|[\\"'\/tnr])/g, (_, c: string) =>
    c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : c,
  );
}

/**
 * In Go's order a header is followed by its top frame's function line. Pasted newest-first, a header
 * is preceded by a function line and followed by something else.
 */
function looksReversed(lines: string[]): boolean {
  const content = lines.filter((l) => l.trim().length > 0);
  let forward = 0;
  let backward = 0;
  for (let i = 0; i < content.length; i++) {
    if (!parseHeader(content[i]!)) continue;
    const next = content[i + 1];
    const prev = content[i - 1];
    const isNextFunc = next !== undefined && parseFuncLine(next) !== null;
    if (isNextFunc) forward++;
    else if (prev !== undefined && parseFuncLine(prev) !== null) backward++;
  }
  return backward > forward;
}

/** Notes on indentation and spacing that the parser reads through, so users know what it saw. */
function describeLayout(lines: string[]): string[] {
  const notes: string[] = [];
  let spaces4 = 0;
  let spaces8 = 0;
  let bare = 0;
  let fileLines = 0;
  for (const l of lines) {
    if (parseFileLine(l) === null) continue;
    fileLines++;
    if (l.startsWith('\t')) continue;
    if (l.startsWith('        ')) spaces8++;
    else if (l.startsWith('    ')) spaces4++;
    else if (!/^\s/.test(l)) bare++;
  }
  if (fileLines > 0 && spaces8 > fileLines / 2) notes.push('file lines indented with 8 spaces instead of a tab');
  else if (fileLines > 0 && spaces4 > fileLines / 2) notes.push('file lines indented with 4 spaces instead of a tab');
  if (fileLines > 0 && bare > fileLines / 2) notes.push('file lines had lost their leading tab');
  let blankAfter = 0;
  let nonBlank = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i]!.trim().length === 0) continue;
    nonBlank++;
    if (lines[i + 1]!.trim().length === 0) blankAfter++;
  }
  if (nonBlank >= 6 && blankAfter > nonBlank * 0.9) notes.push('every line was followed by an empty line (double-spaced paste)');
  return notes;
}
