/**
 * Group counts packed for the history (migration 5, issue 18). A day of 1 s ticks × 200 groups is 17
 * million counts: one row each made reading a day take 86 s. Two packings, both unsigned LEB128 varints:
 *
 * - A **tick row** (`count_staged.counts`, what a tick writes): `stackId, count` pairs in any order.
 *   `[{stackId: 7, count: 3}, {stackId: 300, count: 1}]` → `07 03 ac 02 01`.
 * - A **block** (`count_blocks.counts`, one per stack per BLOCK_TICKS ticks): runs over the ticks from
 *   the stack's first to its last tick in the block, each `length, value` where value is count + 1, or
 *   0 for ticks where the stack was absent. Ticks 10–14 with 5, 5, 5, absent, 2 (first tick 10) →
 *   `03 06 01 00 01 03`. A pool that holds steady for an hour is a few bytes.
 *
 * Pure functions; a damaged BLOB throws RangeError naming the byte where it ends.
 */

/** Ticks per block: an hour of 1 s ticks, so a day is 24 blocks per stack. */
export const BLOCK_TICKS = 3600;

export const blockOf = (tick: number): number => Math.floor(tick / BLOCK_TICKS);

/** A growable byte buffer of varints (and, for the packed tables of tick-rows-codec.ts, bytes). */
export class VarintWriter {
  private buf = Buffer.allocUnsafe(256);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /** Throws RangeError for anything but a non-negative safe integer (a caller bug: counts never are). */
  write(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`packed counts hold non-negative integers; got ${n}`);
    this.room(10);
    let v = n;
    while (v >= 0x80) {
      this.buf[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.at++] = v;
  }

  /** One byte as it is. */
  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  /** Bytes as they are. */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** A copy of the bytes written (the writer may be reused). */
  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }
}

/** Reads varints from `bytes` in order; `done` once all are read. */
export class VarintReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  read(): number {
    const b = this.bytes;
    // Most lengths and counts of a session are below 128, one byte each: the hot loops of a day's
    // reads (series.ts, series-columns.ts) call this 35 million times.
    const first = b[this.at];
    if (first !== undefined && first < 0x80) {
      this.at++;
      return first;
    }
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= b.length) throw new RangeError(`packed counts end inside a varint at byte ${this.at}`);
      const x = b[this.at++]!;
      v += (x & 0x7f) * scale;
      if (x < 0x80) return v;
      scale *= 0x80;
    }
  }
}

/** One tick's counts, as `stackId, count` pairs. */
export function encodeTickCounts(counts: readonly { stackId: number; count: number }[]): Buffer {
  const w = new VarintWriter();
  for (const c of counts) {
    w.write(c.stackId);
    w.write(c.count);
  }
  return w.bytes();
}

/** Calls `visit` for each pair of a tick row. */
export function decodeTickCounts(bytes: Uint8Array, visit: (stackId: number, count: number) => void): void {
  const r = new VarintReader(bytes);
  while (!r.done) {
    const stackId = r.read();
    visit(stackId, r.read());
  }
}

/** One stack's counts in one block, as runs from `firstTick` to `lastTick`. */
export interface PackedBlock {
  firstTick: number;
  lastTick: number;
  counts: Buffer;
}

/**
 * Packs `[tick, count]` pairs (ticks ascending, each at most once, at least one) into runs.
 * Throws RangeError for unsorted ticks (a caller bug).
 */
export function encodeBlock(points: readonly (readonly [tick: number, count: number])[]): PackedBlock {
  const w = new VarintWriter();
  const firstTick = points[0]![0];
  let runValue = points[0]![1] + 1;
  let runLength = 1;
  let prevTick = firstTick;
  const flush = (): void => {
    w.write(runLength);
    w.write(runValue);
  };
  for (let i = 1; i < points.length; i++) {
    const [tick, count] = points[i]!;
    if (tick <= prevTick) throw new RangeError(`block ticks must ascend; got ${tick} after ${prevTick}`);
    if (tick > prevTick + 1) {
      flush();
      runValue = 0;
      runLength = tick - prevTick - 1;
      flush();
      runValue = count + 1;
      runLength = 1;
    } else if (count + 1 === runValue) {
      runLength++;
    } else {
      flush();
      runValue = count + 1;
      runLength = 1;
    }
    prevTick = tick;
  }
  flush();
  return { firstTick, lastTick: prevTick, counts: w.bytes() };
}

/** Calls `visit(fromTick, toTick, count)` for each run of present ticks of a block (absent runs skipped). */
export function decodeBlockRuns(bytes: Uint8Array, firstTick: number, visit: (fromTick: number, toTick: number, count: number) => void): void {
  const r = new VarintReader(bytes);
  let tick = firstTick;
  while (!r.done) {
    const length = r.read();
    const value = r.read();
    if (value > 0) visit(tick, tick + length - 1, value - 1);
    tick += length;
  }
}

/** The `[tick, count]` pairs of a block, ticks ascending. */
export function decodeBlock(bytes: Uint8Array, firstTick: number): [number, number][] {
  const out: [number, number][] = [];
  decodeBlockRuns(bytes, firstTick, (from, to, count) => {
    for (let t = from; t <= to; t++) out.push([t, count]);
  });
  return out;
}

/** The count of `tick` in a block, or null when the stack was absent at that tick. */
export function blockCountAt(bytes: Uint8Array, firstTick: number, tick: number): number | null {
  const r = new VarintReader(bytes);
  let at = firstTick;
  while (!r.done) {
    const length = r.read();
    const value = r.read();
    if (tick < at + length) return tick >= at && value > 0 ? value - 1 : null;
    at += length;
  }
  return null;
}
