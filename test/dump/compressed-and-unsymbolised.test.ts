import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';
import { corpusBytes } from './corpus.js';

describe('gzip-compressed text dumps', () => {
  it('reads a gzipped debug=2 dump like the plain one and says it was inflated', () => {
    const plain = parseSnapshots(corpusBytes('generated/01-chan-send-no-receiver/t2.debug2.txt'))[0]!;
    const gz = parseSnapshots(gzipSync(corpusBytes('generated/01-chan-send-no-receiver/t2.debug2.txt')))[0]!;
    expect(gz.total).toBe(303);
    expect(gz.groups.map((g) => [g.key, g.count])).toEqual(plain.groups.map((g) => [g.key, g.count]));
    expect(gz.warnings[0]).toEqual({ line: null, message: 'repaired: the input was gzip-compressed text; read it inflated' });
  });

  it('reads an uncompressed protobuf (Go writes period_type first, not sample_type)', () => {
    const raw = gunzipSync(corpusBytes('generated/01-chan-send-no-receiver/t1.debug0.pb.gz'));
    expect(raw[0]).toBe(0x5a);
    const s = parseSnapshots(raw)[0]!;
    expect([s.format, s.profile, s.total, s.groups[0]!.count]).toEqual(['pprof-proto', 'goroutine', 103, 100]);
    expect(s.warnings).toEqual([]);
  });

  it('refuses gzip inside gzip', () => {
    const twice = gzipSync(gzipSync(corpusBytes('generated/01-chan-send-no-receiver/t0.debug1.txt')));
    expect(() => parseSnapshots(twice)).toThrow('gzip data inside gzip data; expected one gzipped pprof profile');
  });
});

describe('debug=1 frames Go could not symbolise', () => {
  it('skips `#\\t0x…` lines without a name and keeps the record', () => {
    const text = [
      'goroutine profile: total 3',
      '3 @ 0x43b256 0x40708c 0x68350c 0x46b181',
      '#\t0x40708b',
      '#\t0x68350b\tmain.worker+0x4b\t/src/app/main.go:84',
      '',
    ].join('\n');
    const s = parseSnapshots(text)[0]!;
    expect(s.warnings).toEqual([]);
    expect(s.groups).toHaveLength(1);
    expect(s.groups[0]!.count).toBe(3);
    expect(s.groups[0]!.frames).toEqual([{ func: 'main.worker', file: '/src/app/main.go', line: 84 }]);
  });
});
