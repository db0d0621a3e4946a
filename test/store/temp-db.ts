import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { HistoryStore } from '../../src/main/store/history-store.js';
import type { Group } from '../../src/shared/model.js';

/** A fresh folder for one test's database files; `remove()` deletes it (register it with onTestFinished). */
export function tempDir(prefix = 'goroscope-store-'): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, file: (name) => path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A HistoryStore on a new file of its own, closed and deleted when the test finishes; `sibling(name)`
 * is a path in the same folder (deleted with it).
 */
export function openTempStore(): { store: HistoryStore; file: string; sibling: (name: string) => string } {
  const t = tempDir();
  const file = t.file('h.db');
  const store = HistoryStore.open(file);
  onTestFinished(() => {
    store.dispose();
    t.remove();
  });
  return { store, file, sibling: t.file };
}

/** Group i of a synthetic history: one frame (`main.worker{i}`), a 16-character key, `count` goroutines. */
export function oneFrameGroup(i: number, count: number): Group {
  const frames = [{ func: `main.worker${i}`, file: '/src/main.go', line: 10 + i }];
  return {
    key: `k${String(i).padStart(15, '0')}`, count, states: {}, leakedCount: 0, maxWaitMinutes: null,
    blockingSite: frames[0]!, createdBy: null, frames, labels: [], ids: [], isLocked: false,
  };
}
