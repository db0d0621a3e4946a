import { InvalidInputError } from './errors.js';

/**
 * `60s`, `2m`, `500ms`, `1h`, `1.5s` → milliseconds: the one duration syntax of the CLI's options and the
 * app's fields. Throws InvalidInputError naming the option (or field) and the text.
 */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new InvalidInputError(`${option}: expected a duration such as 60s, 2m or 500ms, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw new InvalidInputError(`${option}: must be more than 0, got "${text}"`);
  return ms;
}
