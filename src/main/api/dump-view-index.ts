import type { HistoryStore } from '../store/history-store.js';
import type { SnapshotInfo } from '../store/types.js';
import type { HeldText, TextIndexer } from '../use-cases/dump-intake.js';
import type { LastDumpText } from './last-dump-text.js';
import { snapshotIndexFrom, snapshotIndexOf, type SnapshotIndex } from './snapshot-index.js';

/** Kept texts from this size are indexed by the intake's worker rather than on the main thread. */
export const OFF_THREAD_INDEX_BYTES = 1024 * 1024;

export interface DumpViewIndexes {
  /** The last import's snapshot whose kept text the indexer holds. */
  held(info: SnapshotInfo, text: HeldText): void;
  /** `snapshot.index` of a snapshot. */
  of(info: SnapshotInfo): Promise<SnapshotIndex>;
}

const identityOf = (info: SnapshotInfo) => `${info.id}:${info.sessionId}:${info.atMs}:${info.bytes}:${info.hasRawDump}`;
const isText = (format: string | null): format is 'traceback' | 'debug1' => format === 'traceback' || format === 'debug1';

/**
 * `snapshot.index` off serve's main thread: the dump view of a fresh import is indexed by the parse
 * worker from the text it still holds (no decompression, no copy); any other large kept dump (a
 * recorded one, an older import) is decompressed here and indexed by the worker. Small dumps, and
 * every dump without an `indexer` (the CLI's in-thread intake), are indexed here. Known as
 * lastDumpText knows a snapshot (id, session, time and size: SQLite can reuse a removed snapshot's
 * id); the last answer is kept, as the view asks again when reopened.
 */
export function dumpViewIndexes(store: HistoryStore, dumpText: LastDumpText, indexer: TextIndexer | undefined): DumpViewIndexes {
  let held: { identity: string; text: HeldText } | null = null;
  let last: { identity: string; index: Promise<SnapshotIndex> } | null = null;

  const make = async (info: SnapshotInfo, identity: string): Promise<SnapshotIndex> => {
    const snapshotId = info.id;
    if (indexer !== undefined && held?.identity === identity && isText(info.format)) {
      const textIndex = await indexer.index(held.text, info.format);
      if (textIndex !== null) return snapshotIndexFrom(snapshotId, textIndex, store.snapshot(snapshotId));
    }
    const raw = dumpText.raw(info);
    if (indexer !== undefined && raw !== null && isText(raw.format) && raw.bytes.length >= OFF_THREAD_INDEX_BYTES) {
      const textIndex = await indexer.index(raw.bytes, raw.format);
      if (textIndex !== null) return snapshotIndexFrom(snapshotId, textIndex, store.snapshot(snapshotId));
    }
    return snapshotIndexOf(snapshotId, raw, store.snapshot(snapshotId));
  };

  return {
    held(info, text) {
      held = { identity: identityOf(info), text };
    },
    of(info) {
      const identity = identityOf(info);
      if (last?.identity !== identity) {
        const index = make(info, identity);
        last = { identity, index };
        // A failure is not kept: asked again, it is tried again.
        index.catch(() => {
          if (last?.index === index) last = null;
        });
      }
      return last.index;
    },
  };
}
