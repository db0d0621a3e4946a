/**
 * Layout choices (pane sizes, hidden columns) kept in `localStorage` under `goroscope.<key>`, so a
 * reload or the next start opens the window as it was left. Storage may be missing or full (a
 * private window, a quota): then the choice lasts for this page only.
 */
const PREFIX = 'goroscope.';

export function readPersisted<T>(key: string, isValid: (value: unknown) => value is T): T | null {
  try {
    const text = globalThis.localStorage?.getItem(PREFIX + key);
    if (text == null) return null;
    const value: unknown = JSON.parse(text);
    return isValid(value) ? value : null;
  } catch (error) {
    // Unreadable or corrupt: the default applies, and the next write replaces it.
    console.warn(`goroscope: ignoring stored layout ${key}: ${(error as Error).message}`);
    return null;
  }
}

export function writePersisted(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value));
  } catch (error) {
    console.warn(`goroscope: layout ${key} not kept: ${(error as Error).message}`);
  }
}
