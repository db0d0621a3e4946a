// The bounds of issue #11 at the unit level: the wire-format pre-scan counts exactly what
// `pprof-format` decodes (so its budget bounds the real decode), and a log prefix is bounded.
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { checkDecodeBudget, measureDecodeCost, PPROF_DECODE_BUDGET_BYTES } from '../../src/main/dump/pprof-decode-budget.js';
import { learnRepair, MAX_PREFIX_CHARS } from '../../src/main/dump/repair.js';
import { NotADumpError } from '../../src/shared/errors.js';
import { craftedProfiles, field, goroutineProfileHead, repeated } from '../helpers/hostile-inputs.js';
import { corpusBytes, corpusFiles } from './corpus.js';

/** What `Profile.decode` allocated, counted on the decoded profile. */
function decodedCounts(p: Profile): { messages: number; strings: number; numbers: number } {
  let messages = p.sampleType.length + p.sample.length + p.mapping.length + p.location.length + p.function.length;
  for (const s of p.sample) messages += s.label.length;
  for (const l of p.location) messages += l.line.length;
  let numbers = p.comment.length;
  for (const s of p.sample) numbers += s.locationId.length + s.value.length;
  return { messages, strings: p.stringTable.strings.length, numbers };
}

describe('the pre-scan counts what pprof-format decodes', () => {
  const protos = corpusFiles().filter((f) => f.endsWith('.pb.gz'));

  it.each(protos)('%s', (file) => {
    const raw = gunzipSync(corpusBytes(file));
    const cost = measureDecodeCost(raw);
    const decoded = decodedCounts(Profile.decode(raw));
    // period_type is one more message (ValueType) when Go writes it.
    expect({ messages: cost.messages - (decoded.messages === cost.messages ? 0 : 1), strings: cost.strings, numbers: cost.numbers }).toEqual(decoded);
    expect(cost.isWellFormed).toBe(true);
    expect(cost.heapBytes).toBeLessThan(PPROF_DECODE_BUDGET_BYTES / 100);
  });

  it('counts crafted shapes exactly too, and refuses them past the budget', () => {
    const small = Buffer.concat([goroutineProfileHead(), repeated([0x12, 0x00], 1000), field(2, repeated([0x1a, 0x00], 10)), field(2, field(1, repeated([0x05], 300)))]);
    expect(measureDecodeCost(small)).toMatchObject({ messages: 1 + 1000 + 1 + 10 + 1, strings: 3, numbers: 300 });
    expect(decodedCounts(Profile.decode(small))).toEqual({ messages: 1 + 1000 + 1 + 10 + 1, strings: 3, numbers: 300 });
    for (const p of craftedProfiles(4).filter((c) => c.name !== 'frame-expansion')) {
      expect(() => checkDecodeBudget(p.make()), p.name).toThrow(NotADumpError);
    }
  });

  it('a wire type the decoder refuses is found without decoding', () => {
    const bad = Buffer.concat([goroutineProfileHead(), Buffer.from([0x0d, 1, 2, 3, 4])]); // field 1, wire type 5
    expect(measureDecodeCost(bad).isWellFormed).toBe(false);
    expect(() => Profile.decode(bad)).toThrow();
  });
});

describe('log prefix length', () => {
  const dump = (prefix: string) => [`${prefix}goroutine 1 [running]:`, `${prefix}main.main()`, `${prefix}\t/src/app/main.go:12 +0x1d`];

  it(`a prefix of ${MAX_PREFIX_CHARS} characters is learnt; one character more is not a prefix`, () => {
    const at = (n: number) => `${'x1 '.repeat(n).slice(0, n - 1)} `;
    const fits = learnRepair(dump(at(MAX_PREFIX_CHARS)));
    expect(fits.fix(`${at(MAX_PREFIX_CHARS)}main.main()`)).toBe('main.main()');
    const tooLong = learnRepair(dump(at(MAX_PREFIX_CHARS + 1)));
    expect(tooLong.fix(`${at(MAX_PREFIX_CHARS + 1)}main.main()`)).toBe(`${at(MAX_PREFIX_CHARS + 1)}main.main()`);
    expect(fits.fix(`${at(MAX_PREFIX_CHARS)}x`)).toBe('x');
    expect(tooLong.report().filter((w) => w.message.includes('log prefix'))).toEqual([]);
  });

  it('a 60,000-character prefix neither throws nor is learnt', () => {
    const prefix = 'w1 2 '.repeat(12_000);
    expect(() => learnRepair(dump(prefix))).not.toThrow();
    expect(learnRepair(dump(prefix)).fix(`${prefix}x`)).toBe(`${prefix}x`);
  });
});
