import { Profile } from 'pprof-format';
import type { Frame, LabelSet, ProfileKind } from '../../shared/model.js';
import { NotADumpError } from '../../shared/errors.js';
import type { ParsedDump, Sample } from './types.js';
import { FrameInterner } from './frame-interner.js';
import { binaryDataError } from './detect.js';
import { checkDecodeBudget } from './pprof-decode-budget.js';

/**
 * Frames one sample, and all samples together, may expand to (a sample lists location ids; a location
 * holds its inlined calls as several lines). Go's profiler keeps at most 1024 locations of a stack
 * (`profstackdepth`, 128 by default), each with a few inlined lines, and a profile has one sample per
 * distinct stack: 5,000 distinct stacks of 100 frames stay below the total. A crafted profile naming
 * one many-line location over and over would otherwise multiply its size without bound, and each
 * frame costs grouping a few microseconds.
 */
export const PPROF_MAX_FRAMES_PER_SAMPLE = 4096;
export const PPROF_MAX_SAMPLE_FRAMES = 500_000;

/**
 * A goroutine or goroutineleak profile in pprof protobuf form (`debug=0`), already inflated. Every
 * location is present here, runtime frames included; normalisation happens in grouping. Throws
 * NotADumpError when the bytes are not a pprof profile of goroutines.
 */
export function parsePprofProto(raw: Uint8Array): ParsedDump {
  // Bound the decode by what the bytes would cost before decoding them (see pprof-decode-budget.ts).
  if (!checkDecodeBudget(raw).isWellFormed) throw binaryDataError(raw, new Error('a protobuf wire type other than varint and length-delimited'));
  let profile: Profile;
  try {
    profile = Profile.decode(raw);
  } catch (cause) {
    throw binaryDataError(raw, cause);
  }
  const strings = profile.stringTable.strings;
  const sampleType = profile.sampleType[0];
  // Protobuf decoding is lenient: junk can decode into an empty message. A profile names its type.
  if (!sampleType || strings.length === 0) throw binaryDataError(raw);
  const typeName = strings[Number(sampleType.type)];
  if (typeName !== 'goroutine' && typeName !== 'goroutineleak') {
    throw new NotADumpError(
      `a pprof profile of "${typeName ?? 'nothing'}", not of goroutines; expected sample type "goroutine" or "goroutineleak"`,
    );
  }
  const interner = new FrameInterner();
  const functions = new Map<number, { name: string; file: string }>();
  for (const fn of profile.function) {
    functions.set(Number(fn.id), { name: strings[Number(fn.name)] ?? '', file: strings[Number(fn.filename)] ?? '' });
  }
  // A location holds its inlined calls innermost first, as the traceback prints them.
  const locations = new Map<number, Frame[]>();
  for (const loc of profile.location) {
    const frames: Frame[] = [];
    for (const line of loc.line) {
      const fn = functions.get(Number(line.functionId));
      if (fn) frames.push(interner.intern(fn.name, fn.file, countOf(line.line, 'line number')));
    }
    locations.set(Number(loc.id), frames);
  }
  const samples: Sample[] = [];
  let total = 0;
  let expandedFrames = 0;
  for (const s of profile.sample) {
    const count = countOf(s.value[0] ?? 0, 'goroutine count');
    total += count;
    const frames: Frame[] = [];
    for (const id of s.locationId) {
      const located = locations.get(Number(id)) ?? [];
      expandedFrames += located.length;
      if (frames.length + located.length > PPROF_MAX_FRAMES_PER_SAMPLE) throw tooDeep(profile.sample.indexOf(s));
      if (expandedFrames > PPROF_MAX_SAMPLE_FRAMES) throw tooManyFrames(profile.sample.length);
      for (const frame of located) frames.push(frame);
    }
    // fromEntries keeps a `__proto__` key a label; a numeric label (`num`) reads as its number.
    const entries = s.label.map((label) => [strings[Number(label.key)] ?? '', labelValue(strings, label)] as const);
    const labels: LabelSet | null = entries.length > 0 ? Object.fromEntries(entries) : null;
    samples.push({ count, frames, labels, goroutine: null });
  }
  const timeNanos = Number(profile.timeNanos);
  return {
    format: 'pprof-proto',
    profile: typeName as ProfileKind,
    declaredTotal: total,
    samples,
    threadStacks: 0,
    metrics: null,
    takenAtMs: timeNanos > 0 ? Math.round(timeNanos / 1e6) : null,
    warnings: [],
  };
}

function tooDeep(sampleIndex: number): NotADumpError {
  return new NotADumpError(
    `a pprof profile whose sample ${sampleIndex + 1} expands to over ${PPROF_MAX_FRAMES_PER_SAMPLE} frames; Go keeps at most 1024 locations of a stack: the profile is corrupt or crafted`,
  );
}

function tooManyFrames(samples: number): NotADumpError {
  return new NotADumpError(
    `a pprof profile whose ${samples} samples expand to over ${PPROF_MAX_SAMPLE_FRAMES} frames; Go keeps one sample per distinct stack: the profile is corrupt or crafted`,
  );
}

/** A protobuf varint as a count or line; Go never writes a negative or a 2^53+ one, so refuse it. */
function countOf(value: number | bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new NotADumpError(`a pprof profile with an impossible ${what} (${String(value)}); the profile is corrupt`);
  }
  return n;
}

function labelValue(strings: string[], label: { str: number | bigint; num: number | bigint }): string {
  const str = Number(label.str);
  if (str > 0) return strings[str] ?? '';
  // Goroutine labels are strings; an empty one is index 0 with no number.
  return Number(label.num) !== 0 ? String(label.num) : '';
}
