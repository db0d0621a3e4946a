import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compress, encodingFor, type ContentEncoding } from './compression.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The CSP `goroscope serve` sends with the page: the meta CSP of src/renderer/index.html word for word
 * (test/transport checks it), plus `frame-ancestors`, which only a header can set. Workers only from
 * blob URLs (Monaco's inlined editor worker); no frames (the report preview is a sandboxed srcdoc
 * iframe, which frame-src does not govern); nothing loads from another origin.
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src blob:; " +
  "connect-src 'self'; font-src 'self' data:; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The file under `root` a URL path names, or null when it would escape `root`. `/` is index.html. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escapes name no file
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, relative);
  return full.startsWith(path.resolve(root) + path.sep) ? full : null;
}

/**
 * `file` with every symlink resolved, or null when that lands outside `root` (a link out of the build
 * folder) or names nothing. {@link resolveStaticPath} checks only the name; this checks the disk.
 */
export async function containedRealPath(root: string, file: string): Promise<string | null> {
  const [realRoot, realFile] = await Promise.all([realpath(root).catch(() => null), realpath(file).catch(() => null)]);
  if (realRoot === null || realFile === null) return null;
  return realFile.startsWith(realRoot + path.sep) ? realFile : null;
}

/**
 * Vite names every built asset after its content hash (`assets/index-CiFkTp-N.js`): such a file never
 * changes under its name, so the browser may keep it. index.html is revalidated on every load.
 */
export function cacheControlOf(file: string): string {
  return /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Compressed copies of built files, made once per file version (brotli of 3 MB takes a second). */
const compressedCache = new Map<string, Promise<Buffer>>();

function compressedFile(file: string, info: { mtimeMs: number; size: number }, encoding: ContentEncoding): Promise<Buffer> {
  const key = `${encoding} ${info.mtimeMs} ${info.size} ${file}`;
  let entry = compressedCache.get(key);
  if (!entry) {
    entry = readFile(file).then((bytes) => compress(bytes, encoding, 'small'));
    // A failed read is not cached: the next request tries again.
    entry.catch(() => compressedCache.delete(key));
    compressedCache.set(key, entry);
  }
  return entry;
}

/**
 * Sends a built renderer file, compressed when the request accepts brotli or gzip (and the type is
 * text), with long caching for content-hashed assets; false when there is no such file (the caller
 * answers 404).
 */
export async function sendStaticFile(req: IncomingMessage, res: ServerResponse, file: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  const encoding = encodingFor(req.headers, type, info.size);
  const headers = {
    'content-type': type,
    'cache-control': cacheControlOf(file),
    vary: 'accept-encoding',
    ...(type.startsWith('text/html') ? { 'content-security-policy': PAGE_CSP } : {}),
  };
  if (encoding !== null) {
    const body = await compressedFile(file, info, encoding);
    res.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  res.writeHead(200, { ...headers, 'content-length': info.size });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file);
    stream.on('error', reject);
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
  return true;
}
