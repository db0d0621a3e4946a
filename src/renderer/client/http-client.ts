import type { EventMessage, EventName, Reply } from '../../shared/contract.js';
import { ClientError, type ContractClient } from './contract-client.js';

type Listener = (payload: unknown) => void;

/**
 * The client in a browser over `goroscope serve`: `POST /api/<request>` with JSON, events from one
 * EventSource on `/api/events`, opened with the first subscription (the browser reconnects it). The
 * token travels in the cookie the printed URL set; nothing here sees it.
 */
export function httpClient(base = ''): ContractClient {
  const listeners = new Map<EventName, Set<Listener>>();
  let source: EventSource | null = null;

  const ensureSource = (): void => {
    if (source !== null) return;
    source = new EventSource(`${base}/api/events`);
    source.onmessage = (e: MessageEvent<string>) => {
      const message = JSON.parse(e.data) as EventMessage;
      for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
    };
  };

  return {
    transport: 'http',
    async request(name, input) {
      let response: Response;
      try {
        response = await fetch(`${base}/api/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
          credentials: 'same-origin',
        });
      } catch (error) {
        throw new ClientError('TARGET_UNREACHABLE', `goroscope serve does not answer (${(error as Error).message}); is it still running?`);
      }
      if (response.status === 401) {
        throw new ClientError('INVALID_INPUT', 'not signed in to goroscope serve: open the URL it printed (with ?token=…) again');
      }
      const reply = (await response.json()) as Reply<unknown>;
      if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message, reply.error.issues);
      return reply.value as never;
    },
    on(name, listener) {
      ensureSource();
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const wrapped: Listener = (payload) => listener(payload as never);
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
  };
}
