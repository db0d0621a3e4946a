import type { RequestParams } from '../../shared/contract.js';
import { InvalidInputError, isExpectedError } from '../../shared/errors.js';
import type { HistoryStore } from '../store/history-store.js';
import type { TickError } from '../store/types.js';
import { importFiles, IN_THREAD_INTAKE, type DumpFile } from './import-files.js';
import { readDumpFile } from './read-dump-file.js';

/**
 * `goroscope import`: the contract's `dump.import` request (its name and interval, checked by its schema
 * at the CLI edge) with paths instead of uploaded bytes, and what only a command line can give.
 */
export interface ImportRequest extends Omit<RequestParams<'dump.import'>, 'files'> {
  paths: string[];
  /** One time per path, in the same order; else from the content, else the order `intervalMs` apart. */
  atMs?: number[];
  /** Largest file accepted, also once inflated (`--max-bytes`); 256 MiB by default. */
  maxBytes?: number;
}

export interface ImportResult {
  sessionId: number;
  imported: { path: string; atMs: number; snapshots: number }[];
  refused: { path: string; error: TickError }[];
}

/** A path read, or why it could not be (`cannot read x: no such file`, over the cap). */
async function readDump(file: string, atMs: number | undefined, maxBytes: number): Promise<DumpFile | TickError> {
  try {
    const bytes = await readDumpFile(file, maxBytes);
    return { name: file, bytes, atMs: atMs ?? null };
  } catch (cause) {
    if (!isExpectedError(cause)) throw cause;
    return { code: cause.code, message: cause.message };
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
  const maxBytes = req.maxBytes ?? IN_THREAD_INTAKE.maxInputBytes;
  // One after the other: two large files are never being read at once.
  const read: (DumpFile | TickError)[] = [];
  for (const [i, p] of req.paths.entries()) read.push(await readDump(p, req.atMs?.[i], maxBytes));
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
  const outcome = await importFiles(store, files, { name: req.name, timing: { intervalMs: req.intervalMs ?? null }, nowMs: Date.now() }, { ...IN_THREAD_INTAKE, maxInputBytes: maxBytes });
  for (const r of outcome.refused) refused.push({ path: r.name, error: { code: r.code, message: `${r.name}: ${r.reason}` }, order: argumentOf[r.index]! });
  const inOrder = refused.sort((a, b) => a.order - b.order).map(({ path, error }) => ({ path, error }));
  if (!outcome.isImported) throw new InvalidInputError(`nothing imported: ${inOrder.map((r) => r.error.message).join('; ')}`);
  return { sessionId: outcome.sessionId, imported: outcome.imported.map((f) => ({ path: f.name, atMs: f.atMs, snapshots: f.snapshots })), refused: inOrder };
}
