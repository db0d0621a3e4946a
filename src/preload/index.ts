import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES, IPC_EVENT_CHANNEL, REQUEST_NAMES, ipcRequestChannel, isEventName } from '../shared/contract-names.js';

// The renderer's only door to main: one function per contract request (built from the contract's
// list, so nothing is kept in step by hand) and `on(event, listener)` returning an unsubscribe.
// Neither ipcRenderer nor Electron's event object ever reaches the page. Inputs are validated in main.

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>(EVENT_NAMES.map((name) => [name, new Set<Listener>()]));

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, message: { name?: unknown; payload?: unknown }) => {
  if (typeof message?.name !== 'string' || !isEventName(message.name)) return;
  for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
});

const bridge: Record<string, unknown> = {};
for (const name of REQUEST_NAMES) {
  const channel = ipcRequestChannel(name);
  bridge[name] = (input: unknown) => ipcRenderer.invoke(channel, input);
}
bridge.on = (event: string, listener: Listener): (() => void) => {
  const set = listeners.get(event);
  if (set === undefined || typeof listener !== 'function') throw new TypeError(`unknown event "${event}"`);
  // Wrapping keeps the page's function out of our set identity games (the same listener twice works).
  const wrapped: Listener = (payload) => listener(payload);
  set.add(wrapped);
  return () => {
    set.delete(wrapped);
  };
};

contextBridge.exposeInMainWorld('goroscope', Object.freeze(bridge));
