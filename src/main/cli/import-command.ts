import { InvalidArgumentError, type Command } from 'commander';
import { openHistory } from '../use-cases/session-history.js';
import { importDumps } from '../use-cases/import-paths.js';
import { parseDuration } from '../../shared/duration.js';
import { parseRequestFields } from '../use-cases/request.js';
import { maxBytesOption } from './max-bytes-option.js';

// Date.parse alone takes "1" as the year 2001 and "May 1" as a date: only ISO 8601 date-times pass.
// A time without an offset is local time, as Date.parse reads it.
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?$/i;

/** `2024-05-01T10:00:00Z,2024-05-01T10:05:00Z` → epoch ms per item. Throws commander's InvalidArgumentError. */
export function parseTimes(text: string): number[] {
  return text.split(',').map((raw) => {
    const item = raw.trim();
    const ms = ISO_TIME.test(item) ? Date.parse(item) : Number.NaN;
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${item}" is not an ISO time; expected e.g. 2024-05-01T10:00:00Z`);
    return ms;
  });
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('make a session from saved dumps of any format, timed as check times them (--at, else the content, else the order --interval apart)')
    .argument('<files...>', 'dump files: debug=1/debug=2 text, protobuf, crash output, /debug/vars, /metrics')
    .option('--name <name>', 'session name')
    .option('--at <times>', 'one ISO time per file, comma-separated, in the order the files are given', parseTimes)
    .option('--interval <duration>', 'time between files that carry no timestamp, in the order given (default: none, growth as counts)')
    .option('--db <file>', 'history database (default: $GOROSCOPE_DB, else goroscope.db in the app-data folder)')
    .addOption(maxBytesOption('file'))
    .action(async (files: string[], o: { name?: string; at?: number[]; interval?: string; db?: string; maxBytes: number }) => {
      // The name and interval `dump.import` takes, checked by its schema as the app's import is.
      const checked = parseRequestFields(
        'dump.import',
        ['name', 'intervalMs'],
        { ...(o.name !== undefined ? { name: o.name } : {}), ...(o.interval !== undefined ? { intervalMs: parseDuration(o.interval, '--interval') } : {}) },
        { name: '--name', intervalMs: `--interval ${o.interval ?? ''}` },
      );
      const store = openHistory(o.db);
      try {
        const result = await importDumps(store, { ...checked, paths: files, maxBytes: o.maxBytes, ...(o.at !== undefined ? { atMs: o.at } : {}) });
        for (const r of result.refused) process.stderr.write(`goroscope: refused ${r.error.message}\n`);
        for (const f of result.imported) {
          process.stdout.write(`  ${new Date(f.atMs).toISOString()}  ${f.path}${f.snapshots > 1 ? ` (${f.snapshots} snapshots)` : ''}\n`);
        }
        const s = store.session(result.sessionId);
        process.stdout.write(
          `imported ${result.imported.length} of ${files.length} files into session ${s.id} "${s.name}" (${s.snapshots} snapshots)\n${s.id}\n`,
        );
      } finally {
        store.dispose();
      }
    });
}
