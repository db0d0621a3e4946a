import type { Snapshot } from '../../shared/model.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';
import { HistoryStore } from '../store/history-store.js';
import { compressRaw } from '../store/raw-dump.js';

export interface TimedImport {
  snapshot: Snapshot;
  /** Parse and group (brotli of the raw dump runs meanwhile, off the main thread). */
  parseMs: number;
  /** Parse, then store with the raw dump (including waiting for brotli). */
  totalMs: number;
}

/**
 * One dump imported as `goroscope import` stores it, timed: a new import session in a fresh history
 * file `dbFile`, the dump's snapshot and its brotli raw dump written as tick 0.
 */
export async function timedImport(dbFile: string, bytes: Buffer, endpoint: string): Promise<TimedImport> {
  const store = HistoryStore.open(dbFile);
  try {
    const session = store.createSession({
      source: 'import', name: 'bench', targetUrl: null, startedAtMs: Date.now(), intervalMs: null, fullEvery: null,
      rawRetention: 'all', rawKeepLast: 10, endpoints: null,
    });
    const t0 = performance.now();
    const raw = compressRaw(bytes);
    const snapshot = parseSnapshots(bytes)[0]!;
    const t1 = performance.now();
    store.recordTick(session, 0, [{ kind: 'full', endpoint, atMs: Date.now(), durationMs: 0, bytes: bytes.length, snapshot, error: null, raw: await raw }]);
    return { snapshot, parseMs: t1 - t0, totalMs: performance.now() - t0 };
  } finally {
    store.dispose();
  }
}
