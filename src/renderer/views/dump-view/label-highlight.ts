import { goTracebackToken } from '../../../shared/labels.js';
import type { LabelTerm } from '../../ui/label-terms.js';
import type { DumpIndex, DumpSpan } from './dump-index.js';

/**
 * The goroutines (traceback headers, Go ≥ 1.27: `{route: "GET /x", tenant: acme}`) or debug=1 records
 * (`# labels: {"route":"GET /x"}`) that carry every term, found in the text the dump view shows.
 */
export function spansCarrying(text: string, index: DumpIndex, terms: readonly LabelTerm[]): DumpSpan[] {
  if (terms.length === 0) return [];
  const starts = lineStarts(text, index.lineCount);
  const lineText = (line: number): string => (line > index.lineCount ? '' : text.slice(starts[line - 1]!, line < index.lineCount ? starts[line]! - 1 : text.length));
  return index.spans.filter((span) => {
    // A header carries its labels; a debug=1 record has them on the line after `N @ 0x…`.
    const head = span.id !== null ? lineText(span.startLine) : `${lineText(span.startLine)}\n${lineText(span.startLine + 1)}`;
    return terms.every((t) => carries(head, t));
  });
}

function carries(head: string, t: LabelTerm): boolean {
  const key = goTracebackToken(t.key);
  const quotedKey = `${JSON.stringify(t.key)}:`;
  if (t.value === null) return head.includes(`{${key}: `) || head.includes(`, ${key}: `) || head.includes(quotedKey);
  const pair = `${key}: ${goTracebackToken(t.value)}`;
  return [`{${pair},`, `{${pair}}`, `, ${pair},`, `, ${pair}}`].some((p) => head.includes(p)) || head.includes(`${quotedKey}${JSON.stringify(t.value)}`);
}

function lineStarts(text: string, lineCount: number): Int32Array {
  const starts = new Int32Array(lineCount + 1);
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && line <= lineCount; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
  return starts;
}
