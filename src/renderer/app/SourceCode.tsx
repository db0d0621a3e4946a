import { useMemo } from 'react';
import { MonacoDump } from '../views/dump-view/MonacoDump.js';
import type { SourceEditorProps } from '../views/source-view/SourceView.js';

const NO_FOLDS: never[] = [];

/** The source view's editor: the one Monaco wrapper (dump-view's), read-only, the frame's line marked and centred. */
export function SourceCode({ text, line, language, isDark }: SourceEditorProps & { isDark: boolean }): React.JSX.Element {
  const highlight = useMemo(() => [{ startLine: line, endLine: line }], [line]);
  const reveal = useMemo(() => ({ line, seq: 0 }), [line]);
  return <MonacoDump text={text} folds={NO_FOLDS} highlight={highlight} reveal={reveal} isDark={isDark} language={language} isRevealCentered />;
}
