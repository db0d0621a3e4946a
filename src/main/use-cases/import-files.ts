import path from 'node:path';
import type { TimeBasis } from '../../shared/report.js';
import { ticksFromFiles, type FileTiming } from '../analysis/file-ticks.js';
import { isExpectedError, type ErrorCode } from '../../shared/errors.js';
import type { ParseWarning, Snapshot } from '../../shared/model.js';
import type { HistoryStore } from '../store/history-store.js';
import { compressRaw, type RawBlob } from '../store/raw-dump.js';
import type { SnapshotKind, SnapshotRecord } from '../store/types.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../../shared/defaults.js';
import type { DumpIntake, HeldText } from './dump-intake.js';

/** Parsing in this thread with the default cap: the CLI's way (it has no other clients to keep answering). */
export const IN_THREAD_INTAKE: DumpIntake = {
  parse: (bytes, options) => Promise.resolve(parseSnapshots(bytes, options)),
  maxInputBytes: DEFAULT_MAX_INPUT_BYTES,
};

/** One saved dump to import: a name (a path, or a file name from the browser), its bytes, and maybe its time. */
export interface DumpFile {
  name: string;
  bytes: Uint8Array;
  /** When it was taken, as the user gave it (`--at`); null: from the content, else the file order. */
  atMs: number | null;
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
  /** The time of the file's tick: given, from the content, or assumed (see `timeBasis`). */
  atMs: number;
  snapshots: number;
  /** What the parser repaired or skipped in the file (`repaired: …`, dropped goroutines). */
  warnings: ParseWarning[];
}

/** A stored snapshot whose kept text the intake's indexer still holds (see TextIndexer). */
export interface HeldSnapshotText {
  snapshotId: number;
  held: HeldText;
}

export type ImportFilesOutcome =
  | { isImported: true; sessionId: number; imported: ImportedFile[]; refused: RefusedFile[]; timeBasis: TimeBasis; heldTexts: HeldSnapshotText[] }
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

interface ParsedDumpFile {
  file: DumpFile;
  index: number;
  snapshots: Snapshot[];
  raw: Promise<RawBlob>;
}

/**
 * How an import session records its time basis in `sessions.interval_ms` (imports have no tick interval
 * of their own): null — times from the content or given per file; 0 — no time at all (no rate); N — file
 * order, N ms apart. `importTimeBasis` reads it back.
 */
export function importIntervalOf(timeBasis: TimeBasis, intervalMs: number | null): number | null {
  if (timeBasis === 'none') return 0;
  return timeBasis === 'interval' ? intervalMs : null;
}

/** The time basis of an import session from its stored `intervalMs` (see importIntervalOf). */
export function importTimeBasis(intervalMs: number | null): { timeBasis: TimeBasis; intervalMs: number | null } {
  if (intervalMs === null) return { timeBasis: 'content', intervalMs: null };
  return intervalMs === 0 ? { timeBasis: 'none', intervalMs: null } : { timeBasis: 'interval', intervalMs };
}

/**
 * The one import of saved dumps, for `goroscope import` (paths, `import-paths.ts`) and `dump.import`
 * (bytes from a renderer, `import-uploads.ts`): dumps of any format → one import session, ticked and
 * timed exactly as `check` and `report` read the same files (`ticksFromFiles`: files of one stem are one
 * tick; times given, else from the content, else the file order `timing.intervalMs` apart, else none).
 * Every file's raw bytes are kept (the dump view shows them). A file that is not a dump is refused with
 * its reason and the rest are imported. All or nothing: when the store fails halfway, the session is
 * removed and the error rethrown. The session is named `name`, else after the first file
 * (`t0.debug1.txt and 3 more`). `nowMs` dates a session whose files carry no time. Files are parsed
 * one at a time by `intake` (serve and the app: a worker thread), each capped at its `maxInputBytes`.
 */
