import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GroupRow } from '../../../shared/contract.js';
import { Sparkline } from '../../ui/Sparkline.js';
import { formatCount, formatDelta } from '../../ui/format.js';
import { LabelChips } from '../../ui/LabelChips.js';
import { labelQuery } from '../../ui/label-terms.js';
import { filterRows, moveSelection, sortRows, toTableRows, visibleWindow, type SortDir, type SortKey, type TableRow } from './groups-table.js';
import { COLUMNS, DEFAULT_LAYOUT, fitColumns, gridTemplateOf, isColumnLayout, resizeColumn, toggleColumn, widthOf, type ColumnDef, type ColumnId } from './table-columns.js';
import { usePersistedState } from '../../ui/use-persisted-state.js';

export interface GroupsTableProps {
  rows: readonly GroupRow[];
  selectedKey: string | null;
  onSelect: (key: string) => void;
  /** Enter or double-click: show the group's detail. */
  onOpen: (key: string) => void;
}

const ROW_HEIGHT = 30;

/** One cell of a row; `title` carries the whole text, which the cell may cut with an ellipsis. */
function cellOf(id: ColumnId, r: TableRow, onPickLabel?: (key: string, value: string) => void): React.JSX.Element {
  switch (id) {
    case 'count':
      return <div role="gridcell" className="num" key={id}>{formatCount(r.row.count)}</div>;
    case 'change':
      return <div role="gridcell" className={`num ${r.change > 0 ? 'up' : r.change < 0 ? 'down' : ''}`} key={id}>{formatDelta(r.change)}</div>;
    case 'trend':
      return (
        <div role="gridcell" className="trend" key={id}>
          <Sparkline values={r.row.sparkline} width={56} />
        </div>
      );
    case 'state':
      return <div role="gridcell" className="state" title={r.state} key={id}>{r.state}</div>;
    case 'blockingSite':
      return (
        <div role="gridcell" className="site" title={r.blockingTitle} key={id}>
          {r.blockingSite} <LabelChips count={r.row.count} labels={r.row.labels} max={2} onPick={onPickLabel} />
        </div>
      );
    case 'createdBy':
      return <div role="gridcell" className="site" title={r.createdTitle} key={id}>{r.createdBy}</div>;
    case 'score':
      return (
        <div role="gridcell" className="num" key={id}>
          {r.row.suspect ? <span className={`score${r.row.suspect.score >= 50 ? ' high' : ''}`}>{Math.round(r.row.suspect.score)}</span> : '—'}
        </div>
      );
  }
}

/**
 * The groups of a snapshot: sortable by column, filtered by words, virtualised (only the rows in
 * view are in the DOM, so 5,000 groups scroll like 50). Arrow keys, Page Up/Down, Home/End move the
 * selection; Enter opens the group; `/` jumps to the filter.
 */
