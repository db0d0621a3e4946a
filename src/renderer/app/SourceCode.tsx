import { lazy, Suspense, useMemo } from 'react';
import { Loading } from '../ui/StatusViews.js';
import type { SourceEditorProps } from '../views/source-view/SourceView.js';

const NO_FOLDS: never[] = [];

// Monaco loads with the first editor shown (dump or source), as its own chunk, not with the page.
const MonacoDump = lazy(() => import('../views/dump-view/MonacoDump.js').then((m) => ({ default: m.MonacoDump })));

/** The source view's editor: the one Monaco wrapper (dump-view's), read-only, the frame's line marked and centred. */
export function SourceCode({ text, line, language, isDark }: SourceEditorProps & { isDark: boolean }): React.JSX.Element {
  const highlight = useMemo(() => [{ startLine: line, endLine: line }], [line]);
  const reveal = useMemo(() => ({ line, seq: 0 }), [line]);
  return (
    <Suspense fallback={<Loading what="the editor" />}>
      <MonacoDump text={text} folds={NO_FOLDS} highlight={highlight} reveal={reveal} isDark={isDark} language={language} isRevealCentered />
    </Suspense>
  );
}
