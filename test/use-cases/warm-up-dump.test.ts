import { describe, expect, test } from 'vitest';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { indexDumpText } from '../../src/main/dump/dump-text-index.js';
import { warmUpDump } from '../../src/main/use-cases/warm-up-dump.js';

// The parse worker's warm-up must run the parser's real paths: a dump it reads whole, no repairs.
describe('warmUpDump', () => {
  test('a debug=2 dump of 4,000 goroutines in 5 groups, read without a warning, indexed span by span', () => {
    const bytes = warmUpDump();
    const [snapshot, ...rest] = parseSnapshots(bytes);
    expect(rest).toHaveLength(0);
    expect([snapshot!.format, snapshot!.total, snapshot!.groups.length, snapshot!.warnings]).toEqual(['traceback', 4000, 5, []]);
    expect(indexDumpText(bytes, 'traceback').startLines).toHaveLength(4000);
  });
});
