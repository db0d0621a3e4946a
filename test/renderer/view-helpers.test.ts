import { describe, expect, test } from 'vitest';
import type { SnapshotInfo, TimelineTick } from '../../src/shared/contract.js';
import { baseName, formatDelta, formatSite, shortFunc } from '../../src/renderer/ui/format.js';
import { changeCounts, comparableSnapshots, defaultPair, snapshotLabel } from '../../src/renderer/views/diff/diff-view.js';
import { frameLines, idsPreview, statesLine } from '../../src/renderer/views/group-detail/group-detail.js';
import { importFileOf, pastedFile } from '../../src/renderer/views/targets/import-files.js';
import { withBlobsRead } from '../../src/renderer/client/bridge-client.js';
import { ImportFileSchema } from '../../src/shared/contract.js';
import { dumpOfTick, nearestFullDumpTick, snapshotOfTick } from '../../src/renderer/app/tick-selection.js';

describe('format', () => {
  test('shortFunc keeps the last package path element', () => {
    expect(shortFunc('net/http.(*conn).serve')).toBe('http.(*conn).serve');
    expect(shortFunc('github.com/acme/app/internal/pool.(*Pool).get.func1')).toBe('pool.(*Pool).get.func1');
    expect(shortFunc('main.main')).toBe('main.main');
  });

  test('formatSite, baseName, formatDelta', () => {
    expect(formatSite({ func: 'net/http.(*persistConn).readLoop', file: '/usr/lib/go/src/net/http/transport.go', line: 2238 })).toBe(
      'http.(*persistConn).readLoop transport.go:2238',
    );
    expect(formatSite(null)).toBe('—');
    expect(baseName('C:\\src\\app\\main.go')).toBe('main.go');
    expect(formatDelta(1200)).toBe('+1,200');
    expect(formatDelta(-3)).toBe('\u22123');
    expect(formatDelta(0)).toBe('0');
  });
});

function info(id: number, tick: number, kind: SnapshotInfo['kind'], extra: Partial<SnapshotInfo> = {}): SnapshotInfo {
  return {
    id,
    sessionId: 1,
    tick,
    kind,
    endpoint: '/debug/pprof/goroutine?debug=1',
    atMs: new Date(2025, 0, 2, 10, 0, tick).getTime(),
    durationMs: 3,
    bytes: 100,
    format: kind === 'full' ? 'traceback' : kind === 'expvar' ? 'expvar' : 'debug1',
    profile: kind === 'leak' ? 'goroutineleak' : kind === 'compact' ? 'goroutine' : null,
    total: 1204,
    error: null,
    hasRawDump: kind === 'full',
    ...extra,
  };
}

describe('diff helpers', () => {
  const list = [
    info(1, 0, 'compact'),
    info(2, 0, 'full'),
    info(3, 0, 'expvar'),
    info(4, 1, 'compact', { error: { code: 'TIMEOUT', message: 'x' }, total: null }),
    info(5, 2, 'compact'),
    info(6, 2, 'full'),
  ];

  test('comparable snapshots are successful goroutine profiles and dumps', () => {
    expect(comparableSnapshots(list).map((s) => s.id)).toEqual([1, 2, 5, 6]);
  });

  test('the default pair prefers the first and last full dumps', () => {
    expect(defaultPair(comparableSnapshots(list))).toEqual({ fromId: 2, toId: 6 });
    expect(defaultPair([info(1, 0, 'compact'), info(5, 2, 'compact'), info(6, 2, 'full')])).toEqual({ fromId: 1, toId: 6 });
    expect(defaultPair([info(1, 0, 'compact')])).toBeNull();
  });

  test('labels and change counts', () => {
    expect(snapshotLabel(info(6, 2, 'full'))).toBe('tick 2 · 10:00:02 · debug=2 · 1,204 goroutines');
    const row = { key: 'k', blockingSite: null, createdBy: null, before: 0, after: 1, newIds: null, persistedIds: null };
    expect(changeCounts([{ ...row, change: 'appeared' }, { ...row, change: 'appeared' }, { ...row, change: 'vanished' }])).toEqual({
      appeared: 2,
      grew: 0,
      shrank: 0,
      vanished: 1,
      unchanged: 0,
    });
  });
});

