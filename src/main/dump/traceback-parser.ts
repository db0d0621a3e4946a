import type { Frame, LabelSet, ParseWarning } from '../../shared/model.js';
import { DumpParseError } from '../../shared/errors.js';
import type { GoroutineInfo, LineParser, ParsedDump, Sample } from './types.js';
import {
  type CreatedBy,
  type FileLine,
  type Header,
  type HeaderStatus,
  parseStatus,
  isElidedFramesLine,
  isGarbledHeader,
  isStackUnavailableLine,
  parseAncestorHeader,
  parseCreatedBy,
  parseFileLine,
  parseFuncLine,
  parseHeader,
} from './line-shapes.js';
import { FrameInterner, StackInterner } from './frame-interner.js';
import { clip } from './clip.js';
import { isGoOutputLine } from './paste-shapes.js';

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
/** Frame positions remembered from the previous goroutine (deeper frames share the last slot; `created by` has its own). */
const MAX_RECENT = 64;

interface FileLineEntry {
  at: FileLine | null;
  /** Interned frames seen with this file line, by function name. */
  frames: Map<string, Frame>;
}

/** What the previous goroutine had at one frame position: its file line text and entry, its frame. */
interface RecentSlot {
  text: string | null;
  entry: FileLineEntry | null;
  frame: Frame | null;
  /** The file line entry `frame` was made from. */
  frameEntry: FileLineEntry | null;
}

interface OpenGoroutine {
  info: GoroutineInfo;
  labels: LabelSet | null;
  /** `goroutine running on other thread; stack unavailable` was printed instead of its frames. */
  isStackUnavailable: boolean;
  frames: Frame[];
  headerLine: number;
  pendingFunc: string | null;
  pendingFuncLine: number;
  pendingText: string;
}

/**
 * Goroutine tracebacks: `debug=2`, `runtime.Stack`, panics, `fatal error`, SIGQUIT (with `fp= sp= pc=`
 * and register blocks), `GOTRACEBACK=crash` (one `goroutine 0 [idle]` per OS thread, counted as thread
 * stacks, not goroutines). Lines are classified by content, not indentation, so stripped tabs and
 * space indentation read the same. A malformed goroutine yields a located warning and is dropped.
 */
