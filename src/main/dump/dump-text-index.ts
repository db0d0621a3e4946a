import type { Frame, LabelSet } from '../../shared/model.js';
import { FRAME, LABELS, PROFILE_HEADER, RECORD, RUNTIME_ONLY, parseLabels } from './debug1-parser.js';
import { forEachLine, headLines } from './lines.js';
import { learnRepair } from './repair.js';
import { parseHeader } from './traceback-header.js';

/**
 * Where each goroutine of a traceback (debug=2, crash, SIGQUIT) or each record of a debug=1 profile
 * sits in the dump's text, read with the parsers' own grammar (`parseHeader`, the debug=1 record,
 * frame and labels shapes, the repair the parser learns for pasted logs): the one grammar of a
 * goroutine line in the codebase. The dump view folds, highlights and jumps with it
 * (`snapshot.index`). Lines are 1-based and inclusive, as the text's lines (and Monaco) count them;
 * a span ends at its last non-blank line before a blank line or the next span.
 */
export interface DumpTextIndex {
  kind: 'goroutines' | 'records';
  /** As an editor counts them: a last newline is followed by an empty line. */
  lineCount: number;
  /** Per span, in text order: its first line (the header or `N @ 0x…` line). */
  startLines: number[];
  endLines: number[];
  /** Per span: the goroutine id of a traceback header; -1 for a debug=1 record. */
  ids: number[];
  /** Per span: its position in `labelSets`, -1 without labels. */
  labels: number[];
  /** Each distinct label set once. */
  labelSets: LabelSet[];
  /** Records only (empty for goroutines), per span: the record's frames, as the parser reads them. */
  recordFrames: Frame[][];
}

/**
 * Lines as an editor counts them: text ending with a newline has an empty last line after it, which
 * forEachLine does not report (`a\nb\n` → 3).
 */
function editorLineCount(input: Uint8Array | string, linesSeen: number): number {
  const last = typeof input === 'string' ? input.charCodeAt(input.length - 1) : input[input.length - 1];
  return last === 10 || input.length === 0 ? linesSeen + 1 : linesSeen;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

class SpanCollector {
  readonly index: DumpTextIndex;
  private lastContentLine = 0;
  private isOpen = false;
  private readonly labelPositions = new Map<string, number>();

  constructor(kind: DumpTextIndex['kind']) {
    this.index = { kind, lineCount: 0, startLines: [], endLines: [], ids: [], labels: [], labelSets: [], recordFrames: [] };
  }

  open(line: number, id: number, labels: LabelSet | null): void {
    this.close();
    const ix = this.index;
    ix.startLines.push(line);
    ix.endLines.push(line);
    ix.ids.push(id);
    ix.labels.push(-1);
    if (labels !== null) this.setLabels(labels);
    if (ix.kind === 'records') ix.recordFrames.push([]);
    this.isOpen = true;
    this.lastContentLine = line;
  }

  /** The open span's labels (a record's `# labels:` line). */
  setLabels(labels: LabelSet): void {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let at = this.labelPositions.get(key);
    if (at === undefined) {
      at = this.index.labelSets.length;
      this.index.labelSets.push(labels);
      this.labelPositions.set(key, at);
    }
    this.index.labels[this.index.labels.length - 1] = at;
  }

  content(line: number): void {
    this.lastContentLine = line;
  }

  get hasOpenSpan(): boolean {
    return this.isOpen;
  }

  close(): void {
    if (!this.isOpen) return;
    const ends = this.index.endLines;
    ends[ends.length - 1] = this.lastContentLine;
    this.isOpen = false;
  }
}

/** A traceback's goroutines: every header line (`goroutine 7 [chan send]:`, log prefixes repaired) opens one. */
function indexTraceback(input: Uint8Array | string): DumpTextIndex {
  const repair = learnRepair(headLines(input, 256 << 10, 400));
  const spans = new SpanCollector('goroutines');
  let lineCount = 0;
  forEachLine(input, (raw, line) => {
    lineCount = line;
    if (isBlank(raw)) return spans.close();
    const text = repair.fix(raw);
    // Only a line holding `goroutine ` can be a header: the rest skip the scanner.
    const header = text.includes('goroutine ') ? parseHeader(text) : null;
    if (header !== null) spans.open(line, header.id, header.labels);
    else spans.content(line);
  });
  spans.close();
  spans.index.lineCount = editorLineCount(input, lineCount);
  return spans.index;
}

/**
 * A debug=1 profile's records: `N @ 0x…` after a profile header opens one; its `#` frame lines and
 * `# labels:` line are read as Debug1Parser reads them (a record without frames is RUNTIME_ONLY, as
 * the parser keeps it).
 */
function indexRecords(input: Uint8Array | string): DumpTextIndex {
  const spans = new SpanCollector('records');
  const frames = spans.index.recordFrames;
  let hasProfile = false;
  let lineCount = 0;
  forEachLine(input, (text, line) => {
    lineCount = line;
    if (isBlank(text)) return spans.close();
    const trimmed = text.trim();
    if (PROFILE_HEADER.test(trimmed)) {
      spans.close();
      hasProfile = true;
      return;
    }
    if (hasProfile && RECORD.test(text)) return spans.open(line, -1, null);
    if (!spans.hasOpenSpan) return;
    spans.content(line);
    const frame = FRAME.exec(trimmed);
    if (frame) {
      frames[frames.length - 1]!.push({ func: frame[1]!, file: frame[2]!, line: Number(frame[3]) });
      return;
    }
    const labels = LABELS.exec(trimmed);
    const set = labels ? parseLabels(labels[1]!) : null;
    if (set !== null) spans.setLabels(set);
  });
  spans.close();
  for (let i = 0; i < frames.length; i++) if (frames[i]!.length === 0) frames[i] = [RUNTIME_ONLY];
  spans.index.lineCount = editorLineCount(input, lineCount);
  return spans.index;
}

/**
 * Indexes a kept dump's text: `format` is the stored snapshot's (`traceback` or `debug1`; other
 * formats have no goroutine text). One pass over the lines, bytes decoded as the parser decodes them.
 */
export function indexDumpText(input: Uint8Array | string, format: 'traceback' | 'debug1'): DumpTextIndex {
  return format === 'debug1' ? indexRecords(input) : indexTraceback(input);
}
