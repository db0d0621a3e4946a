import type { HistoryStore } from '../store/history-store.js';
import type { RawDump, SnapshotInfo } from '../store/types.js';

export interface LastDumpText {
  /** The kept raw dump of a snapshot (null when none was kept). */
  raw(info: SnapshotInfo): RawDump | null;
  /** `make(raw)` for that snapshot, made once while it stays the last one asked for. */
  derived<T>(info: SnapshotInfo, make: (raw: RawDump | null) => T): T;
}

/**
 * The last snapshot's kept raw dump, decompressed once, and one thing derived from it (the dump
 * view's index): opening a 56 MB dump asks for the text and its index together, and each
 * decompression costs about half a second. One entry only, so at most one dump is held. A snapshot id
 * can come back after its session was removed (SQLite reuses the highest rowid), so an entry is known
 * by the snapshot's session, time and size as well.
 */
export function lastDumpText(store: HistoryStore): LastDumpText {
  let entry: { identity: string; raw: RawDump | null; derived: unknown; hasDerived: boolean } | null = null;
  const entryOf = (info: SnapshotInfo) => {
    const identity = `${info.id}:${info.sessionId}:${info.atMs}:${info.bytes}:${info.hasRawDump}`;
    if (entry?.identity !== identity) entry = { identity, raw: store.rawDump(info.id), derived: null, hasDerived: false };
    return entry;
  };
  return {
    raw: (info) => entryOf(info).raw,
    derived<T>(info: SnapshotInfo, make: (raw: RawDump | null) => T): T {
      const e = entryOf(info);
      if (!e.hasDerived) {
        e.derived = make(e.raw);
        e.hasDerived = true;
      }
      return e.derived as T;
    },
  };
}