export const GroupsTable = memo(function GroupsTable({ rows, selectedKey, onSelect, onOpen }: GroupsTableProps): React.JSX.Element {
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: 'count', dir: 'desc' });
  const [query, setQuery] = useState('');
  const onPickLabel = useCallback((key: string, value: string) => setQuery(labelQuery(key, value)), []);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const [tableWidth, setTableWidth] = useState(0);
  const [layout, setLayout] = usePersistedState('groups.columns', DEFAULT_LAYOUT, isColumnLayout);
  const scroller = useRef<HTMLDivElement>(null);
  const head = useRef<HTMLDivElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);

  const tableRows = useMemo(() => toTableRows(rows), [rows]);
  const shown = useMemo(() => sortRows(filterRows(tableRows, query), sort.key, sort.dir), [tableRows, query, sort]);
  const selectedIndex = shown.findIndex((r) => r.row.key === selectedKey);
  const { first, last } = visibleWindow(scrollTop, viewport, ROW_HEIGHT, shown.length);

  useEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => {
      setViewport(el.clientHeight);
      setTableWidth(el.offsetWidth);
    });
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

  // Until measured, every column is drawn; then those that do not fit give way (see table-columns.ts).
  const fit = useMemo(() => fitColumns(layout, tableWidth > 0 ? tableWidth : Infinity), [layout, tableWidth]);
  const grid = { gridTemplateColumns: gridTemplateOf(fit.shown, layout), minWidth: fit.neededPx };

  const startResize = (c: ColumnDef, e: React.PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const grip = e.currentTarget;
    grip.setPointerCapture(e.pointerId);
    const cell = grip.parentElement!.getBoundingClientRect();
    const onMove = (m: PointerEvent): void => setLayout((l) => resizeColumn(l, c.id, m.clientX - cell.left));
    const onUp = (): void => {
      grip.removeEventListener('pointermove', onMove);
      grip.removeEventListener('pointerup', onUp);
    };
    grip.addEventListener('pointermove', onMove);
    grip.addEventListener('pointerup', onUp);
  };

  const toggleSort = (key: SortKey): void =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'desc' ? 'asc' : 'desc' } : { key, dir: key === 'count' || key === 'change' || key === 'suspect' ? 'desc' : 'asc' }));

  return (
    <div className="groups-table">
      <div className="groups-filter">
        <input
          ref={filterInput}
          type="search"
          placeholder="Filter groups (function, file, state, label:key=value…)   /"
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
        <details className="column-menu">
          <summary title="Show or hide columns" data-testid="column-menu">
            Columns
          </summary>
          <div className="column-menu-list">
            {COLUMNS.map((c) => (
              <label key={c.id}>
                <input type="checkbox" checked={!layout.hidden.includes(c.id)} onChange={() => setLayout((l) => toggleColumn(l, c.id))} />
                {c.label}
                {fit.dropped.includes(c.id) && <span className="muted small"> (no room: widen the pane)</span>}
              </label>
            ))}
            <button type="button" className="link" onClick={() => setLayout(DEFAULT_LAYOUT)}>
              Reset widths and columns
            </button>
          </div>
        </details>
      </div>
      <div className="groups-head" role="row" ref={head}>
        <div className="groups-head-row" style={grid}>
          {fit.shown.map((c) => (
            <div role="columnheader" key={c.id} title={c.title} aria-sort={c.sortKey !== null && c.sortKey === sort.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined} data-column={c.id}>
              {c.sortKey === null ? (
                <span className="column-label">{c.label}</span>
              ) : (
                <button type="button" className="sort-button column-label" onClick={() => toggleSort(c.sortKey!)}>
                  {c.label}
                  {c.sortKey === sort.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              )}
              <div
                className="column-grip"
                role="separator"
                aria-orientation="vertical"
                aria-label={`Resize the ${c.label} column`}
                title={`Drag to resize; double-click for the least width (${widthOf(c, { widths: {}, hidden: [] })} px)`}
                onPointerDown={(e) => startResize(c, e)}
                onDoubleClick={() => setLayout((l) => resizeColumn(l, c.id, 0))}
              />
            </div>
          ))}
        </div>
      </div>
      <div
        className="groups-body"
        ref={scroller}
        tabIndex={0}
        role="grid"
        aria-label="Goroutine groups"
        aria-rowcount={shown.length}
        aria-activedescendant={selectedIndex >= 0 ? `group-row-${selectedIndex}` : undefined}
        onScroll={(e) => {
          setScrollTop(e.currentTarget.scrollTop);
          // The header scrolls sideways with the rows when the columns are wider than the pane.
          const left = e.currentTarget.scrollLeft;
          if (head.current && head.current.scrollLeft !== left) head.current.scrollLeft = left;
        }}
        onKeyDown={onKeyDown}
        data-testid="groups-body"
      >
        <div style={{ height: shown.length * ROW_HEIGHT, position: 'relative', minWidth: fit.neededPx }}>
          {shown.slice(first, last + 1).map((r, offset) => (
            <GroupRowView
              key={r.row.key}
              r={r}
              index={first + offset}
              isSelected={r.row.key === selectedKey}
              columns={fit.shown}
              template={grid.gridTemplateColumns}
              onSelect={onSelect}
              onOpen={onOpen}
              onPickLabel={onPickLabel}
            />
          ))}
        </div>
      </div>
    </div>
  );
});

interface GroupRowViewProps {
  r: TableRow;
  index: number;
  isSelected: boolean;
  columns: readonly ColumnDef[];
  template: string;
  onSelect: (key: string) => void;
  onOpen: (key: string) => void;
  /** Clicking a label chip filters by that label value. */
  onPickLabel: (key: string, value: string) => void;
}

/** One row; memoised, so rows still in view while scrolling are not rendered again. */
const GroupRowView = memo(function GroupRowView({ r, index, isSelected, columns, template, onSelect, onOpen, onPickLabel }: GroupRowViewProps): React.JSX.Element {
  return (
    <div
      id={`group-row-${index}`}
      role="row"
      aria-rowindex={index + 1}
      aria-selected={isSelected}
      className={`group-row${isSelected ? ' selected' : ''}${r.row.count === 0 ? ' gone' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)`, height: ROW_HEIGHT, gridTemplateColumns: template }}
      onClick={() => onSelect(r.row.key)}
      onDoubleClick={() => onOpen(r.row.key)}
      data-testid="group-row"
    >
      {columns.map((c) => cellOf(c.id, r, onPickLabel))}
    </div>
  );
});
