import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InvalidInputError, ResponseTooLargeError } from '../../shared/errors.js';
import { capText } from '../dump/gzip.js';

/**
 * The bytes of a dump file, or of standard input for `-`, read as a stream and abandoned at
 * `maxBytes`: a 2 GiB file, a pipe that never ends or `/dev/zero` costs at most the cap, never all of
 * it (issue #11). Throws ResponseTooLargeError past the cap, InvalidInputError with the path and the
 * system's reason when it cannot be read (`cannot read x: no such file`).
 */
export async function readDumpFile(path: string, maxBytes: number, stdin: Readable = process.stdin): Promise<Buffer> {
  const isStdin = path === '-';
  const stream = isStdin ? stdin : createReadStream(path);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += bytes.length;
      if (size > maxBytes) {
        throw new ResponseTooLargeError(
          `${isStdin ? 'standard input' : path} is over the ${capText(maxBytes)} cap; raise it with --max-bytes if the dump is really that large`,
        );
      }
      chunks.push(bytes);
    }
  } catch (cause) {
    if (cause instanceof ResponseTooLargeError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (cause as Error).message;
    throw new InvalidInputError(`cannot read ${isStdin ? 'standard input' : path}: ${why}`, { cause });
  } finally {
    // Standard input is left open for whoever else reads it; a file stream is ours to close.
    if (isStdin) stream.pause();
    else stream.destroy();
  }
  return Buffer.concat(chunks, size);
}
