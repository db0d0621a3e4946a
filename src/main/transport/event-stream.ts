import type { IncomingMessage, ServerResponse } from 'node:http';
import { toDisposable, type Disposable } from '../../shared/lifecycle.js';
import type { Api } from '../api/create-api.js';

/** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events: each contract event as one `data:` line of `{name, payload}` JSON. Ends when the
 * client goes away or the returned Disposable is disposed (server shutdown); `onEnd` runs once either way.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse, api: Api, onEnd: () => void): Disposable {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
  res.write(': goroscope events\n\n');
  const subscription = api.onEvent((event) => {
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(':\n\n'), HEARTBEAT_MS);
  const stream = toDisposable(() => {
    clearInterval(heartbeat);
    subscription.dispose();
    res.end();
    onEnd();
  });
  req.on('close', () => stream.dispose());
  return stream;
}
