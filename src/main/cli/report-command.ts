import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInputError } from '../../shared/errors.js';
import { renderHtml } from '../analysis/report/html.js';
import { renderMarkdown } from '../analysis/report/markdown.js';
import { renderJson } from '../analysis/report/json.js';
import { defaultBackends, type AnalysisBackends } from '../use-cases/check.js';
import { buildSessionReport } from '../use-cases/analyse.js';
import { loadProjectConfig, PROJECT_FILE } from '../use-cases/project-config.js';
import { loadFiles, loadReportById, parseDuration, sessionIdOf } from '../use-cases/load-files.js';
import { reportSources } from '../source/report-sources.js';
import { SourceService } from '../source/source-service.js';

type ReportFormat = 'html' | 'md' | 'json';
const FORMATS: readonly ReportFormat[] = ['html', 'md', 'json'];

interface ReportOptions {
  format?: string;
  output?: string;
  config?: string;
  interval?: string;
  db?: string;
  source: string[];
  editorLinks?: boolean;
  redactLabels?: boolean;
}

/** `--source a --source b` → `['a', 'b']`. */
export function collectDirs(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `goroscope report <session-id | files…> [--format html|md|json] [-o FILE]`: the leak report of a
 * recorded session or of dump files given in time order.
 */
export function registerReport(program: Command, backends: AnalysisBackends = defaultBackends()): void {
  program
    .command('report')
    .description('write a leak report (HTML, Markdown or JSON) of a recorded session or of dump files in time order')
    .argument('<inputs...>', 'a session id, or dump files of any format in time order (files of one tick: t1.debug1.txt t1.debug2.txt …)')
    .option('--format <format>', 'html (one self-contained file), md (fits a GitHub issue) or json; default: from -o, else html')
    .option('-o, --output <file>', 'write the report here instead of standard output')
    .option('--config <file>', `ignore rules and settings (default: ${PROJECT_FILE} in the working folder, if any)`)
    .option('--interval <duration>', 'time between files that carry no timestamp (default: none, growth is given as counts, not per minute)')
    .option('--db <file>', 'the session history to read a session id from (default: the app’s history)')
    .option('--source <dir>', 'a local checkout of the service (repeatable): suspects show the code at their blocking and creation sites', collectDirs, [])
    .option('--editor-links', 'link each code excerpt to its local file (vscode://file/…); leaks local paths into the report')
    .option('--redact-labels', 'replace pprof label values (tenant, user ids) with stable short hashes; keys are kept')
    .action(async (inputs: string[], options: ReportOptions) => {
      const format = formatOf(options);
      const config = loadProjectConfig(options.config);
      const sessionId = sessionIdOf(inputs);
      const report =
        sessionId !== null
          ? loadReportById(backends, sessionId, options.db ?? null, config, { shouldRedactLabels: options.redactLabels === true })
          : buildSessionReport(await loadFiles(inputs, options.interval === undefined ? null : parseDuration(options.interval, '--interval')), config, { shouldRedactLabels: options.redactLabels === true });
      const roots = [...options.source, ...config.sourceRoots];
      const sources = format === 'json' || roots.length === 0 ? undefined : await reportSources(report, new SourceService(() => roots), options.editorLinks === true);
      const text = format === 'html' ? renderHtml(report, sources) : format === 'md' ? renderMarkdown(report, sources) : renderJson(report);
      if (options.output) await writeOutput(options.output, text);
      else process.stdout.write(text);
    });
}

function formatOf(options: ReportOptions): ReportFormat {
  if (options.format !== undefined) {
    if (!FORMATS.includes(options.format as ReportFormat)) {
      throw new InvalidInputError(`--format: expected html, md or json, got "${options.format}"`);
    }
    return options.format as ReportFormat;
  }
  const ext = /\.(html?|md|markdown|json)$/i.exec(options.output ?? '')?.[1]?.toLowerCase();
  if (ext === 'md' || ext === 'markdown') return 'md';
  if (ext === 'json') return 'json';
  return 'html';
}

async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (cause) {
    throw new InvalidInputError(`cannot write the report to ${file}: ${(cause as Error).message}`, { cause });
  }
}
