import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Reads a small file a client named (an SSH private key, a known_hosts file): only a regular file, at
 * most `maxBytes`. `goroscope serve` takes these paths from a browser, so a read must neither block the
 * event loop (`/dev/zero`, a FIFO, a 10 GB file: issue #11) nor tell the client which files exist: every
 * reason a file cannot be used (missing, a directory, a device, a FIFO, no permission, too large) gives
 * the same answer, null. The file is opened non-blocking (a FIFO with no writer would wait forever) and
 * checked with fstat on the opened descriptor, so a swap between check and read changes nothing.
 */

/** Private keys are a few KB (RSA 4096 in PEM: 3.3 KB); known_hosts files a few hundred lines. */
export const MAX_KEY_FILE_BYTES = 64 << 10;
export const MAX_KNOWN_HOSTS_BYTES = 4 << 20;

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** The bytes of `path`, or null when it is not a readable regular file of at most `maxBytes`. */
export async function readSmallFile(path: string, maxBytes: number): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch {
    return null; // every reason is the same answer: see above
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > maxBytes) return null;
    // One byte more than fstat said: a file that grew since (a device lying about its size) fills it.
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) return null;
    }
    return buffer.subarray(0, length);
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** {@link readSmallFile} for callers that cannot wait (the CLI's start-up): the same checks, blocking. */
export function readSmallFileSync(path: string, maxBytes: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > maxBytes) return null;
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) return null;
    }
    return buffer.subarray(0, length);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The one message for a file that cannot be used, whatever the reason: `cannot use private key /x: …`. */
export function unusableFileMessage(what: string, path: string, maxBytes: number): string {
  return `cannot use ${what} ${path}: expected a regular file of at most ${Math.round(maxBytes / 1024)} KiB that Goroscope may read`;
}
