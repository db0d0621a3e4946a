// The one duration syntax (`shared/duration.ts`): every CLI option and the app's fields read it, so
// `record --interval 1h30m` and `check --interval 1h30m` mean the same (test/cli/request-rules.test.ts
// runs them through the built CLI).
import { describe, expect, test } from 'vitest';
import { parseDuration } from '../../src/shared/duration.js';
import { InvalidInputError } from '../../src/shared/errors.js';

describe('parseDuration', () => {
  test.each([
    ['500ms', 500],
    ['2s', 2_000],
    ['1.5s', 1_500],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1m500ms', 60_500],
    [' 90 ', 90_000],
    ['0.25', 250],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--interval')).toBe(ms);
  });

  test.each(['soon', '', '1d', 'ms', '1h 30m', '-1s', '1mm', '2s3'])('"%s" is refused naming the option', (text) => {
    expect(() => parseDuration(text, '--interval')).toThrow(new InvalidInputError(`--interval: expected a duration such as 60s, 2m or 500ms, got "${text}"`));
  });

  test('zero is refused as not more than 0', () => {
    expect(() => parseDuration('0s', '--duration')).toThrow(new InvalidInputError('--duration: must be more than 0, got "0s"'));
    expect(() => parseDuration('0', '--duration')).toThrow(new InvalidInputError('--duration: must be more than 0, got "0"'));
  });
});
