// Inputs crafted to take a parser down (issue #11), generated on the fly: nothing hostile is checked in.
import { createGzip } from 'node:zlib';

/** A protobuf varint. */
export function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** One length-delimited field: tag, length, bytes. */
export function field(fieldNumber: number, body: Uint8Array | number[]): Buffer {
  const bytes = Buffer.from(body);
  return Buffer.concat([Buffer.from([(fieldNumber << 3) | 2, ...varint(bytes.length)]), bytes]);
}

/** `unit` repeated `times` times, in one buffer. */
export function repeated(unit: number[], times: number): Buffer {
  if (unit.length === 1) return Buffer.alloc(times, unit[0]);
  const out = Buffer.alloc(unit.length * times);
  for (let i = 0; i < times; i++) out.set(unit, i * unit.length);
  return out;
}

/** Gzip of `chunk` repeated `times` times, streamed: a bomb never sits inflated in the test's memory. */
export async function gzipRepeated(chunk: Buffer, times: number, level = 9): Promise<Buffer> {
  const gzip = createGzip({ level });
  const parts: Buffer[] = [];
  gzip.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  for (let i = 0; i < times; i++) {
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(parts);
}

/** The start every crafted profile shares: string table "", "goroutine", "count" and sample type goroutine/count. */
export function goroutineProfileHead(): Buffer {
  return Buffer.concat([
    field(6, []),
    field(6, Buffer.from('goroutine')),
    field(6, Buffer.from('count')),
    field(1, [0x08, 0x01, 0x10, 0x02]), // sample_type { type: 1, unit: 2 }
  ]);
}

/**
 * The crafted profiles, inflated, each named after the decode it attacks. Each is about `megabytes`
 * MiB (gzip makes it 1000× smaller): 64 MiB of 2-byte empty strings gzips to ~64 KB and, decoded
 * without a budget, took 4.7 GB. `make` builds one (they are large: build only what a test uses).
 */
export function craftedProfiles(megabytes: number): { name: string; make(): Buffer }[] {
  const n = (megabytes << 20) >> 1;
  const head = goroutineProfileHead();
  return [
    { name: 'empty-strings', make: () => Buffer.concat([head, repeated([0x32, 0x00], n)]) },
    { name: 'empty-samples', make: () => Buffer.concat([head, repeated([0x12, 0x00], n)]) },
    { name: 'empty-labels', make: () => Buffer.concat([head, field(2, repeated([0x1a, 0x00], n))]) },
    { name: 'empty-lines', make: () => Buffer.concat([head, field(4, repeated([0x22, 0x00], n))]) },
    // 16 M one-byte location ids in one sample, whatever `megabytes`: past the budget at 12 bytes each.
    { name: 'packed-ids', make: () => Buffer.concat([head, field(2, field(1, repeated([0x01], 16 << 20)))]) },
    { name: 'scalar-fields', make: () => Buffer.concat([head, repeated([0x38, 0x00], Math.max(n, 9_000_000))]) },
    {
      // One location of 10,000 inlined lines, and one sample naming it 1,000 times: 10 M frames.
      name: 'frame-expansion',
      make: () =>
        Buffer.concat([
          head,
          field(5, [0x08, 0x01, 0x10, 0x01, 0x20, 0x01]),
          field(4, Buffer.concat([Buffer.from([0x08, 0x01]), repeated([0x22, 0x02, 0x08, 0x01], 10_000)])),
          field(2, Buffer.concat([field(1, repeated([0x01], 1_000)), field(2, [0x01])])),
        ]),
    },
  ];
}

/** The issue's own: 64 MiB of empty string-table entries, a 64 KB gzip. */
export function issueProfile(): Buffer {
  return craftedProfiles(64)[0]!.make();
}

/** A traceback whose every line carries a log prefix of `prefixChars` characters of words and digits. */
export function longPrefixDump(prefixChars: number): string {
  let prefix = '';
  for (let i = 0; prefix.length < prefixChars; i++) prefix += `w${i % 10}x ${i} `;
  const lines = ['goroutine 1 [running]:', 'main.main()', '\t/src/app/main.go:12 +0x1d', ''];
  return lines.map((l) => `${prefix}${l}`).join('\n');
}
