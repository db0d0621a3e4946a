import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { replySchemaOf, type RequestOutput } from '../../src/shared/contract.js';
import { openApi, type OpenedApi } from '../../src/main/api/open-api.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { snapshotIndexOf } from '../../src/main/api/snapshot-index.js';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { dispatch } from '../../src/main/transport/dispatch.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';
import { pathToFileURL } from 'node:url';
import { workerIntake } from '../../src/main/use-cases/worker-intake.js';
import type { DumpTextIndex } from '../../src/main/dump/dump-text-index.js';
import type { HeldText } from '../../src/main/use-cases/dump-intake.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../../src/shared/defaults.js';

// `snapshot.index`: where each goroutine or debug=1 record of a kept dump sits, and its group, read by
// main with the parser's grammar (the renderer parses no dump text). Checked against the parser on
// real dumps: through the api (import, then the request, validated like every reply), and over every
// text dump of the generated corpus.

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const GENERATED = path.join(CORPUS, 'generated');
type Index = RequestOutput<'snapshot.index'>;

/** The goroutine ids the parser read, in text order. */
const parsedIds = (bytes: Uint8Array): number[] => parseDump(bytes)[0]!.samples.map((s) => s.goroutine!.id);

/** `goroutine 42 [chan send]:` at each span's first line → 42 (the test's own reading of the text). */
function headerIds(text: string, index: Index): number[] {
  const lines = text.split('\n');
  return index.startLines.map((l) => Number(/^goroutine (\d+) /.exec(lines[l - 1]!)?.[1] ?? NaN));
}

/** Goroutines (count 1 each) or records (`N @ 0x…`: N each) per group key, as the index places them. */
function countsByGroup(text: string, index: Index): Record<string, number> {
  const lines = text.split('\n');
  const counts: Record<string, number> = {};
  index.groups.forEach((g, i) => {
    const key = g === -1 ? '(none)' : index.groupKeys[g]!;
    const n = index.kind === 'records' ? Number(/^(\d+) @/.exec(lines[index.startLines[i]! - 1]!)![1]) : 1;
    counts[key] = (counts[key] ?? 0) + n;
  });
  return counts;
}

const countsOf = (groups: readonly { key: string; count: number }[]): Record<string, number> => Object.fromEntries(groups.map((g) => [g.key, g.count]));

