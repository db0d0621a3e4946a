import type { ErrorCode } from '../../shared/errors.js';
import type { EventName, EventPayload, InputIssue, RequestInput, RequestName, RequestOutput } from '../../shared/contract.js';

/** The one way views reach main: the contract, over the preload bridge or over HTTP. */
export interface ContractClient {
  readonly transport: 'ipc' | 'http';
  /** Resolves with the output; rejects with a ClientError carrying the contract's error code. */
  request<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestOutput<K>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

/** A refused request: the code and message main sent (or the transport's own failure). */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly InputIssue[] = [],
  ) {
    super(message);
  }
}
