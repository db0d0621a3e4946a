import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HistoryStore } from '../../src/main/store/history-store.js';
import { CLI, buildLeakyForFile, fixture, runCli, tempStore, waitFor } from './record-helpers.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/generated/01-chan-send-no-receiver');
const leakyBinary = buildLeakyForFile();

const TICK_LINE = /^\d\d:\d\d:\d\d {2}#\d+/gm;

describe('goroscope record / import / sessions (the built CLI under plain Node)', () => {
  it('records for --duration, lists, imports, and removes sessions', { timeout: 40_000 }, async () => {
    const svc = await fixture(leakyBinary(), ['-rate', '10']);
    const { dir } = tempStore();
    const db = path.join(dir, 'cli.db');

    const rec = runCli(['record', svc.url, '--interval', '200ms', '--duration', '1s', '--full-every', '2', '--name', 'cli run', '--db', db]);
    expect(await rec.exited).toBe(0);
    const out = rec.stdout();
    expect(out).toContain(`recording ${svc.url} into session 1 (${db})\n  serves: goroutine, /debug/vars, /metrics\n  every 0.2s, full dump every 2 ticks, for 1s\n`);
    expect(out.match(TICK_LINE)).toHaveLength(5);
    expect(out).toMatch(/\nsession 1 "cli run": 5 ticks, \d+ snapshots, 0 failed ticks \(ran its course\)\n1\n$/);

    const list = runCli(['sessions', '--json', '--db', db]);
    expect(await list.exited).toBe(0);
    const json = JSON.parse(list.stdout()) as Record<string, unknown>[];
    expect(json).toEqual([
      { id: 1, name: 'cli run', target: svc.url, startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), endedAt: expect.stringMatching(/Z$/), snapshots: 5 * 3 + 3, failedTicks: 0, state: 'ended' },
    ]);

    const notes = path.join(dir, 'notes.txt');
    writeFileSync(notes, 'shopping list: milk, eggs\n');
    const imp = runCli(['import', path.join(CORPUS, 't1.debug2.txt'), notes, path.join(CORPUS, 't3.debug1.txt'), '--name', 'from files', '--at', '2024-05-01T10:00:00Z,2024-05-01T10:01:00Z,2024-05-01T10:02:00Z', '--db', db]);
    expect(await imp.exited).toBe(0);
    expect(imp.stderr()).toBe(
      `goroscope: refused ${notes}: text with no goroutine header ("goroutine 1 [running]:") and no profile header ("goroutine profile: total N"); it starts "shopping list: milk, eggs"\n`,
    );
    expect(imp.stdout()).toBe(
      `  2024-05-01T10:00:00.000Z  ${path.join(CORPUS, 't1.debug2.txt')}\n  2024-05-01T10:02:00.000Z  ${path.join(CORPUS, 't3.debug1.txt')}\n` +
        'imported 2 of 3 files into session 2 "from files" (2 snapshots)\n2\n',
    );

    const table = runCli(['sessions', '--db', db]);
    expect(await table.exited).toBe(0);
    const lines = table.stdout().trimEnd().split('\n');
    const cells = lines.map((l) => l.trim().split(/ {2,}/));
    expect(cells[0]).toEqual(['ID', 'NAME', 'TARGET', 'STARTED', 'ENDED', 'SNAPSHOTS', 'FAILED TICKS']);
    expect(cells[1]).toEqual(['1', 'cli run', svc.url, expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), expect.any(String), '18', '0']);
    expect(cells[2]).toEqual(['2', 'from files', '(import)', expect.stringMatching(/^2024-05-01 /), expect.stringMatching(/^2024-05-01 /), '2', '0']);

    const rm = runCli(['sessions', 'rm', '2', '--db', db]);
    expect(await rm.exited).toBe(0);
    expect(rm.stdout()).toBe('removed session 2 "from files" (2 snapshots)\n');
    const again = runCli(['sessions', 'rm', '2', '--db', db]);
    expect(await again.exited).toBe(2);
    expect(again.stderr()).toBe('goroscope: no session 2 in the history; `goroscope sessions` lists them\n');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('ends cleanly on %s (Ctrl-C; a service manager stopping it) with a last full dump, and prints the session id', { timeout: 30_000 }, async (signal) => {
    const svc = await fixture(leakyBinary(), ['-rate', '10']);
    const { dir } = tempStore();
    const db = path.join(dir, 'sigint.db');
    const rec = runCli(['record', svc.url, '--interval', '200ms', '--full-every', '100', '--db', db]);
    await waitFor('2 tick lines', () => (rec.stdout().match(TICK_LINE) ?? []).length >= 2, 15_000);
    rec.kill(signal);
    expect(await rec.exited).toBe(0);
    expect(rec.stderr()).toBe('\nstopping: taking a last full dump (Ctrl-C again to quit at once)\n');
    expect(rec.stdout()).toMatch(/ failed ticks \(stopped\)\n1\n$/);
    const store = HistoryStore.open(db);
    try {
      const ticks = store.sessionSeries(1).ticks;
      expect(ticks[ticks.length - 1]!.fullSnapshotId).not.toBeNull();
      expect(store.session(1).endedAtMs).not.toBeNull();
    } finally {
      store.dispose();
    }
  });

  it('exits 2 without a session when the target cannot be reached or is not a Go service', { timeout: 20_000 }, async () => {
    const { dir } = tempStore();
    const db = path.join(dir, 'bad.db');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const rec = runCli(['record', `127.0.0.1:${port}`, '--db', db]);
    expect(await rec.exited).toBe(2);
    expect(rec.stderr()).toBe(
      `goroscope: GET http://127.0.0.1:${port}/debug/pprof/: connection refused by 127.0.0.1:${port}: nothing listens there; is the service running, on this port?\n`,
    );
    const bad = runCli(['record', 'ftp://x', '--db', db]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe('goroscope: target "ftp://x" uses ftp; expected http:// or https://\n');
    const list = runCli(['sessions', '--json', '--db', db]);
    expect(await list.exited).toBe(0);
    expect(JSON.parse(list.stdout())).toEqual([]);
  });

  it('finds the history through GOROSCOPE_DB, else in the app-data folder', { timeout: 20_000 }, async () => {
    const { dir } = tempStore();
    const viaEnv = path.join(dir, 'env.db');
    const env = runCli(['sessions'], { GOROSCOPE_DB: viaEnv });
    expect(await env.exited).toBe(0);
    expect(env.stdout()).toBe(`no sessions in ${viaEnv}; start one with \`goroscope record <url>\` or \`goroscope import <files…>\`\n`);
    const xdg = path.join(dir, 'xdg');
    const def = runCli(['sessions'], { GOROSCOPE_DB: '', XDG_CONFIG_HOME: xdg });
    expect(await def.exited).toBe(0);
    expect(existsSync(path.join(xdg, 'Goroscope', 'goroscope.db'))).toBe(true);
  });

  it('ends the session cleanly when the reader of its output goes away (`record … | head -3`)', { timeout: 30_000 }, async () => {
    const svc = await fixture(leakyBinary(), ['-rate', '10']);
    const { dir } = tempStore();
    const db = path.join(dir, 'pipe.db');
    const child = spawn(process.execPath, [CLI, 'record', svc.url, '--interval', '200ms', '--full-every', '100', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if ((out.match(TICK_LINE) ?? []).length >= 1) resolve();
      });
    });
    // What `head` does once it has its lines: close the pipe. The CLI's next line meets EPIPE.
    child.stdout.destroy();
    expect(await exited).toBe(0);
    expect(err).toBe('');
    const store = HistoryStore.open(db);
    try {
      const s = store.session(1);
      expect(s.endedAtMs).not.toBeNull();
      const ticks = store.sessionSeries(1).ticks;
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks[ticks.length - 1]!.fullSnapshotId).not.toBeNull();
    } finally {
      store.dispose();
    }
  });

  it('names a session after its target and the local time it started', { timeout: 20_000 }, async () => {
    const svc = await fixture(leakyBinary(), ['-rate', '10']);
    const { dir } = tempStore();
    const db = path.join(dir, 'name.db');
    // UTC+14: a name in UTC would show another hour, most likely another day, than `sessions` shows.
    const rec = runCli(['record', svc.url, '--interval', '200ms', '--duration', '400ms', '--db', db], { TZ: 'Pacific/Kiritimati' });
    expect(await rec.exited).toBe(0);
    const list = runCli(['sessions', '--db', db], { TZ: 'Pacific/Kiritimati' });
    expect(await list.exited).toBe(0);
    const row = list.stdout().trimEnd().split('\n')[1]!.trim().split(/ {2,}/);
    const started = row[3]!;
    expect(row[1]).toBe(`${svc.addr} ${started.slice(0, 16)}`);
  });

  it('refuses --at values that are not ISO times', { timeout: 20_000 }, async () => {
    const { dir } = tempStore();
    const db = path.join(dir, 'at.db');
    const imp = runCli(['import', path.join(CORPUS, 't1.debug1.txt'), '--at', '1', '--db', db]);
    expect(await imp.exited).toBe(2);
    expect(imp.stderr()).toBe(`error: option '--at <times>' argument '1' is invalid. "1" is not an ISO time; expected e.g. 2024-05-01T10:00:00Z\n`);
  });
});
