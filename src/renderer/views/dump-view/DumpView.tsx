import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useRequest } from '../../client/hooks.js';
import { Empty, ErrorNotice, Loading } from '../../ui/StatusViews.js';
import { formatCount } from '../../ui/format.js';
import { foldsOf, groupKeyAtLine, rangesOfSpans, spansOfGroup } from './dump-index.js';
import { stepLine } from './dump-navigation.js';
import { spansCarrying } from './label-highlight.js';
import { parseLabelTerms } from '../../ui/label-terms.js';

export interface DumpViewProps {
  snapshotId: number | null;
  groupKey: string | null;
  isDark: boolean;
  /** Clicking inside a goroutine selects its group. */
  onSelectGroup: (key: string) => void;
}

// Monaco is most of the page's weight (about 3 MB of script and its worker): it loads, as its own
// chunk, the first time a dump is shown, not with the page.
const loadMonaco = () => import('./MonacoDump.js').then((m) => ({ default: m.MonacoDump }));
const MonacoDump = lazy(loadMonaco);

/** Marks for `performance.measure('dump:open')`: from asking for the text to the editor showing it. */
const OPEN_MARK = 'dump:open:start';

/**
 * The raw dump of a snapshot in Monaco; the selected group's goroutines (tracebacks) or records
 * (debug=1) highlighted, one jump away. Which lines those are comes from main (`snapshot.index`).
 */
export function DumpView({ snapshotId, groupKey, isDark, onSelectGroup }: DumpViewProps): React.JSX.Element {
  useEffect(() => {
    if (snapshotId !== null) performance.mark(OPEN_MARK);
  }, [snapshotId]);
  // The editor's chunk loads while the text and its index are on their way, not after.
  useEffect(() => void loadMonaco(), []);
  const raw = useRequest('snapshot.raw', snapshotId === null ? null : { snapshotId });
  // Where each goroutine or record sits and its group, read by main with the parser's grammar.
  const indexed = useRequest('snapshot.index', snapshotId === null ? null : { snapshotId });
  const text = raw.value?.snapshotId === snapshotId ? raw.value.text : null;
  const index = indexed.value?.snapshotId === snapshotId ? indexed.value : null;
  const folds = useMemo(() => (index === null ? [] : foldsOf(index)), [index]);
  const isRecords = index?.kind === 'records';
  // `label:tenant=acme` highlights the goroutines carrying that label value instead of the group's.
  const [labelQuery, setLabelQuery] = useState('');
  const terms = useMemo(() => parseLabelTerms(labelQuery).terms, [labelQuery]);
  const spans = useMemo(() => (index === null ? [] : terms.length > 0 ? spansCarrying(index, terms) : spansOfGroup(index, groupKey)), [index, groupKey, terms]);
  const highlight = useMemo(() => (index === null ? [] : rangesOfSpans(index, spans)), [index, spans]);
  const headers = useMemo(() => (index === null ? [] : spans.map((s) => index.startLines[s]!)), [index, spans]);
  const noun = isRecords ? 'record' : 'goroutine';
  const spanCount = index?.startLines.length ?? 0;

  const [reveal, setReveal] = useState<{ line: number; seq: number } | null>(null);
  const [at, setAt] = useState(0);
  useEffect(() => {
    setAt(0);
    if (headers.length > 0) setReveal((r) => ({ line: headers[0]!, seq: (r?.seq ?? 0) + 1 }));
  }, [headers]);
  const go = (delta: number): void => {
    const next = stepLine(headers.length, at, delta);
    if (next === null) return;
    setAt(next);
    setReveal((r) => ({ line: headers[next]!, seq: (r?.seq ?? 0) + 1 }));
  };

  const onLineSelected = useCallback(
    (line: number) => {
      const key = index === null ? null : groupKeyAtLine(index, line);
      if (key !== null && key !== groupKey) onSelectGroup(key);
    },
    [index, groupKey, onSelectGroup],
  );
  const onShown = useCallback(() => {
    if (performance.getEntriesByName(OPEN_MARK).length > 0) performance.measure('dump:open', OPEN_MARK);
    performance.clearMarks(OPEN_MARK);
  }, []);

  if (snapshotId === null) return <Empty title="No dump to show">Pick a tick with a full dump (◆ on the timeline).</Empty>;
  if (raw.status === 'error') return <ErrorNotice error={raw.error} onRetry={raw.reload} />;
  if (indexed.status === 'error') return <ErrorNotice error={indexed.error} onRetry={indexed.reload} />;
  if (text === null && raw.value?.snapshotId === snapshotId) return <Empty title="No text for this snapshot">{raw.value.reason}</Empty>;
  return (
    <div className="dump-view">
      <div className="dump-toolbar" role="toolbar" aria-label="Dump navigation">
        <input
          type="search"
          className="dump-label-filter"
          placeholder="label:key=value"
          aria-label="Highlight the goroutines carrying a label value"
          value={labelQuery}
          onChange={(e) => setLabelQuery(e.target.value)}
          data-testid="dump-label-filter"
        />
        {terms.length > 0 ? (
          <span data-testid="dump-label-count">
            {formatCount(headers.length)} {noun}s carry {labelQuery.trim()}
          </span>
        ) : null}
        {terms.length > 0 && headers.length > 0 ? (
          <>
            <button type="button" onClick={() => go(-1)} aria-label={`Previous ${noun} with the label`}>▲</button>
            <button type="button" onClick={() => go(1)} aria-label={`Next ${noun} with the label`}>▼</button>
          </>
        ) : terms.length > 0 ? null : groupKey === null ? (
          <span className="muted">Select a group to highlight its {noun}s.</span>
        ) : headers.length === 0 ? (
          <span className="muted">
            {index ? (isRecords ? 'This dump has no record of the selected group.' : 'This snapshot lists no goroutines of the selected group one by one.') : 'Loading goroutines…'}
          </span>
        ) : (
          <>
            <button type="button" onClick={() => go(-1)} aria-label={`Previous ${noun} of the group`} title={`Previous ${noun} (Alt+↑)`}>
              ▲
            </button>
            <button type="button" onClick={() => go(1)} aria-label={`Next ${noun} of the group`} title={`Next ${noun} (Alt+↓)`}>
              ▼
            </button>
            <span data-testid="dump-position">
              {noun} {formatCount(at + 1)} of {formatCount(headers.length)} in the group highlighted
            </span>
          </>
        )}
        {index && (
          <span className="muted dump-size">
            {formatCount(index.lineCount)} lines · {formatCount(spanCount)} {noun}s
          </span>
        )}
      </div>
      <div
        className="dump-editor-frame"
        onKeyDown={(e) => {
          if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
            e.preventDefault();
            go(e.key === 'ArrowDown' ? 1 : -1);
          }
        }}
      >
        {/* The editor takes the text as soon as it comes (making the model of a 2M-line dump takes about
            a second); folds and highlights follow with the index. */}
        {text === null ? (
          <Loading what="the dump" />
        ) : (
          <Suspense fallback={<Loading what="the editor" />}>
            <MonacoDump text={text} folds={folds} highlight={highlight} reveal={reveal} isDark={isDark} onLineSelected={onLineSelected} onShown={onShown} />
          </Suspense>
        )}
      </div>
    </div>
  );
}
