import type { SshHop } from '../../shared/contract.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, TEST_TIMEOUT_MS } from '../../shared/defaults.js';
import { InvalidInputError } from '../../shared/errors.js';
import type { Connector } from '../collect/connector.js';
import { describeDiscovery, discover } from '../collect/discover.js';
import { TargetClient } from '../collect/target-client.js';
import { normaliseTarget } from '../collect/target-url.js';
import type { HistoryStore } from '../store/history-store.js';
import type { RecorderPort, RecordingCallbacks, RecordingHandle } from './ports.js';
import { startFleetRecording } from '../use-cases/record-fleet.js';
import { startRecording, type RecordingRequest } from '../use-cases/record.js';
import { absoluteHop, checkHopKeyFile, connectorOf } from './ssh-hop.js';
import { summariseSshRoute } from '../collect/ssh-route-summary.js';

export interface CollectRecorderOptions {
  /** False: a request naming an SSH hop is refused (serve beyond loopback). */
  isSshAllowed: boolean;
  now?: () => number;
}

/**
 * The collector (src/main/collect, via `startRecording`) behind the api's RecorderPort: HTTP targets,
 * straight or through an SSH tunnel (one SSH connection per test or recording, closed with it).
 */
export function collectRecorder(store: HistoryStore, { isSshAllowed, now = Date.now }: CollectRecorderOptions): RecorderPort {
  const refuseIfSshOff = (): void => {
    if (!isSshAllowed) {
      throw new InvalidInputError('ssh: SSH hops are turned off because goroscope serve listens beyond loopback (--allow-remote); record through SSH from this machine instead');
    }
  };
  const connectorFor = (hop: SshHop | null, timeoutMs: number): Connector => {
    if (hop !== null) refuseIfSshOff();
    return connectorOf(hop, timeoutMs);
  };
  /** Several URLs: one fleet session; each instance's ticks are events of its own session. */
  const startFleet = async (request: RecordingRequest, urls: string[], callbacks: RecordingCallbacks): Promise<RecordingHandle> => {
    // An SSH tunnel per instance, as for one target.
    const { ssh } = request;
    const perInstance = ssh !== undefined ? () => connectorFor(ssh, DEFAULT_REQUEST_TIMEOUT_MS) : undefined;
    const fleet = await startFleetRecording(store, {
      name: request.name ?? `fleet of ${urls.length} ${new Date(now()).toISOString().slice(0, 16).replace('T', ' ')}`,
      targets: urls.map((u) => {
        const url = normaliseTarget(u).baseUrl;
        return { name: url.replace(/^https?:\/\//, ''), url };
      }),
      origin: { source: 'targets', prometheusUrl: null, job: null, rankingQuery: null, skipped: [] },
      intervalMs: request.intervalMs,
      fullEvery: request.fullEvery,
      durationMs: request.durationMs,
      ...(perInstance ? { connectorFor: perInstance } : {}),
      onTick: (name, t) => {
        const instance = fleet.instances.find((i) => i.name === name);
        if (instance) callbacks.onTick({ sessionId: instance.sessionId, tick: t.tick, atMs: t.atMs, total: t.counted?.total ?? null, errors: t.errors });
      },
    });
    const ended = fleet.done.then(
      (outcome) => {
        for (const i of outcome.instances) callbacks.onEnd(i.sessionId, now(), null);
        callbacks.onEnd(fleet.sessionId, now(), null);
      },
      (error: unknown) => callbacks.onEnd(fleet.sessionId, now(), error instanceof Error ? error : new Error(String(error))),
    );
    return {
      sessionId: fleet.sessionId,
      ended,
      async stop() {
        fleet.stop();
        await ended;
      },
      dispose: () => fleet.dispose(),
    };
  };
  return {
    resolveSsh(hop) {
      refuseIfSshOff();
      return summariseSshRoute(absoluteHop(hop), 'ssh.destination', { configLabel: 'ssh.configFile' });
    },

    async test({ url, ssh = null }, signal) {
      const target = normaliseTarget(url);
      if (ssh !== null) refuseIfSshOff();
      await checkHopKeyFile(ssh);
      const connector = connectorFor(ssh, TEST_TIMEOUT_MS);
      try {
        const d = await discover(new TargetClient(target, connector), { signal });
        return { url: d.baseUrl, via: connector.via, endpoints: describeDiscovery(d) };
      } finally {
        connector.dispose();
      }
    },

    async start(request, callbacks, signal) {
      signal.throwIfAborted();
      const ssh = request.ssh ?? null;
      if (ssh !== null) refuseIfSshOff();
      await checkHopKeyFile(ssh);
      if (request.urls !== undefined && request.urls.length > 1) return startFleet(request, request.urls, callbacks);
      // No signal is passed on: startRecording would tie the recording's life to it, and the
      // recording must outlive the request that started it.
      const recording = await startRecording(store, {
        url: request.url,
        connector: connectorFor(ssh, DEFAULT_REQUEST_TIMEOUT_MS),
        ...(request.name !== undefined ? { name: request.name } : {}),
        intervalMs: request.intervalMs,
        fullEvery: request.fullEvery,
        durationMs: request.durationMs,
        onTick: (t) =>
          callbacks.onTick({ sessionId: recording.sessionId, tick: t.tick, atMs: t.atMs, total: t.counted?.total ?? null, errors: t.errors }),
      });
      const { sessionId } = recording;
      const ended = recording.done.then(
        () => callbacks.onEnd(sessionId, now(), null),
        (error: unknown) => callbacks.onEnd(sessionId, now(), error instanceof Error ? error : new Error(String(error))),
      );
      const handle: RecordingHandle = {
        sessionId,
        ended,
        async stop() {
          recording.stop();
          await ended;
        },
        dispose: () => recording.dispose(),
      };
      return handle;
    },
  };
}
