// Fuzzing aimed at what took Goroscope down (issue #11): corpus protobuf profiles and their gzip
// wrappers, mutated the way a crafted file is made (fields repeated thousands of times, lengths and
// varints bent, members nested and concatenated). Each input is parsed by the real parse worker
// (out/main/parse-worker.js) with its heap limited to 256 MiB, and must end within the time bound
// with snapshots or an expected refusal: never a bug, never an exhausted heap.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExpectedError } from '../../src/shared/errors.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../../src/shared/defaults.js';
import { workerIntake } from '../../src/main/use-cases/worker-intake.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { field, repeated, varint } from '../helpers/hostile-inputs.js';
import { CORPUS_ROOT, REPO_ROOT, corpusFiles } from './corpus.js';
import { seededRandom } from '../../src/main/bench/seeded-random.js';

const HEAP_LIMIT_MB = 256;
/** Per input; a bounded parse of these sizes takes milliseconds, the rest is a loaded CI machine. */
const TIME_BOUND_MS = 3_000;
const INPUTS_PER_KIND = 60;

type Mutation = (proto: Buffer, r: () => number) => Buffer;
const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: () => number, n: number): number => Math.floor(r() * n);

/** Mutations of the inflated protobuf: what a crafted profile does to the wire format. */
const PROTO_MUTATIONS: Record<string, Mutation> = {
  // A random slice of fields repeated thousands of times: many samples, locations or strings.
  repeatSlice: (p, r) => {
    const start = int(r, p.length);
    const slice = p.subarray(start, Math.min(p.length, start + 1 + int(r, 64)));
    return Buffer.concat([p, repeated([...slice], 1 + int(r, 200_000 / Math.max(1, slice.length)))]);
  },
  // Empty messages of a random top-level field, by the hundred thousand.
  emptyMessages: (p, r) => Buffer.concat([p, repeated([(pick(r, [1, 2, 3, 4, 5, 6, 11]) << 3) | 2, 0], 1 + int(r, 300_000))]),
  // A sample with a huge packed list of location ids.
  packedIds: (p, r) => Buffer.concat([p, field(2, field(1, repeated([1 + int(r, 100)], 1 + int(r, 1_000_000))))]),
  // Varints bent: random bytes set to 0xff (continuation bits everywhere, lengths and counts huge).
  bendVarints: (p, r) => {
    const out = Buffer.from(p);
    for (let i = 0; i < 1 + int(r, 20); i++) out[int(r, out.length)] = 0xff;
    return out;
  },
  flipBytes: (p, r) => {
    const out = Buffer.from(p);
    for (let i = 0; i < 1 + int(r, 30); i++) out[int(r, out.length)] = int(r, 256);
    return out;
  },
  truncate: (p, r) => p.subarray(0, int(r, p.length)),
  // A length prefix claiming far more than follows.
  hugeLength: (p, r) => Buffer.concat([p, Buffer.from([(pick(r, [2, 4, 6]) << 3) | 2, ...varint(2 ** (20 + int(r, 30)))]), p.subarray(0, int(r, 64))]),
  // Locations with many inlined lines, named many times by one sample: frame expansion.
  expandFrames: (p, r) =>
    Buffer.concat([
      p,
      field(4, Buffer.concat([Buffer.from([0x08, 0x01]), repeated([0x22, 0x02, 0x08, 0x01], 1 + int(r, 20_000))])),
      field(2, Buffer.concat([field(1, repeated([0x01], 1 + int(r, 5_000))), field(2, [0x01])])),
    ]),
};

/** Mutations of the gzip wrapper around a (possibly mutated) profile. */
const GZIP_MUTATIONS: Record<string, (gz: Buffer, r: () => number) => Buffer> = {
  asIs: (gz) => gz,
  gzipInGzip: (gz) => gzipSync(gz),
  twoMembers: (gz) => Buffer.concat([gz, gz]),
  truncated: (gz, r) => gz.subarray(0, 2 + int(r, gz.length - 2)),
  flippedDeflate: (gz, r) => {
    const out = Buffer.from(gz);
    for (let i = 0; i < 1 + int(r, 8); i++) out[10 + int(r, Math.max(1, out.length - 18))] = int(r, 256);
    return out;
  },
  bentTrailer: (gz) => {
    const out = Buffer.from(gz);
    out.writeUInt32LE(0xffffffff, out.length - 4); // ISIZE: claims 4 GiB inflated
    return out;
  },
  badHeader: (gz, r) => {
    const out = Buffer.from(gz);
    out[2 + int(r, 8)] = int(r, 256);
    return out;
  },
};

let intake: ReturnType<typeof workerIntake>;
let seeds: { name: string; proto: Buffer }[] = [];

beforeAll(async () => {
  await ensureCliBuilt();
  intake = workerIntake(pathToFileURL(path.join(REPO_ROOT, 'out', 'main', 'parse-worker.js')), DEFAULT_MAX_INPUT_BYTES, HEAP_LIMIT_MB);
  seeds = corpusFiles()
    .filter((f) => f.endsWith('.pb.gz'))
    .slice(0, 12)
    .map((f) => ({ name: f, proto: gunzipSync(readFileSync(path.join(CORPUS_ROOT, f))) }));
});
afterAll(() => intake?.dispose());

/** Parses one input in the worker; fails naming it unless it ends in time with snapshots or an expected refusal. */
async function expectBounded(label: string, bytes: Buffer): Promise<'parsed' | 'refused'> {
  const started = performance.now();
  let outcome: 'parsed' | 'refused';
  try {
    await intake.parse(bytes, { maxInflatedBytes: DEFAULT_MAX_INPUT_BYTES });
    outcome = 'parsed';
  } catch (error) {
    expect(isExpectedError(error), `${label}: ${(error as Error).message}`).toBe(true);
    expect((error as Error).message, label).not.toMatch(/a parse may use/); // the heap limit was never reached
    outcome = 'refused';
  }
  expect(performance.now() - started, `${label} took too long`).toBeLessThan(TIME_BOUND_MS);
  return outcome;
}

describe('fuzzing protobufs and gzip wrappers within time and memory bounds', () => {
  it('has corpus protobufs to mutate', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(10);
  });

  for (const [kind, mutate] of Object.entries(PROTO_MUTATIONS)) {
    it(`protobuf: ${kind}`, { timeout: 120_000 }, async () => {
      const r = seededRandom(kind.length * 7919);
      const outcomes = { parsed: 0, refused: 0 };
      for (let i = 0; i < INPUTS_PER_KIND; i++) {
        const seed = pick(r, seeds);
        const proto = mutate(seed.proto, r);
        const wrap = pick(r, Object.keys(GZIP_MUTATIONS));
        const input = i % 3 === 0 ? proto : GZIP_MUTATIONS[wrap]!(gzipSync(proto, { level: 1 }), r);
        outcomes[await expectBounded(`${kind} #${i} of ${seed.name} (${i % 3 === 0 ? 'raw' : wrap})`, input)]++;
      }
      expect(outcomes.parsed + outcomes.refused).toBe(INPUTS_PER_KIND);
    });
  }

  it('an unmutated corpus profile in every gzip wrapper still parses or is refused by name', { timeout: 60_000 }, async () => {
    const r = seededRandom(42);
    for (const seed of seeds) {
      for (const [wrap, mutate] of Object.entries(GZIP_MUTATIONS)) {
        const outcome = await expectBounded(`${seed.name} ${wrap}`, mutate(gzipSync(seed.proto), r));
        if (wrap === 'asIs' || wrap === 'twoMembers') expect(outcome, `${seed.name} ${wrap}`).toBe('parsed');
      }
    }
  });
});
