import { useCallback, useState } from 'react';
import { readPersisted, writePersisted } from './persisted.js';

/** `useState` whose value survives reloads (see persisted.ts); `isValid` guards what storage gives back. */
export function usePersistedState<T>(key: string, initial: T, isValid: (value: unknown) => value is T): [T, (next: T | ((previous: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => readPersisted(key, isValid) ?? initial);
  const set = useCallback(
    (next: T | ((previous: T) => T)) =>
      setValue((previous) => {
        const resolved = typeof next === 'function' ? (next as (p: T) => T)(previous) : next;
        writePersisted(key, resolved);
        return resolved;
      }),
    [key],
  );
  return [value, set];
}
