import { z } from 'zod';

/**
 * The domain model every way in ends in (live recording, imported file, paste, `goroscope parse`)
 * and every way out reads. Types are inferred from the schemas so a type and its validator cannot drift.
 */

/** `main.worker(...)` at `/src/app/worker.go:42`. Arguments and PC offsets are not part of a frame. */
export const FrameSchema = z.object({
  func: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative(),
});
export type Frame = z.infer<typeof FrameSchema>;

export const DUMP_FORMATS = [
  'pprof-proto', // debug=0 / goroutineleak protobuf, gzipped or not
  'debug1', // `goroutine profile: total N` / `goroutineleak profile: total N`
  'traceback', // debug=2, runtime.Stack, panic, fatal error, SIGQUIT
  'expvar', // /debug/vars JSON
  'prometheus', // /metrics text exposition
] as const;
export const DumpFormatSchema = z.enum(DUMP_FORMATS);
export type DumpFormat = z.infer<typeof DumpFormatSchema>;

/** Which runtime profile a pprof snapshot came from; `goroutineleak` means the runtime proved the leak. */
export const ProfileKindSchema = z.enum(['goroutine', 'goroutineleak']);
export type ProfileKind = z.infer<typeof ProfileKindSchema>;

export const ParseWarningSchema = z.object({
  /** 1-based line in the input as given (before any repair), or null when not tied to a line. */
  line: z.number().int().positive().nullable(),
  message: z.string(),
});
export type ParseWarning = z.infer<typeof ParseWarningSchema>;

/** Runtime figures from expvar or Prometheus: measured, never derived from the profile. */
export const RuntimeMetricsSchema = z.object({
  numGoroutine: z.number().nullable(),
  threads: z.number().nullable(),
  heapAllocBytes: z.number().nullable(),
  heapInuseBytes: z.number().nullable(),
  gcCycles: z.number().nullable(),
});
export type RuntimeMetrics = z.infer<typeof RuntimeMetricsSchema>;

export const LabelSetSchema = z.record(z.string(), z.string());
export type LabelSet = z.infer<typeof LabelSetSchema>;

/** The goroutines of one snapshot that share a group key (the normalised stack). */
export const GroupSchema = z.object({
  key: z.string(),
  count: z.number().int().nonnegative(),
  states: z.record(z.string(), z.number().int()),
  /** How many of the group's goroutines the runtime marked `(leaked)`. */
  leakedCount: z.number().int().nonnegative(),
  maxWaitMinutes: z.number().int().nonnegative().nullable(),
  blockingSite: FrameSchema.nullable(),
  createdBy: FrameSchema.nullable(),
  frames: z.array(FrameSchema),
  labels: z.array(z.object({ labels: LabelSetSchema, count: z.number().int() })),
  /** Goroutine ids, ascending; empty unless the format lists goroutines one by one. */
  ids: z.array(z.number().int().nonnegative()),
  isLocked: z.boolean(),
});
export type Group = z.infer<typeof GroupSchema>;

export const SnapshotSchema = z.object({
  format: DumpFormatSchema,
  profile: ProfileKindSchema.nullable(),
  /** Goroutines in the snapshot: the profile's own total where it states one, else those counted. */
  total: z.number().int().nonnegative(),
  /** Time the runtime stamped on the profile (protobuf), or the dated log prefix a pasted traceback came
   * with (read as UTC without a zone), as ms since the epoch; null when the content carries no time. */
  takenAtMs: z.number().nullable(),
  groups: z.array(GroupSchema),
  metrics: RuntimeMetricsSchema.nullable(),
  /** Goroutine headers the dump holds that are OS-thread stacks (`goroutine 0`), not goroutines. */
  threadStacks: z.number().int().nonnegative(),
  warnings: z.array(ParseWarningSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
