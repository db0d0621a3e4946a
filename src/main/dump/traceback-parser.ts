import type { Frame, LabelSet, ParseWarning } from '../../shared/model.js';
import { DumpParseError } from '../../shared/errors.js';
import type { GoroutineInfo, LineParser, ParsedDump, Sample } from './types.js';
import {
  type FileLine,
  isElidedFramesLine,
  isGarbledHeader,
  isStackUnavailableLine,
  parseAncestorHeader,
  parseCreatedBy,
  parseFileLine,
  parseFuncLine,
} from './line-shapes.js';
import { HeaderReader } from './header-reader.js';
import { FrameInterner } from './frame-interner.js';
import { type Call, type Site, type StackNode, StackTrie, createdByGoroutine, findCall, findCreator, findSite } from './stack-trie.js';
import { clip } from './clip.js';
import { isGoOutputLine } from './paste-shapes.js';
import { forEachLineSpan } from './lines.js';

type State =
  // Between goroutines. Expects: `goroutine 9 [chan send]:`. Everything else (panic messages, log
  // lines, `runtime stack:` frames, register blocks, `-----`) is skipped.
  // → 'func' on a header.
  | 'seek'
  // Inside a goroutine. Expects: `main.worker(0x1)`, `created by main.main`,
  // `...additional frames elided...`, `[originating from goroutine 21]:`,
  // `\tgoroutine running on other thread; stack unavailable`, or a blank line.
  // → 'file' after a function line, 'createdByFile' after `created by`, 'ancestor', 'seek' on other
  // text (which 'seek' then reads: it may be a garbled header or stray frames).
  | 'func'
  // Expects the file line of the function just read: `\t/src/app/main.go:84 +0x4c`. → 'func'.
  | 'file'
  // Expects the file line of `created by`: `\t/src/app/main.go:83 +0xdc`. → 'done'.
  | 'createdByFile'
  // The goroutine is complete. Expects a blank line, the next header or an ancestor section. → 'seek'.
  | 'done'
  // Frames of an ancestor goroutine (GODEBUG=tracebackancestors); read past, not part of the stack.
  // → 'func'-like exit on a header, 'seek' on other text.
  | 'ancestor';

/** Bounds each parse cache: a crafted dump of distinct lines must not grow it without limit. */
const CACHE_LIMIT = 100_000;

interface OpenGoroutine {
  info: GoroutineInfo;
  labels: LabelSet | null;
  /** `goroutine running on other thread; stack unavailable` was printed instead of its frames. */
  isStackUnavailable: boolean;
  /** Where its frames so far lead in the stack trie: the root before the first frame. */
  node: StackNode;
  headerLine: number;
  /** The function (or `created by`) line waiting for its file line, and where it was printed. */
  pendingCall: Call | null;
  pendingFuncLine: number;
  pendingChunk: string;
  pendingStart: number;
  pendingEnd: number;
}

/**
 * Goroutine tracebacks: `debug=2`, `runtime.Stack`, panics, `fatal error`, SIGQUIT (with `fp= sp= pc=`
 * and register blocks), `GOTRACEBACK=crash` (one `goroutine 0 [idle]` per OS thread, counted as thread
 * stacks, not goroutines). Lines are classified by content, not indentation, so stripped tabs and
 * space indentation read the same. A malformed goroutine yields a located warning and is dropped.
 */
