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
  // Where the goroutines come from by pprof label (issue #12).
  'labels',
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

/**
 * Id turnover of a group over the full dumps (issue 19): how many ids seen at one full dump were gone
 * by the next, the age profile of the ids at the last dump, and the stuck ids (those that stayed
 * longer than any id that left lived). Tick fields are tick indexes.
 */
export const IdTurnoverSchema = z.object({
  fromTick: z.number().int(),
  toTick: z.number().int(),
  pairs: z.number().int(),
  seen: z.number().int(),
  gone: z.number().int(),
  present: z.number().int(),
  /** The ids at `toTick` by the full dump where each was first seen, oldest first. */
  ages: z.array(z.object({ tick: z.number().int(), ids: z.number().int() })),
  longestLeftMs: z.number().nullable(),
  stuckIds: z.array(z.number()),
  /** Stuck ids that joined after `fromTick`. */
  accumulated: z.number().int(),
  /** Its goroutines finish and are replaced: churn, not stuck. */
  isChurn: z.boolean(),
  text: z.string(),
});
export type IdTurnoverReport = z.infer<typeof IdTurnoverSchema>;

/**
 * Where a group's goroutines come from by pprof label (issue 12): per label key, how many values and
 * the most common one; which label values grew between the group's first and last labelled snapshot.
 */
export const LabelOriginSchema = z.object({
  /** `93% carry route=GET /orders; tenant spread over 41 values` (+ `; growing: tenant=t-3 +40`). */
  text: z.string(),
  /** Share of the group's goroutines that carry any label, 0..1. */
  labelledShare: z.number(),
  keys: z.array(
    z.object({
      key: z.string(),
      /** Distinct values of the key in the group. */
      values: z.number().int(),
      top: z.object({ value: z.string(), count: z.number().int(), share: z.number() }),
    }),
  ),
  /** Label values whose goroutine count rose, largest rise first (at most 5). */
  growing: z.array(z.object({ key: z.string(), value: z.string(), from: z.number().int(), to: z.number().int() })),
});
export type LabelOrigin = z.infer<typeof LabelOriginSchema>;

const TickProfileSchema = z.object({ format: DumpFormatSchema, profile: ProfileKindSchema.nullable(), total: z.number().int() });

/**
 * A fleet (issue 15): one suspect's growth on one instance where it grows. Only instances where the
 * group is a suspect are listed; elsewhere it is flat (or absent).
 */
export const InstanceGrowthSchema = z.object({
  /** The instance's name (Prometheus' `instance` label, or the URL given). */
  name: z.string(),
  url: z.string(),
  /** The instance's own session in the history (drill-down), as a string like `source.sessionId`. */
  sessionId: z.string().nullable(),
  growthPerMin: z.number(),
  count: z.number().int(),
  baseline: z.number().int(),
  score: z.number().min(0).max(1),
  /** Count per tick of that instance's session; null where that tick measured no count. */
  series: z.array(z.number().int().nullable()),
});
export type InstanceGrowth = z.infer<typeof InstanceGrowthSchema>;

/** What recording one instance cost it: requests, bytes, and the stop-the-world full dumps. */
export const InstanceCostSchema = z.object({
  requests: z.number().int(),
  failedRequests: z.number().int(),
  bytes: z.number().int(),
  fullDumps: z.number().int(),
  /** Time the target spent answering full debug=2 dumps (request to last byte), summed. */
  fullDumpMs: z.number(),
  largestFullDumpBytes: z.number().int(),
  /** The full-dump cadence at the end (ticks between full dumps), and why it changed. */
  fullEvery: z.number().int().nullable(),
  cadenceNotes: z.array(z.string()),
});
export type InstanceCost = z.infer<typeof InstanceCostSchema>;

/** One instance of a fleet, ranked: most suspect growth first, then by growth of its goroutine total. */
export const FleetInstanceSchema = z.object({
  rank: z.number().int().positive(),
  name: z.string(),
  url: z.string(),
  sessionId: z.string().nullable(),
  ticks: z.number().int(),
  failedTicks: z.number().int(),
  suspects: z.number().int(),
  /** Sum of its suspects' growth (goroutines/min); 0 when none grows. */
  growthPerMin: z.number(),
  /** Prometheus' `deriv(go_goroutines[lookback])` at discovery (goroutines/min); null when not discovered through it. */
  discoveredGrowthPerMin: z.number().nullable(),
  /** Counted goroutines per tick of its session; null at failed ticks. */
  totals: z.array(z.number().int().nullable()),
  /** When each of its ticks was taken (ms since the epoch), aligned with `totals`. */
  atMs: z.array(z.number()),
  cost: InstanceCostSchema,
});
export type FleetInstance = z.infer<typeof FleetInstanceSchema>;

