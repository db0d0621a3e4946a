import { InvalidArgumentError, type Command } from 'commander';
import { openHistory } from '../api/session-history.js';
import { importDumps } from '../api/session-import.js';

/** `2024-05-01T10:00:00Z,2024-05-01T10:05:00Z` → epoch ms per item. */
function parseTimes(text: string): number[] {
  return text.split(',').map((item) => {
    const ms = Date.parse(item.trim());
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${item.trim()}" is not an ISO time; expected e.g. 2024-05-01T10:00:00Z`);
    return ms;
  });
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('make a session from saved dumps of any format (ordered by --at, else file modification time)')
    .argument('<files...>', 'dump files: debug=1/debug=2 text, protobuf, crash output, /debug/vars, /metrics')
    .option('--name <name>', 'session name')
    .option('--at <times>', 'one ISO time per file, comma-separated, in the order the files are given', parseTimes)
    .option('--db <file>', 'history database (default: $GOROSCOPE_DB, else goroscope.db in the app-data folder)')
    .action(async (files: string[], o: { name?: string; at?: number[]; db?: string }) => {
      const store = openHistory(o.db);
      try {
        const result = await importDumps(store, {
          paths: files,
          ...(o.name !== undefined ? { name: o.name } : {}),
          ...(o.at !== undefined ? { atMs: o.at } : {}),
        });
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
