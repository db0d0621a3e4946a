import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Response compression for `goroscope serve` (node:zlib only): the page's JavaScript is megabytes of
 * text and `snapshot.raw` answers a 14 MB dump, both of which shrink five- to twenty-fold. Pure
 * choices here; http.ts and static-files.ts call them.
 */

export type ContentEncoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Bodies under this are sent as they are: the headers would cost more than the saving. */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * From this size a per-request answer is compressed at the fastest useful level: the dump view's
 * index of 200,000 goroutines (4 MB of number lists) packs in 19 ms at brotli quality 2 against 46 ms
 * at 4, and smaller (195 KB against 597 KB); a group table of 1.3 MB likewise.
 */
export const LARGE_BODY_BYTES = 1024 * 1024;

/**
 * The encoding to answer with, from `Accept-Encoding`: brotli when accepted, else gzip, else none.
 * `q=0` refuses a coding; `*` accepts both. Example: `gzip, deflate, br, zstd` → `br`;
 * `gzip;q=1, br;q=0` → `gzip`; absent → null.
 */
export function pickEncoding(headers: IncomingHttpHeaders): ContentEncoding | null {
  const header = headers['accept-encoding'];
  if (typeof header !== 'string' || header.trim() === '') return null;
  const quality = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find((m) => m !== null);
    quality.set(name, q ? Number(q[1]) : 1);
  }
  const accepts = (coding: ContentEncoding): boolean => (quality.get(coding) ?? quality.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return null;
}

/** Text, JSON, JavaScript and SVG compress; images and fonts are compressed already. */
export function isCompressible(contentType: string): boolean {
  return /^(text\/|application\/json|application\/javascript|image\/svg\+xml)/i.test(contentType);
}

/**
 * `body` in `encoding`, off the event loop. `level` 'fast' is for answers made per request (brotli
 * quality 4 is about as fast as gzip -6 and smaller); 'small' is for files compressed once and cached.
 */
export function compress(body: Buffer, encoding: ContentEncoding, level: 'fast' | 'small'): Promise<Buffer> {
  // A large answer (a 56 MB dump's text) is made per request and waited for: brotli quality 2 packs
  // it about as small as 4 (a dump repeats itself) in a third of the time, gzip -1 likewise.
  const isLarge = level === 'fast' && body.length >= LARGE_BODY_BYTES;
  if (encoding === 'gzip') return gzipAsync(body, { level: isLarge ? 1 : level === 'fast' ? 6 : 9 });
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: isLarge ? 2 : level === 'fast' ? 4 : 9,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** The encoding to use for a body of this type and size, given the request; null means send it as is. */
export function encodingFor(headers: IncomingHttpHeaders, contentType: string, bytes: number): ContentEncoding | null {
  if (bytes < MIN_COMPRESS_BYTES || !isCompressible(contentType)) return null;
  return pickEncoding(headers);
}

/**
 * Answers `status` with `text` of `contentType`, compressed as the request accepts (per request, so
 * the 'fast' level). `vary` tells caches the body depends on Accept-Encoding.
 */
export async function sendText(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, text: string): Promise<void> {
  const raw = Buffer.from(text, 'utf8');
  const encoding = encodingFor(req.headers, contentType, raw.length);
  const body = encoding === null ? raw : await compress(raw, encoding, 'fast');
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': body.length,
    vary: 'accept-encoding',
    ...(encoding === null ? {} : { 'content-encoding': encoding }),
  });
  res.end(body);
}
