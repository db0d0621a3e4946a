import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../../shared/errors.js';

/** The bytes of a file, or of standard input for `-`. Fails with the path and the system's reason. */
export async function readInput(path: string): Promise<Uint8Array> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (cause as Error).message;
    throw new InvalidInputError(`cannot read ${path}: ${why}`, { cause });
  }
}
