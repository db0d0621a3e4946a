// Issue 12 through the import path the app uses (`dump.import`): a pasted Go 1.27 dump with labelled
// goroutines, blockquoted as in a chat message. The import says what was repaired, every goroutine
// is stored, and the labels come back from the history (stored once per distinct set).
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { importUploads } from '../../src/main/use-cases/import-uploads.js';
import { loadStoredSession } from '../../src/main/use-cases/stored-session.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { tempStore } from '../integration/record-helpers.js';
import { buildLabelled, capture, headerCount } from '../helpers/labelled-fixture.js';

let dump = '';
beforeAll(async () => {
  dump = (await capture(await buildLabelled(), ['stack', '-leaks', '6'])).stdout;
}, 180_000);

describe('importing a pasted, blockquoted Go 1.27 dump', () => {
  test('shows what was repaired, keeps every goroutine and its labels', async () => {
    const { store } = tempStore();
    const quoted = dump.split('\n').map((l) => (l === '' ? '>' : `> ${l}`)).join('\n');
    const outcome = await importUploads(store, { files: [{ name: 'paste.txt', encoding: 'utf8', data: quoted }] }, 1_000);
    expect(outcome.refused).toEqual([]);
    expect(outcome.warnings).toEqual([
      { file: 'paste.txt', line: null, message: `repaired: removed markdown blockquote marks (">") from ${quoted.split('\n').length} lines` },
    ]);
    const [snapshot] = store.sessionSnapshots(outcome.sessionId);
    const stored = store.snapshot(snapshot!.id);
    expect(stored.total).toBe(headerCount(dump));
    const clean = parseSnapshots(dump)[0]!;
    expect(stored.groups.map((g) => [g.key, g.count, g.labels])).toEqual(clean.groups.map((g) => [g.key, g.count, g.labels]));
    const leak = loadStoredSession(store, outcome.sessionId).session.groups.find((g) => g.blockingSite?.func === 'main.orderLeak')!;
    expect(leak.labels).toEqual([
      { labels: { route: 'GET /orders', tenant: 't-0' }, count: 2 },
      { labels: { route: 'GET /orders', tenant: 't-1' }, count: 2 },
      { labels: { route: 'GET /orders', tenant: 't-2' }, count: 2 },
    ]);
    // Each distinct set once: 3 order sets, pool=workers, 3 odd sets.
    const db = new Database(store.path, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM label_sets').pluck().get()).toBe(7);
    } finally {
      db.close();
    }
  });
});
