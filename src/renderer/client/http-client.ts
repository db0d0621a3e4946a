import type { EventMessage, EventName, Reply } from '../../shared/contract.js';
import { ClientError, type ContractClient } from './contract-client.js';
import { readEventStream } from './event-stream-reader.js';
import { BINARY_BODY_TYPE, JSON_BYTES_HEADER, encodeBinaryBody } from '../../shared/binary-body.js';
import { REPLY_FIELDS_HEADER, TEXT_REPLY_TYPE, valueOfTextReply } from '../../shared/text-reply.js';

type Listener = (payload: unknown) => void;

/** How long to wait before opening the event stream again after it ended or failed. */
const RECONNECT_MS = 2_000;
const TOKEN_HEADER = 'x-goroscope-token';

/**
 * The client in a browser over `goroscope serve`: `POST /api/<request>` with JSON (or, for an input
 * holding byte arrays, the binary body of `shared/binary-body.ts`), events from one
 * stream on `/api/events`, opened with the first subscription and reopened when it ends. Both carry
 * `token` (from the printed URL's fragment, `serve-token.ts`) as the `x-goroscope-token` header; no
 * cookie is involved, so no other server on this host ever receives it.
 */
export function httpClient(token: string | null, base = ''): ContractClient {
  const listeners = new Map<EventName, Set<Listener>>();
  let isStreaming = false;
  const headers = (extra: Record<string, string> = {}): Record<string, string> => (token === null ? extra : { ...extra, [TOKEN_HEADER]: token });

  const streamEvents = async (): Promise<void> => {
    for (;;) {
      try {
        const response = await fetch(`${base}/api/events`, { headers: headers(), credentials: 'omit', cache: 'no-store' });
        if (response.ok && response.body !== null) {
          await readEventStream(response.body, (data) => {
            const message = JSON.parse(data) as EventMessage;
            for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
          });
        } else if (response.status === 401) {
          return; // requests say why; retrying cannot help without the token
        }
      } catch (error) {
        // The server went away or restarted: say so, wait and open the stream again, as EventSource would.
        console.warn(`goroscope serve: event stream lost (${(error as Error).message}); reopening`);
      }
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  };

  return {
    transport: 'http',
    async request(name, input) {
      let response: Response;
      // Byte arrays (a picked dump) go after the JSON in a binary body, not as base64 inside it.
      const binary = encodeBinaryBody(input);
      try {
        response = await fetch(`${base}/api/${name}`, {
          method: 'POST',
          // A long text (a dump) may come back as the body itself: shared/text-reply.ts.
          headers: headers({
            accept: `application/json, ${TEXT_REPLY_TYPE}`,
            ...(binary ? { 'content-type': BINARY_BODY_TYPE, [JSON_BYTES_HEADER]: String(binary.json.byteLength) } : { 'content-type': 'application/json' }),
          }),
          body: binary ? new Blob([binary.json, ...binary.parts]) : JSON.stringify(input),
          credentials: 'omit',
        });
      } catch (error) {
        throw new ClientError('TARGET_UNREACHABLE', `goroscope serve does not answer (${(error as Error).message}); is it still running?`);
      }
      if (response.status === 401) {
        throw new ClientError('INVALID_INPUT', 'not signed in to goroscope serve: open the URL it printed (with #token=…) again');
      }
      const fields = response.headers.get(REPLY_FIELDS_HEADER);
      if (response.ok && fields !== null && (response.headers.get('content-type') ?? '').startsWith(TEXT_REPLY_TYPE)) {
        return valueOfTextReply(fields, await response.text()) as never;
      }
      const reply = (await response.json()) as Reply<unknown>;
      if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message, reply.error.issues);
      return reply.value as never;
    },
    on(name, listener) {
      if (!isStreaming) {
        isStreaming = true;
        void streamEvents();
      }
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
