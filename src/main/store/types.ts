import type { ErrorCode } from '../../shared/errors.js';
import type { DumpFormat, Frame, ProfileKind, RuntimeMetrics, Snapshot } from '../../shared/model.js';
import type { RawBlob } from './raw-dump.js';

/**
 * What one request of a tick was: the compact goroutine profile (debug=1 or protobuf, every tick), the
 * full debug=2 dump (every Nth tick), the goroutineleak profile (just before a full dump), expvar
 * `/debug/vars`, or Prometheus `/metrics`. An imported file gets the kind its format implies.
 */
export const SNAPSHOT_KINDS = ['compact', 'full', 'leak', 'expvar', 'metrics'] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** Which raw dumps a session keeps: all of them, those of full dumps and leak profiles only, or none. */
export type RawRetention = 'all' | 'full' | 'none';

export function isRawKept(retention: RawRetention, kind: SnapshotKind): boolean {
  if (retention === 'all') return true;
  if (retention === 'none') return false;
  return kind === 'full' || kind === 'leak';
}

export interface TickError {
  code: ErrorCode | 'NOT_A_DUMP';
  message: string;
}

export interface NewSession {
  source: 'recording' | 'import';
  name: string;
  /** The target's normalised base URL; null for an import. */
  targetUrl: string | null;
  startedAtMs: number;
  intervalMs: number | null;
  fullEvery: number | null;
  rawRetention: RawRetention;
  /** At most this many raw dumps per session besides its first one; older ones are dropped. */
  rawKeepLast: number;
  /** What discovery found (free-form, shown to the user). */
  endpoints: string[] | null;
}

/** One request's outcome, as the recorder or an import hands it to the store. */
export interface SnapshotRecord {
  kind: SnapshotKind;
  /** `goroutine?debug=1`, `/debug/vars`, or the imported file's path. */
  endpoint: string;
  atMs: number;
  durationMs: number;
  /** Body bytes received (0 when the request failed before a body). */
  bytes: number;
  /** The parsed snapshot; null exactly when `error` is set. */
  snapshot: Snapshot | null;
  error: TickError | null;
  /** Compressed raw dump to keep (subject to the session's retention), or null. */
  raw: RawBlob | null;
}

export interface SessionSummary {
  id: number;
  name: string;
  source: 'recording' | 'import';
  target: string | null;
  startedAtMs: number;
  endedAtMs: number | null;
  intervalMs: number | null;
  fullEvery: number | null;
  rawRetention: RawRetention;
  rawKeepLast: number;
  endpoints: string[] | null;
  ticks: number;
  /** Stored snapshots that succeeded. */
  snapshots: number;
  /** Ticks with at least one failed request. */
  failedTicks: number;
  /** Last stamp of the recorder while it ran (`session-liveness.ts`); null for imports and old sessions. */
  heartbeatAtMs: number | null;
}

/** One tick of a session: each count as measured by its own source (they disagree by design). */
export interface TickPoint {
  tick: number;
  /** When the tick's first request started. */
  atMs: number;
  /** The snapshot whose group counts fill the group series at this tick (compact, else full), or null. */
  countedSnapshotId: number | null;
  /** Total of the compact profile; null when it was not taken or failed. */
  compactTotal: number | null;
  /** Total of the full debug=2 dump of this tick, if one was taken. */
  fullTotal: number | null;
  fullSnapshotId: number | null;
  /** Total of the goroutineleak profile of this tick (goroutines the runtime proved leaked). */
  leakTotal: number | null;
  leakSnapshotId: number | null;
  /** `/debug/vars` figures (`NumGoroutine` when the service publishes it, heap, GC cycles). */
  expvar: RuntimeMetrics | null;
  /** `/metrics` figures (`go_goroutines`, `go_threads`, heap). */
  prometheus: RuntimeMetrics | null;
  errors: (TickError & { kind: SnapshotKind; endpoint: string })[];
}

/** One stack's counts over a session, aligned with `SessionSeries.ticks`. */
export interface GroupSeries {
  stackId: number;
  key: string;
  /** Goroutines per tick; 0 when the counted snapshot lacks the group; null when the tick has none. */
  counts: (number | null)[];
  /** Per tick: goroutines of this stack in the goroutineleak profile; null when none was taken. */
  leakedCounts: (number | null)[];
  /** Per tick: longest wait in the full dump (minutes); null when no full dump or no wait printed. */
  maxWaitMinutes: (number | null)[];
}

export interface SessionSeries {
  sessionId: number;
  ticks: TickPoint[];
  groups: GroupSeries[];
}

/** A stack as stored once by key, with what the session's dumps said about it. */
export interface StackInfo {
  stackId: number;
  key: string;
  frames: Frame[];
  blockingSite: Frame | null;
  createdBy: Frame | null;
  /** States seen in the session's full dumps, summed over them (e.g. `{"chan send": 120}`). */
  states: Record<string, number>;
  firstTick: number;
  lastTick: number;
}

/** Goroutine IDs of one full dump, per stack, ascending. */
export interface FullDumpIds {
  snapshotId: number;
  tick: number;
  atMs: number;
  groups: { stackId: number; key: string; ids: number[] }[];
}

export interface SnapshotInfo {
  id: number;
  sessionId: number;
  tick: number;
  kind: SnapshotKind;
  endpoint: string;
  atMs: number;
  durationMs: number;
  bytes: number;
  format: DumpFormat | null;
  profile: ProfileKind | null;
  total: number | null;
  error: TickError | null;
  hasRawDump: boolean;
}

export interface RawDump {
  snapshotId: number;
  format: DumpFormat | null;
  /** The bytes as the target sent them (decompressed from the store). */
  bytes: Uint8Array;
  storedBytes: number;
}
