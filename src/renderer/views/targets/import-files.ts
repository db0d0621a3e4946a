import type { ImportFile } from '../../../shared/contract.js';
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
 * A dropped or picked file → what `dump.import` takes: its bytes as they are (main detects the format;
 * the transport carries a Uint8Array without text decoding or base64, which cost about a second for a
 * 56 MB dump).
 */
export async function importFileOf(file: File): Promise<ImportFile> {
  return { name: file.name, modifiedAtMs: file.lastModified, encoding: 'bytes', data: new Uint8Array(await file.arrayBuffer()) };
}

/** Pasted text → one file; blank text is nothing to import. */
export function pastedFile(text: string, nowMs: number): ImportFile | null {
  if (text.trim() === '') return null;
  return { name: 'pasted dump', encoding: 'utf8', data: text, modifiedAtMs: nowMs };
}
