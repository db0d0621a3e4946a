import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../../shared/errors.js';
import type { HistoryStore } from '../store/history-store.js';
import type { TickError } from '../store/types.js';
import { importFiles, type DumpFile } from './import-files.js';

export interface ImportRequest {
  paths: string[];
  name?: string;
  /** One time per path, in the same order; else from the content, else the order `intervalMs` apart. */
  atMs?: number[];
  /** Time between files that carry no time; null or absent: no time (growth as counts). */
  intervalMs?: number | null;
}

export interface ImportResult {
  sessionId: number;
  imported: { path: string; atMs: number; snapshots: number }[];
  refused: { path: string; error: TickError }[];
}

/** A path read, or why it could not be (`cannot read x: no such file`). */
async function readDump(file: string, atMs: number | undefined): Promise<DumpFile | TickError> {
  try {
    const bytes = await readFile(file);
    return { name: file, bytes, atMs: atMs ?? null };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (cause as Error).message;
    return { code: 'INVALID_INPUT', message: `cannot read ${file}: ${why}` };
  }
}

/**
 * `goroscope import`: reads saved dumps from their paths and imports them (`importFiles`), timed as
 * `check` times them (given, else the content's, else argument order `intervalMs` apart, else none). A file that cannot be read or is not
 * a dump is reported in `refused`, in argument order, and the rest are imported; when none can be,
 * throws InvalidInputError listing why, and no session is created.
 */
export async function importDumps(store: HistoryStore, req: ImportRequest): Promise<ImportResult> {
  if (req.paths.length === 0) throw new InvalidInputError('no files to import');
  if (req.atMs && req.atMs.length !== req.paths.length) {
    throw new InvalidInputError(`--at gives ${req.atMs.length} times for ${req.paths.length} files; expected one ISO time per file, comma-separated`);
  }
  const read = await Promise.all(req.paths.map((p, i) => readDump(p, req.atMs?.[i])));
  const files: DumpFile[] = [];
  const argumentOf: number[] = [];
  const refused: (ImportResult['refused'][number] & { order: number })[] = [];
  read.forEach((r, order) => {
    if ('bytes' in r) {
      files.push(r);
      argumentOf.push(order);
    } else {
      refused.push({ path: req.paths[order]!, error: r, order });
    }
  });
  const outcome = await importFiles(store, files, { name: req.name, timing: { intervalMs: req.intervalMs ?? null }, nowMs: Date.now() });
  for (const r of outcome.refused) refused.push({ path: r.name, error: { code: r.code, message: `${r.name}: ${r.reason}` }, order: argumentOf[r.index]! });
  const inOrder = refused.sort((a, b) => a.order - b.order).map(({ path, error }) => ({ path, error }));
  if (!outcome.isImported) throw new InvalidInputError(`nothing imported: ${inOrder.map((r) => r.error.message).join('; ')}`);
  return { sessionId: outcome.sessionId, imported: outcome.imported.map((f) => ({ path: f.name, atMs: f.atMs, snapshots: f.snapshots })), refused: inOrder };
}