describe('group detail helpers', () => {
  const f = (func: string, line: number) => ({ func, file: '/src/main.go', line });

  test('frameLines marks the first frame equal to the blocking site', () => {
    expect(frameLines([f('main.next', 116), f('main.readEvents', 107)], f('main.readEvents', 107)).map((l) => l.isBlocking)).toEqual([false, true]);
    expect(frameLines([f('main.next', 116)], null).map((l) => l.isBlocking)).toEqual([false]);
  });

  test('idsPreview and statesLine', () => {
    expect(idsPreview([1, 2, 3, 4], 2)).toEqual({ shown: [1, 2], more: 2 });
    expect(idsPreview([1], 2)).toEqual({ shown: [1], more: 0 });
    expect(statesLine({ select: 2, 'chan receive': 49_998 })).toBe('chan receive 49,998 · select 2');
  });
});

describe('import helpers', () => {
  test('a picked file goes as its bytes, gzip and invalid UTF-8 alike: the File itself, read only for IPC', async () => {
    const bytes = Uint8Array.of(0x1f, 0x8b, 8, 0, 0xff, 0xfe);
    const picked = new File([bytes], 'profile.pb.gz', { lastModified: 7 });
    const file = importFileOf(picked);
    expect(file).toEqual({ name: 'profile.pb.gz', modifiedAtMs: 7, encoding: 'bytes', data: picked });
    expect(file.data).toBe(picked);
    // The bridge client reads it into bytes (a Blob cannot cross the context bridge); the rest is as it was.
    const input = { files: [file], intervalMs: 30_000 };
    expect(await withBlobsRead(input)).toEqual({ files: [{ name: 'profile.pb.gz', modifiedAtMs: 7, encoding: 'bytes', data: bytes }], intervalMs: 30_000 });
    expect(ImportFileSchema.safeParse(await withBlobsRead(file)).success).toBe(true);
    // Main accepts bytes only: a Blob reaching a transport unread is refused.
    expect(ImportFileSchema.safeParse(file).success).toBe(false);
  });

  test('pastedFile ignores blank text', () => {
    expect(pastedFile('  \n', 5)).toBeNull();
    expect(pastedFile('goroutine 1 [running]:', 5)).toEqual({ name: 'pasted dump', encoding: 'utf8', data: 'goroutine 1 [running]:', modifiedAtMs: 5 });
  });
});

describe('tick selection', () => {
  const t = (i: number, full: number | null, counted: number | null): TimelineTick => ({
    tick: i,
    atMs: i,
    countedSnapshotId: counted,
    fullSnapshotId: full,
    compactTotal: null,
    fullTotal: null,
    leakTotal: null,
    numGoroutine: null,
    goGoroutines: null,
    errors: [],
  });
  const ticks = [t(0, 2, 1), t(1, null, 3), t(2, null, 4), t(3, null, 5), t(4, 7, 6)];

  test('a tick shows its full dump, else its counted snapshot', () => {
    expect(snapshotOfTick(ticks[0])).toBe(2);
    expect(snapshotOfTick(ticks[1])).toBe(3);
    expect(snapshotOfTick(undefined)).toBeNull();
  });

  test('the nearest full dump, the earlier one on a tie', () => {
    expect(nearestFullDumpTick(ticks, 1)).toBe(0);
    expect(nearestFullDumpTick(ticks, 2)).toBe(0);
    expect(nearestFullDumpTick(ticks, 3)).toBe(4);
    expect(nearestFullDumpTick([t(0, null, 1)], 0)).toBeNull();
  });

  test('the dump view shows the nearest full dump, else (no full dump in the session) the tick’s own profile', () => {
    expect(dumpOfTick(ticks, 3)).toEqual({ tick: 4, snapshotId: 7 });
    const debug1Only = [t(0, null, 1), t(1, null, 2), t(2, null, null)];
    expect(dumpOfTick(debug1Only, 1)).toEqual({ tick: 1, snapshotId: 2 });
    expect(dumpOfTick(debug1Only, 2)).toEqual({ tick: 2, snapshotId: null });
    expect(dumpOfTick([], 0)).toBeNull();
  });
});
