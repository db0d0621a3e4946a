/**
 * Go's quoted strings as the runtime and fmt print them: `runtime.printquoted` (traceback labels,
 * Go ≥ 1.27: every byte outside printable ASCII escaped) and `%q`/strconv.Quote (debug=1 `# labels:`).
 * One reader for both: `\n \r \t \\ \"`, `\a \b \f \v`, `\xNN` (a byte; bytes of invalid UTF-8 become
 * U+FFFD), `\uNNNN`, `\UNNNNNNNN`, octal `\NNN`.
 */

export interface Unquoted {
  value: string;
  /** Index just past the closing quote. */
  end: number;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v',
};

/**
 * `"GET /x"` at `start` (the opening quote) → { value: 'GET /x', end: index after the closing quote }.
 * Null when `text[start]` is not `"`, an escape is malformed, or the closing quote is missing.
 */
export function unquoteGo(text: string, start: number): Unquoted | null {
  if (text.charCodeAt(start) !== 34) return null;
  let out = '';
  let bytes: number[] | null = null; // a run of `\xNN` escapes, decoded together as UTF-8
  const flushBytes = (): void => {
    if (bytes === null) return;
    out += new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
    bytes = null;
  };
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      flushBytes();
      return { value: out, end: i + 1 };
    }
    if (c !== '\\') {
      flushBytes();
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) return null;
    if (e === 'x' || /[0-7]/.test(e)) {
      const digits = e === 'x' ? text.slice(i + 2, i + 4) : text.slice(i + 1, i + 4);
      const byte = e === 'x' ? hexValue(digits, 2) : octalValue(digits);
      if (byte === null) return null;
      (bytes ??= []).push(byte);
      i += e === 'x' ? 4 : 4;
      continue;
    }
    flushBytes();
    if (e === 'u' || e === 'U') {
      const width = e === 'u' ? 4 : 8;
      const code = hexValue(text.slice(i + 2, i + 2 + width), width);
      if (code === null || code > 0x10ffff) return null;
      out += String.fromCodePoint(code);
      i += 2 + width;
      continue;
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple === undefined) return null;
    out += simple;
    i += 2;
  }
  return null;
}

function hexValue(digits: string, width: number): number | null {
  if (digits.length !== width || !/^[0-9a-fA-F]+$/.test(digits)) return null;
  return parseInt(digits, 16);
}

function octalValue(digits: string): number | null {
  if (!/^[0-7]{3}$/.test(digits)) return null;
  const n = parseInt(digits, 8);
  return n <= 255 ? n : null;
}
