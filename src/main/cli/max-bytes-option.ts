import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_INPUT_BYTES } from '../../shared/defaults.js';

/** `64MB`, `1GiB`, `512k` → bytes. Throws commander's InvalidArgumentError. */
export function parseBytes(text: string): number {
  const m = /^(\d+)\s*(|k|kb|kib|m|mb|mib|g|gb|gib)$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a size; expected e.g. 64MB, 1GB`);
  const unit = m[2]!.toLowerCase()[0];
  const bytes = Number(m[1]) * (unit === 'k' ? 1 << 10 : unit === 'm' ? 1 << 20 : unit === 'g' ? 1 << 30 : 1);
  if (bytes < 1) throw new InvalidArgumentError(`"${text}" is not a size above zero`);
  return bytes;
}

/** The `--max-bytes` option of the commands that read dumps (`parse`, `import`, `report`, `check`, `serve`). */
export function maxBytesOption(what: string): Option {
  return new Option('--max-bytes <size>', `largest ${what} accepted, also once inflated (gzip)`).argParser(parseBytes).default(DEFAULT_MAX_INPUT_BYTES, '256MB');
}