export async function importFiles(
  store: HistoryStore,
  files: readonly DumpFile[],
  options: { name?: string | undefined; timing: FileTiming; nowMs: number },
  intake: DumpIntake = IN_THREAD_INTAKE,
): Promise<ImportFilesOutcome> {
  const refused: RefusedFile[] = [];
  const parsed: ParsedDumpFile[] = [];
  for (const [index, file] of files.entries()) {
    try {
      // The raw text is compressed (libuv's pool) while the worker parses it: a 56 MB dump takes
      // about as long to pack as to parse, and the import waits for both.
      const raw = compressRaw(file.bytes);
      raw.catch(() => undefined); // awaited in recordsOf, unless the file is refused
      parsed.push({ file, index, snapshots: await intake.parse(file.bytes, { maxInflatedBytes: intake.maxInputBytes }), raw });
    } catch (error) {
      if (!isExpectedError(error)) throw error;
      refused.push({ index, name: file.name, code: error.code, reason: error.message });
    }
  }
  if (parsed.length === 0) return { isImported: false, refused };
  const ticks = ticksFromFiles(
    parsed.map((p) => ({ name: p.file.name, snapshots: p.snapshots, givenAtMs: p.file.atMs })),
    options.timing,
  );
  // Assumed times start at 0; an untimed import is dated when it was made.
  const offsetMs = ticks.timesAssumed ? options.nowMs : 0;
  const first = path.basename(parsed[ticks.ticks[0]!.items[0]!.fileIndex]!.file.name);
  const sessionId = store.createSession({
    source: 'import',
    name: options.name ?? (parsed.length > 1 ? `${first} and ${parsed.length - 1} more` : first),
    targetUrl: null,
    startedAtMs: Math.round(ticks.ticks[0]!.atMs + offsetMs),
    intervalMs: importIntervalOf(ticks.timeBasis, ticks.assumedIntervalMs),
    fullEvery: null,
    rawRetention: 'all',
    rawKeepLast: parsed.length,
    endpoints: null,
  });
  const fileAtMs = new Map<number, number>();
  const heldTexts: HeldSnapshotText[] = [];
  try {
    let lastAtMs = 0;
    for (const [tick, t] of ticks.ticks.entries()) {
      const atMs = Math.round(t.atMs + offsetMs);
      const records = await recordsOf(parsed, t.items, atMs);
      const ids = store.recordTick(sessionId, tick, records.map((r) => r.record));
      records.forEach(({ keptFrom }, i) => {
        const held = keptFrom === null ? null : (intake.textIndexer?.heldTextOf(keptFrom.bytes) ?? null);
        if (held !== null) heldTexts.push({ snapshotId: ids[i]!, held });
      });
      for (const item of t.items) if (!fileAtMs.has(item.fileIndex)) fileAtMs.set(item.fileIndex, atMs);
      lastAtMs = atMs;
    }
    store.endSession(sessionId, lastAtMs);
  } catch (error) {
    // An import is all or nothing: a store failure halfway must not leave half a session in the list.
    store.removeSession(sessionId);
    throw error;
  }
  const imported: ImportedFile[] = parsed.map((p, i) => ({ name: p.file.name, atMs: fileAtMs.get(i)!, snapshots: p.snapshots.length, warnings: p.snapshots.flatMap((s) => s.warnings) }));
  return { isImported: true, sessionId, imported, refused, timeBasis: ticks.timeBasis, heldTexts };
}

// The store counts a tick from its last compact profile: put the protobuf last, as `fromSnapshots` prefers it.
const RECORD_ORDER: Record<string, number> = { debug1: 0, 'pprof-proto': 1 };

/** A tick's records: its snapshots; a file's raw bytes go with the file's first snapshot (`keptFrom`: that file). */
async function recordsOf(
  parsed: readonly ParsedDumpFile[],
  items: readonly { fileIndex: number; snapshot: Snapshot }[],
  atMs: number,
): Promise<{ record: SnapshotRecord; keptFrom: DumpFile | null }[]> {
  const records: { record: SnapshotRecord; keptFrom: DumpFile | null }[] = [];
  for (const { fileIndex, snapshot } of items) {
    const p = parsed[fileIndex]!;
    const isFirst = p.snapshots[0] === snapshot;
    const record: SnapshotRecord = {
      kind: kindOf(snapshot),
      endpoint: p.file.name,
      atMs,
      durationMs: 0,
      bytes: isFirst ? p.file.bytes.length : 0,
      snapshot,
      error: null,
      raw: isFirst ? await p.raw : null,
    };
    records.push({ record, keptFrom: isFirst ? p.file : null });
  }
  return records.sort((a, b) => (RECORD_ORDER[a.record.snapshot!.format] ?? 2) - (RECORD_ORDER[b.record.snapshot!.format] ?? 2));
}
