import { useCallback, useEffect, useState } from 'react';
import { readPersisted, writePersisted } from '../ui/persisted.js';
import { isPlace, NO_PLACE, placeOf, searchWithPlace, type Place } from './place.js';

/**
 * The place kept in the address (see place.ts) and, for the Electron window whose address nobody
 * sees or shares, in storage too: a URL that names a session wins; a bare one reopens the last place.
 */
export function usePlace(): [Place, (change: Partial<Place>) => void] {
  const [place, setPlace] = useState<Place>(() => {
    const fromUrl = placeOf(location.search);
    return fromUrl.sessionId !== null ? fromUrl : (readPersisted('place', isPlace) ?? NO_PLACE);
  });

  useEffect(() => {
    writePersisted('place', place);
    const search = searchWithPlace(location.search, place);
    if (search === location.search) return;
    try {
      // Replace, not push: picking ticks must not fill the back button's history.
      history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
    } catch (error) {
      // A file:// page may refuse; storage still keeps the place.
      console.warn(`goroscope: address not updated: ${(error as Error).message}`);
    }
  }, [place]);

  const change = useCallback(
    (next: Partial<Place>) =>
      setPlace((p) => {
        const merged = { ...p, ...next };
        return merged.sessionId === p.sessionId && merged.view === p.view && merged.groupKey === p.groupKey && merged.tick === p.tick ? p : merged;
      }),
    [],
  );
  return [place, change];
}
