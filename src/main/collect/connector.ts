import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ConnectionEndpoint {
  hostname: string;
  port: number;
}

/**
 * Opens the byte stream HTTP runs over. The direct connector dials TCP; an SSH tunnel (ssh2
 * `forwardOut`) can supply the same interface without the fetcher or the recorder changing.
 * `openConnection` rejects with the transport's own error (an errno error such as ECONNREFUSED, or the
 * signal's reason when aborted); the fetcher maps it to a GoroscopeError.
 */
export interface Connector {
  /** How connections are made, for messages: `direct` or `ssh tunnel via bastion:22`. */
  readonly via: string;
  openConnection(endpoint: ConnectionEndpoint, signal: AbortSignal): Promise<Duplex>;
  dispose(): void;
}

/** TCP straight to the target. Holds no resources of its own. */
export class DirectConnector implements Connector {
  readonly via = 'direct';

  openConnection(endpoint: ConnectionEndpoint, signal: AbortSignal): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const socket: Socket = connect({ host: endpoint.hostname, port: endpoint.port });
      const onAbort = (): void => {
        socket.destroy();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        resolve(socket);
      });
      socket.once('error', (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      });
    });
  }

  dispose(): void {
    // Nothing to release: each connection belongs to its request.
  }
}
