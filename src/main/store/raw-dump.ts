import { brotliCompress, brotliDecompressSync, constants } from 'node:zlib';
import { promisify } from 'node:util';

const compress = promisify(brotliCompress);

export type RawEncoding = 'br' | 'identity';

/** A raw dump as kept in the history: the bytes the target sent, compressed. */
export interface RawBlob {
  encoding: RawEncoding;
  originalBytes: number;
  data: Uint8Array;
}

// Quality 1: goroutine dumps repeat the same stacks thousands of times, so brotli's fastest level
// already finds the repeats. Measured (issue 18, one core): the 2.9 MB debug=2 dump of 10k goroutines
// packs into 86 KB in ~2 ms (quality 5: 64 KB in ~14 ms, the largest item of a recorder's full tick
// after parsing); the 14 MB dump of 50k into 277 KB in ~7 ms (quality 5: 171 KB in ~75 ms). Rows written
// at any quality (5 before) decode the same: the reader never needs to know the level.
const QUALITY = 1;

/**
 * Compresses off the main thread (libuv pool), so a recorder can parse while it compresses. Inputs
 * already compressed (gzipped protobuf) are kept as they are.
 */
export async function compressRaw(bytes: Uint8Array): Promise<RawBlob> {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return { encoding: 'identity', originalBytes: bytes.length, data: bytes };
  }
  const data = await compress(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  return { encoding: 'br', originalBytes: bytes.length, data };
}

/** The original bytes of a stored raw dump. */
export function decompressRaw(blob: RawBlob): Uint8Array {
  return blob.encoding === 'br' ? brotliDecompressSync(blob.data) : blob.data;
}
