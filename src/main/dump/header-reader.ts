import type { GoroutineInfo } from './types.js';
import { type Header, type HeaderStatus, parseHeader, parseStatus } from './traceback-header.js';

/** Bounds each cache: a crafted dump of distinct headers must not grow it without limit. */
const CACHE_LIMIT = 100_000;
/** Distinct statuses compared before the status cache is asked: dumps cycle through a handful. */
const HOT_STATUSES = 8;
const GOROUTINE = 'goroutine ';

/**
 * Reads goroutine headers for the traceback parser, which meets one per goroutine: the plain form
 * on a fast path, every status and every labelled header text parsed once (parseHeader does the
 * parsing; this only decides what can be reused).
 */
export class HeaderReader {
  private readonly hotStatuses: { text: string; status: HeaderStatus }[] = [];
  private nextHotStatus = 0;
  private readonly statusCache = new Map<string, HeaderStatus>();
  // Labelled headers (Go ≥ 1.27) by their text after the id: one parse and one labels object per set.
  private readonly labelledCache = new Map<string, Header | null>();
  // parseHeader's status reader, for the rare headers `other` reads. Not called on the plain path:
  // this closure is new per reader, and optimised code that inlined one reader's closure would be
  // thrown away with that reader (statusAt calls the method, one function for every reader).
  private readonly statusOf = (status: string): HeaderStatus => this.cachedStatus(status);

  /**
   * `goroutine 9 [chan send]:` as chunk[start, end) → the goroutine's info (id digit by digit, the
   * status compared with the latest ones seen). Null for any other form (labels, `gp=`, text around
   * it): `other` reads those.
   */
  plain(chunk: string, start: number, end: number): GoroutineInfo | null {
    const idEnd = plainIdEnd(chunk, start, end);
    if (idEnd < 0 || chunk.charCodeAt(end - 1) !== 58 /* : */ || chunk.charCodeAt(end - 2) !== 93 /* ] */) return null;
    const id = digitsValue(chunk, start + GOROUTINE.length, idEnd);
    if (!Number.isSafeInteger(id)) return null;
    const st = this.statusAt(chunk, idEnd + 2, end - 2);
    return {
      id, state: st.state, waitMinutes: st.waitMinutes, isLocked: st.isLocked, isLeaked: st.isLeaked,
      createdBy: null, createdByGoroutine: null, hasElidedFrames: false,
    };
  }

  /**
   * Headers other than the plain form: `goroutine 9 [chan send] {route: "GET /x"}:` from a cache
   * keyed by the text after the id (one parse and one labels object per set); any other through
   * parseHeader. Null when the line is no header.
   */
  other(text: string): Header | null {
    const idEnd = plainIdEnd(text, 0, text.length);
    if (idEnd < 0 || !text.endsWith('}:')) return parseHeader(text, this.statusOf);
    const id = digitsValue(text, GOROUTINE.length, idEnd);
    if (!Number.isSafeInteger(id)) return parseHeader(text, this.statusOf);
    const rest = text.slice(idEnd);
    let parsed = this.labelledCache.get(rest);
    if (parsed === undefined) {
      parsed = parseHeader(`goroutine 0${rest}`, this.statusOf);
      if (this.labelledCache.size < CACHE_LIMIT) this.labelledCache.set(rest, parsed);
    }
    return parsed === null ? null : { ...parsed, id };
  }

  private cachedStatus(status: string): HeaderStatus {
    let parsed = this.statusCache.get(status);
    if (parsed === undefined) {
      parsed = parseStatus(status);
      if (this.statusCache.size < CACHE_LIMIT) this.statusCache.set(status, parsed);
    }
    return parsed;
  }

  /** The status printed in chunk[start, end) (`chan receive, 5 minutes`), parsed once per distinct text. */
  private statusAt(chunk: string, start: number, end: number): HeaderStatus {
    const text = chunk.slice(start, end);
    // Equal strings compare with memcmp; a Map lookup would hash the new string first.
    for (const hot of this.hotStatuses) if (hot.text === text) return hot.status;
    const status = this.cachedStatus(text);
    this.hotStatuses[this.nextHotStatus] = { text, status };
    this.nextHotStatus = (this.nextHotStatus + 1) % HOT_STATUSES;
    return status;
  }
}

/**
 * `goroutine 9 […`: the index of the ` [` after the id, or -1. Decimal digits only, as parseHeader
 * reads them; any other shape (`gp=`, `0x1f`, leading text) is parseHeader's.
 */
function plainIdEnd(chunk: string, start: number, end: number): number {
  // A first-character test and a sliced comparison: cheaper here than startsWith at an offset.
  if (chunk.charCodeAt(start) !== 103 /* g */ || chunk.slice(start, start + GOROUTINE.length) !== GOROUTINE) return -1;
  let i = start + GOROUTINE.length;
  for (let c = chunk.charCodeAt(i); i < end && c >= 48 && c <= 57; c = chunk.charCodeAt(++i));
  const digits = i - start - GOROUTINE.length;
  return digits > 0 && digits <= 16 && i + 1 < end && chunk.charCodeAt(i) === 32 && chunk.charCodeAt(i + 1) === 91 ? i : -1;
}

/** The decimal number chunk[start, end), digit by digit (past 2^53 it is not a safe integer, and callers refuse it). */
function digitsValue(chunk: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (chunk.charCodeAt(i) - 48);
  return n;
}
