import { Buffer, isAscii } from 'node:buffer';

/**
 * Receives one line as a span of a decoded chunk: the line is `chunk.slice(start, end)`, without its
 * newline or CR. A parser that recognises a line by its length or a few characters need not slice
 * it at all. `line` is 1-based.
 */
export type OnLineSpan = (chunk: string, start: number, end: number, line: number) => void;

/**
 * Takes lines as spans (see OnLineSpan). An object with a method, not a callback: the parser's
 * `pushSpan` is one function for every parser, so code V8 optimised for one dump's calls still fits
 * the next dump's parser; a fresh closure per parse is a new call target and throws that code away.
 */
export interface LineSpanSink {
  pushSpan: OnLineSpan;
}

/**
 * Splits bytes or a string into lines without ever joining the input into one string: bytes are
 * decoded 64 KiB at a time, each chunk ending on a newline. Handles CRLF and a last line with no
 * newline. See OnLineSpan; `forEachLine` gives each line as its own string.
 */
export function forEachLineSpan(input: Uint8Array | string, sink: LineSpanSink): void {
  if (typeof input === 'string') {
    emitChunk(input, sink, 0);
    return;
  }
  let lineNo = 0;
  // Chunks end on a newline byte, so no UTF-8 sequence is ever split between two decodes.
  const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // 64 KiB: each chunk is an ordinary young-generation string, gone at the next scavenge. Past 128 KiB
  // V8 puts a string in large-object space, past ~1 MB Node makes it external; with 1 MiB chunks the
  // 14 MB dump parsed no faster and peaked 8 MB higher.
  const chunkBytes = 1 << 16;
  let offset = 0;
  while (offset < buffer.length) {
    let end = Math.min(offset + chunkBytes, buffer.length);
    if (end < buffer.length) {
      const back = buffer.lastIndexOf(10, end - 1);
      const nl = back >= offset ? back : buffer.indexOf(10, end); // a line longer than a chunk
      end = nl < 0 ? buffer.length : nl + 1;
    }
    // Dumps are nearly always ASCII, and decoding ASCII as Latin-1 skips UTF-8's validation: same text.
    const chunk = buffer.subarray(offset, end);
    lineNo = emitChunk(isAscii(chunk) ? chunk.toString('latin1') : chunk.toString('utf8'), sink, lineNo);
    offset = end;
  }
}

/**
 * The lines of a chunk holding whole lines (only the input's last line may lack its newline), numbered
 * after `lineNo`; returns the last line's number. A module function, not a closure, for the reason
 * LineSpanSink gives.
 */
function emitChunk(chunk: string, sink: LineSpanSink, lineNo: number): number {
  let start = 0;
  for (;;) {
    const nl = chunk.indexOf('\n', start);
    const isLast = nl < 0;
    if (isLast && start === chunk.length) return lineNo;
    let end = isLast ? chunk.length : nl;
    if (end > start && chunk.charCodeAt(end - 1) === 13) end--;
    sink.pushSpan(chunk, start, end, ++lineNo);
    if (isLast) return lineNo;
    start = nl + 1;
  }
}

/** forEachLineSpan with each line as its own string. */
export function forEachLine(input: Uint8Array | string, onLine: (text: string, line: number) => void): void {
  forEachLineSpan(input, { pushSpan: (chunk, start, end, line) => onLine(chunk.slice(start, end), line) });
}

/** The first `maxBytes` bytes as text with CRLF line ends made LF, for format detection. */
export function headText(input: Uint8Array | string, maxBytes: number): string {
  const head = typeof input === 'string' ? input.slice(0, maxBytes) : new TextDecoder('utf-8').decode(input.subarray(0, Math.min(input.length, maxBytes)));
  return head.includes('\r') ? head.replace(/\r\n/g, '\n') : head;
}

/** The first `maxLines` lines of the first `maxBytes` bytes, for format detection and repair sniffing. */
export function headLines(input: Uint8Array | string, maxBytes: number, maxLines: number): string[] {
  const head =
    typeof input === 'string'
      ? input.slice(0, maxBytes)
      : new TextDecoder('utf-8').decode(input.subarray(0, Math.min(input.length, maxBytes)));
  const lines = head.split('\n');
  if (lines.length > maxLines) lines.length = maxLines;
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
