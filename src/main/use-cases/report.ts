import { ReportFormatSchema, type ReportFormat } from '../../shared/contract.js';
import { DEFAULT_REPORT_FORMAT } from '../../shared/defaults.js';
import { InvalidInputError } from '../../shared/errors.js';
import type { Report } from '../../shared/report.js';
import { renderHtml } from '../analysis/report/html.js';
import { renderJson } from '../analysis/report/json.js';
import { renderMarkdown } from '../analysis/report/markdown.js';
import type { ReportSources } from '../analysis/report/source-excerpt.js';
import { reportSources } from '../source/report-sources.js';
import { SourceService } from '../source/source-service.js';

/**
 * The report use case's one choice of format: `goroscope report` (from `--format`, else the output's
 * extension) and `report.render` (the contract's `format`) both end here, so a format is added in
 * `REPORT_FORMATS` (shared/defaults.ts) and in `renderReport`, nowhere else.
 */
const MIME: Record<ReportFormat, string> = { html: 'text/html', md: 'text/markdown', json: 'application/json' };

/** The report model written in `format`; with `sources`, suspects show their code (JSON never carries it). */
export function renderReport(report: Report, format: ReportFormat, sources?: ReportSources): string {
  switch (format) {
    case 'html':
      return renderHtml(report, sources);
    case 'md':
      return renderMarkdown(report, sources);
    case 'json':
      return renderJson(report);
  }
}

export function mimeTypeOf(format: ReportFormat): string {
  return MIME[format];
}

/**
 * `--format` when given (checked against the contract's formats), else the output file's extension
 * (`.md`/`.markdown`, `.json`, `.html`), else the default. Throws InvalidInputError for an unknown format.
 */
export function reportFormatOf(format: string | undefined, outputPath: string | undefined): ReportFormat {
  if (format !== undefined) {
    const parsed = ReportFormatSchema.safeParse(format);
    if (!parsed.success) throw new InvalidInputError(`--format: expected ${ReportFormatSchema.options.join(', ').replace(/, (\w+)$/, ' or $1')}, got "${format}"`);
    return parsed.data;
  }
  const ext = /\.(html?|md|markdown|json)$/i.exec(outputPath ?? '')?.[1]?.toLowerCase();
  if (ext === 'md' || ext === 'markdown') return 'md';
  if (ext === 'json') return 'json';
  if (ext === 'html' || ext === 'htm') return 'html';
  return DEFAULT_REPORT_FORMAT;
}

/**
 * The code excerpts `goroscope report --source DIR` puts under each suspect: none for JSON or without
 * roots. The api reads them through its own SourceService (`session-handlers.ts`), with the app's settings.
 */
export async function reportSourcesFor(report: Report, format: ReportFormat, roots: readonly string[], withEditorLinks: boolean): Promise<ReportSources | undefined> {
  if (format === 'json' || roots.length === 0) return undefined;
  return await reportSources(report, new SourceService(() => roots), withEditorLinks);
}