export class TracebackParser implements LineParser {
  private state: State = 'seek';
  private current: OpenGoroutine | null = null;
  private readonly samples: Sample[] = [];
  private readonly warnings: ParseWarning[] = [];
  private readonly frames = new FrameInterner();
  private readonly stacks = new StackInterner();
  // Dumps repeat the same statuses, file lines and `created by` lines thousands of times: each
  // distinct text is parsed once. A file line's entry also holds the frames met with it, by function
  // name, so a repeated frame costs two map lookups and no allocation.
  private readonly statusCache = new Map<string, HeaderStatus>();
  // Labelled headers (Go ≥ 1.27) by their text after the id: one parse and one labels object per set.
  private readonly labelledCache = new Map<string, Header | null>();
  private readonly cachedStatus = (status: string): HeaderStatus => {
    let parsed = this.statusCache.get(status);
    if (parsed === undefined) {
      parsed = parseStatus(status);
      if (this.statusCache.size < CACHE_LIMIT) this.statusCache.set(status, parsed);
    }
    return parsed;
  };
  private readonly fileLineCache = new Map<string, FileLineEntry>();
  private readonly createdByCache = new Map<string, CreatedBy | null>();
  private readonly recent: RecentSlot[] = Array.from({ length: MAX_RECENT + 1 }, () => ({ text: null, entry: null, frame: null, frameEntry: null }));
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
    if (this.broken && line > this.broken.line) this.dropBroken();
    switch (this.state) {
      case 'seek':
        this.seek(text, line);
        return;
      case 'func':
        this.readFunc(text, line);
        return;
      case 'file':
        this.readFile(text, line, false);
        return;
      case 'createdByFile':
        this.readFile(text, line, true);
        return;
      case 'done':
      case 'ancestor':
        this.readAfterStack(text, line);
        return;
    }
  }

  end(): ParsedDump[] {
    if (this.broken) this.keepBroken();
    const open = this.current;
    if (open && (this.state === 'file' || this.state === 'createdByFile')) {
      this.warn(open.pendingFuncLine, `dump ends after "${open.pendingText.trim()}" without its file:line (truncated)`);
      if (this.state === 'file') open.pendingFunc = null;
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
  private seek(text: string, line: number, canAnnotate = true): void {
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

  /**
   * `goroutine 9 [chan send]:` on the fast path (the id read digit by digit, the status through the
   * cache), `goroutine 9 [chan send] {route: "GET /x"}:` from a cache keyed by the text after the id;
   * any other header form through parseHeader.
   */
  private header(text: string): Header | null {
    if (!text.startsWith('goroutine ')) return parseHeader(text, this.cachedStatus);
    let id = 0;
    let i = 10;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) id = id * 10 + (c - 48);
    // Decimal digits then ` [`, as parseHeader reads them; any other shape (`gp=`, `0x1f`) goes there.
    const isPlainId = i > 10 && i <= 26 && text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 91 && Number.isSafeInteger(id);
    if (!isPlainId) return parseHeader(text, this.cachedStatus);
    if (text.endsWith(']:')) {
      // A literal, not a spread of the cached status: this runs once per goroutine.
      const st = this.cachedStatus(text.slice(i + 2, -2));
      return {
        id, state: st.state, waitMinutes: st.waitMinutes, isLocked: st.isLocked, isLeaked: st.isLeaked,
        isScan: st.isScan, isDurable: st.isDurable, syncTestBubble: st.syncTestBubble, labels: null,
      };
    }
    if (!text.endsWith('}:')) return parseHeader(text, this.cachedStatus);
    const rest = text.slice(i);
    let parsed = this.labelledCache.get(rest);
    if (parsed === undefined) {
      parsed = parseHeader(`goroutine 0${rest}`, this.cachedStatus);
      if (this.labelledCache.size < CACHE_LIMIT) this.labelledCache.set(rest, parsed);
    }
    return parsed === null ? null : { ...parsed, id };
  }

  /**
   * The file line at frame position `slot` of this goroutine. Consecutive goroutines usually share
   * their stack, so the text is first compared with the one the previous goroutine had there (a
   * comparison costs less than hashing the line for the cache).
   */
  private fileLineAt(text: string, slot: number): FileLineEntry {
    const recent = this.recent[slot]!;
    if (recent.text === text) return recent.entry!;
    recent.text = text;
    recent.entry = this.fileLine(text);
    return recent.entry;
  }

  private fileLine(text: string): FileLineEntry {
    let entry = this.fileLineCache.get(text);
    if (entry === undefined) {
      entry = { at: parseFileLine(text), frames: new Map() };
      if (this.fileLineCache.size < CACHE_LIMIT) this.fileLineCache.set(text, entry);
    }
    return entry;
  }

  private createdBy(text: string): CreatedBy | null {
    let createdBy = this.createdByCache.get(text);
    if (createdBy === undefined) {
      createdBy = parseCreatedBy(text);
      if (this.createdByCache.size < CACHE_LIMIT) this.createdByCache.set(text, createdBy);
    }
    return createdBy;
  }

  private tryHeader(text: string, line: number): boolean {
    const header = this.header(text);
    if (!header) return false;
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
      info: {
        id: header.id,
        state: header.state,
        waitMinutes: header.waitMinutes,
        isLocked: header.isLocked,
        isLeaked: header.isLeaked,
        createdBy: null,
        createdByGoroutine: null,
        hasElidedFrames: false,
      },
      labels: header.labels,
      isStackUnavailable: false,
      frames: [],
      headerLine: line,
      pendingFunc: null,
      pendingFuncLine: 0,
      pendingText: '',
    };
    this.state = 'func';
    return true;
  }

  private readFunc(text: string, line: number): void {
    const open = this.current!;
    const func = parseFuncLine(text);
    if (func !== null) {
      open.pendingFunc = func;
      open.pendingFuncLine = line;
      open.pendingText = text;
      this.state = 'file';
      return;
    }
    if (isBlank(text)) return; // blank lines inside a goroutine: double-spaced pastes
    const createdBy = this.createdBy(text);
    if (createdBy) {
      open.pendingFunc = createdBy.func;
      open.pendingFuncLine = line;
      open.pendingText = text;
      open.info.createdByGoroutine = createdBy.goroutine;
      this.state = 'createdByFile';
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
    if (open.frames.length === 0 && !isGoOutputLine(text) && !isGarbledHeader(text)) {
      this.noteAnnotation(line, true);
      return;
    }
    // Text after the last frame ends the goroutine; it may be a garbled header or stray frames.
    this.finish();
    this.state = 'seek';
    this.seek(text, line);
  }

  private readFile(text: string, line: number, isCreatedBy: boolean): void {
    const open = this.current!;
    if (isBlank(text)) return;
    const slot = isCreatedBy ? MAX_RECENT : Math.min(open.frames.length, MAX_RECENT - 1);
    const entry = this.fileLineAt(text, slot);
    if (entry.at === null) {
      const what = isCreatedBy ? 'created by' : 'function';
      const message = `expected file:line after ${what} "${clip(open.pendingText.trim())}", got "${clip(text.trim())}"`;
      this.current = null;
      this.broken = { open, line, message };
      this.state = 'seek';
      this.seek(text, line, false);
      return;
    }
    this.attach(open, entry, slot, isCreatedBy);
    this.state = isCreatedBy ? 'done' : 'func';
  }

  private attach(open: OpenGoroutine, entry: FileLineEntry, slot: number, isCreatedBy: boolean): void {
    const func = open.pendingFunc!;
    // As in fileLineAt: the previous goroutine's frame at this position, when function and file line match.
    const recent = this.recent[slot]!;
    let frame = recent.frame !== null && recent.frameEntry === entry && recent.frame.func === func ? recent.frame : entry.frames.get(func);
    if (frame === undefined) {
      frame = this.frames.intern(func, entry.at!.file, entry.at!.line);
      entry.frames.set(func, frame);
    }
    recent.frame = frame;
    recent.frameEntry = entry;
    open.pendingFunc = null;
    if (isCreatedBy) open.info.createdBy = frame;
    else open.frames.push(frame);
  }

  private readAfterStack(text: string, line: number): void {
    if (isBlank(text)) return;
    if (this.tryHeader(text, line)) return;
    if (parseAncestorHeader(text) !== null) {
      this.state = 'ancestor';
      return;
    }
    if (this.state === 'ancestor' && isAncestorLine(text)) return;
    this.finish();
    this.state = 'seek';
    this.seek(text, line);
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
    this.warn(line, `${message} (input cut here); goroutine ${open.info.id} kept with ${open.frames.length} frame(s)`);
    open.pendingFunc = null;
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
    if (open.frames.length === 0 && open.isStackUnavailable) {
      // Still a goroutine (crash dumps print this for one running elsewhere): count it with its creator.
      this.samples.push({ count: 1, frames: STACK_UNAVAILABLE, labels: open.labels, goroutine: open.info });
      this.unavailableStacks++;
      return;
    }
    if (open.frames.length === 0) {
      this.warn(open.headerLine, `goroutine ${open.info.id} has no frames (stack unavailable or cut off); not counted`);
      return;
    }
    this.samples.push({ count: 1, frames: this.stacks.intern(open.frames), labels: open.labels, goroutine: open.info });
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

function isAncestorLine(text: string): boolean {
  return parseFuncLine(text) !== null || parseFileLine(text) !== null || parseCreatedBy(text) !== null;
}
