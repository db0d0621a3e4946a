import { createHash } from 'node:crypto';
import type { Frame } from '../../shared/model.js';

/** 16 hex digits of SHA-1 over `func file:line` of the key frames: stable across formats and runs. */
export function stackKeyOf(frames: readonly Frame[]): string {
  const hash = createHash('sha1');
  for (const f of frames) hash.update(`${f.func} ${f.file}:${f.line}\n`);
  return hash.digest('hex').slice(0, 16);
}
