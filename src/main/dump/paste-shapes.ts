import { TRACEBACK_HEADER_ANYWHERE } from './detect.js';
import {
  isElidedFramesLine,
  parseAncestorHeader,
  parseCreatedBy,
  parseFileLine,
  parseFuncLine,
  parseHeader,
} from './line-shapes.js';

/**
 * Two shapes pasted dumps take on their way through chat and issue trackers, learnt from the first
 * lines: a markdown blockquote, and a terminal's hard wrap at a fixed width.
 */

// `> `, `  > ` (under a list item), `> > ` (nested), `>` alone on a blank line.
const QUOTE_MARKS = /^[ \t]*(?:>[ ]?)+/;

/** Strips markdown blockquote marks, counting the lines it changed. */
export class Blockquote {
  private stripped = 0;

  readonly strip = (text: string): string => {
    const m = QUOTE_MARKS.exec(text);
    if (!m) return text;
    this.stripped++;
    return text.slice(m[0].length);
  };

  /** Forget what learning from the head counted. */
  resetCount(): void {
    this.stripped = 0;
  }

  note(): string {
    return `removed markdown blockquote marks (">") from ${this.stripped} lines`;
  }
}

/** `> goroutine 1 [running]:` → a Blockquote when the first header is blockquoted; null otherwise. */
export function learnBlockquote(head: string[]): Blockquote | null {
  const headerLine = head.find((l) => TRACEBACK_HEADER_ANYWHERE.test(l));
  if (headerLine === undefined) return null;
  const prefix = headerLine.slice(0, headerLine.search(TRACEBACK_HEADER_ANYWHERE));
  return /^[ \t]*(?:>[ ]?)+$/.test(prefix) ? new Blockquote() : null;
}

/** A line the traceback grammar knows, whole: a wrapped piece of one is (almost always) not. */
export function isWholeTracebackLine(text: string): boolean {
  return (
    text.trim().length === 0 ||
    parseHeader(text) !== null ||
    parseFuncLine(text) !== null ||
    parseFileLine(text) !== null ||
    parseCreatedBy(text) !== null ||
    isElidedFramesLine(text) ||
    parseAncestorHeader(text) !== null
  );
}

/** Columns a line fills on a terminal: tabs advance to the next multiple of 8. */
export function displayWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) width = text.charCodeAt(i) === 9 ? (Math.floor(width / 8) + 1) * 8 : width + 1;
  return width;
}

/**
 * The width a terminal hard-wrapped the paste at, or null. Evidence: at least two lines fill exactly
 * the widest width (40 columns or more), none is wider, and at least one of them is followed by a
 * piece that only makes sense joined to it.
 */
export function learnWrapWidth(head: string[]): number | null {
  let widest = 0;
  let atWidest = 0;
  for (const l of head) {
    const w = displayWidth(l);
    if (w > widest) {
      widest = w;
      atWidest = 1;
    } else if (w === widest) atWidest++;
  }
  if (widest < 40 || atWidest < 2) return null;
  for (let i = 0; i + 1 < head.length; i++) {
    if (displayWidth(head[i]!) === widest && shouldJoin(head[i]!, head[i + 1]!)) return widest;
  }
  return null;
}

/**
 * A line cut at the wrap width continues on the next unless both read as whole lines, or the line is
 * whole and the next starts like a line of its own (a frame's function, a file path, `created by`).
 */
export function shouldJoin(line: string, next: string): boolean {
  if (next.trim().length === 0 || parseHeader(next) !== null) return false;
  if (!isWholeTracebackLine(line)) return true;
  return !isWholeTracebackLine(next) && !LINE_START.test(next);
}

// `main.worker(0x1, …`, `net/http.(*conn).serve(`, `\t/src/…`, `C:/…`, `created by …`, `goroutine 7 …`
const LINE_START = /^(?:\s*(?:goroutine \d|created by )|[\w.\/*()[\]-]+\(|\s*\/|\s*[A-Za-z]:[\/\\]|\t)/;

/**
 * Joins hard-wrapped lines before the parser sees them: a line exactly `width` columns wide is held
 * and joined to the next when `shouldJoin` says so. Joined lines keep the number of their first part.
 */
export class WrapJoiner {
  private held: { text: string; line: number } | null = null;
  joined = 0;

  constructor(
    private readonly width: number,
    private readonly emit: (text: string, line: number) => void,
  ) {}

  push(text: string, line: number): void {
    const held = this.held;
    this.held = null;
    if (held && shouldJoin(held.text, text)) {
      this.joined++;
      // Still cut only if this piece, too, filled the width.
      if (displayWidth(text) >= this.width) this.held = { text: held.text + text, line: held.line };
      else this.emit(held.text + text, held.line);
      return;
    }
    if (held) this.emit(held.text, held.line);
    if (displayWidth(text) >= this.width) this.held = { text, line };
    else this.emit(text, line);
  }

  end(): void {
    if (this.held) this.emit(this.held.text, this.held.line);
    this.held = null;
  }
}

// What Go itself prints around and between goroutines in crash output: registers (`rax    0xca`,
// `r0 0x0`), `PC=0x… m=0 sigcode=0`, `SIGQUIT: quit`, `[signal SIGSEGV: …]`, `panic: …`,
// `fatal error: …`, `runtime: …`, `[recovered]`, `exit status 2`, `-----`, stack memory words.
const GO_OUTPUT = [
  /^\s*[A-Za-z0-9]+\s+0x[0-9a-f]+\s*$/,
  /^\s*(?:PC=0x|SIG[A-Z0-9]+: |\[signal |panic: |fatal error: |runtime: |exit status \d|unexpected (?:return|fault|signal)|stack: frame=|\[recovered\]|-{3,}|0x[0-9a-f]+: |\[originating from|goroutine |created by |\.\.\.)/,
];

/**
 * True for lines Go prints outside goroutine stacks (crash output): those are never reported. Any
 * other text inside a dump (a note somebody typed into a paste) is an annotation.
 */
export function isGoOutputLine(text: string): boolean {
  return GO_OUTPUT.some((re) => re.test(text));
}
