import type { RequestOutput } from '../../../shared/contract.js';

/**
 * The dump view's index of a dump's text, as main read it with the parser's grammar
 * (`snapshot.index`): per goroutine or debug=1 record, in text order, its lines, group and label set
 * as parallel lists. The view parses no dump text itself; these helpers only walk the lists.
 * Lines are 1-based and inclusive, as Monaco counts them.
 */
export type DumpIndex = RequestOutput<'snapshot.index'>;

export interface LineRange {
  startLine: number;
  endLine: number;
}

/** The positions (text order) of the spans of one group; none for an unknown key or null. */
export function spansOfGroup(index: DumpIndex, groupKey: string | null): number[] {
  const group = groupKey === null ? -1 : index.groupKeys.indexOf(groupKey);
  if (group === -1) return [];
  const out: number[] = [];
  const { groups } = index;
  for (let i = 0; i < groups.length; i++) if (groups[i] === group) out.push(i);
  return out;
}

/**
 * Spans (positions in text order) → line ranges, neighbours (at most one blank line apart) merged, so
 * 50,000 adjacent goroutines become one highlighted range.
 */
export function rangesOfSpans(index: DumpIndex, spans: readonly number[]): LineRange[] {
  const out: LineRange[] = [];
  for (const s of spans) {
    const startLine = index.startLines[s]!;
    const endLine = index.endLines[s]!;
    const last = out[out.length - 1];
    if (last && startLine <= last.endLine + 2) last.endLine = Math.max(last.endLine, endLine);
    else out.push({ startLine, endLine });
  }
  return out;
}

/** Every span as a fold (one line spans cannot fold). */
export function foldsOf(index: DumpIndex): LineRange[] {
  const out: LineRange[] = [];
  for (let i = 0; i < index.startLines.length; i++) {
    if (index.endLines[i]! > index.startLines[i]!) out.push({ startLine: index.startLines[i]!, endLine: index.endLines[i]! });
  }
  return out;
}

/** The position of the span containing a line (binary search), or -1 between spans. */
export function spanIndexAtLine(index: DumpIndex, line: number): number {
  let lo = 0;
  let hi = index.startLines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (line < index.startLines[mid]!) hi = mid - 1;
    else if (line > index.endLines[mid]!) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The group key of the span containing a line, or null (between spans, or a span of no group). */
export function groupKeyAtLine(index: DumpIndex, line: number): string | null {
  const at = spanIndexAtLine(index, line);
  const group = at === -1 ? -1 : index.groups[at]!;
  return group === -1 ? null : index.groupKeys[group]!;
}
