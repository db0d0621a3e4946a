import { NotADumpError } from '../../shared/errors.js';

/**
 * What decoding a pprof protobuf with `pprof-format` would cost, measured on the wire format before
 * decoding it. Protobuf is dense: a 2-byte empty `sample` or `string_table` entry becomes a JS object
 * of 150–250 bytes, so a 64 KB gzip of a crafted profile can ask for gigabytes (issue #11). The scan
 * walks the bytes exactly as `pprof-format` 2.3 does (one-byte tags, wire types 0 and 2 only, a
 * message field decoded as a message whatever its wire type, lengths clamped to the buffer), so what
 * it counts is what the decoder would allocate. It allocates nothing itself.
 */

/** Estimated heap bytes one decoded message takes (measured 104–232 for the kinds in a profile). */
const MESSAGE_COST = 256;
/** A string-table entry: the string, its Map key, its encoded copy (measured 231 for ""), plus 3× its bytes. */
const STRING_COST = 256;
const STRING_BYTE_COST = 3;
/**
 * A packed number in an array (measured 10.5; 16 with the array's growth and the decoder's garbage),
 * or a BigInt when its varint is over 4 bytes (34.5).
 */
const NUMBER_COST = 16;
const BIG_NUMBER_COST = 40;

/**
 * The decode may take this much heap (estimated), about a second of decoding. A real goroutine profile
 * is a few KB to a few MB: samples are distinct stacks, not goroutines (10,000 distinct stacks of 32
 * frames, an extreme service, estimate ~55 MiB).
 */
export const PPROF_DECODE_BUDGET_BYTES = 64 << 20;
/** Fields the decoder steps through (each costs time even when it keeps nothing): about a second's work. */
export const PPROF_MAX_WIRE_FIELDS = 8_000_000;

export interface DecodeCost {
  /** Estimated heap bytes the decoded profile holds. */
  heapBytes: number;
  messages: number;
  strings: number;
  numbers: number;
  fields: number;
  /** False when the decoder would throw (a wire type other than 0 and 2, as `pprof-format` reads it). */
  isWellFormed: boolean;
}

type MessageKind = 'profile' | 'sample' | 'location' | 'leaf';

/** What each field of a message kind decodes into, per `pprof-format`'s `decodeValue` switches. */
function fieldKind(kind: MessageKind, field: number): 'sample' | 'location' | 'leaf' | 'string' | 'packed' | 'scalar' {
  switch (kind) {
    case 'profile':
      if (field === 2) return 'sample';
      if (field === 4) return 'location';
      if (field === 1 || field === 3 || field === 5 || field === 11) return 'leaf'; // value type, mapping, function
      if (field === 6) return 'string';
      if (field === 13) return 'packed'; // comment
      return 'scalar';
    case 'sample':
      if (field === 1 || field === 2) return 'packed'; // location ids, values
      return field === 3 ? 'leaf' : 'scalar'; // label
    case 'location':
      return field === 4 ? 'leaf' : 'scalar'; // line
    case 'leaf':
      return 'scalar';
  }
}

/**
 * Counts what `Profile.decode(bytes)` would allocate. Linear in the input, no allocation, no recursion
 * deeper than three messages (profile → location → line). Stops counting once past a budget.
 */
export function measureDecodeCost(bytes: Uint8Array): DecodeCost {
  const cost: DecodeCost = { heapBytes: 0, messages: 0, strings: 0, numbers: 0, fields: 0, isWellFormed: true };
  scanMessage(bytes, 0, bytes.length, 'profile', cost);
  return cost;
}

function scanMessage(bytes: Uint8Array, start: number, end: number, kind: MessageKind, cost: DecodeCost): void {
  let index = start;
  while (index < end && cost.isWellFormed && !isOverBudget(cost)) {
    const tag = bytes[index]!;
    const field = tag >> 3;
    const mode = tag & 0b111;
    index++;
    cost.fields++;
    let valueStart: number;
    let valueEnd: number;
    if (mode === 0) {
      valueStart = index;
      valueEnd = varintEnd(bytes, index, end);
    } else if (mode === 2) {
      const lengthEnd = varintEnd(bytes, index, end);
      valueStart = lengthEnd;
      valueEnd = Math.min(end, lengthEnd + lengthValue(bytes, index, lengthEnd));
    } else {
      cost.isWellFormed = false;
      return;
    }
    index = valueEnd;
    const what = fieldKind(kind, field);
    switch (what) {
      case 'sample':
      case 'location':
      case 'leaf':
        cost.messages++;
        cost.heapBytes += MESSAGE_COST;
        scanMessage(bytes, valueStart, valueEnd, what, cost);
        break;
      case 'string':
        cost.strings++;
        cost.heapBytes += STRING_COST + STRING_BYTE_COST * (valueEnd - valueStart);
        break;
      case 'packed':
        countPacked(bytes, valueStart, valueEnd, cost);
        break;
      case 'scalar':
        break;
    }
  }
}

/**
 * `decodeNumbers`: one number per byte without its high bit; a BigInt when its run is over 4 bytes.
 * Packed numbers are priced as heap, not as fields: the decoder reads them in a tight loop.
 */
function countPacked(bytes: Uint8Array, start: number, end: number, cost: DecodeCost): void {
  let runStart = start;
  for (let i = start; i < end; i++) {
    if ((bytes[i]! & 0x80) !== 0) continue;
    cost.numbers++;
    cost.heapBytes += i + 1 - runStart > 4 ? BIG_NUMBER_COST : NUMBER_COST;
    runStart = i + 1;
  }
}

/** Index just past a varint starting at `i`, or `end` when it never terminates (as the decoder reads it). */
function varintEnd(bytes: Uint8Array, i: number, end: number): number {
  while (i < end) if (bytes[i++]! < 0x80) return i;
  return end;
}

/** The length a length-delimited field declares; lengths past the buffer are clamped by the caller. */
function lengthValue(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = start; i < end; i++) {
    value += (bytes[i]! & 0x7f) * scale;
    scale *= 128;
    if (value > Number.MAX_SAFE_INTEGER / 2) return Number.MAX_SAFE_INTEGER / 2;
  }
  return value;
}

function isOverBudget(cost: DecodeCost): boolean {
  return cost.heapBytes > PPROF_DECODE_BUDGET_BYTES || cost.fields > PPROF_MAX_WIRE_FIELDS;
}

/**
 * Refuses a profile whose decode would exceed the budgets above, before decoding it: NotADumpError
 * naming what was counted up to the budget and the budget. Returns the measured cost otherwise
 * (`isWellFormed` false: the decoder would throw, and the caller refuses the bytes as binary junk).
 */
export function checkDecodeBudget(bytes: Uint8Array): DecodeCost {
  const cost = measureDecodeCost(bytes);
  if (isOverBudget(cost)) {
    throw new NotADumpError(
      `a pprof profile of ${bytes.length} bytes that would decode into over ${cost.messages} messages, ${cost.strings} strings and ` +
        `${cost.numbers} numbers (over ${mib(cost.heapBytes)} MiB, ${cost.fields} fields), past the decode budget of ` +
        `${mib(PPROF_DECODE_BUDGET_BYTES)} MiB and ${PPROF_MAX_WIRE_FIELDS} fields; a goroutine profile holds one sample per distinct stack ` +
        'and is far smaller: this one is corrupt or crafted',
    );
  }
  return cost;
}

function mib(bytes: number): number {
  return Math.ceil(bytes / (1 << 20));
}