export class TracebackParser implements LineParser {
  /** A parser kept for the life of the process, for the classes of its objects: see keepShapes. */
  static shapeKeeper: TracebackParser | null = null;
  private state: State = 'seek';
  private current: OpenGoroutine | null = null;
  private readonly samples: Sample[] = [];
  private readonly warnings: ParseWarning[] = [];
  // The hot path: every goroutine walks the stack trie, so a line seen before at the same place of
  // the same stack is compared with the few lines known there, never hashed nor parsed (stack-trie.ts).
  private readonly trie = new StackTrie();
  // Lines new to the trie are parsed. Frames are made once per (function, file, line) whatever `+0x`
  // offset printed them, and a file line's text is parsed once.
  private readonly frames = new FrameInterner();
  private readonly fileLineCache = new Map<string, FileLine | null>();
  private readonly headers = new HeaderReader();
  private threadStacks = 0;
  private skippedBefore = 0;
  private firstSkippedLine = 0;
  private lastSkippedLine = 0;
  private sawHeader = false;
  private isInRuntimeStack = false;
  private orphanFrames = 0;
  private unavailableStacks = 0;
  /** Typed notes inside the dump: confirmed once a header follows them (trailing text is not one). */
  private annotations = 0;
  private pendingAnnotations = 0;
  private firstAnnotationLine = 0;
  private firstPendingLine = 0;
  private firstOrphanLine = 0;
  /** A goroutine whose frame broke off: dropped if more input follows, kept if the input ends here. */
  private broken: { open: OpenGoroutine; line: number; message: string } | null = null;

  push(text: string, line: number): void {
    this.pushSpan(text, 0, text.length, line);
  }

  /** The line `chunk.slice(start, end)` (see forEachLineSpan): the parser slices it only if it must. */
  pushSpan(chunk: string, start: number, end: number, line: number): void {
    if (this.broken && line > this.broken.line) this.dropBroken();
    switch (this.state) {
      case 'seek':
        this.seek(chunk, start, end, line);
        return;
      case 'func':
        this.readFunc(chunk, start, end, line);
        return;
      case 'file':
        this.readFile(chunk, start, end, line, false);
        return;
      case 'createdByFile':
        this.readFile(chunk, start, end, line, true);
        return;
      case 'done':
      case 'ancestor':
        this.readAfterStack(chunk, start, end, line);
        return;
    }
  }

  end(): ParsedDump[] {
    if (this.broken) this.keepBroken();
    const open = this.current;
    if (open && (this.state === 'file' || this.state === 'createdByFile')) {
      this.warn(open.pendingFuncLine, `dump ends after "${pendingText(open).trim()}" without its file:line (truncated)`);
    }
    this.finish();
    this.flushSkipped();
    if (this.orphanFrames > 0) {
      this.warnings.push({
        line: this.firstOrphanLine,
        message: `line ${this.firstOrphanLine}: ${this.orphanFrames} stack line(s) outside any goroutine were skipped (interleaved or corrupted output?)`,
      });
    }
    if (this.annotations > 0) {
      this.warnings.push({
        line: null,
        message: `repaired: skipped ${this.annotations} line(s) of text between goroutines or before a first frame (notes or log lines; first at line ${this.firstAnnotationLine})`,
      });
    }
    if (this.unavailableStacks > 0) {
      this.warnings.push({
        line: null,
        message: `repaired: counted ${this.unavailableStacks} goroutine(s) printed as "running on other thread; stack unavailable" (no frames; grouped together, with their created by)`,
      });
    }
    // Repairs (no line) first, then in input order.
    this.warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return [
      {
        format: 'traceback',
        profile: null,
        declaredTotal: null,
        samples: this.samples,
        threadStacks: this.threadStacks,
        metrics: null,
        takenAtMs: null,
        warnings: this.warnings,
      },
    ];
  }

  /** `canAnnotate` is false for the line that broke a goroutine: it is reported as such already. */
  private seek(chunk: string, start: number, end: number, line: number, canAnnotate = true): void {
    if (this.tryPlainHeader(chunk, start, end, line)) return;
    const text = chunk.slice(start, end);
    if (this.tryHeader(text, line)) return;
    const trimmed = text.trim();
    if (trimmed.length === 0) {
      this.isInRuntimeStack = false;
      return;
    }
    if (!this.sawHeader) {
      if (this.skippedBefore === 0) this.firstSkippedLine = line;
      this.skippedBefore++;
      this.lastSkippedLine = line;
      return;
    }
    // `runtime stack:` (fatal errors) prints the system stack's frames outside any goroutine.
    if (trimmed === 'runtime stack:') {
      this.isInRuntimeStack = true;
      return;
    }
    if (isGarbledHeader(text)) {
      this.warn(line, `garbled goroutine header "${clip(trimmed)}" skipped (interleaved output?)`);
      return;
    }
    if (!this.isInRuntimeStack && isAncestorLine(text)) {
      if (this.orphanFrames === 0) this.firstOrphanLine = line;
      this.orphanFrames++;
      return;
    }
    if (isGoOutputLine(text)) {
      // Go's own crash text (`panic: …`) starts a new section: text before it was a log, not a note.
      this.pendingAnnotations = 0;
      return;
    }
    if (canAnnotate && !this.isInRuntimeStack) this.noteAnnotation(line, false);
  }

