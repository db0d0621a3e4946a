import { gunzipSync } from 'node:zlib';
import { NotADumpError } from '../../shared/errors.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip data, at most `maxInflatedBytes` of it (a zip-bomb guard). */
export function gunzip(bytes: Uint8Array, maxInflatedBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxInflatedBytes });
  } catch (cause) {
    throw new NotADumpError(`gzip data that does not inflate (${(cause as Error).message}); expected a gzipped pprof profile`, { cause });
  }
}
