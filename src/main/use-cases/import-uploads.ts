import type { ImportFile, RequestParams } from '../../shared/contract.js';
import { NotADumpError } from '../../shared/errors.js';
import type { HistoryStore } from '../store/history-store.js';
import { importFiles, type HeldSnapshotText } from './import-files.js';
import type { DumpIntake } from './dump-intake.js';

export interface ImportOutcome {
  sessionId: number;
  refused: { file: string; message: string }[];
  /** Per imported file, what was repaired or skipped while parsing it. */
  warnings: { file: string; line: number | null; message: string }[];
  /** The kept texts the intake's indexer still holds (see importFiles). */
  heldTexts: HeldSnapshotText[];
}

function bytesOf(file: ImportFile): Uint8Array {
  if (file.encoding === 'bytes') return file.data;
  return file.encoding === 'base64' ? Buffer.from(file.data, 'base64') : Buffer.from(file.data, 'utf8');
}

/**
 * The import use case for what `dump.import` receives from a renderer (its request, as the transport parsed it) (bytes, not paths) → `importFiles`, as `goroscope
 * import` does with paths: timed by their content, else the order given `intervalMs` apart, else not at
 * all (`modifiedAtMs` is not used). `intake` parses them (serve and the app: in a worker thread) with
 * its cap. When every file is refused, nothing is stored and NotADumpError lists the reasons.
 */
export async function importUploads(store: HistoryStore, request: RequestParams<'dump.import'>, nowMs: number, intake?: DumpIntake): Promise<ImportOutcome> {
  const outcome = await importFiles(
    store,
    request.files.map((file) => ({ name: file.name, bytes: bytesOf(file), atMs: null })),
    { name: request.name, timing: { intervalMs: request.intervalMs ?? null }, nowMs },
    intake,
  );
  const refused = outcome.refused.map((r) => ({ file: r.name, message: r.reason }));
  if (!outcome.isImported) throw new NotADumpError(refused.map((r) => `${r.file}: ${r.message}`).join('; '));
  const warnings = outcome.imported.flatMap((f) => f.warnings.map((w) => ({ file: f.name, line: w.line, message: w.message })));
  return { sessionId: outcome.sessionId, refused, warnings, heldTexts: outcome.heldTexts };
}
