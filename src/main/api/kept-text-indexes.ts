import type { DumpTextIndex } from '../dump/dump-text-index.js';
import type { SnapshotInfo } from '../store/types.js';

/** How many imported dumps' indexes are held: one of 200,000 goroutines is a few MB. */
export const KEPT_TEXT_INDEXES = 4;

export interface KeptTextIndexes {
  /** Holds the index the import's worker is making of a stored snapshot's kept text. */
  add(info: SnapshotInfo, textIndex: Promise<DumpTextIndex | null>): void;
  /** That index (null: none was made), or undefined when none is held for this snapshot. */
  get(info: SnapshotInfo): Promise<DumpTextIndex | null> | undefined;
}

/**
 * The dump view's indexes the parse worker made of the last imported dumps (KEPT_TEXT_INDEXES of
 * them, the oldest dropped first), so `snapshot.index` of a freshly imported dump is a look-up instead
 * of a decompression and a scan of its text on the main thread. Known as lastDumpText knows a
 * snapshot (its id, session, time and size), since SQLite can reuse a removed snapshot's id.
 */
export function keptTextIndexes(limit = KEPT_TEXT_INDEXES): KeptTextIndexes {
  const held = new Map<string, Promise<DumpTextIndex | null>>();
  const identity = (info: SnapshotInfo) => `${info.id}:${info.sessionId}:${info.atMs}:${info.bytes}:${info.hasRawDump}`;
  return {
    add(info, textIndex) {
      const key = identity(info);
      held.delete(key);
      held.set(key, textIndex);
      for (const oldest of held.keys()) {
        if (held.size <= limit) break;
        held.delete(oldest);
      }
    },
    get: (info) => held.get(identity(info)),
  };
}
