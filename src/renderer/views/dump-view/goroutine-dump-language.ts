import type { editor, languages } from 'monaco-editor/editor';

export const GOROUTINE_DUMP_LANGUAGE = 'goroutine-dump';

/**
 * The `goroutine-dump` Monarch grammar: debug=2 / crash / SIGQUIT tracebacks and debug=1 profiles.
 * It colours text and decides nothing: which lines are goroutines, and their groups, come from main's
 * `snapshot.index` (the parser's grammar). Each rule covers one whole line shape (Monarch needs every
 * group of a rule to cover the match):
 *
 *   goroutine 7 [chan receive, 5 minutes, locked to thread]:   header: id, state, wait, flags
 *   main.(*session).readEvents(0xc000026400, ...)               function: package, name, arguments
 *   \t/src/app/main.go:107 +0x3e                                 file:line and PC offset
 *   created by main.openSession in goroutine 1                  creation site
 *   1 @ 0x43a0c6 0x4067ed                                        debug=1 record header
 *   #\t0x4a8c45\tmain.worker+0x25\t/src/app/main.go:42            debug=1 frame
 */
export const goroutineDumpGrammar: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenizer: {
    root: [
      [/^(goroutine(?:leak)? profile: total )(\d+)(\s*)$/, ['keyword', 'number.total', '']],
      // One rule for the whole header (no sub-state): a truncated header cannot leak into the next lines.
      [
        /^(goroutine )(\d+)((?: [a-z]+=\S+)*)( \[)([^,\]]*)((?:, \d+ minutes?)?)((?:, [^,\]]+)*)(\]:?)(.*)$/,
        ['keyword', 'number.id', 'comment', 'delimiter', 'state', 'number.wait', 'keyword.flag', 'delimiter', ''],
      ],
      // Go ≥ 1.21 names the creating goroutine: `created by main.main in goroutine 1`.
      [/^(created by )(\S+)( in goroutine )(\d+)(\s*)$/, ['keyword.created', 'function', 'keyword.created', 'number.id', '']],
      [/^(created by )(\S+)(.*)$/, ['keyword.created', 'function', 'args']],
      [/^(\s+)([^\s:#][^:]*?)(:)(\d+)((?:\s+\+0x[0-9a-f]+)?)(.*)$/, ['', 'file', 'delimiter', 'number.line', 'comment', 'comment']],
      [/^(\d+)( @(?: 0x[0-9a-f]+)+)(\s*)$/, ['number.count', 'comment', '']],
      [
        /^(#\s+)(0x[0-9a-f]+)(\s+)(\S+?)(\+0x[0-9a-f]+)(\s+)([^:\s][^:]*)(:)(\d+)(\s*)$/,
        ['comment', 'comment', '', 'function', 'comment', '', 'file', 'delimiter', 'number.line', ''],
      ],
      [/^(#\s+labels:.*)$/, 'comment'],
      [/^((?:panic|fatal error|SIGQUIT|SIGSEGV|SIGABRT)\b.*)$/, 'invalid'],
      [/^((?:[\w.%-]+\/)*[\w%-]+\.)([^\s]*?)((?:\([^()]*\))?)(\s*)$/, ['package', 'function', 'args', '']],
      [/.+$/, ''],
    ],
  },
};

/** Folding comes from the goroutine spans the dump view indexes; brackets mean nothing in a dump. */
export const goroutineDumpConfiguration: languages.LanguageConfiguration = {
  brackets: [],
  autoClosingPairs: [],
};

const LIGHT_RULES: editor.ITokenThemeRule[] = [
  { token: 'keyword', foreground: '7a3e9d', fontStyle: 'bold' },
  { token: 'keyword.created', foreground: '7a3e9d' },
  { token: 'keyword.flag', foreground: 'a0522d' },
  { token: 'number.id', foreground: '0b6bcb', fontStyle: 'bold' },
  { token: 'number.total', foreground: '0b6bcb' },
  { token: 'number.count', foreground: '0b6bcb', fontStyle: 'bold' },
  { token: 'number.wait', foreground: 'c2410c', fontStyle: 'bold' },
  { token: 'number.line', foreground: '0f766e' },
  { token: 'state', foreground: 'b91c1c' },
  { token: 'package', foreground: '6b7280' },
  { token: 'function', foreground: '1f2937', fontStyle: 'bold' },
  { token: 'args', foreground: '9ca3af' },
  { token: 'file', foreground: '0f766e' },
  { token: 'comment', foreground: '9ca3af' },
  { token: 'invalid', foreground: 'b91c1c', fontStyle: 'bold' },
];

const DARK_RULES: editor.ITokenThemeRule[] = [
  { token: 'keyword', foreground: 'c792ea', fontStyle: 'bold' },
  { token: 'keyword.created', foreground: 'c792ea' },
  { token: 'keyword.flag', foreground: 'f78c6c' },
  { token: 'number.id', foreground: '82aaff', fontStyle: 'bold' },
  { token: 'number.total', foreground: '82aaff' },
  { token: 'number.count', foreground: '82aaff', fontStyle: 'bold' },
  { token: 'number.wait', foreground: 'ffcb6b', fontStyle: 'bold' },
  { token: 'number.line', foreground: '89ddff' },
  { token: 'state', foreground: 'ff7a85' },
  { token: 'package', foreground: '8b949e' },
  { token: 'function', foreground: 'e6edf3', fontStyle: 'bold' },
  { token: 'args', foreground: '6e7681' },
  { token: 'file', foreground: '7fdbca' },
  { token: 'comment', foreground: '6e7681' },
  { token: 'invalid', foreground: 'ff7a85', fontStyle: 'bold' },
];

export const DUMP_THEMES: Record<'light' | 'dark', editor.IStandaloneThemeData> = {
  light: {
    base: 'vs',
    inherit: true,
    rules: LIGHT_RULES,
    colors: { 'editor.background': '#fbfbfc', 'editorOverviewRuler.background': '#fbfbfc' },
  },
  dark: {
    base: 'vs-dark',
    inherit: true,
    rules: DARK_RULES,
    colors: { 'editor.background': '#0f1419', 'editorOverviewRuler.background': '#0f1419' },
  },
};
