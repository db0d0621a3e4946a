import type { RequestOutput, RequestParams } from '../../shared/contract.js';
import { InvalidInputError, NotFoundError } from '../../shared/errors.js';
import { TEST_TIMEOUT_MS } from '../../shared/defaults.js';
import { describeDestination, parseTunnelledTarget } from '../collect/ssh-destination.js';
import type { ApiContext } from './api-context.js';
import type { RecorderPort } from './ports.js';
import { toSessionSummary } from './session-views.js';
import { fleetFieldsOf } from '../use-cases/stored-report.js';

function recorderOf(ctx: ApiContext): RecorderPort {
  if (!ctx.recorder) throw new InvalidInputError('recording needs the collector, which this build of Goroscope does not include');
  return ctx.recorder;
}

/** A stored target (`http://…`, or `ssh://user@host:port/http://…`) as `recording.start` takes it again. */
function addressOf(target: string): Pick<RequestOutput<'target.list'>[number], 'target' | 'url' | 'ssh'> {
  const tunnelled = parseTunnelledTarget(target);
  if (tunnelled === null) return { target, url: target, ssh: null };
  return { target, url: tunnelled.url, ssh: { destination: describeDestination(tunnelled.destination) } };
}

/** Targets (derived from the history) and recordings this process runs. */
export function recordingHandlers(ctx: ApiContext) {
  const { store } = ctx;
  return {
    'target.list': (): RequestOutput<'target.list'> => {
      const byTarget = new Map<string, RequestOutput<'target.list'>[number]>();
      for (const s of store.listSessions()) {
        if (s.target === null) continue;
        const t = byTarget.get(s.target) ?? { ...addressOf(s.target), sessions: 0, lastStartedAtMs: 0, isRecording: false };
        t.sessions++;
        t.lastStartedAtMs = Math.max(t.lastStartedAtMs, s.startedAtMs);
        t.isRecording ||= ctx.recordings.has(s.id);
        byTarget.set(s.target, t);
      }
      return [...byTarget.values()].sort((a, b) => b.lastStartedAtMs - a.lastStartedAtMs);
    },

    'ssh.resolve': (hop: RequestParams<'ssh.resolve'>): RequestOutput<'ssh.resolve'> => recorderOf(ctx).resolveSsh(hop),

    'target.test': (params: RequestParams<'target.test'>, signal: AbortSignal): Promise<RequestOutput<'target.test'>> =>
      recorderOf(ctx).test(params, AbortSignal.any([signal, AbortSignal.timeout(TEST_TIMEOUT_MS)])),

    'recording.start': async (params: RequestParams<'recording.start'>, signal: AbortSignal): Promise<RequestOutput<'recording.start'>> => {
      // The request as the transport parsed it with the contract's schema: the record use case's own type.
      const handle = await recorderOf(ctx).start(
        params,
        {
          onTick: (t) => ctx.events.emit('session.tickRecorded', t),
          onEnd: (sessionId, endedAtMs, error) => {
            ctx.recordings.delete(sessionId);
            if (error) console.error(`goroscope: recording of session ${sessionId} failed:`, error);
            ctx.events.emit('session.ended', { sessionId, endedAtMs });
          },
        },
        AbortSignal.any([signal, AbortSignal.timeout(TEST_TIMEOUT_MS)]),
      );
      ctx.recordings.set(handle.sessionId, handle);
      const session = toSessionSummary(store.session(handle.sessionId), true, fleetFieldsOf(store, handle.sessionId));
      ctx.events.emit('session.created', { session });
      return { session };
    },

    'recording.stop': async ({ sessionId }: RequestParams<'recording.stop'>): Promise<RequestOutput<'recording.stop'>> => {
      const handle = ctx.recordings.get(sessionId);
      if (!handle) {
        store.session(sessionId);
        throw new NotFoundError(`session ${sessionId} is not recording in this Goroscope`);
      }
      await handle.stop();
      return { sessionId };
    },
  };
}
