import { useEffect, useRef } from 'react';
import type { editor } from 'monaco-editor/editor';
import type { LineRange } from './dump-index.js';
import { GOROUTINE_DUMP_LANGUAGE } from './goroutine-dump-language.js';
import { setFoldingRanges, setUpMonaco, themeFor } from './monaco-setup.js';

export interface MonacoDumpProps {
  text: string;
  /** One range per goroutine / record (start is the header line). */
  folds: readonly LineRange[];
  highlight: readonly LineRange[];
  /** Scrolls to and selects this line; `seq` makes the same line jump again. */
  reveal: { line: number; seq: number } | null;
  isDark: boolean;
  onLineSelected?: (line: number) => void;
  /** After a new text is shown (model set, one frame drawn): the dump view measures its open time. */
  onShown?: () => void;
  /** The text's language: the goroutine-dump grammar by default; `go` for the source view. */
  language?: string;
  /** Show the revealed line in the middle (source) rather than near the top (dump headers). */
  isRevealCentered?: boolean;
}

// A 14 MB, 400k-line dump must stay tokenized and foldable (Monaco turns both off past 300k lines
// unless largeFileOptimizations is false), while features that would copy the model to the worker
// (links, unicode highlighting, word suggestions) stay off.
const OPTIONS: editor.IStandaloneEditorConstructionOptions = {
  readOnly: true,
  domReadOnly: true,
  largeFileOptimizations: false,
  automaticLayout: true,
  minimap: { enabled: false },
  folding: true,
  foldingStrategy: 'auto',
  foldingMaximumRegions: 65_000,
  showFoldingControls: 'mouseover',
  links: false,
  unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false, nonBasicASCII: false },
  wordBasedSuggestions: 'off',
  quickSuggestions: false,
  occurrencesHighlight: 'off',
  selectionHighlight: false,
  bracketPairColorization: { enabled: false },
  guides: { indentation: false, bracketPairs: false },
  matchBrackets: 'never',
  stickyScroll: { enabled: false },
  renderWhitespace: 'none',
  scrollBeyondLastLine: false,
  fontSize: 12,
  lineNumbersMinChars: 6,
  contextmenu: false,
  overviewRulerLanes: 2,
};

/**
 * Monaco wrapped once (STYLE.md §8): the editor is created on mount and disposed on unmount with its
 * model; each effect disposes what it subscribed. Views pass plain props.
 */
export function MonacoDump({ text, folds, highlight, reveal, isDark, onLineSelected, onShown, language = GOROUTINE_DUMP_LANGUAGE, isRevealCentered = false }: MonacoDumpProps): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<editor.IEditorDecorationsCollection | null>(null);
  const callbacks = useRef({ onLineSelected, onShown });
  callbacks.current = { onLineSelected, onShown };

  useEffect(() => {
    const monaco = setUpMonaco();
    const ed = monaco.editor.create(host.current!, { ...OPTIONS, theme: themeFor(isDark), model: null });
    editorRef.current = ed;
    decorations.current = ed.createDecorationsCollection();
    const cursor = ed.onDidChangeCursorPosition((e) => {
      if (e.source === 'mouse' || e.source === 'keyboard') callbacks.current.onLineSelected?.(e.position.lineNumber);
    });
    return () => {
      cursor.dispose();
      decorations.current?.clear();
      ed.getModel()?.dispose();
      ed.dispose();
      editorRef.current = null;
    };
    // The editor lives as long as the component; theme and text have their own effects.
  }, []);

  useEffect(() => {
    setUpMonaco().editor.setTheme(themeFor(isDark));
  }, [isDark]);

  useEffect(() => {
    const ed = editorRef.current!;
    const model = setUpMonaco().editor.createModel(text, language);
    const previous = ed.getModel();
    ed.setModel(model);
    previous?.dispose();
    const frame = requestAnimationFrame(() => callbacks.current.onShown?.());
    return () => cancelAnimationFrame(frame);
  }, [text, language]);

  // After the model's effect (same commit): folds may arrive later than the text, without a new model.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const monaco = setUpMonaco();
    setFoldingRanges(
      model,
      folds.filter((f) => f.endLine > f.startLine).map((f) => ({ start: f.startLine, end: f.endLine, kind: monaco.languages.FoldingRangeKind.Region })),
    );
  }, [folds, text, language]);

  useEffect(() => {
    const monaco = setUpMonaco();
    decorations.current?.set(
      highlight.map((r) => ({
        range: new monaco.Range(r.startLine, 1, r.endLine, 1),
        options: {
          isWholeLine: true,
          className: 'dump-highlight',
          linesDecorationsClassName: 'dump-highlight-gutter',
          overviewRuler: { color: '#f59e0b', position: monaco.editor.OverviewRulerLane.Full },
        },
      })),
    );
  }, [highlight, text]);

  useEffect(() => {
    const ed = editorRef.current;
    if (!ed || reveal === null) return;
    if (isRevealCentered) ed.revealLineInCenter(reveal.line);
    else ed.revealLineNearTop(reveal.line);
    ed.setSelection({ startLineNumber: reveal.line, startColumn: 1, endLineNumber: reveal.line, endColumn: 1 });
  }, [reveal, text, isRevealCentered]);

  return <div className="monaco-host" ref={host} data-testid="dump-editor" />;
}
