import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApi, type OpenedApi } from '../../src/main/api/open-api.js';
import { dispatch } from '../../src/main/transport/dispatch.js';
import { REPO_ROOT } from '../helpers/go-toolchains.js';

const CORPUS = process.env.GOROSCOPE_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const DIR = path.join(CORPUS, 'generated', '01-chan-send-no-receiver');

/**
 * The leak's service dumped at t2 and t3, then again right after a restart (its t0: ids start over,
 * the 300 leaked goroutines are gone), stored as one session in a real history file.
 */
describe('session.groups names the ticks where the service restarted', () => {
  let dir: string;
  let opened: OpenedApi;
  let sessionId: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'goroscope-restarts-'));
    opened = openApi(path.join(dir, 'history.db'), '0.1.0-test');
    // Named in time order too: an import orders its files by name.
    const files = ['t1', 't2', 't3', 't0', 't1'].map((t, i) => ({
      name: `${i}-${t}.debug2.txt`,
      encoding: 'utf8' as const,
      data: readFileSync(path.join(DIR, `${t}.debug2.txt`), 'utf8'),
      modifiedAtMs: 1_700_000_000_000 + i * 60_000,
    }));
    const reply = await dispatch(opened.api, 'dump.import', { files }, new AbortController().signal);
    if (!reply.reply.ok) throw new Error(`import failed: ${JSON.stringify(reply.reply)}`);
    sessionId = (reply.reply.value as { session: { id: number } }).session.id;
  });
  afterAll(async () => {
    await opened?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the dump after the restart is tick 3; the series itself stays free of analysis', async () => {
    const groups = await dispatch(opened.api, 'session.groups', { sessionId }, new AbortController().signal);
    expect(groups.reply.ok).toBe(true);
    const series0 = await dispatch(opened.api, 'session.series', { sessionId, maxGroups: 5 }, new AbortController().signal);
    expect((series0.reply as { value: { ticks: { fullTotal: number }[] } }).value.ticks.map((t) => t.fullTotal)).toEqual([103, 303, 303, 3, 103]);
    expect((groups.reply as { value: { restartTicks: number[] } }).value.restartTicks).toEqual([3]);
    const series = await dispatch(opened.api, 'session.series', { sessionId, maxGroups: 5 }, new AbortController().signal);
    expect(Object.keys((series.reply as { value: object }).value)).toEqual(['sessionId', 'ticks', 'groups', 'rest', 'restGroups']);
  });
});
