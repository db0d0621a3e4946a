import { Buffer, isAscii } from 'node:buffer';

/**
 * Splits bytes or a string into lines without ever joining the input into one string: bytes are
 * decoded 1 MiB at a time. Handles CRLF and a last line with no newline. `onLine` gets 1-based numbers.
 */
export function forEachLine(input: Uint8Array | string, onLine: (text: string, line: number) => void): void {
  let lineNo = 0;
  let carry = '';
  const emitChunk = (chunk: string, isLast: boolean): void => {
    let start = 0;
    let text = carry.length > 0 ? carry + chunk : chunk;
    carry = '';
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end), ++lineNo);
      start = nl + 1;
    }
    const rest = text.slice(start);
    text = '';
    if (isLast) {
      if (rest.length > 0) onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
    } else {
      carry = rest;
    }
  };
  if (typeof input === 'string') {
    emitChunk(input, true);
    return;
  }
  // Chunks end on a newline byte, so no UTF-8 sequence is ever split between two decodes.
  const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const chunkBytes = 1 << 20;
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
    emitChunk(isAscii(chunk) ? chunk.toString('latin1') : chunk.toString('utf8'), end === buffer.length);
    offset = end;
  }
  if (input.length === 0) emitChunk('', true);
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
