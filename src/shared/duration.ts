import { InvalidInputError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * `60s`, `2m`, `500ms`, `1h30m`, `1.5s`, and a bare number as seconds (`90`) → milliseconds: the one
 * duration syntax of every CLI option (`record`, `check`, `report`, `import`) and the app's fields.
 * Throws InvalidInputError naming the option (or field) and the text.
 */
export function parseDuration(text: string, option: string): number {
  const t = text.trim();
  let ms = 0;
  if (/^\d+(?:\.\d+)?$/.test(t)) {
    ms = Number(t) * 1000;
  } else {
    // One or more number+unit parts, largest first as people write them (`1h30m`, `2m30s`).
    const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(t) ? t.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
    if (!parts) throw new InvalidInputError(`${option}: expected a duration such as 60s, 2m or 500ms, got "${text}"`);
    for (const part of parts) {
      const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(part)!;
      ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
    }
  }
  if (ms <= 0) throw new InvalidInputError(`${option}: must be more than 0, got "${text}"`);
  return ms;
}
