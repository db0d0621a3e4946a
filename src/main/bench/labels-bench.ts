import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Group, Snapshot } from '../../shared/model.js';
import { HistoryStore } from '../store/history-store.js';

// Issue 12: labels are stored once per distinct label set, so a labelled leak must not bloat each
// compact tick. A 200-tick synthetic session of 30 groups, where a request leak labelled
// route="GET /orders" spread over 41 tenants grows by 5 goroutines a tick and 4 workers carry
// pool=workers; the same session without labels gives the baseline.

const TICKS = 200;
const TENANTS = 41;

function group(i: number, count: number, labels: Group['labels']): Group {
  const frame = { func: `main.worker${i}`, file: '/src/app/worker.go', line: 10 + i };
  return {
    key: `labels${String(i).padStart(10, '0')}`, count, states: {}, leakedCount: 0, maxWaitMinutes: null,
    blockingSite: frame, createdBy: null, frames: [frame, { func: 'main.main', file: '/src/app/main.go', line: 5 }],
    labels, ids: [], isLocked: false,
  };
}

function tickGroups(t: number, withLabels: boolean): Group[] {
  const leak = 10 + 5 * t;
  const perTenant = Array.from({ length: TENANTS }, (_, k) => Math.floor(leak / TENANTS) + (k < leak % TENANTS ? 1 : 0));
  const leakLabels = perTenant.flatMap((n, k) => (n > 0 ? [{ labels: { route: 'GET /orders', tenant: `tenant-${k}` }, count: n }] : []));
  return Array.from({ length: 30 }, (_, i) => {
    if (i === 0) return group(0, leak, withLabels ? leakLabels : []);
    if (i === 1) return group(1, 4, withLabels ? [{ labels: { pool: 'workers' }, count: 4 }] : []);
    return group(i, 5 + ((t * i) % 7), []);
  });
}

function usedBytes(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT sum(pgsize - unused) FROM dbstat').pluck().get() as number;
  } finally {
    db.close();
  }
}

function bytesPerTick(work: string, withLabels: boolean): number {
  const file = path.join(work, `labels-${withLabels}.db`);
  const store = HistoryStore.open(file);
  let atHalf = 0;
  try {
    const start = Date.now();
    const session = store.createSession({
      source: 'recording', name: 'labels', targetUrl: 'http://127.0.0.1:1', startedAtMs: start, intervalMs: 1000, fullEvery: 10,
      rawRetention: 'none', rawKeepLast: 0, endpoints: ['goroutine'],
    });
    for (let t = 0; t < TICKS; t++) {
      const groups = tickGroups(t, withLabels);
      const total = groups.reduce((n, g) => n + g.count, 0);
      const compact: Snapshot = { format: 'debug1', profile: 'goroutine', total, takenAtMs: null, groups, metrics: null, threadStacks: 0, warnings: [] };
      store.recordTick(session, t, [{ kind: 'compact', endpoint: '/debug/pprof/goroutine?debug=1', atMs: start + t * 1000, durationMs: 2, bytes: 4000, snapshot: compact, error: null, raw: null }]);
      if (t === TICKS / 2 - 1) atHalf = usedBytes(file);
    }
  } finally {
    store.dispose();
  }
  return (usedBytes(file) - atHalf) / (TICKS / 2);
}

/** DB bytes per compact tick with a 41-tenant labelled leak, and without labels. */
export function runLabelsBench(): Record<string, number> {
  const work = mkdtempSync(path.join(tmpdir(), 'goroscope-labels-bench-'));
  try {
    const labelled = bytesPerTick(work, true);
    const plain = bytesPerTick(work, false);
    return {
      'labelled leak (41 tenants, 30 groups): DB bytes per compact tick': Math.round(labelled),
      'same session without labels: DB bytes per compact tick': Math.round(plain),
      'labels add per compact tick (bytes)': Math.round(labelled - plain),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
