import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { tempDir } from './temp-db.js';

// The Electron app opens the history with better-sqlite3's addon built for Electron's ABI (a separate
// file); here the Node build stands in for it, loaded through the same `nativeBinding` option.
const require = createRequire(import.meta.url);
const nodeAddon = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

describe('HistoryStore.open with an explicit native binding', () => {
  it('opens and migrates the history through the given addon file', () => {
    const t = tempDir();
    onTestFinished(t.remove);
    const store = HistoryStore.open(t.file('h.db'), { nativeBinding: nodeAddon });
    onTestFinished(() => store.dispose());
    expect(store.listSessions()).toEqual([]);
  });

  it('names the database and the reason when the addon file is missing', () => {
    const t = tempDir();
    onTestFinished(t.remove);
    const file = t.file('h.db');
    expect(() => HistoryStore.open(file, { nativeBinding: t.file('missing.node') })).toThrow(`cannot open history database ${file}: `);
  });
});
