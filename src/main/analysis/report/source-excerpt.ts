import type { Frame } from '../../../shared/model.js';
import type { ReportSuspect } from '../../../shared/report.js';
import { baseName } from '../explain.js';
import { escapeHtml as e } from './escape.js';

/**
 * A few lines of source around a suspect's blocking and creation sites, for the HTML and Markdown
 * reports. The lines are read by the caller (`src/main/source`, only under the configured roots); this
 * module only lays them out. Local paths appear only as `vscode://file/…` links, and only when asked
 * (`--editor-links`): they say things about the machine that a shared report should not.
 */
export interface SourceExcerpt {
  frame: Frame;
  localPath: string;
  /** 1-based number of `lines[0]`. */
  firstLine: number;
  lines: string[];
}

export interface SuspectExcerpts {
  blocking: SourceExcerpt | null;
  createdBy: SourceExcerpt | null;
}

export interface ReportSources {
  /** By suspect key. */
  excerpts: ReadonlyMap<string, SuspectExcerpts>;
  hasEditorLinks: boolean;
}

/** `vscode://file//home/me/svc/main.go:84` (VS Code's URL handler; the path percent-encoded). */
export function vscodeLink(localPath: string, line: number): string {
  return `vscode://file${encodeURI(localPath.startsWith('/') ? localPath : `/${localPath}`)}:${line}`;
}

/**
 * Lines with their numbers. Go indents with tabs, and a tab stops at a multiple of the tab size counted
 * from the start of the line, number included: the number column is 3, 7, 11… wide so that the prefix
 * (`→ 123 | ` in Markdown, `123 ` in HTML) ends on a tab stop and the code keeps its indentation.
 */
function numbered(ex: SourceExcerpt): { mark: string; number: string; text: string; isSite: boolean }[] {
  const digits = String(ex.firstLine + ex.lines.length - 1).length;
  const width = digits + ((3 - (digits % 4) + 4) % 4);
  return ex.lines.map((text, i) => {
    const n = ex.firstLine + i;
    const isSite = n === ex.frame.line;
    return { mark: isSite ? '→' : ' ', number: String(n).padStart(width), text, isSite };
  });
}

/** The longest run of backticks in the lines plus one (at least three), so no line closes the fence. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const l of lines) for (const run of l.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function excerptMd(label: string, ex: SourceExcerpt, hasLinks: boolean): string {
  const fence = fenceFor(ex.lines);
  const where = `${baseName(ex.frame.file)}:${ex.frame.line}`;
  const link = hasLinks ? ` ([open](${vscodeLink(ex.localPath, ex.frame.line)}))` : '';
  const body = numbered(ex).map((l) => `${l.mark} ${l.number} | ${l.text}`);
  return [`${label} \`${where}\`${link}:`, '', `${fence}go`, ...body, fence, ''].join('\n');
}

/** The Markdown lines for one suspect's excerpts (empty when none was read). */
export function suspectExcerptsMarkdown(s: ReportSuspect, sources: ReportSources | undefined): string {
  const ex = sources?.excerpts.get(s.key);
  if (!ex) return '';
  const parts: string[] = [];
  if (ex.blocking) parts.push(excerptMd('Blocking site', ex.blocking, sources!.hasEditorLinks));
  if (ex.createdBy) parts.push(excerptMd('Created at', ex.createdBy, sources!.hasEditorLinks));
  return parts.join('\n');
}

function excerptHtml(label: string, ex: SourceExcerpt, hasLinks: boolean): string {
  const where = `${e(baseName(ex.frame.file))}:${ex.frame.line}`;
  const title = hasLinks ? `<a href="${e(vscodeLink(ex.localPath, ex.frame.line))}">${where}</a>` : where;
  const rows = numbered(ex).map((l) => {
    const text = `<span class="ln">${l.number}</span> ${e(l.text)}`;
    return l.isSite ? `<mark>${text}</mark>` : text;
  });
  return `<figure class="source"><figcaption>${e(label)} ${title}</figcaption><pre><code>${rows.join('\n')}</code></pre></figure>`;
}

/** The HTML for one suspect's excerpts (empty when none was read). */
export function suspectExcerptsHtml(s: ReportSuspect, sources: ReportSources | undefined): string {
  const ex = sources?.excerpts.get(s.key);
  if (!ex) return '';
  const parts: string[] = [];
  if (ex.blocking) parts.push(excerptHtml('Blocking site', ex.blocking, sources!.hasEditorLinks));
  if (ex.createdBy) parts.push(excerptHtml('Created at', ex.createdBy, sources!.hasEditorLinks));
  return parts.join('\n');
}

/** CSS for the excerpts in the HTML report. */
export const SOURCE_STYLE = `
.source{margin:8px 0;border:1px solid #ddd;border-radius:4px;background:#fafafa}.source figcaption{font-size:12px;color:#555;padding:3px 8px;border-bottom:1px solid #eee}
.source pre{margin:0;padding:6px 8px;overflow-x:auto;font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;tab-size:4}.source mark{background:#fde2a8}.source .ln{color:#999;user-select:none}
`;
