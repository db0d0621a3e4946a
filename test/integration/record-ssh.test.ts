import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startRecording, type TickSummary } from '../../src/main/use-cases/record.js';
import { SshConnector } from '../../src/main/collect/ssh-connector.js';
import { CheckResultSchema } from '../../src/shared/report.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { buildFixture, goToolchain, leakMarkers } from '../helpers/go-toolchains.js';
import { generateKey, sshKeygenFingerprint, startSshd, type RunningSshd } from '../helpers/sshd.js';
import { expectLeakAGrowing, fixture, recordTicks, runCli, tempStore, waitFor } from './record-helpers.js';

// A real Go service (the leaky fixture, Go 1.19) recorded through a real OpenSSH server, all on
// 127.0.0.1. The service's URL is its address as the SSH server sees it. A missing sshd or Go fails.
let leaky = '';
let outDir = '';
let sshd: RunningSshd;
let knownHosts = '';

beforeAll(async () => {
  await ensureCliBuilt();
  outDir = mkdtempSync(path.join(tmpdir(), 'goroscope-ssh-fixtures-'));
  leaky = await buildFixture('leaky', goToolchain('go1.19'), outDir);
  sshd = await startSshd();
  knownHosts = path.join(outDir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
}, 120_000);

afterAll(async () => {
  await sshd?.dispose();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const LEAK_A = leakMarkers('leaky')['LEAK-A']!;
const hop = (): string => `ssh ${sshd.user}@127.0.0.1:${sshd.port}`;
const LOGIN = /^Accepted publickey for /gm;
const logins = (): number => sshd.logins();
const TICK_LINE = /^\d\d:\d\d:\d\d {2}#\d+/gm;

function tunnel(): SshConnector {
  const c = new SshConnector({
    destination: { user: sshd.user, host: '127.0.0.1', port: sshd.port },
    privateKeyPath: sshd.clientKey.path,
    knownHostsPath: knownHosts,
    env: {},
  });
  onTestFinished(() => c.dispose());
  return c;
}

describe('recording through an SSH tunnel', () => {
  it('records the leaky service through sshd over one SSH connection, and stores the hop with the target', { timeout: 30_000 }, async () => {
    const svc = await fixture(leaky, ['-rate', '20', '-kinds', 'ABCD']);
    const { store } = tempStore();
    const before = logins();
    // Ticks 0–4, then the stop's last full tick (5): a loaded machine cannot squeeze out a tick.
    const { recording, outcome } = await recordTicks(store, { url: svc.url, connector: tunnel(), intervalMs: 200, fullEvery: 3, requestTimeoutMs: 5_000 }, 4);
    expect(recording.via).toBe(hop());
    expect(recording.discovery).toEqual({ baseUrl: svc.url, goroutine: true, goroutineLeak: false, expvar: true, metrics: true });
    expect(outcome).toMatchObject({ ticks: 6, failedTicks: 0, endedBy: 'stop' });
    // Discovery and 6 ticks of 3 or 4 requests each, all over one login.
    await sshd.waitForLog(LOGIN, before + 1);
    expect(logins() - before).toBe(1);

    const summary = store.session(recording.sessionId);
    expect(summary.target).toBe(`ssh://${sshd.user}@127.0.0.1:${sshd.port}/${svc.url}`);
    expect(summary.snapshots).toBe(6 * 3 + 3);
    const series = store.sessionSeries(recording.sessionId);
    expect(series.ticks.filter((t) => t.fullSnapshotId !== null).map((t) => t.tick)).toEqual([0, 3, 5]);
    for (const t of series.ticks) {
      expect(t.errors).toEqual([]);
      expect(t.compactTotal).toBeGreaterThan(0);
      expect(t.prometheus?.numGoroutine).toBeGreaterThan(0);
      expect(t.expvar?.heapAllocBytes).toBeGreaterThan(0);
    }
    const { a, counts } = expectLeakAGrowing(store, series);
    // The full dumps' goroutine IDs came through the tunnel too: the stuck senders of tick 3 are still there at tick 5.
    const dumps = store.fullDumpIds(recording.sessionId);
    const idsOf = (i: number) => dumps[i]!.groups.find((g) => g.stackId === a.stackId)?.ids ?? [];
    // The full dump is taken after the compact profile of its tick (20 leaks/s): its own count is the one to match.
    const fullOfTick3 = store.snapshot(series.ticks[3]!.fullSnapshotId!).groups.find((g) => g.key === a.key)!;
    expect(idsOf(1).length).toBe(fullOfTick3.count);
    expect(fullOfTick3.count).toBeGreaterThanOrEqual(counts[3]!);
    expect(idsOf(1).every((id) => new Set(idsOf(2)).has(id))).toBe(true);
  });

  it('records failed ticks while sshd is down, and resumes over a new SSH connection when it is back', { timeout: 40_000 }, async () => {
    const svc = await fixture(leaky, ['-rate', '20', '-kinds', 'ABCD']);
    const { store } = tempStore();
    const seen: TickSummary[] = [];
    const recording = await startRecording(store, {
      url: svc.url, connector: tunnel(), intervalMs: 150, fullEvery: 100, durationMs: null, requestTimeoutMs: 2_000, onTick: (s) => seen.push(s),
    });
    onTestFinished(() => recording.dispose());
    await waitFor('3 ticks', () => seen.length >= 3, 10_000);
    await sshd.stop();
    const compactFailed = () => seen.filter((s) => s.errors.some((e) => e.kind === 'compact'));
    await waitFor('2 ticks failed for want of sshd', () => compactFailed().length >= 2, 15_000);
    const loginsBeforeRestart = logins();
    await sshd.start();
    const failedBeforeRestart = seen.length;
    await waitFor('a good tick after the restart', () => seen.slice(failedBeforeRestart).some((s) => s.errors.length === 0), 15_000);
    recording.stop();
    expect(await recording.done).toMatchObject({ endedBy: 'stop' });
    await sshd.waitForLog(LOGIN, loginsBeforeRestart + 1);
    expect(logins() - loginsBeforeRestart).toBe(1);

    const series = store.sessionSeries(recording.sessionId);
    const failed = series.ticks.filter((t) => t.errors.some((e) => e.kind === 'compact'));
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const t of failed) {
      // Unreachable: the tick's other requests were not tried.
      expect(t.errors.map((e) => [e.kind, e.code])).toEqual([['compact', 'TARGET_UNREACHABLE']]);
      expect(t.countedSnapshotId).toBeNull();
    }
    expect(failed.map((t) => t.errors[0]!.message)).toContain(`${hop()}: the SSH server 127.0.0.1:${sshd.port} refused the connection: is sshd running there, on this port?`);
    // Earlier snapshots are intact, and the first tick after the outage takes a full dump.
    expect(series.ticks[0]!.compactTotal).toBe(seen[0]!.counted!.total);
    const resumed = series.ticks[failed[failed.length - 1]!.tick + 1]!;
    expect(resumed.errors).toEqual([]);
    expect(resumed.fullSnapshotId).not.toBeNull();
    expect(resumed.compactTotal).toBeGreaterThan(0);
    expect(series.ticks[series.ticks.length - 1]!.fullSnapshotId).not.toBeNull();
  });
});

describe('goroscope record --ssh (the built CLI)', () => {
  it('records through the tunnel and shows the hop in the header and the summary', { timeout: 30_000 }, async () => {
    const svc = await fixture(leaky, ['-rate', '10']);
    const { dir } = tempStore();
    const db = path.join(dir, 'ssh.db');
    const rec = runCli([
      'record', svc.url, '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', sshd.clientKey.path, '--known-hosts', knownHosts,
      '--interval', '200ms', '--duration', '1s', '--full-every', '2', '--name', 'tunnelled', '--db', db,
    ], { SSH_AUTH_SOCK: '' });
    expect(await rec.exited).toBe(0);
    const out = rec.stdout();
    expect(out).toContain(`recording ${svc.url} via ${hop()} into session 1 (${db})\n  serves: goroutine, /debug/vars, /metrics\n  every 0.2s, full dump every 2 ticks, for 1s\n`);
    expect(out.match(TICK_LINE)).toHaveLength(5);
    expect(out).toMatch(new RegExp(`\\nsession 1 "tunnelled" via ${hop().replace(/[.]/g, '\\.')}: 5 ticks, 18 snapshots, 0 failed ticks \\(ran its course\\)\\n1\\n$`));
    expect(rec.stderr()).toBe('');
    const list = runCli(['sessions', '--json', '--db', db]);
    expect(await list.exited).toBe(0);
    expect((JSON.parse(list.stdout()) as { target: string }[]).map((s) => s.target)).toEqual([`ssh://${sshd.user}@127.0.0.1:${sshd.port}/${svc.url}`]);
  });

  it('exits 2 without a session for an unknown host key, a refused key and stray SSH options', { timeout: 30_000 }, async () => {
    const { dir } = tempStore();
    const db = path.join(dir, 'refused.db');
    const ssh = `${sshd.user}@127.0.0.1:${sshd.port}`;
    const url = 'http://127.0.0.1:6060';
    const empty = path.join(dir, 'known_hosts_empty');
    writeFileSync(empty, '');
    const fp = sshKeygenFingerprint(`${sshd.hostKey.path}.pub`);
    const unknown = runCli(['record', url, '--ssh', ssh, '--ssh-key', sshd.clientKey.path, '--known-hosts', empty, '--db', db]);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toBe(
      `goroscope: ${hop()}: the host [127.0.0.1]:${sshd.port} is not in ${empty}; the server presented ssh-ed25519 key ${fp}. ` +
        `If that is the server's key (on the server: \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`), add this line to ${empty}:\n` +
        `  [127.0.0.1]:${sshd.port} ssh-ed25519 ${sshd.hostKey.blob.toString('base64')}\n` +
        `or run: ssh-keyscan -p ${sshd.port} -t ed25519 127.0.0.1 >> ${empty}\n`,
    );

    const stranger = generateKey(dir, 'stranger');
    const refused = runCli(['record', url, '--ssh', ssh, '--ssh-key', stranger.path, '--known-hosts', knownHosts, '--db', db]);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toBe(
      `goroscope: ${hop()}: the server refused to log in user ${sshd.user}; tried publickey with ${stranger.path} (ssh-ed25519 ${sshKeygenFingerprint(`${stranger.path}.pub`)}); ` +
        `the server accepts: publickey; check that the key's public half is in ~${sshd.user}/.ssh/authorized_keys on 127.0.0.1, or give the right key with --ssh-key\n`,
    );

    const stray = runCli(['record', url, '--ssh-key', stranger.path, '--db', db]);
    expect(await stray.exited).toBe(2);
    expect(stray.stderr()).toBe('goroscope: --ssh-key needs --ssh user@host: it only applies to a tunnel\n');
    const bad = runCli(['record', url, '--ssh', 'ops@bastion:ssh', '--db', db]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe('goroscope: --ssh "ops@bastion:ssh" is not an SSH destination; expected user@host or user@host:port, e.g. deploy@bastion.example.com:22, or a Host alias of the ssh config\n');

    const list = runCli(['sessions', '--json', '--db', db]);
    expect(await list.exited).toBe(0);
    expect(JSON.parse(list.stdout())).toEqual([]);
  });

  it('check --ssh records through the tunnel and names the leak; --ssh with dump files is refused', { timeout: 30_000 }, async () => {
    const svc = await fixture(leaky, ['-rate', '20', '-kinds', 'A']);
    const check = runCli(['check', svc.url, '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', sshd.clientKey.path, '--known-hosts', knownHosts, '--duration', '3s', '--interval', '500ms', '--json'], { SSH_AUTH_SOCK: '' });
    expect(await check.exited).toBe(1);
    expect(check.stderr().split('\n')[0]).toBe(`checking ${svc.url} via ${hop()} for 3s, a tick every 0.5s (Ctrl-C ends early)`);
    expect(check.stderr()).not.toContain('failed');
    const suspects = CheckResultSchema.parse(JSON.parse(check.stdout())).suspects;
    expect(suspects.map((s) => `${s.blockingSite?.func}:${s.blockingSite?.line}`)).toContain(`main.leakASender:${LEAK_A}`);

    const files = runCli(['check', path.join(outDir, 'known_hosts'), '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`]);
    expect(await files.exited).toBe(2);
    expect(files.stderr()).toBe(`goroscope: --ssh applies to a service URL, not to dump files (${path.join(outDir, 'known_hosts')})\n`);
  });
});
