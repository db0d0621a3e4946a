import type { SessionSummary } from './types.js';

/** How often a running recorder stamps its session (HistoryStore.heartbeat). */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/**
 * A session with no end whose last stamp is older than this has no recorder any more. Six missed
 * stamps: a recorder whose event loop is busy for a while (a large parse) is not declared dead.
 */
export const HEARTBEAT_STALE_MS = 30_000;

export type SessionState = 'recording' | 'ended' | 'interrupted';

/**
 * `ended` when the session has an end; `recording` while its recorder's heartbeat is fresh;
 * `interrupted` when it stopped (the recorder was killed before it could end the session).
 */
export function sessionState(s: Pick<SessionSummary, 'endedAtMs' | 'heartbeatAtMs'>, nowMs: number): SessionState {
  if (s.endedAtMs !== null) return 'ended';
  return s.heartbeatAtMs !== null && nowMs - s.heartbeatAtMs <= HEARTBEAT_STALE_MS ? 'recording' : 'interrupted';
}
