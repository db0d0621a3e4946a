import { z } from 'zod';
import { DumpFormatSchema, FrameSchema, LabelSetSchema, ProfileKindSchema } from './model.js';
import { EvidenceBasisSchema, StrengthSchema } from './strength.js';
import { DumpOverviewSchema } from './dump-overview.js';

/**
 * The leak report (`goroscope report --format json`) and the `goroscope check --json` output. Both
 * are documented contracts that scripts read: add fields, never rename or remove them without
 * raising `schemaVersion`. Types are inferred from the schemas.
 */

export const EVIDENCE_KINDS = [
  'growth', 'baseline', 'monotonicity', 'ticks', 'ids', 'wait', 'state', 'createdBy', 'counts', 'runtime', 'wakeUp',
  // Single-snapshot evidence (issue #14): size against the dump's median group, id range, what one snapshot cannot tell.
  'outlier', 'idSpread', 'limit',
] as const;

export { STRENGTHS, StrengthSchema, EvidenceBasisSchema, type Strength, type EvidenceBasis } from './strength.js';

/**
 * Where the times between snapshots come from: `measured` (a recording), `content` (protobuf
 * `time_nanos`, a log timestamp before the dump, or times the user gave per file), `interval` (file order,
 * spaced by the interval the user gave), `none` (no time: growth as counts, no rate).
 */
export const TimeBasisSchema = z.enum(['measured', 'content', 'interval', 'none']);
export type TimeBasis = z.infer<typeof TimeBasisSchema>;

