import path from 'node:path';
import { isExpectedError, type ErrorCode } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/model.js';
import type { HistoryStore } from '../store/history-store.js';
import { compressRaw } from '../store/raw-dump.js';
import type { SnapshotKind, SnapshotRecord } from '../store/types.js';
import { parseSnapshots } from './parse-snapshots.js';

/** One saved dump to import: a name (a path, or a file name from the browser), its bytes, and its time. */
export interface DumpFile {
  name: string;
  bytes: Uint8Array;
  /** When it was taken (a given time, else the file's modification time): orders the ticks. */
  atMs: number;
}

/** A file that is not a dump (or not one Goroscope reads); `reason` does not repeat the name. */
export interface RefusedFile {
  /** Position in the files given. */
  index: number;
  name: string;
  code: ErrorCode;
  reason: string;
}

export interface ImportedFile {
  name: string;
  atMs: number;
  snapshots: number;
}

export type ImportFilesOutcome =
  | { isImported: true; sessionId: number; imported: ImportedFile[]; refused: RefusedFile[] }
  /** No file was a dump: no session was created. Each caller words this for its user. */
  | { isImported: false; refused: RefusedFile[] };

/** The snapshot kind an imported file's format implies. */
export function kindOf(s: Snapshot): SnapshotKind {
  switch (s.format) {
    case 'traceback':
      return 'full';
    case 'expvar':
      return 'expvar';
    case 'prometheus':
      return 'metrics';
    default:
      return s.profile === 'goroutineleak' ? 'leak' : 'compact';
  }
}

interface ParsedFile {
  file: DumpFile;
  index: number;
  snapshots: Snapshot[];
}

/**
 * The one import of saved dumps, for `goroscope import` (paths, `session-import.ts`) and `dump.import`
 * (bytes from a renderer, `import-uploads.ts`): dumps of any format → one import session, one tick per
 * snapshot, ordered by `atMs` (ties keep the order given). Tick times increase by at least 1 ms, so
 * several snapshots of one file, or files of one time, stay in order. Every file's raw bytes are kept
 * (the dump view shows them). A file that is not a dump is refused with its reason and the rest are
 * imported. All or nothing: when the store fails halfway, the session is removed and the error rethrown.
 * The session is named `name`, else after the first file (`t0.debug1.txt and 3 more`).
 */
export async function importFiles(store: HistoryStore, files: readonly DumpFile[], name?: string): Promise<ImportFilesOutcome> {
  const refused: RefusedFile[] = [];
  const parsed: ParsedFile[] = [];
  files.forEach((file, index) => {
    try {
      parsed.push({ file, index, snapshots: parseSnapshots(file.bytes) });
    } catch (error) {
      if (!isExpectedError(error)) throw error;
      refused.push({ index, name: file.name, code: error.code, reason: error.message });
    }
  });
  if (parsed.length === 0) return { isImported: false, refused };
  parsed.sort((a, b) => a.file.atMs - b.file.atMs || a.index - b.index);
  const first = path.basename(parsed[0]!.file.name);
  const sessionId = store.createSession({
    source: 'import',
    name: name ?? (parsed.length > 1 ? `${first} and ${parsed.length - 1} more` : first),
    targetUrl: null,
    startedAtMs: Math.round(parsed[0]!.file.atMs),
    intervalMs: null,
    fullEvery: null,
    rawRetention: 'all',
    rawKeepLast: parsed.length,
    endpoints: null,
  });
  try {
    const lastAtMs = await storeTicks(store, sessionId, parsed);
    store.endSession(sessionId, lastAtMs);
  } catch (error) {
    // An import is all or nothing: a store failure halfway must not leave half a session in the list.
    store.removeSession(sessionId);
    throw error;
  }
  const imported = parsed.map((p) => ({ name: p.file.name, atMs: p.file.atMs, snapshots: p.snapshots.length }));
  return { isImported: true, sessionId, imported, refused };
}

/** One tick per snapshot; the file's raw bytes go with its first snapshot. Returns the last tick's time. */
async function storeTicks(store: HistoryStore, sessionId: number, parsed: readonly ParsedFile[]): Promise<number> {
  let tick = 0;
  let lastAtMs = -Infinity;
  for (const p of parsed) {
    const raw = await compressRaw(p.file.bytes);
    for (const [i, snapshot] of p.snapshots.entries()) {
      const atMs = Math.max(Math.round(p.file.atMs) + i, lastAtMs + 1);
      lastAtMs = atMs;
      const record: SnapshotRecord = {
        kind: kindOf(snapshot),
        endpoint: p.file.name,
        atMs,
        durationMs: 0,
        bytes: i === 0 ? p.file.bytes.length : 0,
        snapshot,
        error: null,
        raw: i === 0 ? raw : null,
      };
      store.recordTick(sessionId, tick++, [record]);
    }
  }
  return lastAtMs;
}
