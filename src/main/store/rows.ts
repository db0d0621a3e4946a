import type { DumpFormat, Frame, Group, ProfileKind, RuntimeMetrics } from '../../shared/model.js';
import { unpackIds } from './id-packing.js';
import type { SessionSummary, SnapshotInfo, SnapshotKind, TickError } from './types.js';

/**
 * Row → domain type mappers for the repository (history-store.ts); each returns a type inferred from a
 * schema (`types.ts`, `shared/contract.ts`, `shared/model.ts`). Frames are stored as
 * `[func, file, line]` JSON tuples: `["main.worker","/src/main.go",42]`.
 */
export type Row = Record<string, unknown>;
type FrameTuple = [string, string, number];

export const frameJson = (f: Frame | null): string | null => (f ? JSON.stringify([f.func, f.file, f.line]) : null);

export const frameOf = (json: unknown): Frame | null => {
  if (typeof json !== 'string') return null;
  const [func, file, line] = JSON.parse(json) as FrameTuple;
  return { func, file, line };
};

export const framesJson = (frames: readonly Frame[]): string => JSON.stringify(frames.map((f) => [f.func, f.file, f.line]));

export const framesOf = (json: string): Frame[] => (JSON.parse(json) as FrameTuple[]).map(([func, file, line]) => ({ func, file, line }));

export function sessionOf(r: Row): SessionSummary {
  return {
    id: r.id as number,
    name: r.name as string,
    source: r.source as SessionSummary['source'],
    target: (r.url as string | null) ?? null,
    startedAtMs: r.started_at_ms as number,
    endedAtMs: r.ended_at_ms as number | null,
    intervalMs: r.interval_ms as number | null,
    fullEvery: r.full_every as number | null,
    rawRetention: r.raw_retention as SessionSummary['rawRetention'],
    rawKeepLast: r.raw_keep_last as number,
    endpoints: r.endpoints === null ? null : (JSON.parse(r.endpoints as string) as string[]),
    ticks: r.ticks as number,
    snapshots: r.snapshots as number,
    failedTicks: r.failed_ticks as number,
    heartbeatAtMs: (r.heartbeat_at_ms as number | null | undefined) ?? null,
  };
}

function errorOf(r: Row): TickError | null {
  return r.error_code === null ? null : { code: r.error_code as TickError['code'], message: r.error_message as string };
}

export function snapshotInfoOf(r: Row): SnapshotInfo {
  return {
    id: r.id as number,
    sessionId: r.session_id as number,
    tick: r.tick as number,
    kind: r.kind as SnapshotKind,
    endpoint: r.endpoint as string,
    atMs: r.at_ms as number,
    durationMs: r.duration_ms as number,
    bytes: r.bytes as number,
    format: r.format as DumpFormat | null,
    profile: r.profile as ProfileKind | null,
    total: r.total as number | null,
    error: errorOf(r),
    hasRawDump: r.has_raw === 1,
  };
}

export function metricsOf(r: Row): RuntimeMetrics {
  return {
    numGoroutine: r.num_goroutine as number | null,
    threads: r.threads as number | null,
    heapAllocBytes: r.heap_alloc_bytes as number | null,
    heapInuseBytes: r.heap_inuse_bytes as number | null,
    gcCycles: r.gc_cycles as number | null,
  };
}

export function groupOf(r: Row, hasCreators: boolean): Group {
  return {
    key: r.key as string,
    count: r.count as number,
    states: r.states === null ? {} : JSON.parse(r.states as string),
    leakedCount: r.leaked as number,
    maxWaitMinutes: r.max_wait_minutes as number | null,
    blockingSite: frameOf(r.blocking_site),
    createdBy: hasCreators ? frameOf(r.created_by) : null,
    frames: framesOf(r.frames as string),
    labels: r.labels === null ? [] : JSON.parse(r.labels as string),
    ids: r.ids === null ? [] : unpackIds(r.ids as Buffer),
    isLocked: r.is_locked === 1,
  };
}
