import type { HistoryStore } from '../store/history-store.js';
import type { RawDump, SnapshotInfo } from '../store/types.js';

export interface LastDumpText {
  /** The kept raw dump of a snapshot (null when none was kept). */
  raw(info: SnapshotInfo): RawDump | null;
}

/**
 * The last snapshot's kept raw dump, decompressed once: the dump view asks for the text and its index
 * together (`snapshot.raw` as JSON, and `snapshot.index` of a dump the worker no longer holds), and
 * each decompression of a 56 MB dump costs about half a second. One entry only, so at most one dump is held. A snapshot id
 * can come back after its session was removed (SQLite reuses the highest rowid), so an entry is known
 * by the snapshot's session, time and size as well.
 */
export function lastDumpText(store: HistoryStore): LastDumpText {
  let entry: { identity: string; raw: RawDump | null } | null = null;
  const entryOf = (info: SnapshotInfo) => {
    const identity = `${info.id}:${info.sessionId}:${info.atMs}:${info.bytes}:${info.hasRawDump}`;
    if (entry?.identity !== identity) entry = { identity, raw: store.rawDump(info.id) };
    return entry;
  };
  return {
    raw: (info) => entryOf(info).raw,
  };
}
