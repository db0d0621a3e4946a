// The live line of `goroscope record`: which group it names as growing fastest, and its layout.
import { describe, expect, it } from 'vitest';
import type { Group, Snapshot } from '../../src/shared/model.js';
import type { TickSummary } from '../../src/main/use-cases/record.js';
import { GrowthTracker, tickLine } from '../../src/main/cli/record-command.js';

function group(key: string, count: number, func: string, line: number): Group {
  const site = { func, file: '/src/main.go', line };
  return { key, count, states: {}, leakedCount: 0, maxWaitMinutes: null, blockingSite: site, createdBy: null, frames: [site], labels: [], ids: [], isLocked: false };
}

const leak = (n: number) => group('leak', n, 'main.leakySender', 42);
const pool = (n: number) => group('pool', n, 'main.worker', 7);
const spike = (n: number) => group('spike', n, 'main.handle', 99);

describe('GrowthTracker', () => {
  it('measures growth from the session start for a steady leak', () => {
    const g = new GrowthTracker();
    expect(g.fastest([leak(10), pool(8)])).toBeNull();
    expect(g.fastest([leak(30), pool(8)])).toMatchObject({ growth: 20, group: { key: 'leak' } });
    expect(g.fastest([leak(50), pool(8), spike(5)])).toMatchObject({ growth: 40, group: { key: 'leak' } });
  });

  it('still names the leak after the target restarted mid-session and every group began again near zero', () => {
    const g = new GrowthTracker();
    g.fastest([leak(500), pool(8)]);
    g.fastest([leak(600), pool(8)]);
    // Restarted: the leak starts over from 0, the pool is back with one more worker than before.
    expect(g.fastest([leak(0), pool(9)])).toMatchObject({ growth: 1, group: { key: 'pool' } });
    expect(g.fastest([leak(100), pool(9)])).toMatchObject({ growth: 100, group: { key: 'leak' } });
    expect(g.fastest([leak(200), pool(9)])).toMatchObject({ growth: 200, group: { key: 'leak' } });
  });

  it('counts a group that drained away (absent from a tick) from 0 when it comes back', () => {
    const g = new GrowthTracker();
    g.fastest([spike(300), pool(8)]);
    g.fastest([pool(8)]);
    expect(g.fastest([spike(120), pool(8)])).toMatchObject({ growth: 120, group: { key: 'spike' } });
  });
});

describe('tickLine', () => {
  const snapshot = (groups: Group[]): Snapshot => ({
    format: 'debug1', profile: 'goroutine', total: groups.reduce((n, x) => n + x.count, 0), takenAtMs: null, groups, metrics: null, threadStacks: 0, warnings: [],
  });
  const tick = (n: number, counted: Snapshot, numGoroutine: number | null): TickSummary => ({
    tick: n, atMs: 0, isFull: false, counted, numGoroutine, errors: [], snapshotIds: [], requests: [], nextTickInMs: 1000,
  });

  it('keeps its columns aligned when the runtime count differs, by putting that count last', () => {
    const g = new GrowthTracker();
    const first = tickLine(tick(0, snapshot([leak(10)]), 10), g).slice(8);
    const second = tickLine(tick(1, snapshot([leak(30)]), 31), g).slice(8);
    expect(first).toBe('  #1          10 goroutines        no growth');
    expect(second).toBe('  #2          30 goroutines        fastest +20 main.leakySender main.go:42  (runtime says 31)');
  });
});
