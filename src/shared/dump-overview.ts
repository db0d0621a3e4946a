import { z } from 'zod';
import { FrameSchema } from './model.js';
import { StrengthSchema } from './strength.js';

/**
 * One dump on one page (issue #14): every group, similar stacks merged, wait ranges, frames by origin,
 * the creation tree and the states summed. Built by `src/main/analysis/dump-overview.ts` from a
 * traceback (debug=2, crash, SIGQUIT, runtime.Stack); the app's single-dump page and the report read it.
 */

/** Whose code a frame is: the service's own module, Go's standard library, a dependency, the runtime. */
export const FrameOriginSchema = z.enum(['own', 'stdlib', 'deps', 'runtime']);
export type FrameOrigin = z.infer<typeof FrameOriginSchema>;

export const OverviewFrameSchema = FrameSchema.extend({ origin: FrameOriginSchema });
export type OverviewFrame = z.infer<typeof OverviewFrameSchema>;

export const OverviewGroupSchema = z.object({
  /** The first group key it merges: what the groups table and the dump view select by. */
  id: z.string(),
  /** Every exact group key merged into it (one unless similar stacks were merged). */
  keys: z.array(z.string()),
  count: z.number().int(),
  states: z.record(z.string(), z.number().int()),
  /** Shortest and longest `N minutes` of its goroutines; null when none shows a wait (under a minute). */
  waitMinutes: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
  /** The stack of its first goroutine as Go printed it, runtime frames included, innermost first. */
  frames: z.array(OverviewFrameSchema),
  /** Index of the blocking site (first frame of the service's own code, else the top key frame); -1: none. */
  blockingFrameIndex: z.number().int(),
  createdBy: OverviewFrameSchema.nullable(),
  ids: z.object({ first: z.number().int(), last: z.number().int() }),
  /** Goroutines the runtime marked `(leaked)`. */
  leaked: z.number().int(),
  /** The single-snapshot (or trend) verdict of its largest merged group; null: no leak evidence. */
  suspect: z.object({ strength: StrengthSchema, score: z.number(), reasons: z.array(z.string()) }).nullable(),
});
export type OverviewGroup = z.infer<typeof OverviewGroupSchema>;

/** One line of the creation tree, in pre-order: `depth` 0 are roots. */
export const CreationNodeSchema = z.object({
  depth: z.number().int().nonnegative(),
  /** The group this line stands for; null for a creation site that heads its groups (dumps without `in goroutine N`). */
  groupId: z.string().nullable(),
  label: z.string(),
  count: z.number().int(),
});
export type CreationNode = z.infer<typeof CreationNodeSchema>;

export const DumpOverviewSchema = z.object({
  total: z.number().int(),
  /** Stacks were merged only when identical (file:line of every frame), not when similar. */
  isExact: z.boolean(),
  /** How many exact stacks the dump has (the groups merge them when not exact). */
  exactStacks: z.number().int(),
  /** Goroutines per state, most first. */
  states: z.array(z.object({ state: z.string(), count: z.number().int() })),
  /** The longest wait in the dump and goroutine 1's: the process is at least this old. */
  oldestWaitMinutes: z.number().int().nullable(),
  /** Largest first. */
  groups: z.array(OverviewGroupSchema),
  creationTree: z.array(CreationNodeSchema),
  /** The tree follows `created by … in goroutine N` (Go ≥ 1.21); else it groups by creation site. */
  hasParentIds: z.boolean(),
});
export type DumpOverview = z.infer<typeof DumpOverviewSchema>;
