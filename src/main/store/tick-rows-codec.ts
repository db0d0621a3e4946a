import { VarintWriter } from './count-codec.js';
import type { TickRow } from './series.js';

/**
 * Tables of rows packed into one BLOB, column by column: a finished block's `snapshots` rows as the
 * series reads them (`TickRow`, 15 columns; `tick_blocks`, migration 5) and a block's chart summary
 * (`chart-blocks.ts`, migration 6). Reading a day row by row was most of its time once the counts were
 * packed (172,800 rows of 15 values), and unpacking the same rows from JSON still took 105–160 ms of a
 * day's read (issue 18): parsing the text and building its nested arrays cost more than the rows.
 *
 * Binary: `varint rowCount`, then per column a type byte and
 *  - INTEGERS (0): per row a varint tag, 0 for null, else zigzag(value − the column's previous non-null
 *    value) + 1. Ids and ticks step by 1, `at_ms` by the interval: one or two bytes a row.
 *  - VALUES (1): `varint byteLength` and a JSON array of the column's distinct values (strings, null, a
 *    number that is not a safe integer), then per row a varint index into it.
 *  - RUNS (2, since migration 6): an INTEGERS column's tags run-length coded, `varint runCount` then per
 *    run `varint length, varint tag`; written when it has fewer than half as many runs as rows (a
 *    steady column: ids, ticks and times stepping evenly, nulls).
 * Pure; a damaged BLOB throws RangeError.
 */

/** A cell of a packed table. */
export type Value = string | number | null;

const INTEGERS = 0;
const VALUES = 1;
const RUNS = 2;
/** A TickRow's columns. */
export const TICK_ROW_COLUMNS = 15;
/** Deltas beyond this go to a VALUES column: zigzag doubles them and the tag must stay a safe integer. */
const MAX_DELTA = 2 ** 51;

const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

function integerColumn(values: readonly Value[]): boolean {
  let prev = 0;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || Math.abs(v - prev) > MAX_DELTA) return false;
    prev = v;
  }
  return true;
}

/** An integer column's tags: 0 for null, else zigzag(step from the previous non-null value) + 1. */
function tagsOf(values: readonly Value[]): number[] {
  let prev = 0;
  return values.map((v) => {
    if (v === null) return 0;
    const tag = zigzag((v as number) - prev) + 1;
    prev = v as number;
    return tag;
  });
}

function writeColumn(out: VarintWriter, values: readonly Value[]): void {
  if (integerColumn(values)) {
    const tags = tagsOf(values);
    let runs = 0;
    for (let i = 0; i < tags.length; i++) if (i === 0 || tags[i] !== tags[i - 1]) runs++;
    // Most columns of a block are steady (ids and ticks step by one, times by the interval, nulls):
    // runs of one tag are smaller, and read back without a varint per row.
    if (runs * 2 < tags.length) {
      out.byte(RUNS);
      out.write(runs);
      for (let i = 0; i < tags.length; ) {
        let end = i + 1;
        while (end < tags.length && tags[end] === tags[i]) end++;
        out.write(end - i);
        out.write(tags[i]!);
        i = end;
      }
      return;
    }
    out.byte(INTEGERS);
    for (const tag of tags) out.write(tag);
    return;
  }
  out.byte(VALUES);
  const index = new Map<Value, number>();
  for (const v of values) if (!index.has(v)) index.set(v, index.size);
  const dictionary = new TextEncoder().encode(JSON.stringify([...index.keys()]));
  out.write(dictionary.length);
  out.raw(dictionary);
  for (const v of values) out.write(index.get(v)!);
}

/** Rows of `columns` cells each, packed in their order. */
export function packTable(rows: readonly (readonly Value[])[], columns: number): Uint8Array {
  const out = new VarintWriter();
  out.write(rows.length);
  const column = new Array<Value>(rows.length);
  for (let c = 0; c < columns; c++) {
    for (let i = 0; i < rows.length; i++) column[i] = rows[i]![c]!;
    writeColumn(out, column);
  }
  return out.bytes();
}

/** The rows (any order) of one block, packed in (tick, id) order. */
export function packTickRows(rows: readonly TickRow[]): Uint8Array {
  return packTable([...rows].sort((a, b) => a[1] - b[1] || a[0] - b[0]), TICK_ROW_COLUMNS);
}

/** Reads varints from a byte array; `at` is the next byte. */
class ByteReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** The next byte; past the end, a RangeError (else a cut BLOB would read NaN forever). */
  private next(): number {
    const b = this.bytes[this.at++];
    if (b === undefined) throw new RangeError(`packed table ends at byte ${this.bytes.length}, inside a value`);
    return b;
  }

  byte(): number {
    return this.next();
  }

  varint(): number {
    let b = this.next();
    if (b < 128) return b;
    let n = b - 128;
    let scale = 128;
    for (;;) {
      b = this.next();
      if (b < 128) return n + b * scale;
      n += (b - 128) * scale;
      scale *= 128;
    }
  }

  /** The next `length` bytes as UTF-8 text; past the end, a RangeError. */
  text(length: number): string {
    if (this.at + length > this.bytes.length) throw new RangeError(`packed table ends at byte ${this.bytes.length}, inside a text of ${length} bytes`);
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return s;
  }
}

