import { z } from 'zod';
import { SeriesGroupSchema, SessionSummarySchema, TimelineTickSchema, type ReplyError, type SnapshotInfo, type SnapshotKind } from '../../shared/contract.js';
import { RAW_RETENTIONS } from '../../shared/defaults.js';
import { DumpFormatSchema, GroupSchema, RuntimeMetricsSchema, type Snapshot } from '../../shared/model.js';
import type { RawBlob } from './raw-dump.js';

/**
 * The store's records, typed from the contract's and the model's schemas: a field the contract shows
 * is declared there once, and here only what the history keeps beyond it (retention, heartbeat, stack
 * ids, per-source metrics). The read paths' schemas are exported so that a test can parse what a real
 * file gives back; the store itself never parses its own rows (they are written typed). Where the
 * store's record and the contract's shape differ, the store's schema is named `Stored…` and its type
 * keeps the store's name (`SessionSummary` here is the stored one; `api/session-views.ts` maps it).
 *
 * A snapshot's info is the contract's `SnapshotInfo` as it stands; a request's kind is its `SnapshotKind`.
 */
export type { SnapshotInfo, SnapshotKind };

const id = z.number().int().positive();
const count = z.number().int().nonnegative();

/**
 * Which raw dumps a session keeps: all of them, those of full dumps and leak profiles only, or none.
 * Stored per session and set by whoever records (CLI `--keep-raw`, whose choices these are); the
 * contract does not show it.
 */
export const RawRetentionSchema = z.enum(RAW_RETENTIONS);
export type RawRetention = z.infer<typeof RawRetentionSchema>;

export function isRawKept(retention: RawRetention, kind: SnapshotKind): boolean {
  if (retention === 'all') return true;
  if (retention === 'none') return false;
  return kind === 'full' || kind === 'leak';
}

/** A failed request as stored: the contract's error without input issues (a tick never has any). */
export type TickError = Pick<ReplyError, 'code' | 'message'>;

/**
 * A session as stored: the contract's summary without what only a running process knows (whether it
 * records now, its fleet ties, read from `fleet-store.ts`), with what only the history keeps: the raw
 * dump retention, what discovery found, and the recorder's heartbeat.
 */
export const StoredSessionSchema = SessionSummarySchema.omit({ isRecording: true, fleet: true, instanceOf: true }).extend({
  rawRetention: RawRetentionSchema,
  /** At most this many raw dumps per session besides its first one; older ones are dropped. */
  rawKeepLast: count,
  /** What discovery found (free-form, shown to the user). */
  endpoints: z.array(z.string()).nullable(),
  /** Last stamp of the recorder while it ran (`session-liveness.ts`); null for imports and old sessions. */
  heartbeatAtMs: z.number().nonnegative().nullable(),
});
export type SessionSummary = z.infer<typeof StoredSessionSchema>;

/** What a new session is written with; its counters start at 0. */
export type NewSession = Pick<SessionSummary, 'source' | 'name' | 'startedAtMs' | 'intervalMs' | 'fullEvery' | 'rawRetention' | 'rawKeepLast' | 'endpoints'> & {
  /** The target's normalised base URL (stored once in `targets`, read back as `target`); null for an import. */
  targetUrl: string | null;
};

/** One request's outcome, as the recorder or an import hands it to the store. */
export type SnapshotRecord = Pick<SnapshotInfo, 'kind' | 'endpoint' | 'atMs' | 'durationMs' | 'bytes'> & {
  /** The parsed snapshot; null exactly when `error` is set. */
  snapshot: Snapshot | null;
  error: TickError | null;
  /** Compressed raw dump to keep (subject to the session's retention), or null. */
  raw: RawBlob | null;
};

/**
 * One tick of a session: each count as measured by its own source (they disagree by design). The
 * contract's timeline tick shows two numbers of the runtime figures; the store keeps them all per source.
 */
export const TickPointSchema = TimelineTickSchema.omit({ numGoroutine: true, goGoroutines: true }).extend({
  /** The goroutineleak profile of this tick (`leakTotal` is its total). */
  leakSnapshotId: id.nullable(),
  /** `/debug/vars` figures (`NumGoroutine` when the service publishes it, heap, GC cycles). */
  expvar: RuntimeMetricsSchema.nullable(),
  /** `/metrics` figures (`go_goroutines`, `go_threads`, heap). */
  prometheus: RuntimeMetricsSchema.nullable(),
});
export type TickPoint = z.infer<typeof TickPointSchema>;

/**
 * One stack's counts over a session, aligned with `SessionSeries.ticks`: the contract's series group
 * (`counts`: 0 when the counted snapshot lacks the group, null when the tick has none) with its stack's
 * id and what its goroutineleak profiles tell. (Wait minutes, states and ids are read from the full
 * dumps themselves: a per-tick array of them per group was most of a day's read once a session had
 * full dumps, as every recording does.)
 */
export const GroupSeriesSchema = SeriesGroupSchema.pick({ key: true, counts: true }).extend({
  stackId: id,
  /** Per tick index with a goroutineleak profile: this stack's goroutines in it (0 when absent from it). */
  leaked: z.map(z.number().int().nonnegative(), count),
});
export type GroupSeries = z.infer<typeof GroupSeriesSchema>;

/** Every tick and every stack of a session, unfolded (the contract's series folds them: `foldSeries`). */
export const StoredSeriesSchema = z.object({ sessionId: id, ticks: z.array(TickPointSchema), groups: z.array(GroupSeriesSchema) });
export type SessionSeries = z.infer<typeof StoredSeriesSchema>;

/** A stack as stored once by key, with what the session's dumps said about it. */
export const StackInfoSchema = GroupSchema.pick({ key: true, frames: true, blockingSite: true, createdBy: true }).extend({
  stackId: id,
  /** States seen in the session's full dumps, summed over them (e.g. `{"chan send": 120}`). */
  states: GroupSchema.shape.states,
  firstTick: count,
  lastTick: count,
});
export type StackInfo = z.infer<typeof StackInfoSchema>;

/** Goroutine IDs of one full dump, per stack, ascending. */
export const FullDumpIdsSchema = z.object({
  snapshotId: id,
  tick: count,
  atMs: z.number().nonnegative(),
  groups: z.array(z.object({ stackId: id, key: z.string(), ids: GroupSchema.shape.ids })),
});
export type FullDumpIds = z.infer<typeof FullDumpIdsSchema>;

export const RawDumpSchema = z.object({
  snapshotId: id,
  format: DumpFormatSchema.nullable(),
  /** The bytes as the target sent them (decompressed from the store). */
  bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
  storedBytes: count,
});
export type RawDump = z.infer<typeof RawDumpSchema>;
