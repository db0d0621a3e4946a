// The CLI is an edge like IPC and HTTP: `record` and `check` build the contract's `recording.start`
// request from their flags and parse it with the same schema, so the contract's rules (the 200 ms floor)
// reach the command line with the contract's own message; and every duration flag reads one grammar
// (`shared/duration.ts`). Through the built CLI, as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { requests } from '../../src/shared/contract.js';
import { corpusPath, REPO_ROOT } from '../analysis/helpers.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';

const BIN = path.join(REPO_ROOT, 'bin', 'goroscope.js');
// Nothing listens on port 1 of loopback: a request that gets past validation fails to connect, at once.
const NOWHERE = 'http://127.0.0.1:1';
let work = '';

beforeAll(async () => {
  await ensureCliBuilt();
  work = mkdtempSync(path.join(tmpdir(), 'goroscope-rules-'));
}, 150_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What `recording.start` answers a client for this interval (the transports put it in their reply). */
function contractMessage(intervalMs: number): string {
  const parsed = requests['recording.start'].input.safeParse({ url: NOWHERE, intervalMs });
  expect(parsed.success).toBe(false);
  return parsed.error!.issues[0]!.message;
}

const leakFiles = ['t0', 't1', 't2', 't3'].map((t) => corpusPath('01-chan-send-no-receiver', `${t}.debug2.txt`));

describe('the contract reaches the CLI', () => {
  test('record --interval 1ms is refused with the contract’s 200 ms floor, before connecting', () => {
    const r = run(['record', NOWHERE, '--interval', '1ms', '--db', path.join(work, 'h.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`goroscope: --interval 1ms: ${contractMessage(1)}\n`);
    expect(contractMessage(1)).toContain('at least 200 ms');
  });

  test('check URL and a fleet record refuse the same interval with the same message', () => {
    const check = run(['check', NOWHERE, '--interval', '150ms']);
    expect(check.code).toBe(2);
    expect(check.stderr).toBe(`goroscope: --interval 150ms: ${contractMessage(150)}\n`);
    const fleet = run(['record', NOWHERE, 'http://127.0.0.1:2', '--interval', '100ms', '--db', path.join(work, 'h.db')]);
    expect(fleet.code).toBe(2);
    expect(fleet.stderr).toBe(`goroscope: --interval 100ms: ${contractMessage(100)}\n`);
  });

  test('an --ssh destination goes through the contract’s hop schema, as `recording.start`’s `ssh` does', () => {
    const hop = requests['recording.start'].input.safeParse({ url: NOWHERE, ssh: { destination: 'a,b' } });
    expect(hop.success).toBe(false);
    const r = run(['record', NOWHERE, '--ssh', 'a,b', '--db', path.join(work, 'h.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`goroscope: --ssh a,b: ${hop.error!.issues[0]!.message}\n`);
  });

  test('an interval the contract accepts goes on to the target (and fails there, naming it)', () => {
    const r = run(['record', NOWHERE, '--interval', '200ms', '--duration', '1s', '--db', path.join(work, 'h.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('connection refused by 127.0.0.1:1');
    expect(r.stderr).not.toContain('--interval');
  });
});

describe('one duration grammar for every command', () => {
  test('record and check both read 1h30m as 90 minutes (past the contract’s 1 h ceiling for ticks)', () => {
    const ceiling = contractMessage(90 * 60_000);
    expect(run(['record', NOWHERE, '--interval', '1h30m', '--db', path.join(work, 'h.db')]).stderr).toBe(`goroscope: --interval 1h30m: ${ceiling}\n`);
    expect(run(['check', NOWHERE, '--interval', '1h30m']).stderr).toBe(`goroscope: --interval 1h30m: ${ceiling}\n`);
  });

  test('check on files takes 1h30m between untimed files', () => {
    const r = run(['check', '--interval', '1h30m', ...leakFiles]);
    expect(r.stderr).toBe('');
    // 4 files, 90 minutes apart: 270 minutes in all (a growth that slow is no suspect at this window).
    expect(r.stdout.split('\n')[0]).toContain('4 ticks over 270.0 min, times assumed 5400.0 s apart');
  });

  test('record reads 1m30s and check reads 2m30s (compound durations) as valid intervals', () => {
    expect(run(['record', NOWHERE, '--interval', '1m30s', '--db', path.join(work, 'h.db')]).stderr).toContain('connection refused');
    expect(run(['check', NOWHERE, '--interval', '2m30s', '--duration', '1s']).stderr).toContain('connection refused');
  });

  test('a text that is no duration gets the one parser’s message on every command', () => {
    const message = 'goroscope: --interval: expected a duration such as 60s, 2m or 500ms, got "soon"\n';
    expect(run(['record', NOWHERE, '--interval', 'soon', '--db', path.join(work, 'h.db')]).stderr).toBe(message);
    expect(run(['check', NOWHERE, '--interval', 'soon']).stderr).toBe(message);
  });
});