/** One piece of leak evidence: a number (or word) and a sentence that says what it means. */
export const EvidenceSchema = z.object({
  kind: z.enum(EVIDENCE_KINDS),
  /** growth: goroutines/min; baseline: whether it is back near its baseline at the end; monotonicity: 0..1; ticks: measured ticks;
   * ids: share of ids persisting; wait: minutes; state/createdBy: text; counts: share of the total's
   * growth; runtime: goroutines proved leaked; wakeUp: minutes between the dumps that prove it. */
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  text: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const ExplanationSchema = z.object({
  pattern: z.string(),
  title: z.string(),
  text: z.string(),
  support: z.array(z.string()),
});

export const GroupClassSchema = z.enum(['growingLeak', 'stablePool', 'drainedSpike', 'transient']);

const TickProfileSchema = z.object({ format: DumpFormatSchema, profile: ProfileKindSchema.nullable(), total: z.number().int() });

export const ReportSuspectSchema = z.object({
  rank: z.number().int().positive(),
  key: z.string(),
  blockingSite: FrameSchema.nullable(),
  createdBy: FrameSchema.nullable(),
  /** Normalised stack, innermost first; `blockingFrameIndex` points at the blocking site (-1: none). */
  frames: z.array(FrameSchema),
  blockingFrameIndex: z.number().int(),
  /** Goroutines per state in the latest full dump that has the group; null without one. */
  states: z.record(z.string(), z.number()).nullable(),
  labels: z.array(z.object({ labels: LabelSetSchema, count: z.number().int() })),
  count: z.number().int(),
  baseline: z.number().int(),
  peak: z.number().int(),
  /** Goroutines per minute; 0 when the window has no time basis (`ratePerMin` is then null). */
  growthPerMin: z.number(),
  score: z.number().min(0).max(1),
  reasons: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  explanation: ExplanationSchema,
  isRuntimeProved: z.boolean(),
  /** Count per tick; null where that tick measured no count. */
  series: z.array(z.number().int().nullable()),
  strength: StrengthSchema,
  basis: EvidenceBasisSchema,
  /** Goroutines above the baseline (a count, whatever the time basis). */
  rise: z.number().int(),
  /** Growth per minute where the times are known; null when `window.timeBasis` is `none` or for one snapshot. */
  ratePerMin: z.number().nullable(),
});
export type ReportSuspect = z.infer<typeof ReportSuspectSchema>;

export const ReportSchema = z.object({
  schemaVersion: z.literal(1),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('files'), files: z.array(z.string()) }),
    z.object({ kind: z.literal('session'), sessionId: z.string(), target: z.string().nullable() }),
  ]),
  window: z.object({
    startMs: z.number(),
    endMs: z.number(),
    ticks: z.number().int(),
    failedTicks: z.number().int(),
    fullDumps: z.number().int(),
    leakEvidenceTicks: z.number().int(),
    /** Files without timestamps: times are assumed `assumedIntervalMs` apart. */
    timesAssumed: z.boolean(),
    assumedIntervalMs: z.number().nullable(),
    timeBasis: TimeBasisSchema,
  }),
  /** Set when the analysis read one snapshot: what it can and cannot tell; null for trends. */
  singleSnapshot: z.object({ tick: z.number().int(), note: z.string() }).nullable(),
  /** The single snapshot's traceback on one page (`src/shared/dump-overview.ts`); null otherwise. */
  overview: DumpOverviewSchema.nullable(),
  summary: z.object({
    groups: z.number().int(),
    suspects: z.number().int(),
    runtimeProved: z.number().int(),
    byClass: z.record(GroupClassSchema, z.number().int()),
    ignoredGroups: z.number().int(),
    setAside: z.number().int(),
  }),
  /** Per tick, as measured: every profile's total and NumGoroutine/go_goroutines. */
  ticks: z.array(
    z.object({
      tick: z.number().int(),
      atMs: z.number(),
      isFailed: z.boolean(),
      error: z.string().nullable(),
      profiles: z.array(TickProfileSchema),
      numGoroutine: z.number().nullable(),
    }),
  ),
  countAgreement: z.object({ text: z.string(), maxSpread: z.number(), maxSpreadTick: z.number().int().nullable() }),
  suspects: z.array(ReportSuspectSchema),
  /** Groups that grew but are not suspects: ignored by a rule, or proven to wake up (timers). */
  setAside: z.array(
    z.object({
      key: z.string(),
      blockingSite: FrameSchema.nullable(),
      createdBy: FrameSchema.nullable(),
      count: z.number().int(),
      growthPerMin: z.number(),
      because: z.string(),
    }),
  ),
  groups: z.array(
    z.object({
      key: z.string(),
      class: GroupClassSchema,
      why: z.string(),
      score: z.number(),
      count: z.number().int(),
      baseline: z.number().int(),
      peak: z.number().int(),
      blockingSite: FrameSchema.nullable(),
      createdBy: FrameSchema.nullable(),
      ignoredBy: z.string().nullable(),
    }),
  ),
  ignoreRules: z.array(
    z.object({
      id: z.string(),
      isBuiltin: z.boolean(),
      rule: z.string(),
      reason: z.string().nullable(),
      matchedGroups: z.number().int(),
      matchedGoroutines: z.number().int(),
    }),
  ),
  runtimeLeakProfile: z.object({
    recorded: z.boolean(),
    ticks: z.array(z.number().int()),
    proved: z.array(z.object({ key: z.string(), blockingSite: FrameSchema.nullable(), leaked: z.number().int() })),
    notProved: z.array(z.object({ key: z.string(), blockingSite: FrameSchema.nullable() })),
    note: z.string(),
  }),
});
export type Report = z.infer<typeof ReportSchema>;

/** `goroscope check --json`: exit 1 when `suspects` is not empty. */
export const CheckResultSchema = z.object({
  suspects: z.array(
    z.object({
      blockingSite: FrameSchema.nullable(),
      createdBy: FrameSchema.nullable(),
      count: z.number().int(),
      growthPerMin: z.number(),
      score: z.number().min(0).max(1),
      evidence: z.array(EvidenceSchema),
      explanation: z.string(),
      key: z.string(),
      pattern: z.string(),
      isRuntimeProved: z.boolean(),
      strength: StrengthSchema,
      basis: EvidenceBasisSchema,
      reasons: z.array(z.string()),
      rise: z.number().int(),
      ratePerMin: z.number().nullable(),
    }),
  ),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;
