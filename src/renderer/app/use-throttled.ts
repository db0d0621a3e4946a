import { useEffect, useMemo, useRef } from 'react';

/**
 * `fn` called at most once per `ms` (first call at once, the last of a burst at the end of the
 * window), with the latest `fn`; a pending call is dropped on unmount.
 */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useMemo(
    () => () => {
      const wait = last.current + ms - Date.now();
      if (wait <= 0 && timer.current === null) {
        last.current = Date.now();
        latest.current();
        return;
      }
      if (timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        last.current = Date.now();
        latest.current();
      }, Math.max(0, wait));
    },
    [ms],
  );
}