  /** A line typed into a pasted dump, between goroutines or between a header and its first frame. */
  private noteAnnotation(line: number, isConfirmed: boolean): void {
    if (isConfirmed) {
      if (this.annotations === 0) this.firstAnnotationLine = line;
      this.annotations++;
    } else {
      if (this.pendingAnnotations === 0) this.firstPendingLine = line;
      this.pendingAnnotations++;
    }
  }

  private fileLine(text: string): FileLine | null {
    let at = this.fileLineCache.get(text);
    if (at === undefined) {
      at = parseFileLine(text);
      if (this.fileLineCache.size < CACHE_LIMIT) this.fileLineCache.set(text, at);
    }
    return at;
  }

  /** `goroutine 9 [chan send]:`, the common form, read without slicing the line. */
  private tryPlainHeader(chunk: string, start: number, end: number, line: number): boolean {
    const info = this.headers.plain(chunk, start, end);
    if (info === null) return false;
    this.begin(info, null, line);
    return true;
  }

  private tryHeader(text: string, line: number): boolean {
    const header = this.headers.other(text);
    if (!header) return false;
    const info: GoroutineInfo = {
      id: header.id, state: header.state, waitMinutes: header.waitMinutes, isLocked: header.isLocked, isLeaked: header.isLeaked,
      createdBy: null, createdByGoroutine: null, hasElidedFrames: false,
    };
    this.begin(info, header.labels, line);
    return true;
  }

  /** A header was read: the goroutine before it is complete, this one starts at the root of the trie. */
  private begin(info: GoroutineInfo, labels: LabelSet | null, line: number): void {
    if (this.pendingAnnotations > 0) {
      if (this.annotations === 0) this.firstAnnotationLine = this.firstPendingLine;
      this.annotations += this.pendingAnnotations;
      this.pendingAnnotations = 0;
    }
    this.finish();
    this.flushSkipped();
    this.sawHeader = true;
    this.isInRuntimeStack = false;
    this.current = {
      info,
      labels,
      isStackUnavailable: false,
      node: this.trie.start(),
      headerLine: line,
      pendingCall: null,
      pendingFuncLine: 0,
      pendingChunk: '',
      pendingStart: 0,
      pendingEnd: 0,
    };
    this.state = 'func';
  }

  private readFunc(chunk: string, start: number, end: number, line: number): void {
    const open = this.current!;
    // The lines a goroutine of a known stack prints, in the order the general checks below try them.
    const known = findCall(open.node.calls, chunk, start, end);
    if (known !== null) {
      this.expectFileLine(open, known, chunk, start, end, line, 'file');
      return;
    }
    const creator = findCreator(open.node.creators, chunk, start, end);
    if (creator !== null) {
      open.info.createdByGoroutine = createdByGoroutine(creator, chunk, start, end);
      this.expectFileLine(open, creator, chunk, start, end, line, 'createdByFile');
      return;
    }
    if (start === end) return;
    if (this.tryPlainHeader(chunk, start, end, line)) return;
    const text = chunk.slice(start, end);
    const func = parseFuncLine(text);
    if (func !== null) {
      this.expectFileLine(open, this.trie.call(open.node, func), chunk, start, end, line, 'file');
      return;
    }
    if (isBlank(text)) return; // blank lines inside a goroutine: double-spaced pastes
    const createdBy = parseCreatedBy(text);
    if (createdBy) {
      open.info.createdByGoroutine = createdBy.goroutine;
      this.expectFileLine(open, this.trie.creator(open.node, createdBy.func), chunk, start, end, line, 'createdByFile');
      return;
    }
    if (isElidedFramesLine(text)) {
      open.info.hasElidedFrames = true;
      return;
    }
    if (parseAncestorHeader(text) !== null) {
      this.state = 'ancestor';
      return;
    }
    if (isStackUnavailableLine(text)) {
      open.isStackUnavailable = true;
      return;
    }
    if (this.tryHeader(text, line)) return;
    // A note typed between the header and the first frame: skip it, the frames follow.
    if (open.node.depth === 0 && !isGoOutputLine(text) && !isGarbledHeader(text)) {
      this.noteAnnotation(line, true);
      return;
    }
    // Text after the last frame ends the goroutine; it may be a garbled header or stray frames.
    this.finish();
    this.state = 'seek';
    this.seek(text, 0, text.length, line);
  }

