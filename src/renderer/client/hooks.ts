import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventName, EventPayload, RequestInput, RequestName, RequestOutput } from '../../shared/contract.js';
import { ClientError } from './contract-client.js';
import { useClient } from './ClientContext.js';

export type RequestState<T> =
  | { status: 'idle'; value: null; error: null }
  | { status: 'loading'; value: T | null; error: null }
  | { status: 'ok'; value: T; error: null }
  | { status: 'error'; value: T | null; error: ClientError };

function asClientError(error: unknown): ClientError {
  return error instanceof ClientError ? error : new ClientError('BUG', error instanceof Error ? error.message : String(error));
}

/**
 * Runs a request whenever its input changes (by value); `null` input means "not now". A reload keeps
 * the previous value visible while the new one loads, so live views do not flicker. Answers for an
 * input that is no longer current are dropped. Reloads of the same input never overlap: one asked for
 * while a request is in flight runs once that one has answered (its answer is shown meanwhile), so a
 * live view that polls faster than a large answer arrives still shows answers, and the server gets
 * one request at a time per view.
 */
export function useRequest<K extends RequestName>(
  name: K,
  input: RequestInput<K> | null,
): RequestState<RequestOutput<K>> & { reload: () => void } {
  const client = useClient();
  const key = input === null ? null : JSON.stringify(input);
  const [state, setState] = useState<RequestState<RequestOutput<K>>>({ status: 'idle', value: null, error: null });
  const [generation, setGeneration] = useState(0);
  const inputRef = useRef(input);
  inputRef.current = input;
  const currentKey = useRef(key);
  currentKey.current = key;
  const inFlight = useRef<string | null>(null);
  const isWanted = useRef(false);
  const isMounted = useRef(true);
  useEffect(() => {
    isMounted.current = true;
    return () => {
      isMounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (key === null) {
      setState({ status: 'idle', value: null, error: null });
      return;
    }
    if (inFlight.current === key) {
      isWanted.current = true;
      return;
    }
    const run = (): void => {
      inFlight.current = key;
      isWanted.current = false;
      setState((s) => ({ status: 'loading', value: s.value, error: null }));
      client
        .request(name, inputRef.current!)
        .then(
          (value) => {
            if (currentKey.current === key) setState({ status: 'ok', value, error: null });
          },
          (error: unknown) => {
            if (currentKey.current === key) setState((s) => ({ status: 'error', value: s.value, error: asClientError(error) }));
          },
        )
        .finally(() => {
          if (inFlight.current !== key) return;
          inFlight.current = null;
          if (isWanted.current && isMounted.current && currentKey.current === key) run();
        });
    };
    run();
  }, [client, name, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** Subscribes to an event for the component's lifetime (the latest listener is always called). */
export function useEvent<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): void {
  const client = useClient();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => client.on(name, (payload) => ref.current(payload)), [client, name]);
}

/** A request the user triggers (a button): its state, and `run`, which resolves with the output or null on failure. */
export function useAction<K extends RequestName>(name: K) {
  const client = useClient();
  const [state, setState] = useState<RequestState<RequestOutput<K>>>({ status: 'idle', value: null, error: null });
  const run = useCallback(
    async (input: RequestInput<K>): Promise<RequestOutput<K> | null> => {
      setState({ status: 'loading', value: null, error: null });
      try {
        const value = await client.request(name, input);
        setState({ status: 'ok', value, error: null });
        return value;
      } catch (error) {
        setState({ status: 'error', value: null, error: asClientError(error) });
        return null;
      }
    },
    [client, name],
  );
  const reset = useCallback(() => setState({ status: 'idle', value: null, error: null }), []);
  return { ...state, run, reset };
}
