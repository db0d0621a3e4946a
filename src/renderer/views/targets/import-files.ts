import type { ImportFileInput } from '../../../shared/contract.js';
import { parseDuration } from '../../../shared/duration.js';

/**
 * The import's interval field: empty → no interval (files without a time get no rate); `30s`, `2m` →
 * ms; anything else → the message to show (and no interval).
 */
export function intervalOf(text: string): { intervalMs: number | null; error: string | null } {
  if (text.trim() === '') return { intervalMs: null, error: null };
  try {
    return { intervalMs: Math.round(parseDuration(text, 'interval')), error: null };
  } catch (error) {
    return { intervalMs: null, error: (error as Error).message };
  }
}

/**
 * A dropped or picked file → what `dump.import` takes: the File itself as its bytes (main detects the
 * format). The page never reads it: the HTTP client puts the File in its request body, which Chromium
 * streams from disk (reading a 54 MB dump into the page and copying it into a body took ~190 ms); the
 * bridge client reads it for IPC. No text decoding or base64 either way.
 */
export function importFileOf(file: File): ImportFileInput {
  return { name: file.name, modifiedAtMs: file.lastModified, encoding: 'bytes', data: file };
}

/** Pasted text → one file; blank text is nothing to import. */
export function pastedFile(text: string, nowMs: number): ImportFileInput | null {
  if (text.trim() === '') return null;
  return { name: 'pasted dump', encoding: 'utf8', data: text, modifiedAtMs: nowMs };
}