  private expectFileLine(open: OpenGoroutine, call: Call, chunk: string, start: number, end: number, line: number, next: 'file' | 'createdByFile'): void {
    open.pendingCall = call;
    open.pendingFuncLine = line;
    open.pendingChunk = chunk;
    open.pendingStart = start;
    open.pendingEnd = end;
    this.state = next;
  }

  private readFile(chunk: string, start: number, end: number, line: number, isCreatedBy: boolean): void {
    const open = this.current!;
    const call = open.pendingCall!;
    const known = findSite(call.sites, chunk, start, end);
    if (known !== null) {
      this.attach(open, known, isCreatedBy);
      return;
    }
    if (start === end) return;
    const text = chunk.slice(start, end);
    if (isBlank(text)) return;
    const at = this.fileLine(text);
    if (at === null) {
      const what = isCreatedBy ? 'created by' : 'function';
      const message = `expected file:line after ${what} "${clip(pendingText(open).trim())}", got "${clip(text.trim())}"`;
      this.current = null;
      this.broken = { open, line, message };
      this.state = 'seek';
      this.seek(text, 0, text.length, line, false);
      return;
    }
    const frame = this.frames.intern(call.func, at.file, at.line);
    this.attach(open, this.trie.site(call, isCreatedBy ? null : open.node, text, frame), isCreatedBy);
  }

  private attach(open: OpenGoroutine, site: Site, isCreatedBy: boolean): void {
    open.pendingCall = null;
    open.pendingChunk = '';
    if (isCreatedBy) {
      open.info.createdBy = site.frame;
      this.state = 'done';
    } else {
      open.node = site.next!;
      this.state = 'func';
    }
  }

  private readAfterStack(chunk: string, start: number, end: number, line: number): void {
    if (start === end) return;
    if (this.tryPlainHeader(chunk, start, end, line)) return;
    const text = chunk.slice(start, end);
    if (isBlank(text)) return;
    if (this.tryHeader(text, line)) return;
    if (parseAncestorHeader(text) !== null) {
      this.state = 'ancestor';
      return;
    }
    if (this.state === 'ancestor' && isAncestorLine(text)) return;
    this.finish();
    this.state = 'seek';
    this.seek(text, 0, text.length, line);
  }

  private dropBroken(): void {
    const { open, line, message } = this.broken!;
    this.broken = null;
    this.warn(line, `${message}; goroutine ${open.info.id} dropped`);
  }

  /** The input ended on the broken line: the dump was cut there, so keep what the goroutine had. */
  private keepBroken(): void {
    const { open, line, message } = this.broken!;
    this.broken = null;
    this.warn(line, `${message} (input cut here); goroutine ${open.info.id} kept with ${open.node.depth} frame(s)`);
    const current = this.current;
    this.current = open;
    this.finish();
    this.current = current;
  }

  private finish(): void {
    const open = this.current;
    this.current = null;
    if (!open) return;
    // `goroutine 0` is an OS thread's scheduler stack (SIGQUIT, GOTRACEBACK=crash), not a goroutine.
    if (open.info.id === 0) {
      this.threadStacks++;
      return;
    }
    if (open.node.depth === 0 && open.isStackUnavailable) {
      // Still a goroutine (crash dumps print this for one running elsewhere): count it with its creator.
      this.samples.push({ count: 1, frames: STACK_UNAVAILABLE, labels: open.labels, goroutine: open.info });
      this.unavailableStacks++;
      return;
    }
    if (open.node.depth === 0) {
      this.warn(open.headerLine, `goroutine ${open.info.id} has no frames (stack unavailable or cut off); not counted`);
      return;
    }
    this.samples.push({ count: 1, frames: this.trie.stackOf(open.node), labels: open.labels, goroutine: open.info });
  }

