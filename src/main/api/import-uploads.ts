import type { ImportFile } from '../../shared/contract.js';
import { GoroscopeError, NotADumpError } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/model.js';
import type { HistoryStore } from '../store/history-store.js';
import { compressRaw, type RawBlob } from '../store/raw-dump.js';
import type { SnapshotRecord } from '../store/types.js';
import { parseSnapshots } from './parse-snapshots.js';
import { kindOf } from './session-import.js';

export interface ImportOutcome {
  sessionId: number;
  refused: { file: string; message: string }[];
}

/** An import keeps every raw dump (the dump view needs them), up to this many per session. */
const IMPORT_RAW_KEEP_LAST = 1_000;

function bytesOf(file: ImportFile): Uint8Array {
  return file.encoding === 'base64' ? Buffer.from(file.data, 'base64') : Buffer.from(file.data, 'utf8');
}

interface Parsed {
  file: ImportFile;
  atMs: number;
  snapshots: Snapshot[];
  raw: Promise<RawBlob>;
}

/**
 * What `dump.import` receives from a renderer (bytes, not paths; `session-import.ts` reads paths for
 * `goroscope import`): files of any dump format → one import session with one tick per snapshot, in file time order
 * (`modifiedAtMs`, else the order given). A file that is not a dump is refused with its reason and the
 * rest imported; when every file is refused, nothing is stored and NotADumpError lists the reasons.
 */
export async function importUploads(store: HistoryStore, files: readonly ImportFile[], name: string | undefined, nowMs: number): Promise<ImportOutcome> {
  const refused: ImportOutcome['refused'] = [];
  const parsed: Parsed[] = [];
  files.forEach((file, index) => {
    const bytes = bytesOf(file);
    try {
      const snapshots = parseSnapshots(bytes);
      parsed.push({ file, atMs: file.modifiedAtMs ?? nowMs + index, snapshots, raw: compressRaw(bytes) });
    } catch (error) {
      if (!(error instanceof GoroscopeError) || error.code === 'BUG') throw error;
      refused.push({ file: file.name, message: error.message });
    }
  });
  if (parsed.length === 0) {
    throw new NotADumpError(refused.map((r) => `${r.file}: ${r.message}`).join('; '));
  }
  parsed.sort((a, b) => a.atMs - b.atMs);
  const sessionId = store.createSession({
    source: 'import',
    name: name ?? (parsed.length === 1 ? parsed[0]!.file.name : `${parsed.length} files`),
    targetUrl: null,
    startedAtMs: parsed[0]!.atMs,
    intervalMs: null,
    fullEvery: null,
    rawRetention: 'all',
    rawKeepLast: IMPORT_RAW_KEEP_LAST,
    endpoints: null,
  });
  let tick = 0;
  let lastAtMs = -Infinity;
  for (const p of parsed) {
    const raw = await p.raw;
    for (const [i, snapshot] of p.snapshots.entries()) {
      // Ticks need increasing times; several snapshots of one file are a millisecond apart.
      const atMs = Math.max(p.atMs + i, lastAtMs + 1);
      lastAtMs = atMs;
      const record: SnapshotRecord = {
        kind: kindOf(snapshot),
        endpoint: p.file.name,
        atMs,
        durationMs: 0,
        bytes: i === 0 ? raw.originalBytes : 0,
        snapshot,
        error: null,
        raw: i === 0 ? raw : null,
      };
      store.recordTick(sessionId, tick++, [record]);
    }
  }
  store.endSession(sessionId, lastAtMs);
  return { sessionId, refused };
}
