// Client load that ramps from zero, churns, holds and drains (issue 19): a client arrives about every
// second (0.8–1.2 s apart) and lives 2–20 s, so the population climbs from none to its steady level
// (about 11) over the first 20 s, holds there while its members keep changing, and drains once
// arrivals stop. Clients hold long-lived loopback connections: HTTP/1.1 keep-alive requests, long
// polls, NATS subscriptions. Times come from a seeded generator, so every run has the same shape.

import net from 'node:net';
import { seededRandom } from '../../src/main/bench/seeded-random.js';

/** One client: its connection stays open until `close`. */
export interface LoadClient {
  close(): void;
}

export interface ChurnLoadOptions {
  /** Arrivals stop after this long; the load then drains. */
  arriveForMs: number;
  /** Seed of the arrival gaps and lifetimes. */
  seed: number;
  minLifeMs?: number;
  maxLifeMs?: number;
}

export interface ChurnLoad {
  /** Clients started so far, and how many are connected now. */
  started(): number;
  live(): number;
  /** Client connections that failed (a refused or reset socket). */
  errors(): string[];
  /** Stops arrivals and closes every client. Idempotent. */
  stop(): void;
}

/** Runs the arrival schedule, opening a client with `open` at each arrival. */
export function startChurnLoad(open: (onError: (why: string) => void) => LoadClient, options: ChurnLoadOptions): ChurnLoad {
  const random = seededRandom(options.seed);
  const minLife = options.minLifeMs ?? 2_000;
  const maxLife = options.maxLifeMs ?? 20_000;
  const startedAt = Date.now();
  const clients = new Set<LoadClient>();
  const timers = new Set<NodeJS.Timeout>();
  const errors: string[] = [];
  let started = 0;
  let isStopped = false;
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const arrive = (): void => {
    if (isStopped || Date.now() - startedAt >= options.arriveForMs) return;
    started++;
    const client = open((why) => errors.push(why));
    clients.add(client);
    later(minLife + random() * (maxLife - minLife), () => {
      clients.delete(client);
      client.close();
    });
    later(800 + random() * 400, arrive);
  };
  arrive();
  return {
    started: () => started,
    live: () => clients.size,
    errors: () => errors,
    stop: () => {
      if (isStopped) return;
      isStopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of clients) c.close();
      clients.clear();
    },
  };
}

/** A socket that reports errors once and is destroyed on close. */
function socketClient(port: number, onError: (why: string) => void, onConnect: (s: net.Socket) => void): { socket: net.Socket; close: () => void } {
  const socket = net.connect({ host: '127.0.0.1', port });
  let isClosed = false;
  socket.setNoDelay(true);
  socket.on('connect', () => onConnect(socket));
  socket.on('error', (err) => {
    if (!isClosed) onError(`127.0.0.1:${port}: ${err.message}`);
  });
  return {
    socket,
    close: () => {
      isClosed = true;
      socket.destroy();
    },
  };
}

/** An HTTP/1.1 keep-alive client: one GET every `everyMs` on the same connection. */
export function keepAliveHttpClient(port: number, path: string, everyMs = 1_000): (onError: (why: string) => void) => LoadClient {
  return (onError) => {
    let timer: NodeJS.Timeout | undefined;
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;
    const c = socketClient(port, onError, (s) => {
      s.write(request);
      timer = setInterval(() => s.write(request), everyMs);
    });
    c.socket.on('data', () => undefined);
    return {
      close: () => {
        clearInterval(timer);
        c.close();
      },
    };
  };
}

/** A long poll: one GET held open by the server until the client leaves. */
export function longPollClient(port: number, path: string): (onError: (why: string) => void) => LoadClient {
  return (onError) => {
    const c = socketClient(port, onError, (s) => s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    c.socket.on('data', () => undefined);
    return { close: c.close };
  };
}

/**
 * A NATS subscriber speaking the text protocol: CONNECT, SUB to `subject`, a PUB every `everyMs`
 * (so subscribers get messages), PONG to the server's PINGs.
 */
export function natsSubscriberClient(port: number, subject: string, everyMs = 1_000): (onError: (why: string) => void) => LoadClient {
  return (onError) => {
    let timer: NodeJS.Timeout | undefined;
    let pending = '';
    const c = socketClient(port, onError, (s) => {
      s.write(`CONNECT {"verbose":false,"pedantic":false,"name":"churn"}\r\nSUB ${subject} 1\r\nPING\r\n`);
      timer = setInterval(() => s.write(`PUB ${subject} 2\r\nhi\r\n`), everyMs);
    });
    c.socket.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      let nl: number;
      while ((nl = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 2);
        if (line === 'PING') c.socket.write('PONG\r\n');
        else if (line.startsWith('-ERR')) onError(`nats 127.0.0.1:${port}: ${line}`);
      }
    });
    return {
      close: () => {
        clearInterval(timer);
        c.close();
      },
    };
  };
}
