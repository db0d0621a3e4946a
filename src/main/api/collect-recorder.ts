import { DirectConnector } from '../collect/connector.js';
import { describeDiscovery, discover } from '../collect/discover.js';
import { TargetClient } from '../collect/target-client.js';
import { normaliseTarget } from '../collect/target-url.js';
import type { HistoryStore } from '../store/history-store.js';
import type { RecorderPort, RecordingHandle } from './ports.js';
import { startRecording } from './session-record.js';

/** The collector (src/main/collect, via `startRecording`) behind the api's RecorderPort: direct HTTP targets. */
export function collectRecorder(store: HistoryStore, now: () => number = Date.now): RecorderPort {
  return {
    async test(url, signal) {
      const connector = new DirectConnector();
      try {
        const d = await discover(new TargetClient(normaliseTarget(url), connector), { signal });
        return { url: d.baseUrl, endpoints: describeDiscovery(d) };
      } finally {
        connector.dispose();
      }
    },

    async start(request, callbacks, signal) {
      signal.throwIfAborted();
      // No signal is passed on: startRecording would tie the recording's life to it, and the
      // recording must outlive the request that started it.
      const recording = await startRecording(store, {
        url: request.url,
        ...(request.name !== null ? { name: request.name } : {}),
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
