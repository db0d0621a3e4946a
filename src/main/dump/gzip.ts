import { gunzipSync } from 'node:zlib';
import { NotADumpError, ResponseTooLargeError } from '../../shared/errors.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates gzip data, at most `maxInflatedBytes` of it (a zip-bomb guard). Throws ResponseTooLargeError
 * when it inflates past the cap, NotADumpError when it does not inflate at all.
 */
export function gunzip(bytes: Uint8Array, maxInflatedBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxInflatedBytes });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ResponseTooLargeError(
        `gzip data of ${bytes.length} bytes that inflates past the ${capText(maxInflatedBytes)} cap; raise it with --max-bytes if the dump is really that large`,
        { cause },
      );
    }
    throw new NotADumpError(`gzip data that does not inflate (${(cause as Error).message}); expected a gzipped pprof profile`, { cause });
  }
}

/** `256 MiB`, `64 KiB`, or bytes when the cap is neither a whole number of MiB nor of KiB. */
export function capText(maxBytes: number): string {
  if (maxBytes >= 1 << 20 && maxBytes % (1 << 20) === 0) return `${maxBytes / (1 << 20)} MiB`;
  if (maxBytes >= 1 << 10 && maxBytes % (1 << 10) === 0) return `${maxBytes / (1 << 10)} KiB`;
  return `${maxBytes} bytes`;
}