describe('snapshot.index through the api', () => {
  let dir: string;
  let opened: OpenedApi;
  const call = async <T,>(name: 'dump.import' | 'snapshot.list' | 'snapshot.index' | 'snapshot.get', input: unknown): Promise<T> => {
    const out = await dispatch(opened.api, name, input, new AbortController().signal);
    // Replies are checked against the contract's schema, as both transports' clients rely on it.
    const reply = replySchemaOf(name).parse(out.reply);
    if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
    return reply.value as T;
  };
  const importOne = async (dirName: string, file: string): Promise<{ snapshotId: number; bytes: Buffer }> => {
    const bytes = readFileSync(path.join(GENERATED, dirName, file));
    const { session } = await call<{ session: { id: number } }>('dump.import', { files: [{ name: file, encoding: 'utf8', data: bytes.toString('utf8') }] });
    const [snapshot] = await call<{ id: number }[]>('snapshot.list', { sessionId: session.id });
    return { snapshotId: snapshot!.id, bytes };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'goroscope-index-'));
    opened = openApi(path.join(dir, 'history.db'), '0.1.0-test');
  });
  afterAll(async () => {
    await opened?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('01 t1 debug=2: the header lines of the parser’s 103 goroutines, the leak’s 100 in its group', async () => {
    const { snapshotId, bytes } = await importOne('01-chan-send-no-receiver', 't1.debug2.txt');
    const index = await call<Index>('snapshot.index', { snapshotId });
    const text = bytes.toString('utf8');
    expect(index.kind).toBe('goroutines');
    expect(index.startLines).toHaveLength(103);
    expect(headerIds(text, index)).toEqual(parsedIds(bytes));
    const { snapshot } = await call<{ snapshot: { groups: { key: string; count: number }[] } }>('snapshot.get', { snapshotId });
    expect(index.groupKeys).toEqual(snapshot.groups.map((g) => g.key));
    expect(countsByGroup(text, index)).toEqual(countsOf(snapshot.groups));
    expect(snapshot.groups[0]!.count).toBe(100);
    // Asked again (the dump view reopened): the same answer.
    expect(await call<Index>('snapshot.index', { snapshotId })).toEqual(index);
  });

  test('01 t1 debug=1: each record in the group the parser put it in', async () => {
    const { snapshotId, bytes } = await importOne('01-chan-send-no-receiver', 't1.debug1.txt');
    const index = await call<Index>('snapshot.index', { snapshotId });
    expect(index.kind).toBe('records');
    // The leak of 100 on its two lines, the profiler, the connection's reader, the listener.
    expect(index.startLines).toEqual([2, 5, 17, 26]);
    expect(index.endLines).toEqual([3, 15, 24, 37]);
    const { snapshot } = await call<{ snapshot: { groups: { key: string; count: number }[] } }>('snapshot.get', { snapshotId });
    expect(countsByGroup(bytes.toString('utf8'), index)).toEqual(countsOf(snapshot.groups));
  });

  test('a binary profile has no text: kind none', async () => {
    const bytes = readFileSync(path.join(GENERATED, '01-chan-send-no-receiver', 't1.debug0.pb.gz'));
    const { session } = await call<{ session: { id: number } }>('dump.import', { files: [{ name: 't1.debug0.pb.gz', encoding: 'base64', data: bytes.toString('base64') }] });
    const [snapshot] = await call<{ id: number }[]>('snapshot.list', { sessionId: session.id });
    const index = await call<Index>('snapshot.index', { snapshotId: snapshot!.id });
    expect([index.kind, index.startLines.length, index.lineCount]).toEqual(['none', 0, 0]);
  });

  test('an unknown snapshot is NOT_FOUND; a malformed input never reaches the api', async () => {
    const missing = await dispatch(opened.api, 'snapshot.index', { snapshotId: 999_999 }, new AbortController().signal);
    expect(missing.reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const invalid = await dispatch(opened.api, 'snapshot.index', { snapshotId: 'x' }, new AbortController().signal);
    expect(invalid.kind).toBe('invalid');
  });
});

describe('snapshot.index through the parse worker (serve, the app)', () => {
  let dir: string;
  let opened: OpenedApi;
  const worker = workerIntake(pathToFileURL(path.join(REPO_ROOT, 'out', 'main', 'parse-worker.js')), DEFAULT_MAX_INPUT_BYTES);
  // What the api asked the worker to index: a text it holds, or bytes sent; and what came back.
  const asked: { what: 'held' | 'bytes'; textIndex: DumpTextIndex | null }[] = [];
  const call = async <T,>(name: 'dump.import' | 'snapshot.list' | 'snapshot.index', input: unknown): Promise<T> => {
    const reply = replySchemaOf(name).parse((await dispatch(opened.api, name, input, new AbortController().signal)).reply);
    if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
    return reply.value as T;
  };
  const importOne = async (dirName: string, file: string): Promise<{ snapshotId: number; bytes: Buffer }> => {
    const bytes = readFileSync(path.join(GENERATED, dirName, file));
    const { session } = await call<{ session: { id: number } }>('dump.import', { files: [{ name: file, encoding: 'base64', data: bytes.toString('base64') }] });
    const [snapshot] = await call<{ id: number }[]>('snapshot.list', { sessionId: session.id });
    return { snapshotId: snapshot!.id, bytes };
  };
  /** The index as the main thread makes it from the text, to compare with. */
  const inThread = (snapshotId: number, bytes: Buffer, file: string): Index => {
    const format = file.includes('debug1') ? 'debug1' : 'traceback';
    return snapshotIndexOf(snapshotId, { snapshotId, format, bytes, storedBytes: 0 }, parseSnapshots(bytes)[0]!);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'goroscope-index-worker-'));
    const textIndexer = {
      heldTextOf: (bytes: Uint8Array) => worker.textIndexer.heldTextOf(bytes),
      index: async (text: Uint8Array | HeldText, format: 'traceback' | 'debug1') => {
        const textIndex = await worker.textIndexer.index(text, format);
        asked.push({ what: text instanceof Uint8Array ? 'bytes' : 'held', textIndex });
        return textIndex;
      },
    };
    opened = openApi(path.join(dir, 'history.db'), '0.1.0-test', { intake: { parse: worker.parse, maxInputBytes: worker.maxInputBytes, textIndexer } });
  });
  afterAll(async () => {
    worker.dispose();
    await opened?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test.each(['t1.debug2.txt', 't1.debug1.txt'])('01 %s, just imported: indexed by the worker from the text it holds, as the main thread would', async (file) => {
    const { snapshotId, bytes } = await importOne('01-chan-send-no-receiver', file);
    asked.length = 0;
    const index = await call<Index>('snapshot.index', { snapshotId });
    expect(asked.map((a) => [a.what, a.textIndex === null])).toEqual([['held', false]]);
    expect(index).toEqual(inThread(snapshotId, bytes, file));
    // Asked again (the view reopened): the answer kept, the worker not asked.
    expect(await call<Index>('snapshot.index', { snapshotId })).toEqual(index);
    expect(asked).toHaveLength(1);
  });

  test('01 t1 debug=2 in shared memory (serve’s binary body): shared with the worker, parsed, kept and indexed as a copy would be', async () => {
    const file = 't1.debug2.txt';
    const bytes = readFileSync(path.join(GENERATED, '01-chan-send-no-receiver', file));
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
    shared.set(bytes);
    const { session } = await call<{ session: { id: number } }>('dump.import', { files: [{ name: file, encoding: 'bytes', data: shared }] });
    const [snapshot] = await call<{ id: number; total: number | null }[]>('snapshot.list', { sessionId: session.id });
    expect(snapshot!.total).toBe(parseSnapshots(bytes)[0]!.total);
    expect(Buffer.from(opened.store.rawDump(snapshot!.id)!.bytes).equals(bytes)).toBe(true);
    asked.length = 0;
    expect(await call<Index>('snapshot.index', { snapshotId: snapshot!.id })).toEqual(inThread(snapshot!.id, bytes, file));
    expect(asked.map((a) => [a.what, a.textIndex === null])).toEqual([['held', false]]);
  });

  test('a binary profile: kind none, the worker not asked', async () => {
    const { snapshotId } = await importOne('01-chan-send-no-receiver', 't1.debug0.pb.gz');
    asked.length = 0;
    expect((await call<Index>('snapshot.index', { snapshotId })).kind).toBe('none');
    expect(asked).toHaveLength(0);
  });

  test('once another dump was parsed: a large kept dump is sent to the worker, a small one indexed in main', async () => {
    const large = await importOne('11-large-50k-leak', 't1.debug2.txt');
    const small = await importOne('01-chan-send-no-receiver', 't1.debug2.txt');
    await importOne('01-chan-send-no-receiver', 't1.debug1.txt');
    asked.length = 0;
    expect(await call<Index>('snapshot.index', { snapshotId: large.snapshotId })).toEqual(inThread(large.snapshotId, large.bytes, 't1.debug2.txt'));
    expect(asked.map((a) => [a.what, a.textIndex === null])).toEqual([['bytes', false]]);
    expect(await call<Index>('snapshot.index', { snapshotId: small.snapshotId })).toEqual(inThread(small.snapshotId, small.bytes, 't1.debug2.txt'));
    expect(asked).toHaveLength(1);
  });
});

describe('snapshotIndexOf over the generated corpus: the parser’s goroutines and records, each in its group', () => {
  const files = readdirSync(GENERATED, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
    .flatMap((d) => readdirSync(path.join(GENERATED, d.name)).filter((n) => /debug[12]\.txt$/.test(n)).map((n) => path.join(d.name, n)));

  test('51 debug=2 and 52 debug=1 files', () => {
    expect([files.filter((f) => f.endsWith('debug2.txt')).length, files.filter((f) => f.endsWith('debug1.txt')).length]).toEqual([51, 52]);
  });

  test.each(files)('%s', (file) => {
    const bytes = readFileSync(path.join(GENERATED, file));
    const [snapshot] = parseSnapshots(bytes);
    const format = file.endsWith('debug1.txt') ? 'debug1' : 'traceback';
    const index = snapshotIndexOf(1, { snapshotId: 1, format, bytes, storedBytes: 0 }, snapshot!);
    const text = bytes.toString('utf8');
    if (format === 'traceback') expect(headerIds(text, index)).toEqual(parsedIds(bytes));
    expect(countsByGroup(text, index)).toEqual(countsOf(snapshot!.groups));
  });
});
