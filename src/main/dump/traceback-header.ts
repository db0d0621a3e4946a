import type { LabelSet } from '../../shared/model.js';
import { unquoteGo } from './go-quote.js';

/**
 * The goroutine header of every traceback form (debug=2, panics, SIGQUIT, `runtime.Stack`), as Go
 * 1.27's `runtime.goroutineheader` prints it:
 *
 *   goroutine <id>[ gp=<p> m=<id|nil>[ mp=<p>]] [<status>[ (leaked)][ (scan)][ (durable)]
 *     [, <N> minutes][, locked to thread][, synctest bubble <N>]][ {<k>: <v>, …}]:
 *
 * Older Go prints a subset of it. Labels (Go ≥ 1.27, GODEBUG tracebacklabels=1, the default for
 * modules declaring `go 1.27`) come sorted by key; a key or value is bare when made of letters,
 * digits, `.`, `/`, `_` (the empty string included), else Go-quoted by `runtime.printquoted`.
 */

export interface HeaderStatus {
  /** The wait reason or status without decorations: `chan send`, `sync.Mutex.Lock`, `running`. */
  state: string;
  waitMinutes: number;
  isLocked: boolean;
  /** `(leaked)`: the runtime's goroutine leak detector proved it (Go ≥ 1.26). */
  isLeaked: boolean;
  /** `(scan)`: the GC was scanning the stack when it was printed. */
  isScan: boolean;
  /** `(durable)`: idle in a synctest bubble (printed as a decoration or as part of the wait reason). */
  isDurable: boolean;
  /** `, synctest bubble N` (Go ≥ 1.25). */
  syncTestBubble: number | null;
}

export interface Header extends HeaderStatus {
  id: number;
  /** pprof labels from ` {k: v, …}`; null when the header has none. */
  labels: LabelSet | null;
}

const DECORATIONS: readonly [string, 'isLeaked' | 'isScan' | 'isDurable'][] = [
  [' (leaked)', 'isLeaked'],
  [' (scan)', 'isScan'],
  [' (durable)', 'isDurable'],
];

/**
 * `goroutine 19 [chan send (leaked)] {route: "GET /x", tenant: acme}:` → id 19, state `chan send`,
 * leaked, labels { route: 'GET /x', tenant: 'acme' }. Null for any other line. `statusOf` lets a
 * caller cache the status part, which dumps repeat thousands of times.
 */
export function parseHeader(text: string, statusOf: (status: string) => HeaderStatus = parseStatus): Header | null {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (!text.startsWith('goroutine ', i)) return null;
  i += 10;
  const idEnd = skipDigits(text, i);
  if (idEnd === i) return null;
  const id = Number(text.slice(i, idEnd));
  if (!Number.isSafeInteger(id)) return null;
  i = skipSystemFields(text, idEnd);
  if (i < 0 || !text.startsWith(' [', i)) return null;
  // Wait reasons never hold `]`; label values may, so the status ends at the first one.
  const close = text.indexOf(']', i + 2);
  if (close < 0) return null;
  const status = text.slice(i + 2, close);
  i = close + 1;
  let labels: LabelSet | null = null;
  if (text.startsWith(' {', i)) {
    const list = parseLabelList(text, i + 2);
    if (list === null) return null;
    labels = list.labels;
    i = list.end;
  }
  if (text.charCodeAt(i) !== 58 /* : */) return null;
  for (let j = i + 1; j < text.length; j++) if (!isSpace(text.charCodeAt(j))) return null;
  return { id, ...statusOf(status), labels };
}

/** `chan send (leaked), 2 minutes, locked to thread` → the parts of a header's status. */
export function parseStatus(status: string): HeaderStatus {
  const parts = status.split(', ');
  const out: HeaderStatus = {
    state: parts[0]!,
    waitMinutes: 0,
    isLocked: false,
    isLeaked: false,
    isScan: false,
    isDurable: false,
    syncTestBubble: null,
  };
  // Decorations follow the wait reason in a fixed order; strip them from the end.
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const [suffix, flag] of DECORATIONS) {
      if (out.state.endsWith(suffix) && out.state.length > suffix.length) {
        out.state = out.state.slice(0, -suffix.length);
        out[flag] = true;
        stripped = true;
      }
    }
  }
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p]!;
    if (part === 'locked to thread') out.isLocked = true;
    else if (part.endsWith(' minutes')) out.waitMinutes = Number(part.slice(0, -' minutes'.length)) || 0;
    else if (part.startsWith('synctest bubble ')) out.syncTestBubble = Number(part.slice('synctest bubble '.length)) || null;
  }
  return out;
}

/**
 * `route: "GET /x", tenant: acme}` (from just after ` {`) → the labels and the index after `}`.
 * Null when the list is malformed (an unterminated quote, a missing `: ` or `}`).
 */
export function parseLabelList(text: string, start: number): { labels: LabelSet; end: number } | null {
  // Entries, then fromEntries: a key such as `__proto__` stays a label instead of a prototype.
  const entries: [string, string][] = [];
  let i = start;
  for (;;) {
    const key = readToken(text, i);
    if (key === null || !text.startsWith(': ', key.end)) return null;
    const value = readToken(text, key.end + 2);
    if (value === null) return null;
    entries.push([key.value, value.value]);
    i = value.end;
    if (text.charCodeAt(i) === 125 /* } */) return { labels: Object.fromEntries(entries), end: i + 1 };
    if (!text.startsWith(', ', i)) return null;
    i += 2;
  }
}

/** A bare `[A-Za-z0-9./_]*` token or a Go-quoted string at `start`. */
function readToken(text: string, start: number): { value: string; end: number } | null {
  if (text.charCodeAt(start) === 34 /* " */) return unquoteGo(text, start);
  let i = start;
  while (i < text.length && isBareChar(text.charCodeAt(i))) i++;
  return { value: text.slice(start, i), end: i };
}

/** ` gp=0xc000682fc0 m=nil`, ` gp=0x1400 m=4 mp=0x1400` (Go ≥ 1.22 at GOTRACEBACK=system or a throw). */
function skipSystemFields(text: string, start: number): number {
  if (!text.startsWith(' gp=0x', start)) return start;
  let i = skipHex(text, start + 6);
  if (!text.startsWith(' m=', i)) return -1;
  i += 3;
  if (text.startsWith('nil', i)) return i + 3;
  const mEnd = skipDigits(text, i);
  if (mEnd === i) return -1;
  i = mEnd;
  if (text.startsWith(' mp=0x', i)) i = skipHex(text, i + 6);
  return i;
}

function skipDigits(text: string, i: number): number {
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return i;
}

function skipHex(text: string, i: number): number {
  while (i < text.length && /[0-9a-f]/.test(text[i]!)) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 11 || c === 12;
}

function isBareChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 47 || c === 95;
}