  private flushSkipped(): void {
    if (this.skippedBefore === 0) return;
    const span =
      this.firstSkippedLine === this.lastSkippedLine
        ? `line ${this.firstSkippedLine}`
        : `lines ${this.firstSkippedLine}–${this.lastSkippedLine}`;
    this.warnings.push({
      line: this.firstSkippedLine,
      message: `skipped ${this.skippedBefore} line(s) of text before the first goroutine (${span}): not part of a goroutine dump`,
    });
    this.skippedBefore = 0;
  }

  private warn(line: number, detail: string): void {
    const error = new DumpParseError(line, detail);
    this.warnings.push({ line, message: error.message });
  }
}

/**
 * The stack of a goroutine printed as `goroutine running on other thread; stack unavailable`. Its name
 * has no package, so it counts as a runtime frame: such goroutines form one group of their own.
 */
export const STACK_UNAVAILABLE: Frame[] = [Object.freeze({ func: 'goroutine running on other thread; stack unavailable', file: '', line: 0 })];

/** `text.trim().length === 0` without the copy: stops at the first ASCII character that is not white space. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    // Unicode white space (NBSP, BOM, U+2028, …): let trim's own definition decide.
    return c >= 127 ? text.trim().length === 0 : false;
  }
  return true;
}

/** The function or `created by` line still waiting for its file line, for messages. */
function pendingText(open: OpenGoroutine): string {
  return open.pendingChunk.slice(open.pendingStart, open.pendingEnd);
}

function isAncestorLine(text: string): boolean {
  return parseFuncLine(text) !== null || parseFileLine(text) !== null || parseCreatedBy(text) !== null;
}

/**
 * Parses a few goroutines in the common debug=2 shapes (plain headers, a wait time, a shared stack,
 * `created by … in goroutine`) with a parser kept for the life of the process. V8 keeps a hidden
 * class only while some object has it, and optimised code holds the classes it checks weakly: a
 * recorder parses a full dump every tenth tick, the garbage collector freed the last parser's objects
 * in between (and with them the classes of its samples, trie and header objects), and every optimised
 * parser function was thrown away and recompiled on the next full dump ("weak objects" in
 * --trace-deopt), about half of a full tick's CPU. The kept parser holds one object of each class.
 */
function keepShapes(): void {
  const lines = [
    'goroutine 1 [running]:',
    'main.main()',
    '\t/src/app/main.go:12 +0x1d',
    '',
    'goroutine 7 [chan receive, 5 minutes]:',
    'main.worker(0xc000010000, 0x1)',
    '\t/src/app/worker.go:30 +0x4c',
    'created by main.start in goroutine 1',
    '\t/src/app/main.go:20 +0x2a',
    '',
    'goroutine 8 [chan receive, 5 minutes]:',
    'main.worker(0xc000010008, 0x2)',
    '\t/src/app/worker.go:30 +0x4c',
    'created by main.start in goroutine 1',
    '\t/src/app/main.go:20 +0x2a',
    '',
    'goroutine 9 [select, locked to thread]:',
    'runtime.gopark(0x0?, 0x0?)',
    '\t/usr/local/go/src/runtime/proc.go:424 +0xce',
    'main.loop()',
    '\t/src/app/loop.go:8 +0x11',
    'created by main.main in goroutine 1',
    '\t/src/app/main.go:14 +0x25',
    '',
  ];
  const parser = new TracebackParser();
  forEachLineSpan(Buffer.from(lines.join('\n')), parser);
  parser.end();
  // A static property, not a module variable: a bundler drops a variable nothing reads.
  TracebackParser.shapeKeeper = parser;
}
keepShapes();
