import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fromSnapshots } from '../../src/main/analysis/from-snapshots.js';
import { ticksFromFiles } from '../../src/main/analysis/file-ticks.js';
import { storeAnalysis } from '../../src/main/use-cases/stored-analysis.js';
import { loadStoredSession } from '../../src/main/use-cases/stored-session.js';
import { importUploads } from '../../src/main/use-cases/import-uploads.js';
import { buildSessionReport } from '../../src/main/use-cases/analyse.js';
import { NO_PROJECT_CONFIG } from '../../src/main/use-cases/project-config.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const DIR = path.join(CORPUS, 'generated', '01-chan-send-no-receiver');
/** Two files per tick (debug=1 counts, debug=2 states and ids), ticks a minute apart (the interval given). */
const FILES = ['t0', 't1', 't2', 't3'].flatMap((t) => ['debug1.txt', 'debug2.txt'].map((ext) => ({ name: `${t}.${ext}` })));

describe('a stored session loads for analysis as the same files would', () => {
  let dir: string;
  let store: HistoryStore;
  let sessionId: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'goroscope-adapter-'));
    store = HistoryStore.open(path.join(dir, 'history.db'));
    // Both files of a stem make one tick, as `check` reads them.
    const outcome = await importUploads(
      store,
      { files: FILES.map((f) => ({ name: f.name, encoding: 'utf8' as const, data: readFileSync(path.join(DIR, f.name), 'utf8') })), name: 'corpus 01', intervalMs: 60_000 },
      1_700_000_000_000,
    );
    sessionId = outcome.sessionId;
  });
  afterAll(async () => {
    store?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('counts, full dumps and ids per group match fromSnapshots over the parsed files', () => {
    const stored = loadStoredSession(store, sessionId).session;
    const ticks = ticksFromFiles(
      FILES.map((f) => ({ name: f.name, snapshots: parseSnapshots(readFileSync(path.join(DIR, f.name))) })),
      { intervalMs: 60_000 },
    );
    const direct = fromSnapshots(ticks.entries);
    expect(stored.ticks).toHaveLength(4);
    expect(stored.ticks.map((t) => t.atMs - stored.ticks[0]!.atMs)).toEqual(direct.ticks.map((t) => t.atMs));
    expect(loadStoredSession(store, sessionId)).toMatchObject({ timeBasis: 'interval', assumedIntervalMs: 60_000, timesAssumed: true });
    expect(stored.fullDumpTicks).toEqual(direct.fullDumpTicks);
    const byKey = (s: typeof stored) => new Map(s.groups.map((g) => [g.key, g]));
    const a = byKey(stored);
    const b = byKey(direct);
    const leak = [...b.values()].find((g) => g.blockingSite?.line === 84)!;
    expect([...a.get(leak.key)!.counts]).toEqual([...leak.counts]);
    expect([...a.get(leak.key)!.counts]).toEqual([0, 100, 300, 300]);
    expect(a.get(leak.key)!.ids.map((x) => x?.length ?? null)).toEqual(leak.ids.map((x) => x?.length ?? null));
    expect(a.get(leak.key)!.createdBy).toEqual({ func: 'main.fetchWithTimeout', file: '/tmp/corpus/gen/01-chan-send-no-receiver/main.go', line: 83 });
  });

  test('the leak is the one suspect, with its evidence', () => {
    const suspects = storeAnalysis(store).suspects(sessionId);
    expect([...suspects.values()]).toHaveLength(1);
    const [suspect] = [...suspects.values()];
    expect(suspect!.score).toBeGreaterThan(50);
    expect(suspect!.evidence.length).toBeGreaterThan(3);
  });
});

describe('a one-dump session: suspects without the one-page overview, the report with it', () => {
  let dir: string;
  let store: HistoryStore;
  let sessionId: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'goroscope-one-dump-'));
    store = HistoryStore.open(path.join(dir, 'history.db'));
    const data = new Uint8Array(readFileSync(path.join(DIR, 't3.debug2.txt')));
    sessionId = (await importUploads(store, { files: [{ name: 't3.debug2.txt', encoding: 'bytes', data }] }, 1_700_000_000_000)).sessionId;
  });
  afterAll(async () => {
    store?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('the report asked for after the suspects carries the overview the files would give', () => {
    const analysis = storeAnalysis(store);
    const suspects = analysis.suspects(sessionId);
    const report = analysis.reportModel(sessionId);
    expect(loadStoredSession(store, sessionId, { shouldReadDump: false }).singleDump).toBeNull();
    const direct = loadStoredSession(store, sessionId);
    expect(direct.singleDump).not.toBeNull();
    expect(report.overview).not.toBeNull();
    expect(report.overview!.total).toBe(direct.singleDump!.samples.length);
    // The same overview, verdicts marked, as the report built from the dump read at once.
    expect(report.overview).toEqual(buildSessionReport(direct, NO_PROJECT_CONFIG).overview);
    const marked = report.overview!.groups.filter((g) => g.suspect !== null).flatMap((g) => g.keys);
    expect(marked).toEqual([...suspects.keys()].filter((k) => marked.includes(k)));
    expect(marked.length).toBeGreaterThan(0);
    expect(JSON.parse(analysis.report(sessionId, 'json').content).overview).toEqual(JSON.parse(JSON.stringify(report.overview)));
  });
});
