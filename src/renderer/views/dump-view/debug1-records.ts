import type { Frame } from '../../../shared/model.js';
import { keyFrames } from '../../../shared/key-frames.js';
import type { DumpIndex, DumpSpan } from './dump-index.js';

/**
 * A debug=1 record lists no goroutine ids, so the dump view finds a group's records by their frames:
 * the `#` lines of each record, reduced to key frames as the analysis reduces them, must equal the
 * group's frames (which are its key frames, src/shared/key-frames.ts). FRAME below mirrors the parser
 * (src/main/dump/debug1-parser.ts, FRAME), which the renderer may not import;
 * test/renderer/debug1-records.test.ts checks both against the corpus.
 */

// `#\t0x68350b\tmain.fetchWithTimeout.func1+0x4b\t/tmp/x/main.go:84` → main.fetchWithTimeout.func1,
// /tmp/x/main.go, 84 (tabs may have become spaces). `#\t0x45f8a1` (no symbol) and `# labels: {…}` do not match.
const FRAME = /^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(\S.*):(\d+)\s*$/;

/** The group key's frames of a record (the analysis' own rule, shared). */
export const recordKeyFrames = keyFrames;

function stackText(frames: readonly Frame[]): string {
  let out = '';
  for (const f of frames) out += `${f.func} ${f.file}:${f.line}\n`;
  return out;
}

/**
 * The group of each debug=1 record of a dump: per span of `index` (same order), the key of the group
 * whose frames equal the record's key frames; null for a goroutine of a traceback (those are found by
 * id) and for a record no group has. One pass over the text.
 */
export function recordGroupKeys(text: string, index: DumpIndex, groups: readonly { key: string; frames: readonly Frame[] }[]): (string | null)[] {
  const keyOfStack = new Map<string, string>();
  for (const g of groups) keyOfStack.set(stackText(g.frames), g.key);
  const out: (string | null)[] = [];
  let line = 1;
  let pos = 0;
  for (const span of index.spans) {
    if (span.id !== null) {
      out.push(null);
      continue;
    }
    const frames: Frame[] = [];
    // Move to the record's line, then read its `#` lines up to its last.
    while (line < span.startLine && pos <= text.length) {
      const end = text.indexOf('\n', pos);
      pos = end === -1 ? text.length + 1 : end + 1;
      line++;
    }
    while (line <= span.endLine && pos <= text.length) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = text.length;
      if (line > span.startLine) {
        const m = FRAME.exec(text.slice(pos, end).trim());
        if (m) frames.push({ func: m[1]!, file: m[2]!, line: Number(m[3]) });
      }
      pos = end + 1;
      line++;
    }
    out.push(keyOfStack.get(stackText(recordKeyFrames(frames))) ?? null);
  }
  return out;
}

/**
 * A group's spans in text order: its goroutines by id (debug=2 / crash dumps), and its records by
 * `recordKeys` (debug=1, from `recordGroupKeys`; null when the dump has none).
 */
export function groupSpans(index: DumpIndex, ids: readonly number[], recordKeys: readonly (string | null)[] | null, groupKey: string | null): DumpSpan[] {
  const found: DumpSpan[] = [];
  for (const id of ids) {
    const at = index.byId.get(id);
    if (at !== undefined) found.push(index.spans[at]!);
  }
  if (recordKeys !== null && groupKey !== null) {
    recordKeys.forEach((key, i) => {
      if (key === groupKey) found.push(index.spans[i]!);
    });
  }
  return found.sort((a, b) => a.startLine - b.startLine);
}

/** Whether the dump holds debug=1 records (spans without a goroutine id). */
export function hasRecords(index: DumpIndex): boolean {
  return index.spans.some((s) => s.id === null);
}
