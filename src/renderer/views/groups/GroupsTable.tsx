import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { GroupRow } from '../../../shared/contract.js';
import { Sparkline } from '../../ui/Sparkline.js';
import { formatCount, formatDelta } from '../../ui/format.js';
import { filterRows, moveSelection, sortRows, toTableRows, visibleWindow, type SortDir, type SortKey } from './groups-table.js';

export interface GroupsTableProps {
  rows: readonly GroupRow[];
  selectedKey: string | null;
  onSelect: (key: string) => void;
  /** Enter or double-click: show the group's detail. */
  onOpen: (key: string) => void;
}

const ROW_HEIGHT = 30;

const COLUMNS: { key: SortKey | null; label: string; title: string }[] = [
  { key: 'count', label: 'Count', title: 'Goroutines in the group at this snapshot' },
  { key: 'change', label: 'Change', title: 'Since the first tick of the session' },
  { key: null, label: 'Trend', title: 'Count over the session' },
  { key: 'state', label: 'State', title: 'Most common state' },
  { key: 'blockingSite', label: 'Blocking site', title: 'Where the goroutines wait' },
  { key: 'createdBy', label: 'Created by', title: 'Where they were started' },
  { key: 'suspect', label: 'Score', title: 'Suspect score from leak analysis (0-100)' },
];

/**
 * The groups of a snapshot: sortable by column, filtered by words, virtualised (only the rows in
 * view are in the DOM, so 5,000 groups scroll like 50). Arrow keys, Page Up/Down, Home/End move the
 * selection; Enter opens the group; `/` jumps to the filter.
 */
export const GroupsTable = memo(function GroupsTable({ rows, selectedKey, onSelect, onOpen }: GroupsTableProps): React.JSX.Element {
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: 'count', dir: 'desc' });
  const [query, setQuery] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const scroller = useRef<HTMLDivElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);

  const tableRows = useMemo(() => toTableRows(rows), [rows]);
  const shown = useMemo(() => sortRows(filterRows(tableRows, query), sort.key, sort.dir), [tableRows, query, sort]);
  const selectedIndex = shown.findIndex((r) => r.row.key === selectedKey);
  const { first, last } = visibleWindow(scrollTop, viewport, ROW_HEIGHT, shown.length);

  useEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the selected row in view when it changes (keyboard, or a click elsewhere in the app).
  useEffect(() => {
    const el = scroller.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [selectedIndex]);

  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (e.key === 'Enter' && selectedKey !== null) {
      onOpen(selectedKey);
      return;
    }
    if (e.key === '/') {
      e.preventDefault();
      filterInput.current?.focus();
      return;
    }
    const next = moveSelection(e.key, selectedIndex < 0 ? -1 : selectedIndex, shown.length, Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1));
    if (next === null) return;
    e.preventDefault();
    onSelect(shown[next]!.row.key);
  };

  const toggleSort = (key: SortKey): void =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'desc' ? 'asc' : 'desc' } : { key, dir: key === 'count' || key === 'change' || key === 'suspect' ? 'desc' : 'asc' }));

  return (
    <div className="groups-table">
      <div className="groups-filter">
        <input
          ref={filterInput}
          type="search"
          placeholder="Filter groups (function, file, state…)   /"
          aria-label="Filter groups"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'Escape') scroller.current?.focus();
          }}
        />
        <span className="muted" data-testid="groups-count">
          {shown.length === rows.length ? `${formatCount(rows.length)} groups` : `${formatCount(shown.length)} of ${formatCount(rows.length)} groups`}
        </span>
      </div>
      <div className="groups-head" role="row">
        {COLUMNS.map((c) => (
          <div role="columnheader" key={c.label} title={c.title} aria-sort={c.key === sort.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
            {c.key === null ? (
              c.label
            ) : (
              <button type="button" className="sort-button" onClick={() => toggleSort(c.key!)}>
                {c.label}
                {c.key === sort.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            )}
          </div>
        ))}
      </div>
      <div
        className="groups-body"
        ref={scroller}
        tabIndex={0}
        role="grid"
        aria-label="Goroutine groups"
        aria-rowcount={shown.length}
        aria-activedescendant={selectedIndex >= 0 ? `group-row-${selectedIndex}` : undefined}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
        data-testid="groups-body"
      >
        <div style={{ height: shown.length * ROW_HEIGHT, position: 'relative' }}>
          {shown.slice(first, last + 1).map((r, offset) => {
            const i = first + offset;
            const isSelected = r.row.key === selectedKey;
            return (
              <div
                key={r.row.key}
                id={`group-row-${i}`}
                role="row"
                aria-rowindex={i + 1}
                aria-selected={isSelected}
                className={`group-row${isSelected ? ' selected' : ''}${r.row.count === 0 ? ' gone' : ''}`}
                style={{ transform: `translateY(${i * ROW_HEIGHT}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(r.row.key)}
                onDoubleClick={() => onOpen(r.row.key)}
                data-testid="group-row"
              >
                <div role="gridcell" className="num">{formatCount(r.row.count)}</div>
                <div role="gridcell" className={`num ${r.change > 0 ? 'up' : r.change < 0 ? 'down' : ''}`}>{formatDelta(r.change)}</div>
                <div role="gridcell" className="trend">
                  <Sparkline values={r.row.sparkline} width={56} />
                </div>
                <div role="gridcell" className="state" title={r.state}>{r.state}</div>
                <div role="gridcell" className="site" title={r.blockingSite}>{r.blockingSite}</div>
                <div role="gridcell" className="site" title={r.createdBy}>{r.createdBy}</div>
                <div role="gridcell" className="num">
                  {r.row.suspect ? <span className={`score${r.row.suspect.score >= 50 ? ' high' : ''}`}>{Math.round(r.row.suspect.score)}</span> : '—'}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});
