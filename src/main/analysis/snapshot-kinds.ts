import type { Frame } from '../../shared/model.js';

/**
 * What a group's goroutines wait on, as the single-snapshot verdict weighs it:
 * - `forever`: a nil channel or `select {}` (`chan receive (nil chan)`, `select (no cases)`);
 * - `send`: a channel send, which healthy code rarely leaves waiting;
 * - `receive`: a channel receive or select, which idle workers do all day;
 * - `lock`: `semacquire`, `sync.Mutex.Lock`, `sync.WaitGroup.Wait`, `sync.Cond.Wait`, …;
 * - `io`: `IO wait` (connections); `sleep`: `time.Sleep`;
 * - `running`: running, runnable, syscall, GC workers: not blocked;
 * - `unknown`: the format prints no states (debug=1, protobuf).
 */
export type BlockedKind = 'forever' | 'send' | 'receive' | 'lock' | 'io' | 'sleep' | 'running' | 'unknown';

const FOREVER = new Set(['chan receive (nil chan)', 'chan send (nil chan)', 'select (no cases)']);

/** The kind of the group's most common state (`{"chan send": 300}` → `send`). */
export function blockedKindOf(states: Readonly<Record<string, number>> | null): BlockedKind {
  if (!states) return 'unknown';
  const top = Object.entries(states).sort((a, b) => b[1] - a[1])[0]?.[0];
  return top === undefined ? 'unknown' : kindOfState(top);
}

/** `chan send` → `send`; `sync.RWMutex.RLock` → `lock`; `running` → `running`. */
export function kindOfState(state: string): BlockedKind {
  if (FOREVER.has(state)) return 'forever';
  if (state.startsWith('chan send')) return 'send';
  if (state.startsWith('chan receive') || state.startsWith('select')) return 'receive';
  if (state === 'semacquire' || state.startsWith('sync.')) return 'lock';
  if (state === 'IO wait') return 'io';
  if (state === 'sleep') return 'sleep';
  return 'running';
}

/** Created by the HTTP server's accept loop: a connection goroutine serving requests. */
export function isHttpServerCreated(createdBy: Frame | null): boolean {
  return createdBy?.func === 'net/http.(*Server).Serve';
}
