import type { GroupRow } from '../../../shared/contract.js';
import { formatSite, fullSite } from '../../ui/format.js';
import { matchesLabelTerms, parseLabelTerms } from '../../ui/label-terms.js';

export type SortKey = 'count' | 'change' | 'state' | 'blockingSite' | 'createdBy' | 'suspect';
export type SortDir = 'asc' | 'desc';

export interface TableRow {
  row: GroupRow;
  change: number;
  state: string;
  blockingSite: string;
  createdBy: string;
  /** The whole frames, for the hover text: `net/http.(*conn).serve /usr/lib/go/src/net/http/server.go:3102`. */
  blockingTitle: string;
  createdTitle: string;
  /** Lower-case text the filter searches: sites, state, every frame's function and file. */
  haystack: string;
}

/** Rows → what the table shows and searches, computed once per answer. */
export function toTableRows(rows: readonly GroupRow[]): TableRow[] {
  return rows.map((row) => {
    const state = row.count === 0 ? 'gone' : (row.typicalState ?? '—');
    const blockingSite = formatSite(row.blockingSite);
    const createdBy = formatSite(row.createdBy);
    const frames = row.frames.map((f) => `${f.func} ${f.file}:${f.line}`).join(' ');
    return {
      row,
      change: row.count - row.firstCount,
      state,
      blockingSite,
      createdBy,
      blockingTitle: fullSite(row.blockingSite),
      createdTitle: fullSite(row.createdBy),
      haystack: `${blockingSite} ${createdBy} ${state} ${frames}`.toLowerCase(),
    };
  });
}

/**
 * Rows whose text contains every word of the query (case-insensitive), and whose labels carry every
 * `label:key=value` term of it; all rows for a blank query.
 */
export function filterRows(rows: readonly TableRow[], query: string): TableRow[] {
  const { terms, rest } = parseLabelTerms(query);
  const words = rest.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0 && terms.length === 0) return [...rows];
  return rows.filter((r) => words.every((w) => r.haystack.includes(w)) && matchesLabelTerms(r.row.labels, terms));
}

function compare(a: TableRow, b: TableRow, key: SortKey): number {
  switch (key) {
    case 'count':
      return a.row.count - b.row.count;
    case 'change':
      return a.change - b.change;
    case 'suspect':
      return (a.row.suspect?.score ?? -1) - (b.row.suspect?.score ?? -1);
    case 'state':
      return a.state.localeCompare(b.state);
    case 'blockingSite':
      return a.blockingSite.localeCompare(b.blockingSite);
    case 'createdBy':
      return a.createdBy.localeCompare(b.createdBy);
  }
}

/** A stable sort by one column; ties by count (largest first), then by key, so the order never jumps. */
export function sortRows(rows: readonly TableRow[], key: SortKey, dir: SortDir): TableRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compare(a, b, key) || b.row.count - a.row.count || (a.row.key < b.row.key ? -1 : a.row.key > b.row.key ? 1 : 0));
}

/** The rows to render for a scroll position: those in view plus `overscan` on each side. */
export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): { first: number; last: number } {
  if (total === 0) return { first: 0, last: -1 };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last };
}

/** Keyboard movement in a list of `total` rows (`page` rows per page); null for keys that do not move. */
export function moveSelection(key: string, current: number, total: number, page: number): number | null {
  if (total === 0) return null;
  const clamp = (i: number): number => Math.min(total - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowDown':
      return clamp(current + 1);
    case 'ArrowUp':
      return clamp(current - 1);
    case 'PageDown':
      return clamp(current + page);
    case 'PageUp':
      return clamp(current - page);
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    default:
      return null;
  }
}
