import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ConnectionEndpoint {
  hostname: string;
  port: number;
}

/**
 * Opens the byte stream HTTP runs over. The direct connector dials TCP; the SSH tunnel
 * (`ssh-connector.ts`, ssh2 `forwardOut`) supplies the same interface without the fetcher or the
 * recorder changing. `openConnection` rejects with the transport's own error (an errno error such as
 * ECONNREFUSED, or the signal's reason when aborted), which the fetcher maps to a GoroscopeError, or
 * with a GoroscopeError of its own for a failure of the hop itself (SSH refused, host key, login).
 */
export interface Connector {
  /** How connections are made, for messages: `direct` or `ssh deploy@bastion` (`ssh deploy@bastion:2222` off port 22). */
  readonly via: string;
  /**
   * How the history stores the target reached at `baseUrl`: the URL itself when direct;
   * `ssh://user@host:port/http://…` through a tunnel (the same URL behind two hops is two targets).
   */
  storedTarget(baseUrl: string): string;
  openConnection(endpoint: ConnectionEndpoint, signal: AbortSignal): Promise<Duplex>;
  dispose(): void;
}

/** TCP straight to the target. Holds no resources of its own. */
export class DirectConnector implements Connector {
  readonly via = 'direct';

  storedTarget(baseUrl: string): string {
    return baseUrl;
  }

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
