import type { TickRow } from './series.js';

/**
 * A finished block's `snapshots` rows as the series reads them (`TickRow`, 15 columns), packed into one
 * `tick_blocks` BLOB (migration 5): reading a day row by row was most of its time once the counts were
 * packed (172,800 rows of 15 values), and unpacking the same rows from JSON still took 105–160 ms of a
 * day's read (issue 18): parsing the text and building its nested arrays cost more than the rows.
 *
 * Binary, column by column, rows in (tick, id) order: `varint rowCount`, then per column a type byte and
 *  - INTEGERS (0): per row a varint tag, 0 for null, else zigzag(value − the column's previous non-null
 *    value) + 1. Ids and ticks step by 1, `at_ms` by the interval: one or two bytes a row.
 *  - VALUES (1): `varint byteLength` and a JSON array of the column's distinct values (strings, null, a
 *    number that is not a safe integer), then per row a varint index into it.
 * Pure; decoding restores the rows in (tick, id) order; a damaged BLOB throws RangeError.
 */

type Value = string | number | null;

const INTEGERS = 0;
const VALUES = 1;
const COLUMNS = 15;
/** Deltas beyond this go to a VALUES column: zigzag doubles them and the tag must stay a safe integer. */
const MAX_DELTA = 2 ** 51;

/** A growable byte buffer that writes unsigned varints (7 bits a byte, low first; up to 2^53 by arithmetic). */
class ByteWriter {
  private bytes = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.bytes[this.length++] = b;
  }

  varint(n: number): void {
    this.room(8);
    while (n >= 128) {
      this.bytes[this.length++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.bytes[this.length++] = n;
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }

  done(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

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

function writeColumn(out: ByteWriter, values: readonly Value[]): void {
  if (integerColumn(values)) {
    out.byte(INTEGERS);
    let prev = 0;
    for (const v of values) {
      if (v === null) out.varint(0);
      else {
        out.varint(zigzag((v as number) - prev) + 1);
        prev = v as number;
      }
    }
    return;
  }
  out.byte(VALUES);
  const index = new Map<Value, number>();
  for (const v of values) if (!index.has(v)) index.set(v, index.size);
  const dictionary = new TextEncoder().encode(JSON.stringify([...index.keys()]));
  out.varint(dictionary.length);
  out.raw(dictionary);
  for (const v of values) out.varint(index.get(v)!);
}

/** The rows (any order) of one block, packed. */
export function packTickRows(rows: readonly TickRow[]): Uint8Array {
  const sorted = [...rows].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const out = new ByteWriter();
  out.varint(sorted.length);
  const column = new Array<Value>(sorted.length);
  for (let c = 0; c < COLUMNS; c++) {
    for (let i = 0; i < sorted.length; i++) column[i] = sorted[i]![c] as Value;
    writeColumn(out, column);
  }
  return out.done();
}

/** Reads varints from a byte array; `at` is the next byte. */
class ByteReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** The next byte; past the end, a RangeError (else a cut BLOB would read NaN forever). */
  private next(): number {
    const b = this.bytes[this.at++];
    if (b === undefined) throw new RangeError(`packed tick rows end at byte ${this.bytes.length}, inside a value`);
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

  text(length: number): string {
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return s;
  }
}

/** The inverse of {@link packTickRows}, rows ordered by tick, then snapshot id (as HOT_QUERIES.seriesTicks). */
export function unpackTickRows(bytes: Uint8Array): TickRow[] {
  const input = new ByteReader(bytes);
  const length = input.varint();
  const rows = new Array<Value[]>(length);
  for (let i = 0; i < length; i++) rows[i] = new Array<Value>(COLUMNS);
  for (let c = 0; c < COLUMNS; c++) {
    const type = input.byte();
    if (type === INTEGERS) {
      let prev = 0;
      for (let i = 0; i < length; i++) {
        const tag = input.varint();
        if (tag === 0) rows[i]![c] = null;
        else rows[i]![c] = prev += unzigzag(tag - 1);
      }
    } else if (type === VALUES) {
      const dictionary = JSON.parse(input.text(input.varint())) as Value[];
      for (let i = 0; i < length; i++) rows[i]![c] = dictionary[input.varint()] as Value;
    } else {
      throw new RangeError(`packed tick rows: unknown column type ${type} before byte ${input.at}`);
    }
  }
  return rows as unknown as TickRow[];
}
