/**
 * Where the user is — the open session, the detail view, the group and the tick — as URL query
 * parameters (`?session=3&view=dump&group=1f0c…&tick=120`), so a reload keeps the place and the
 * address can be opened in another tab of the same `goroscope serve`. Parameters it does not know are
 * left alone. Pure: the App reads `location.search` and writes with `history.replaceState`.
 */
export interface Place {
  sessionId: number | null;
  /** A detail view id (`group`, `dump`, `diff`, `report`…); the workspace ignores ones it lacks. */
  view: string | null;
  groupKey: string | null;
  /** The tick number pinned; null follows the latest tick. */
  tick: number | null;
}

export const NO_PLACE: Place = { sessionId: null, view: null, groupKey: null, tick: null };

const wholeNumber = (text: string | null): number | null => (text !== null && /^\d{1,15}$/.test(text) ? Number(text) : null);

/** `?session=3&view=dump&group=ab12&tick=7` → the place; malformed values read as absent. */
export function placeOf(search: string): Place {
  const q = new URLSearchParams(search);
  const view = q.get('view');
  const group = q.get('group');
  return {
    sessionId: wholeNumber(q.get('session')),
    view: view !== null && /^[a-z][a-z0-9-]{0,31}$/.test(view) ? view : null,
    groupKey: group !== null && /^[\w:.-]{1,128}$/.test(group) ? group : null,
    tick: wholeNumber(q.get('tick')),
  };
}

/** `search` with the place's parameters set (or removed when null) and every other one kept, in order. */
export function searchWithPlace(search: string, place: Place): string {
  const q = new URLSearchParams(search);
  const set = (name: string, value: string | number | null): void => {
    if (value === null) q.delete(name);
    else q.set(name, String(value));
  };
  set('session', place.sessionId);
  // The rest only means something inside a session.
  const inSession = place.sessionId !== null;
  set('view', inSession ? place.view : null);
  set('group', inSession ? place.groupKey : null);
  set('tick', inSession ? place.tick : null);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

export function isPlace(value: unknown): value is Place {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const numOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isInteger(x) && x >= 0);
  const strOrNull = (x: unknown): boolean => x === null || typeof x === 'string';
  return numOrNull(v.sessionId) && numOrNull(v.tick) && strOrNull(v.view) && strOrNull(v.groupKey);
}
