import type { EventName, Reply, RequestName } from '../../shared/contract.js';
import { REQUEST_NAMES } from '../../shared/contract-names.js';
import { ClientError, type ContractClient } from './contract-client.js';

/** What src/preload exposes as `window.goroscope`: one function per request, and `on`. */
export type PreloadBridge = { [K in RequestName]: (input: unknown) => Promise<Reply<unknown>> } & {
  on(event: EventName, listener: (payload: unknown) => void): () => void;
};

export function findBridge(): PreloadBridge | null {
  const candidate = (globalThis as { goroscope?: unknown }).goroscope;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const bridge = candidate as Record<string, unknown>;
  return REQUEST_NAMES.every((n) => typeof bridge[n] === 'function') && typeof bridge.on === 'function' ? (candidate as PreloadBridge) : null;
}

/**
 * `input` with each Blob in it (a picked File, see contract.ts pickedBytes) replaced by its bytes: a
 * Blob cannot cross the context bridge, a Uint8Array is cloned as it is. Inputs without a Blob come
 * back as they are.
 */
export async function withBlobsRead(input: unknown): Promise<unknown> {
  if (input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  if (Array.isArray(input)) return Promise.all(input.map(withBlobsRead));
  if (typeof input !== 'object' || input === null || Object.getPrototypeOf(input) !== Object.prototype) return input;
  const entries = await Promise.all(Object.entries(input).map(async ([key, value]) => [key, await withBlobsRead(value)] as const));
  return Object.fromEntries(entries);
}

/** The client inside Electron: calls through the preload bridge (main validates every input). */
export function bridgeClient(bridge: PreloadBridge): ContractClient {
  return {
    transport: 'ipc',
    async request(name, input) {
      const reply = await bridge[name](await withBlobsRead(input));
      if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message, reply.error.issues);
      return reply.value as never;
    },
    on(name, listener) {
      return bridge.on(name, listener as (payload: unknown) => void);
    },
  };
}
