import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { GoroscopeError, InvalidInputError } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/model.js';
import type { HistoryStore } from '../store/history-store.js';
import { compressRaw } from '../store/raw-dump.js';
import type { SnapshotKind, TickError } from '../store/types.js';
import { parseSnapshots } from './parse-snapshots.js';

export interface ImportRequest {
  paths: string[];
  name?: string;
  /** One time per path, in the same order; else each file's modification time. */
  atMs?: number[];
}

export interface ImportResult {
  sessionId: number;
  imported: { path: string; atMs: number; snapshots: number }[];
  refused: { path: string; error: TickError }[];
}

interface ParsedFile {
  path: string;
  atMs: number;
  /** Position in the arguments: breaks ties between equal times. */
  order: number;
  bytes: Uint8Array;
  snapshots: Snapshot[];
}

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

/**
 * Makes one session from saved dumps of any format, one tick per snapshot, ordered by time (given,
 * else modification time; ties keep argument order). A file that cannot be read or is not a dump is
 * reported in `refused` and the rest are imported; when none can be, throws InvalidInputError listing
 * why, and no session is created.
 */
export async function importDumps(store: HistoryStore, req: ImportRequest): Promise<ImportResult> {
  if (req.paths.length === 0) throw new InvalidInputError('no files to import');
  if (req.atMs && req.atMs.length !== req.paths.length) {
    throw new InvalidInputError(`--at gives ${req.atMs.length} times for ${req.paths.length} files; expected one ISO time per file, comma-separated`);
  }
  const refused: ImportResult['refused'] = [];
  const parsed: ParsedFile[] = [];
  for (const [order, file] of req.paths.entries()) {
    let read: [Buffer, Stats];
    try {
      read = await Promise.all([readFile(file), stat(file)]);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (cause as Error).message;
      refused.push({ path: file, error: { code: 'INVALID_INPUT', message: `cannot read ${file}: ${why}` } });
      continue;
    }
    const [bytes, info] = read;
    try {
      parsed.push({ path: file, atMs: req.atMs?.[order] ?? info.mtimeMs, order, bytes, snapshots: parseSnapshots(bytes) });
    } catch (error) {
      if (!(error instanceof GoroscopeError) || error.code === 'BUG') throw error;
      refused.push({ path: file, error: { code: error.code, message: `${file}: ${error.message}` } });
    }
  }
  if (parsed.length === 0) {
    throw new InvalidInputError(`nothing imported: ${refused.map((r) => r.error.message).join('; ')}`);
  }
  parsed.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const first = path.basename(parsed[0]!.path);
  const sessionId = store.createSession({
    source: 'import',
    name: req.name ?? (parsed.length > 1 ? `${first} and ${parsed.length - 1} more` : first),
    targetUrl: null,
    startedAtMs: Math.round(parsed[0]!.atMs),
    intervalMs: null,
    fullEvery: null,
    rawRetention: 'all',
    rawKeepLast: parsed.length,
    endpoints: null,
  });
  try {
    const imported = await storeTicks(store, sessionId, parsed);
    store.endSession(sessionId, Math.round(parsed[parsed.length - 1]!.atMs));
    return { sessionId, imported, refused };
  } catch (error) {
    // An import is all or nothing: a store failure halfway must not leave half a session in the list.
    store.removeSession(sessionId);
    throw error;
  }
}

async function storeTicks(store: HistoryStore, sessionId: number, parsed: readonly ParsedFile[]): Promise<ImportResult['imported']> {
  let tick = 0;
  const imported: ImportResult['imported'] = [];
  for (const p of parsed) {
    const raw = await compressRaw(p.bytes);
    for (const [i, snapshot] of p.snapshots.entries()) {
      const record = {
        kind: kindOf(snapshot), endpoint: p.path, atMs: p.atMs, durationMs: 0, bytes: p.bytes.length,
        snapshot, error: null, raw: i === 0 ? raw : null,
      };
      store.recordTick(sessionId, tick++, [record]);
    }
    imported.push({ path: p.path, atMs: p.atMs, snapshots: p.snapshots.length });
  }
  return imported;
}
