import type { EventMessage, EventName, EventPayload } from '../../shared/contract.js';
import { toDisposable, type Disposable } from '../../shared/lifecycle.js';

export type EventListener = (event: EventMessage) => void;

/** Fans contract events out to the transports' subscribers. A throwing listener does not stop the others. */
export class EventHub implements Disposable {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    const event = { name, payload } as EventMessage;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A broken subscriber (a closed socket) must not keep the event from the others: report it and go on.
        console.error(`goroscope: event listener for ${name} failed:`, error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
