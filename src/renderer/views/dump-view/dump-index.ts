/**
 * Where each goroutine (debug=2 / crash dumps) or record (debug=1) sits in a dump's text, found in
 * one pass without splitting the text into lines: the dump view folds, highlights and jumps with it.
 * Lines are 1-based and inclusive, as Monaco counts them.
 */

export interface DumpSpan {
  /** The goroutine id of a traceback header; null for a debug=1 record. */
  id: number | null;
  startLine: number;
  endLine: number;
}

export interface DumpIndex {
  spans: DumpSpan[];
  /** Goroutine id → index into `spans`. */
  byId: Map<number, number>;
  lineCount: number;
}

export interface LineRange {
  startLine: number;
  endLine: number;
}

/**
 * `goroutine 7 [chan receive]:` → 7; `goroutine 18 gp=0xc000007a40 m=nil [select, 2 minutes]:` (Go ≥ 1.23
 * with GODEBUG tracebackancestors) → 18; a log prefix before `goroutine` is allowed (pasted logs).
 */
export const HEADER = /goroutine (\d+)(?: [^[\n]*)? \[[^\]\n]*\]:?/;

/** `1 @ 0x43a0c6 0x4067ed 0x46e1a1` → a debug=1 record of one goroutine. */
export const RECORD = /^\d+ @( 0x[0-9a-f]+)+\s*$/;

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Indexes a dump's text: every goroutine and debug=1 record, ended by a blank line or the next one. */
export function indexDump(text: string): DumpIndex {
  const spans: DumpSpan[] = [];
  const byId = new Map<number, number>();
  let open: DumpSpan | null = null;
  let lastContentLine = 0;
  let line = 0;
  let pos = 0;
  // Next occurrence of "goroutine " at or after pos: searched again only once passed, so O(length).
  let nextWord = text.indexOf('goroutine ');
  const close = (): void => {
    if (open !== null) {
      open.endLine = Math.max(open.startLine, lastContentLine);
      spans.push(open);
      if (open.id !== null && !byId.has(open.id)) byId.set(open.id, spans.length - 1);
      open = null;
    }
  };
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    line++;
    if (isBlank(text, pos, end)) {
      close();
    } else {
      if (nextWord !== -1 && nextWord < pos) nextWord = text.indexOf('goroutine ', pos);
      let header: RegExpExecArray | null = null;
      if (nextWord !== -1 && nextWord < end) header = HEADER.exec(text.slice(pos, end));
      if (header !== null && !text.startsWith('goroutine profile:', nextWord)) {
        close();
        open = { id: Number(header[1]), startLine: line, endLine: line };
      } else if (text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57 && RECORD.test(text.slice(pos, end))) {
        close();
        open = { id: null, startLine: line, endLine: line };
      }
      lastContentLine = line;
    }
    if (end === text.length) break;
    pos = end + 1;
  }
  close();
  return { spans, byId, lineCount: line };
}

/**
 * The line ranges of the given goroutines, in text order, neighbours merged (separated by at most one
 * blank line), so 50,000 adjacent goroutines become one highlighted range. Unknown ids are skipped.
 */
export function rangesOfIds(index: DumpIndex, ids: readonly number[]): LineRange[] {
  const found: DumpSpan[] = [];
  for (const id of ids) {
    const at = index.byId.get(id);
    if (at !== undefined) found.push(index.spans[at]!);
  }
  return rangesOfSpans(found.sort((a, b) => a.startLine - b.startLine));
}

/** Spans in text order → line ranges, neighbours (at most one blank line apart) merged. */
export function rangesOfSpans(spans: readonly DumpSpan[]): LineRange[] {
  const out: LineRange[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.startLine <= last.endLine + 2) last.endLine = Math.max(last.endLine, s.endLine);
    else out.push({ startLine: s.startLine, endLine: s.endLine });
  }
  return out;
}

/** The header lines of the given goroutines in text order: the stops of "next / previous goroutine". */
export function headerLinesOfIds(index: DumpIndex, ids: readonly number[]): number[] {
  const lines: number[] = [];
  for (const id of ids) {
    const at = index.byId.get(id);
    if (at !== undefined) lines.push(index.spans[at]!.startLine);
  }
  return lines.sort((a, b) => a - b);
}

/** The span containing a line (binary search), or null between spans. */
export function spanAtLine(index: DumpIndex, line: number): DumpSpan | null {
  const at = spanIndexAtLine(index, line);
  return at === -1 ? null : index.spans[at]!;
}

/** The index in `spans` of the span containing a line (binary search), or -1 between spans. */
export function spanIndexAtLine(index: DumpIndex, line: number): number {
  let lo = 0;
  let hi = index.spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = index.spans[mid]!;
    if (line < s.startLine) hi = mid - 1;
    else if (line > s.endLine) lo = mid + 1;
    else return mid;
  }
  return -1;
}
