import type { DumpFormat, Frame, LabelSet, ParseWarning, ProfileKind, RuntimeMetrics } from '../../shared/model.js';

/** What a traceback says about one goroutine beyond its frames. */
export interface GoroutineInfo {
  id: number;
  /** Wait reason or status as printed, without decorations: `chan send`, `sync.Mutex.Lock`, `running`. */
  state: string;
  /** `, N minutes` in the header; 0 when absent (Go prints it only after a GC stamped ≥ 1 minute). */
  waitMinutes: number;
  isLocked: boolean;
  /** The runtime's `(leaked)` mark (Go ≥ 1.26, after a goroutineleak profile ran). */
  isLeaked: boolean;
  createdBy: Frame | null;
  /** `created by … in goroutine N` (Go ≥ 1.21). */
  createdByGoroutine: number | null;
  hasElidedFrames: boolean;
}

/** One stack with a count: a goroutine (count 1) of a traceback, or a record of a profile. */
export interface Sample {
  count: number;
  /** Innermost first, as Go prints them. */
  frames: Frame[];
  labels: LabelSet | null;
  goroutine: GoroutineInfo | null;
}

/** One snapshot as a parser read it, before grouping. */
export interface ParsedDump {
  format: DumpFormat;
  profile: ProfileKind | null;
  /** The total the profile states (`total N`, sum of protobuf samples); null when it states none. */
  declaredTotal: number | null;
  samples: Sample[];
  threadStacks: number;
  metrics: RuntimeMetrics | null;
  takenAtMs: number | null;
  warnings: ParseWarning[];
}

/** A line of input with its 1-based number in the input as given. */
export interface NumberedLine {
  text: string;
  line: number;
}

/** A parser fed one line at a time (see STYLE.md §6): `push` never throws for bad input. */
export interface LineParser {
  push(text: string, line: number): void;
  end(): ParsedDump[];
}
