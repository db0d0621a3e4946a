import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/gotoLine/register';
// Go syntax colours for the source view (its grammar loads on first use).
import 'monaco-editor/languages/definitions/go/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker&inline';
import { DUMP_THEMES, GOROUTINE_DUMP_LANGUAGE, goroutineDumpConfiguration, goroutineDumpGrammar } from './goroutine-dump-language.js';

export type Monaco = typeof monaco;

/** Folding ranges per model, set by the dump view from its index (the provider only reads them). */
const foldingByModel = new WeakMap<monaco.editor.ITextModel, monaco.languages.FoldingRange[]>();

const foldingChanged = new monaco.Emitter<monaco.languages.FoldingRangeProvider>();
const foldingProvider: monaco.languages.FoldingRangeProvider = {
  // Ranges may come after the model is shown (the index arrives after the text): Monaco asks again.
  onDidChange: foldingChanged.event,
  provideFoldingRanges: (model) => foldingByModel.get(model) ?? [],
};

export function setFoldingRanges(model: monaco.editor.ITextModel, ranges: monaco.languages.FoldingRange[]): void {
  foldingByModel.set(model, ranges);
  foldingChanged.fire(foldingProvider);
}

let isSetUp = false;

/**
 * Monaco, bundled (no CDN), with the `goroutine-dump` language and its themes registered once per
 * page. The editor worker is inlined and started from a blob URL: that works from `goroscope serve`
 * and from Electron's file:// page alike (CSP `worker-src 'self' blob:`).
 */
export function setUpMonaco(): Monaco {
  if (isSetUp) return monaco;
  isSetUp = true;
  (globalThis as { MonacoEnvironment?: monaco.Environment }).MonacoEnvironment = { getWorker: () => new EditorWorker() };
  monaco.languages.register({ id: GOROUTINE_DUMP_LANGUAGE, extensions: ['.dump'], aliases: ['Goroutine dump'] });
  monaco.languages.setMonarchTokensProvider(GOROUTINE_DUMP_LANGUAGE, goroutineDumpGrammar);
  monaco.languages.setLanguageConfiguration(GOROUTINE_DUMP_LANGUAGE, goroutineDumpConfiguration);
  monaco.languages.registerFoldingRangeProvider(GOROUTINE_DUMP_LANGUAGE, foldingProvider);
  monaco.editor.defineTheme('goroscope-light', DUMP_THEMES.light);
  monaco.editor.defineTheme('goroscope-dark', DUMP_THEMES.dark);
  return monaco;
}

export function themeFor(isDark: boolean): string {
  return isDark ? 'goroscope-dark' : 'goroscope-light';
}