/**
 * A packed table's columns: an INTEGERS column as a Float64Array (NaN for null: comparisons with it are
 * false, so a min/max loop skips it without a test), a VALUES column as its values.
 */
export type PackedColumn = Float64Array | Value[];

/**
 * Decodes an INTEGERS column of `values.length` rows from `bytes` at `at`; returns the byte after it.
 * The varint is read inline, not through ByteReader: a day's first timeline draw decodes a million of
 * these in a process that has not optimised anything yet, where each call costs.
 */
function readIntegers(bytes: Uint8Array, at: number, values: Float64Array): number {
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    let b = bytes[at++];
    let tag = 0;
    let scale = 1;
    while (b !== undefined && b >= 128) {
      tag += (b - 128) * scale;
      scale *= 128;
      b = bytes[at++];
    }
    if (b === undefined) throw new RangeError(`packed table ends at byte ${bytes.length}, inside a value`);
    tag += b * scale;
    if (tag === 0) {
      values[i] = NaN;
      continue;
    }
    // Steps are small (ids, ticks, intervals): integer bit operations then, not a floating-point modulo.
    const z = tag - 1;
    prev += z <= 0x7fffffff ? (z >>> 1) ^ -(z & 1) : unzigzag(z);
    values[i] = prev;
  }
  return at;
}

/** Decodes a RUNS column into `values` (its row count long): a run of one tag is a fill or an even step. */
function readRuns(input: ByteReader, values: Float64Array): number {
  const runs = input.varint();
  let prev = 0;
  let i = 0;
  for (let r = 0; r < runs; r++) {
    const length = input.varint();
    const tag = input.varint();
    if (i + length > values.length) throw new RangeError(`packed table: a run of ${length} past row ${values.length} before byte ${input.at}`);
    if (tag === 0) {
      values.fill(NaN, i, i + length);
      i += length;
      continue;
    }
    const step = unzigzag(tag - 1);
    for (const end = i + length; i < end; i++) values[i] = prev += step;
  }
  if (i !== values.length) throw new RangeError(`packed table: runs of ${i} rows, not ${values.length}, before byte ${input.at}`);
  return input.at;
}

/** A VALUES column's dictionary: a JSON array of strings, numbers and nulls, else a RangeError. */
function parseDictionary(text: string): Value[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) {
    throw new RangeError('packed table: a column\'s dictionary is not a JSON array of values');
  }
  return parsed as Value[];
}

/** The columns of {@link packTable}'s BLOB, and its row count. Throws RangeError for a damaged BLOB. */
export function unpackColumns(bytes: Uint8Array, columns: number): { length: number; columns: PackedColumn[] } {
  const length = tableLength(bytes);
  return { length, columns: unpackColumnsInto(bytes, columns, () => new Float64Array(length)) };
}

/** The row count of a packed table. */
export function tableLength(bytes: Uint8Array): number {
  return new ByteReader(bytes).varint();
}

/**
 * The columns of a packed table, each INTEGERS column decoded into `targetOf(c)` (at least the table's
 * row count long; a view into a larger array takes a block's rows without a copy) and returned as that
 * target; VALUES columns come back as arrays. `targetOf` is asked in column order, after the previous
 * columns are decoded. Throws RangeError for a damaged BLOB.
 */
export function unpackColumnsInto(bytes: Uint8Array, columns: number, targetOf: (column: number) => Float64Array): PackedColumn[] {
  const input = new ByteReader(bytes);
  const length = input.varint();
  const out: PackedColumn[] = [];
  for (let c = 0; c < columns; c++) {
    const type = input.byte();
    if (type === INTEGERS || type === RUNS) {
      const target = targetOf(c);
      if (target.length < length) throw new RangeError(`packed table: ${length} rows, room for ${target.length}`);
      const values = target.subarray(0, length);
      input.at = type === INTEGERS ? readIntegers(bytes, input.at, values) : readRuns(input, values);
      out.push(values);
    } else if (type === VALUES) {
      const dictionary = parseDictionary(input.text(input.varint()));
      const values = new Array<Value>(length);
      for (let i = 0; i < length; i++) {
        const index = input.varint();
        if (index >= dictionary.length) throw new RangeError(`packed table: value ${index} of a dictionary of ${dictionary.length} before byte ${input.at}`);
        values[i] = dictionary[index]!;
      }
      out.push(values);
    } else {
      throw new RangeError(`packed table: unknown column type ${type} before byte ${input.at}`);
    }
  }
  return out;
}

/** The inverse of {@link packTickRows}: the rows as a table (series.ts), ordered by tick, then snapshot id. */
export function unpackTickTable(bytes: Uint8Array): { length: number; columns: PackedColumn[] } {
  return unpackColumns(bytes, TICK_ROW_COLUMNS);
}
