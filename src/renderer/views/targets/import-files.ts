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

/** Text dumps go as UTF-8; gzip, NUL bytes or invalid UTF-8 mean a binary profile, sent as base64. */
export function encodeDump(bytes: Uint8Array): Pick<ImportFile, 'encoding' | 'data'> {
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!isGzip && !bytes.includes(0)) {
    try {
      return { encoding: 'utf8', data: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      // not UTF-8: fall through to base64
    }
  }
  return { encoding: 'base64', data: toBase64(bytes) };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** A dropped or picked file → what `dump.import` takes. */
export async function importFileOf(file: File): Promise<ImportFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, modifiedAtMs: file.lastModified, ...encodeDump(bytes) };
}

/** Pasted text → one file; blank text is nothing to import. */
export function pastedFile(text: string, nowMs: number): ImportFile | null {
  if (text.trim() === '') return null;
  return { name: 'pasted dump', encoding: 'utf8', data: text, modifiedAtMs: nowMs };
}
