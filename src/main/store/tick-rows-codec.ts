import type { TickRow } from './series.js';

/**
 * A finished block's `snapshots` rows as the series reads them (`TickRow`, 15 columns), packed into one
 * `tick_blocks` row (migration 5): reading a day row by row was most of its time once the counts were
 * packed (172,800 rows of 15 values). Rows are split by kind (a compact row and an expvar row alternate
 * every tick, but rows of one kind look alike), each column is run-length coded — integers as runs of
 * equal steps, anything else as runs of equal values — and the whole is JSON:
 * `{"compact":[[[101,[2,3599]]], …], "expvar":[…]}`. Pure; decoding restores the rows in (tick, id) order.
 */

type Value = string | number | null;
/** A column: `[first, [step, run]…]` for integers, else `[[value, run]…]` (told apart by the first entry). */
type PackedColumn = [number, ...[number, number][]] | [Value, number][];

function packColumn(values: readonly Value[]): PackedColumn {
  if (values.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
    const out: [number, ...[number, number][]] = [values[0] as number];
    for (let i = 1; i < values.length; i++) {
      const step = (values[i] as number) - (values[i - 1] as number);
      const last = out[out.length - 1] as [number, number] | number;
      if (typeof last !== 'number' && last[0] === step) last[1]++;
      else out.push([step, 1]);
    }
    return out;
  }
  const out: [Value, number][] = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && last[0] === v) last[1]++;
    else out.push([v, 1]);
  }
  return out;
}

function unpackColumn(packed: PackedColumn, length: number): Value[] {
  const out = new Array<Value>(length);
  let at = 0;
  if (typeof packed[0] === 'number' || packed.length === 0) {
    let v = packed[0] as number;
    if (length > 0) out[at++] = v;
    for (let i = 1; i < packed.length; i++) {
      const [step, run] = packed[i] as [number, number];
      for (let k = 0; k < run; k++) out[at++] = v += step;
    }
    return out;
  }
  for (const [v, run] of packed as [Value, number][]) for (let k = 0; k < run; k++) out[at++] = v;
  return out;
}

const COLUMNS = 15;

/** The rows (any order) of one block, packed. */
export function packTickRows(rows: readonly TickRow[]): string {
  const byKind: Record<string, TickRow[]> = {};
  for (const r of rows) (byKind[r[2]] ??= []).push(r);
  const out: Record<string, [number, PackedColumn[]]> = {};
  for (const [kind, list] of Object.entries(byKind)) {
    const columns: PackedColumn[] = [];
    for (let c = 0; c < COLUMNS; c++) columns.push(packColumn(list.map((r) => r[c] as Value)));
    out[kind] = [list.length, columns];
  }
  return JSON.stringify(out);
}

/** The inverse of {@link packTickRows}, rows ordered by tick, then snapshot id (as HOT_QUERIES.seriesTicks). */
export function unpackTickRows(text: string): TickRow[] {
  const packed = JSON.parse(text) as Record<string, [number, PackedColumn[]]>;
  const rows: TickRow[] = [];
  for (const [length, columns] of Object.values(packed)) {
    const cols = columns.map((c) => unpackColumn(c, length));
    for (let i = 0; i < length; i++) {
      const row = new Array<Value>(COLUMNS);
      for (let c = 0; c < COLUMNS; c++) row[c] = cols[c]![i]!;
      rows.push(row as unknown as TickRow);
    }
  }
  return rows.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}
