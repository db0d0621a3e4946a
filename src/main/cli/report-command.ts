import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInputError } from '../../shared/errors.js';
import { parseDuration } from '../../shared/duration.js';
import { buildSessionReport } from '../use-cases/analyse.js';
import { loadProjectConfig, PROJECT_FILE } from '../use-cases/project-config.js';
import { loadFiles, sessionIdOf } from '../use-cases/load-files.js';
import { renderReport, reportFormatOf, reportSourcesFor } from '../use-cases/report.js';
import { parseRequestFields } from '../use-cases/request.js';
import { reportOfStoredSession } from '../use-cases/stored-report.js';

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
export function registerReport(program: Command): void {
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
      const format = reportFormatOf(options.format, options.output);
      const config = loadProjectConfig(options.config);
      const sessionId = sessionIdOf(inputs);
      const redact = { shouldRedactLabels: options.redactLabels === true };
      // Files without times are spaced by the interval `dump.import` takes: the contract's rule for it.
      const intervalMs =
        options.interval === undefined
          ? null
          : (parseRequestFields('dump.import', ['intervalMs'], { intervalMs: parseDuration(options.interval, '--interval') }, { intervalMs: `--interval ${options.interval}` }).intervalMs ?? null);
      const report =
        sessionId !== null ? reportOfStoredSession(options.db ?? null, sessionId, config, redact) : buildSessionReport(await loadFiles(inputs, intervalMs), config, redact);
      const sources = await reportSourcesFor(report, format, [...options.source, ...config.sourceRoots], options.editorLinks === true);
      const text = renderReport(report, format, sources);
      if (options.output) await writeOutput(options.output, text);
      else process.stdout.write(text);
    });
}

async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (cause) {
    throw new InvalidInputError(`cannot write the report to ${file}: ${(cause as Error).message}`, { cause });
  }
}
