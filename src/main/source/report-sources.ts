import type { Report } from '../../shared/report.js';
import type { ReportSources, SuspectExcerpts } from '../analysis/report/source-excerpt.js';
import type { SourceService } from './source-service.js';

/** Lines either side of a site in the report: enough to see the statement, short enough for an issue. */
export const EXCERPT_CONTEXT_LINES = 3;

/**
 * The code around each suspect's blocking and creation sites, read through `service` (only under its
 * roots). A site whose file cannot be read has no excerpt; the report then shows the stack alone.
 */
export async function reportSources(report: Report, service: SourceService, hasEditorLinks: boolean): Promise<ReportSources> {
  const context = report.suspects.flatMap((s) => s.frames);
  const excerpts = new Map<string, SuspectExcerpts>();
  for (const s of report.suspects) {
    excerpts.set(s.key, {
      blocking: s.blockingSite === null ? null : await service.excerpt(s.blockingSite, context, EXCERPT_CONTEXT_LINES),
      createdBy: s.createdBy === null ? null : await service.excerpt(s.createdBy, context, EXCERPT_CONTEXT_LINES),
    });
  }
  return { excerpts, hasEditorLinks };
}
