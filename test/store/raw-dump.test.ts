import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { compressRaw, decompressRaw, type RawBlob } from '../../src/main/store/raw-dump.js';
import type { NewSession } from '../../src/main/store/types.js';
import { tempDir } from './temp-db.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/generated');
const bytesOf = (name: string): Buffer => readFileSync(path.join(CORPUS, name));

const SESSION: NewSession = {
  source: 'recording', name: 'raw dumps', targetUrl: 'http://127.0.0.1:6060', startedAtMs: 1_700_000_000_000,
  intervalMs: 1000, fullEvery: 1, rawRetention: 'full', rawKeepLast: 100, endpoints: ['goroutine'],
};

function openTemp(): HistoryStore {
  const t = tempDir();
  const store = HistoryStore.open(t.file('h.db'));
  onTestFinished(() => {
    store.dispose();
    t.remove();
  });
  return store;
}

/** Stores `raw` as the raw dump of a full snapshot of `bytes` and reads it back through the history. */
function storeAndReadBack(store: HistoryStore, bytes: Buffer, raw: RawBlob): { bytes: Uint8Array; storedBytes: number } {
  const session = store.createSession(SESSION);
  const snapshot = parseSnapshots(bytes)[0]!;
  const [id] = store.recordTick(session, 0, [
    { kind: 'full', endpoint: '/debug/pprof/goroutine?debug=2', atMs: SESSION.startedAtMs, durationMs: 5, bytes: bytes.length, snapshot, error: null, raw },
  ]);
  const back = store.rawDump(id!)!;
  return { bytes: back.bytes, storedBytes: back.storedBytes };
}

describe('raw dumps', () => {
  it('packs the 50k-goroutine debug=2 dump at least 30× and gives back the same bytes', async () => {
    const bytes = bytesOf('11-large-50k-leak/t1.debug2.txt');
    const raw = await compressRaw(bytes);
    expect(raw.encoding).toBe('br');
    expect(raw.originalBytes).toBe(bytes.length);
    expect(raw.data.length).toBeLessThan(bytes.length / 30);
    expect(Buffer.from(decompressRaw(raw)).equals(bytes)).toBe(true);
  });

  it('reads back rows written before the level changed (brotli quality 5, and 11 for good measure)', () => {
    const store = openTemp();
    const bytes = bytesOf('01-chan-send-no-receiver/t1.debug2.txt');
    for (const quality of [5, 11]) {
      const data = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } });
      const back = storeAndReadBack(store, bytes, { encoding: 'br', originalBytes: bytes.length, data });
      expect(Buffer.from(back.bytes).equals(bytes)).toBe(true);
      expect(back.storedBytes).toBe(data.length);
    }
  });

  it('keeps a gzipped protobuf as it came (it is compressed already)', async () => {
    const store = openTemp();
    const bytes = bytesOf('01-chan-send-no-receiver/t1.debug0.pb.gz');
    const raw = await compressRaw(bytes);
    expect(raw.encoding).toBe('identity');
    const session = store.createSession(SESSION);
    const [id] = store.recordTick(session, 0, [
      { kind: 'leak', endpoint: '/debug/pprof/goroutineleak', atMs: SESSION.startedAtMs, durationMs: 5, bytes: bytes.length, snapshot: parseSnapshots(bytes)[0]!, error: null, raw },
    ]);
    expect(Buffer.from(store.rawDump(id!)!.bytes).equals(bytes)).toBe(true);
  });
});
