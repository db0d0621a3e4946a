import type { Frame, LabelSet, ParseWarning, ProfileKind } from '../../shared/model.js';
import { DumpParseError } from '../../shared/errors.js';
import type { LineParser, ParsedDump, Sample } from './types.js';
import { FrameInterner } from './frame-interner.js';
import { clip } from './clip.js';
import { unquoteGo } from './go-quote.js';

type State =
  // Before the first profile header. Expects: `goroutine profile: total 103` or
  // `goroutineleak profile: total 450`. Other text is skipped. → 'record'.
  | 'seek'
  // Expects a record line `100 @ 0x43b256 0x40708c 0x46b181`, a blank line, or the next profile
  // header (files that concatenate several profiles). → 'frames'.
  | 'record'
  // Expects `# labels: {"k":"v"}` or `#\t0x68350b\tmain.f+0x4b\t/src/main.go:84`; a blank line
  // ends the record. → 'record'.
  | 'frames';

// The line shapes below are exported for dump-text-index.ts, which finds the records in the text
// with them (the dump view's index): one grammar for both.
// `goroutine profile: total 103`, `goroutineleak profile: total 450`
export const PROFILE_HEADER = /^\s*(goroutine|goroutineleak) profile: total (\d+)\s*$/;
// `100 @ 0x43b256 0x40708c 0x46b181`
export const RECORD = /^\s*(\d+) @(?: 0x[0-9a-f]+)*\s*$/;
// `#\t0x68350b\tmain.fetchWithTimeout.func1+0x4b\t/tmp/x/main.go:84` (tabs may have become spaces)
export const FRAME = /^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(\S.*):(\d+)\s*$/;
const UNKNOWN_PC = /^#\s+0x[0-9a-f]+$/;
// `# labels: {"component":"worker", "tenant":"t-0"}`
export const LABELS = /^#\s*labels:\s*(\{.*\})\s*$/;

interface OpenProfile {
  kind: ProfileKind;
  declaredTotal: number;
  samples: Sample[];
  warnings: ParseWarning[];
}

/**
 * The `debug=1` goroutine profile (and the `goroutineleak` profile in the same text form). Go hides
 * leading runtime frames here, so record frames start at the first non-runtime function. Several
 * profiles concatenated in one file become several snapshots.
 */
export class Debug1Parser implements LineParser {
  private state: State = 'seek';
  private readonly profiles: OpenProfile[] = [];
  private current: Sample | null = null;
  private readonly frames = new FrameInterner();

  push(text: string, line: number): void {
    switch (this.state) {
      case 'seek':
        this.tryProfileHeader(text);
        return;
      case 'record':
        this.readRecord(text, line);
        return;
      case 'frames':
        this.readFrame(text, line);
        return;
    }
  }

  end(): ParsedDump[] {
    this.closeRecord();
    return this.profiles.map((p) => ({
      format: 'debug1',
      profile: p.kind,
      declaredTotal: p.declaredTotal,
      samples: p.samples,
      threadStacks: 0,
      metrics: null,
      takenAtMs: null,
      warnings: p.warnings,
    }));
  }

  private tryProfileHeader(text: string): boolean {
    const m = PROFILE_HEADER.exec(text);
    if (!m) return false;
    this.closeRecord();
    this.profiles.push({
      kind: m[1] === 'goroutineleak' ? 'goroutineleak' : 'goroutine',
      declaredTotal: Number(m[2]),
      samples: [],
      warnings: [],
    });
    this.state = 'record';
    return true;
  }

  private readRecord(text: string, line: number): void {
    if (text.trim().length === 0) return;
    const m = RECORD.exec(text);
    if (m) {
      this.current = { count: Number(m[1]), frames: [], labels: null, goroutine: null };
      this.state = 'frames';
      return;
    }
    if (this.tryProfileHeader(text)) return;
    this.warn(line, `expected a record line like "1 @ 0x43b256 0x46b181", got "${clip(text.trim())}"`);
  }

  private readFrame(text: string, line: number): void {
    const trimmed = text.trim();
    if (trimmed.length === 0) {
      this.closeRecord();
      this.state = 'record';
      return;
    }
    const frame = FRAME.exec(trimmed);
    if (frame) {
      this.current!.frames.push(this.frames.intern(frame[1]!, frame[2]!, Number(frame[3])));
      return;
    }
    // `#\t0x45f8a1`: a PC Go could not symbolise; it names no frame, so it takes no part in the key.
    if (UNKNOWN_PC.test(trimmed)) return;
    const labels = LABELS.exec(trimmed);
    if (labels) {
      this.current!.labels = parseLabels(labels[1]!);
      return;
    }
    // A new record or profile without the blank line between: tolerate it.
    this.closeRecord();
    this.state = 'record';
    this.readRecord(text, line);
  }

  private closeRecord(): void {
    const sample = this.current;
    this.current = null;
    if (!sample) return;
    const profile = this.profiles[this.profiles.length - 1]!;
    if (sample.frames.length === 0) {
      // `1 @ 0x46b1e1`: Go prints every frame but runtime.goexit (all of them when all are runtime
      // frames), so the stack was goexit alone: a goroutine that has not run yet. Keep it as such.
      sample.frames.push(RUNTIME_ONLY);
    }
    profile.samples.push(sample);
  }

  private warn(line: number, detail: string): void {
    const profile = this.profiles[this.profiles.length - 1]!;
    profile.warnings.push({ line, message: new DumpParseError(line, detail).message });
  }
}

/**
 * Stands in for a record without `#` lines. Named runtime.goexit so that it groups like the same
 * goroutine in debug=2 (`runtime.goexit()` alone) and in the protobuf (no location).
 */
export const RUNTIME_ONLY: Frame = Object.freeze({ func: 'runtime.goexit', file: '', line: 0 });

/**
 * `{"component":"worker", "tenant":"t-0"}` → { component: 'worker', tenant: 't-0' }. Keys and values
 * are Go `%q` strings (escapes such as `\n`, `\"`, `\u00e9` are undone); null when none reads.
 */
export function parseLabels(text: string): LabelSet | null {
  const entries: [string, string][] = []; // fromEntries keeps a `__proto__` key a label
  let i = text.indexOf('"');
  while (i >= 0) {
    const key = unquoteGo(text, i);
    if (key === null || text[key.end] !== ':') break;
    const value = unquoteGo(text, key.end + 1);
    if (value === null) break;
    entries.push([key.value, value.value]);
    i = text.indexOf('"', value.end);
  }
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}