export const FleetSectionSchema = z.object({
  source: z.enum(['targets', 'prometheus']),
  prometheusUrl: z.string().nullable(),
  job: z.string().nullable(),
  rankingQuery: z.string().nullable(),
  maxConcurrent: z.number().int(),
  instances: z.array(FleetInstanceSchema),
  /** Instances of the job not recorded, with why. */
  skipped: z.array(z.object({ name: z.string(), why: z.string() })),
  /** The sum over instances. */
  cost: InstanceCostSchema,
});
export type FleetSection = z.infer<typeof FleetSectionSchema>;

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
  /** Where the goroutines come from by label; null when none carries labels. */
  labelOrigin: LabelOriginSchema.nullable(),
  count: z.number().int(),
  baseline: z.number().int(),
  peak: z.number().int(),
  /** Goroutines per minute; 0 when the window has no time basis (`ratePerMin` is then null). */
  growthPerMin: z.number(),
  score: z.number().min(0).max(1),
  /** The same score on the app's scale, 0–100 in whole numbers, as the HTML and Markdown reports print it. */
  score100: z.number().int().min(0).max(100),
  reasons: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  explanation: ExplanationSchema,
  isRuntimeProved: z.boolean(),
  /** Count per tick; null where that tick measured no count. */
  series: z.array(z.number().int().nullable()),
  /** Fleets only: the instances where the group grows, fastest first (`growthPerMin` and `count` are their sums). */
  instances: z.array(InstanceGrowthSchema).optional(),
  /** Fleets only: `grows on 3 of 8: api-2, api-5, api-7; flat elsewhere`. */
  growsOn: z.string().optional(),
  /** Fleets only: the group's count per tick on every instance (0 where it has none), for small multiples. */
  instanceSeries: z.array(z.object({ name: z.string(), series: z.array(z.number().int().nullable()) })).optional(),
  /** Id turnover over the full dumps; null with fewer than two full dumps showing its ids. */
  turnover: IdTurnoverSchema.nullable().optional(),
  /** It rose with other groups of the same machinery while the load rose (the text says whether it kept rising after); else null. */
  tracksLoad: z.string().nullable().optional(),
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
  /** Label values were replaced by stable short hashes (`report --redact-labels`); keys are kept. */
  labelsRedacted: z.boolean(),
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
      turnover: IdTurnoverSchema.nullable().optional(),
    }),
  ),
  groups: z.array(
    z.object({
      key: z.string(),
      class: GroupClassSchema,
      why: z.string(),
      score: z.number(),
      /** `score` on the app's 0–100 scale. */
      score100: z.number().int().min(0).max(100),
      count: z.number().int(),
      baseline: z.number().int(),
      peak: z.number().int(),
      blockingSite: FrameSchema.nullable(),
      createdBy: FrameSchema.nullable(),
      ignoredBy: z.string().nullable(),
      /** Rose with other groups of the same machinery while the load rose, then held; else null. */
      tracksLoad: z.string().nullable().optional(),
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
  /** Present when the session is a fleet: its instances ranked, what was skipped, and the cost imposed. */
  fleet: FleetSectionSchema.optional(),
  /** The session started while the service was still rising to the level it then held; null otherwise. */
  warmUp: z.object({ untilTick: z.number().int(), fromTotal: z.number().int(), toTotal: z.number().int(), text: z.string() }).nullable().optional(),
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
      /** Fleets only: each instance where this group grows, with its own growth. */
      instances: z
        .array(z.object({ name: z.string(), url: z.string(), sessionId: z.string().nullable(), growthPerMin: z.number(), count: z.number().int() }))
        .optional(),
      /** Fleets only: `grows on 1 of 4: api-2; flat elsewhere`. */
      growsOn: z.string().optional(),
      /** Id turnover over the full dumps (see IdTurnoverSchema); null without two full dumps. */
      turnover: IdTurnoverSchema.nullable().optional(),
      strength: StrengthSchema,
      basis: EvidenceBasisSchema,
      reasons: z.array(z.string()),
      rise: z.number().int(),
      ratePerMin: z.number().nullable(),
      /** pprof label sets with counts (latest labelled snapshot), largest first. */
      labels: z.array(z.object({ labels: LabelSetSchema, count: z.number().int() })),
      labelOrigin: LabelOriginSchema.nullable(),
      /** `score` on the app's 0–100 scale (added last: `score` keeps its 0–1 meaning). */
      score100: z.number().int().min(0).max(100),
    }),
  ),
  /** Fleets only: every instance ranked, with its ticks, failed ticks and the cost imposed on it. */
  fleet: z
    .object({
      instances: z.array(
        z.object({ rank: z.number().int(), name: z.string(), url: z.string(), growthPerMin: z.number(), suspects: z.number().int(), ticks: z.number().int(), failedTicks: z.number().int(), cost: InstanceCostSchema }),
      ),
      skipped: z.array(z.object({ name: z.string(), why: z.string() })),
      cost: InstanceCostSchema,
    })
    .optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;
