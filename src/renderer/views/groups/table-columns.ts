import type { SortKey } from './groups-table.js';

/**
 * The groups table's columns: which exist, how wide they may be, which the user hid or widened, and
 * which give way when the pane is too narrow for all of them. Pure; GroupsTable renders the result.
 */
export type ColumnId = 'count' | 'change' | 'trend' | 'state' | 'blockingSite' | 'createdBy' | 'score';

export interface ColumnDef {
  id: ColumnId;
  label: string;
  title: string;
  sortKey: SortKey | null;
  /** Pixels: the width of a fixed column, the least width of a flexible one (fits its header text). */
  minPx: number;
  /** Flexible columns share the room left over, in proportion to this. */
  flex: number | null;
  /** When the pane is too narrow, columns with a rank give way, lowest rank first; null: never. */
  dropRank: number | null;
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'count', label: 'Count', title: 'Goroutines in the group at this snapshot', sortKey: 'count', minPx: 66, flex: null, dropRank: null },
  { id: 'change', label: 'Change', title: 'Since the first tick of the session', sortKey: 'change', minPx: 78, flex: null, dropRank: 3 },
  { id: 'trend', label: 'Trend', title: 'Count over the session', sortKey: null, minPx: 64, flex: null, dropRank: 1 },
  { id: 'state', label: 'State', title: 'Most common state', sortKey: 'state', minPx: 84, flex: null, dropRank: 2 },
  { id: 'blockingSite', label: 'Blocking site', title: 'Where the goroutines wait', sortKey: 'blockingSite', minPx: 116, flex: 1.6, dropRank: null },
  { id: 'createdBy', label: 'Created by', title: 'Where they were started', sortKey: 'createdBy', minPx: 100, flex: 1, dropRank: null },
  { id: 'score', label: 'Score', title: 'Suspect score from leak analysis, 0–100', sortKey: 'suspect', minPx: 64, flex: null, dropRank: null },
];

/** What the user chose: widths they dragged (pixels) and columns they hid. Kept across reloads. */
export interface ColumnLayout {
  widths: Partial<Record<ColumnId, number>>;
  hidden: ColumnId[];
}

export const DEFAULT_LAYOUT: ColumnLayout = { widths: {}, hidden: [] };

/** Row padding and the scroll bar's gutter, which the columns cannot use. */
export const TABLE_CHROME_PX = 24;

export function widthOf(c: ColumnDef, layout: ColumnLayout): number {
  return Math.max(c.minPx, layout.widths[c.id] ?? c.minPx);
}

/**
 * The columns to draw in `availablePx`: the ones not hidden, minus those that give way (lowest rank
 * first) until the rest fit. Returns them in table order, the ones dropped for room, and the width
 * they need (more than available only when no column is left to drop: the table then scrolls).
 */
export function fitColumns(layout: ColumnLayout, availablePx: number): { shown: ColumnDef[]; dropped: ColumnId[]; neededPx: number } {
  let shown = COLUMNS.filter((c) => !layout.hidden.includes(c.id));
  const dropped: ColumnId[] = [];
  const need = (cols: readonly ColumnDef[]): number => cols.reduce((n, c) => n + widthOf(c, layout), TABLE_CHROME_PX);
  const droppable = shown.filter((c) => c.dropRank !== null).sort((a, b) => a.dropRank! - b.dropRank!);
  for (const c of droppable) {
    if (need(shown) <= availablePx) break;
    shown = shown.filter((s) => s !== c);
    dropped.push(c.id);
  }
  return { shown, dropped, neededPx: need(shown) };
}

/** CSS grid columns: fixed ones at their width, flexible ones from their width up, sharing the rest. */
export function gridTemplateOf(shown: readonly ColumnDef[], layout: ColumnLayout): string {
  return shown.map((c) => (c.flex === null ? `${widthOf(c, layout)}px` : `minmax(${widthOf(c, layout)}px, ${c.flex}fr)`)).join(' ');
}

/** The layout with a column hidden or shown again. */
export function toggleColumn(layout: ColumnLayout, id: ColumnId): ColumnLayout {
  const isHidden = layout.hidden.includes(id);
  return { ...layout, hidden: isHidden ? layout.hidden.filter((h) => h !== id) : [...layout.hidden, id] };
}

/** The layout with a column dragged to `px` (never under its minimum; at most 1,200 px). */
export function resizeColumn(layout: ColumnLayout, id: ColumnId, px: number): ColumnLayout {
  const c = COLUMNS.find((col) => col.id === id)!;
  return { ...layout, widths: { ...layout.widths, [id]: Math.round(Math.min(1200, Math.max(c.minPx, px))) } };
}

export function isColumnLayout(value: unknown): value is ColumnLayout {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const ids = new Set<string>(COLUMNS.map((c) => c.id));
  return (
    Array.isArray(v.hidden) &&
    v.hidden.every((h) => typeof h === 'string' && ids.has(h)) &&
    typeof v.widths === 'object' &&
    v.widths !== null &&
    Object.entries(v.widths).every(([k, w]) => ids.has(k) && typeof w === 'number' && Number.isFinite(w))
  );
}
