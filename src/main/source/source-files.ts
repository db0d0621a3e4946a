import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The only reads of source files, for every caller (app, serve, report). A dump is untrusted input, so a
 * file is read only when, after every symlink and `..` is resolved (`realpath`), it lies inside its root
 * (itself resolved the same way), is a regular file (no device, FIFO or socket), and is at most
 * MAX_SOURCE_BYTES. Every other case — missing, outside, not regular, too large, binary — is the same
 * `null`, so a caller cannot tell them apart and nothing about the file system outside leaks.
 */

/** Go source files past 2 MiB are generated tables, never the line a goroutine blocks on. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export interface ContainedFile {
  /** The file after symlinks. */
  realPath: string;
  size: number;
}

/** `dir` after symlinks, or null when it is not a directory. */
export async function realDirectory(dir: string): Promise<string | null> {
  try {
    const real = await realpath(dir);
    return (await stat(real)).isDirectory() ? real : null;
  } catch {
    // Missing or unreadable: the caller reports the root as not found.
    return null;
  }
}

function isInside(realRoot: string, real: string): boolean {
  const withSep = realRoot.endsWith(path.sep) ? realRoot : `${realRoot}${path.sep}`;
  return real.startsWith(withSep);
}

/**
 * `rel` under `realRoot` (a directory already through `realDirectory`) when it is a regular file inside
 * it, after symlinks, of at most `maxBytes`; else null. `rel` must not be absolute or hold `..`: such a
 * path is refused before the file system is asked.
 */
export async function containedFile(realRoot: string, rel: string, maxBytes = MAX_SOURCE_BYTES): Promise<ContainedFile | null> {
  if (rel === '' || path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) return null;
  let real: string;
  try {
    real = await realpath(path.join(realRoot, rel));
  } catch {
    // No such file (or a dangling link): the same answer as every other unreadable case.
    return null;
  }
  if (!isInside(realRoot, real)) return null;
  try {
    const st = await stat(real);
    return st.isFile() && st.size <= maxBytes ? { realPath: real, size: st.size } : null;
  } catch {
    // Gone between realpath and stat: unreadable like any other.
    return null;
  }
}

/**
 * The UTF-8 text of `rel` under `realRoot`, with the same checks as {@link containedFile}, made again on
 * the open descriptor (O_NOFOLLOW, O_NONBLOCK so a FIFO swapped in cannot block; fstat must say regular
 * file; never more than `maxBytes` read). Null for every unreadable case, and for text holding NUL bytes.
 */
export async function readContainedText(realRoot: string, rel: string, maxBytes = MAX_SOURCE_BYTES): Promise<{ realPath: string; text: string } | null> {
  const found = await containedFile(realRoot, rel, maxBytes);
  if (found === null) return null;
  let handle;
  try {
    handle = await open(found.realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    // Replaced by a symlink or removed since the check: refuse.
    return null;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > maxBytes) return null;
    const buffer = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxBytes) return null;
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.includes(0)) return null;
    return { realPath: found.realPath, text: bytes.toString('utf8') };
  } finally {
    await handle.close();
  }
}
