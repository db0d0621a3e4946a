import { z } from 'zod';
import { ERROR_CODES } from './errors.js';
import { DEFAULT_FULL_EVERY, DEFAULT_INTERVAL_MS, MAX_INTERVAL_MS, MIN_INTERVAL_MS, REPORT_FORMATS } from './defaults.js';
import { FrameSchema, GroupSchema, DumpFormatSchema, LabelSetSchema, ProfileKindSchema, SnapshotSchema } from './model.js';
import { DumpOverviewSchema } from './dump-overview.js';
import { EvidenceBasisSchema, StrengthSchema } from './strength.js';
import { FleetSectionSchema, ReportSuspectSchema } from './report.js';
import type { EventName, RequestName } from './contract-names.js';
import { FrameSourceSchema, SourceRequestFrameSchema, SourceRootsInfoSchema, SourceSettingsSchema, SourceTextSchema } from './source.js';

export { REQUEST_NAMES, EVENT_NAMES, isRequestName, isEventName, type RequestName, type EventName } from './contract-names.js';

/**
 * The contract between main and every renderer (Electron IPC, `goroscope serve`): each request with
 * its input and output schema, each event with its payload. Both transports parse inputs with these
 * schemas before `api` sees them; tests parse outputs with them. Types are inferred, never written.
 */

const id = z.number().int().positive();
const count = z.number().int().nonnegative();
const epochMs = z.number().nonnegative();

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export const InputIssueSchema = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });
export type InputIssue = z.infer<typeof InputIssueSchema>;
export const ReplyErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** For INVALID_INPUT refused by a schema: where in the input, and what was expected. */
  issues: z.array(InputIssueSchema).optional(),
});
export type ReplyError = z.infer<typeof ReplyErrorSchema>;

export const SnapshotKindSchema = z.enum(['compact', 'full', 'leak', 'expvar', 'metrics']);
export type SnapshotKind = z.infer<typeof SnapshotKindSchema>;

export const SessionSummarySchema = z.object({
  id,
  name: z.string(),
  source: z.enum(['recording', 'import']),
  /** The target's base URL; null for an import. */
  target: z.string().nullable(),
  startedAtMs: epochMs,
  endedAtMs: epochMs.nullable(),
  intervalMs: count.nullable(),
  fullEvery: count.nullable(),
  ticks: count,
  snapshots: count,
  failedTicks: count,
  /** A recorder of this process is writing the session now. */
  isRecording: z.boolean(),
  /** A fleet session (issue 15): its instances each record into a session of their own; `session.fleet` shows them. */
  fleet: z.object({ instances: count }).nullable().optional(),
  /** The session of one instance of a fleet: the fleet's session and the instance's name. */
  instanceOf: z.object({ fleetSessionId: id, name: z.string() }).nullable().optional(),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

export const SnapshotInfoSchema = z.object({
  id,
  sessionId: id,
  tick: count,
  kind: SnapshotKindSchema,
  /** `goroutine?debug=1`, `/debug/vars`, or the imported file's name. */
  endpoint: z.string(),
  atMs: epochMs,
  durationMs: count,
  bytes: count,
  format: DumpFormatSchema.nullable(),
  profile: ProfileKindSchema.nullable(),
  total: count.nullable(),
  error: ReplyErrorSchema.nullable(),
  hasRawDump: z.boolean(),
});
export type SnapshotInfo = z.infer<typeof SnapshotInfoSchema>;

export const TickErrorSchema = ReplyErrorSchema.extend({ kind: SnapshotKindSchema, endpoint: z.string() });
export type TickError = z.infer<typeof TickErrorSchema>;

/** One tick of the timeline: every count as its own source measured it (they disagree by design). */
export const TimelineTickSchema = z.object({
  tick: count,
  atMs: epochMs,
  countedSnapshotId: id.nullable(),
  fullSnapshotId: id.nullable(),
  compactTotal: count.nullable(),
  fullTotal: count.nullable(),
  leakTotal: count.nullable(),
  /** expvar `NumGoroutine` (published by the service), when served. */
  numGoroutine: z.number().nullable(),
  /** Prometheus `go_goroutines`, when served. */
  goGoroutines: z.number().nullable(),
  errors: z.array(TickErrorSchema),
});
export type TimelineTick = z.infer<typeof TimelineTickSchema>;

const countsPerTick = z.array(count.nullable());

export const SeriesGroupSchema = z.object({
  key: z.string(),
  blockingSite: FrameSchema.nullable(),
  /** Goroutines per tick; null where the tick has no counting profile. */
  counts: countsPerTick,
});
export type SeriesGroup = z.infer<typeof SeriesGroupSchema>;

export const SessionSeriesSchema = z.object({
  sessionId: id,
  ticks: z.array(TimelineTickSchema),
  /** The largest groups, largest first. */
  groups: z.array(SeriesGroupSchema),
  /** Per tick, the sum of every other group ("the rest", folded). */
  rest: countsPerTick,
  restGroups: count,
  /**
   * Set when the request asked for `columns` and the session has more than twice as many ticks: each
   * column of consecutive ticks is two entries of `ticks` (real ticks of the column, in order; a
   * full dump or a failed tick is preferred, so its mark stays), and every value there — each group's
   * count, `rest`, the totals — is the column's lowest at the first entry and its highest at the
   * second. A one-tick spike is never dropped. Absent when every tick is sent.
   */
  downsampled: z.object({ sessionTicks: count, columns: count, ticksPerColumn: z.number().positive() }).optional(),
});
export type SessionSeries = z.infer<typeof SessionSeriesSchema>;

/** Leak evidence for a group, from analysis. */
export const SuspectSchema = z.object({
  /** 0 (no evidence) … 100 (certain). */
  score: z.number().min(0).max(100),
  growthPerMin: z.number().nullable(),
  /** The runtime's goroutineleak profile proved it. */
  isConfirmed: z.boolean(),
  evidence: z.array(z.string()),
  explanation: z.string().nullable(),
  /** How strong the evidence is, what it rests on (growth, or one snapshot) and why. */
  strength: StrengthSchema,
  basis: EvidenceBasisSchema,
  reasons: z.array(z.string()),
});
export type Suspect = z.infer<typeof SuspectSchema>;

/** One row of the groups table: the group at one snapshot, with its history over the session. */
export const GroupRowSchema = GroupSchema.extend({
  /** The group's count at the session's first counting tick (0 when it appeared later). */
  firstCount: count,
  peakCount: count,
  /** Counts over the session, downsampled (max per bucket) to at most 48 points. */
  sparkline: z.array(count),
  /** The most common state in this snapshot, else in the session's full dumps (compact profiles carry none). */
  typicalState: z.string().nullable(),
  suspect: SuspectSchema.nullable(),
});
export type GroupRow = z.infer<typeof GroupRowSchema>;

export const DiffChangeSchema = z.enum(['appeared', 'vanished', 'grew', 'shrank', 'unchanged']);
export type DiffChange = z.infer<typeof DiffChangeSchema>;

export const DiffRowSchema = z.object({
  key: z.string(),
  blockingSite: FrameSchema.nullable(),
  createdBy: FrameSchema.nullable(),
  before: count,
  after: count,
  change: DiffChangeSchema,
  /** With goroutine ids on both sides: ids only in the later snapshot, and ids in both. */
  newIds: count.nullable(),
  persistedIds: count.nullable(),
});
export type DiffRow = z.infer<typeof DiffRowSchema>;

export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

const importFileFields = {
  name: z.string().min(1).max(512),
  /** The file's modification time. Not used for timing (a copied file's time says nothing of when the
   * dump was taken): files are timed by their content, else their order and the import's `intervalMs`. */
  modifiedAtMs: epochMs.optional(),
};
/**
 * A picked file's bytes. Main only ever accepts a Uint8Array; a renderer may hand its client the picked
 * `Blob` (a `File`) instead, which the client turns into bytes on the wire: the HTTP client puts the
 * Blob itself in its request body (Chromium streams it from disk, no copy in the page), the bridge
 * client reads it before the preload (a Blob cannot cross the context bridge). Hence the input type
 * `Uint8Array | Blob` and the output type `Uint8Array`, while validation accepts a Uint8Array only.
 */
const pickedBytes = z.custom<Uint8Array | Blob>((value) => value instanceof Uint8Array).pipe(z.instanceof(Uint8Array));

export const ImportFileSchema = z.discriminatedUnion('encoding', [
  /** Pasted text travels as a string; a file picked in the app as its bytes (no decoding, no base64:
   * IPC clones a Uint8Array, the HTTP client sends it after the JSON in a binary body). `utf8` and
   * `base64` strings are what a JSON-only client sends. */
  z.strictObject({ ...importFileFields, encoding: z.enum(['utf8', 'base64']), data: z.string() }),
  z.strictObject({ ...importFileFields, encoding: z.literal('bytes'), data: pickedBytes }),
]);
export type ImportFile = z.infer<typeof ImportFileSchema>;
/** What a renderer hands its client: a picked file's data may still be its Blob (see pickedBytes). */
export type ImportFileInput = z.input<typeof ImportFileSchema>;

/**
 * The SSH server a target is reached through, as `goroscope record --ssh` takes it. The files are paths
 * on the machine Goroscope runs on; without a key file the ssh-agent of that process is used, without a
 * known_hosts file `~/.ssh/known_hosts`. The service's URL is then its address as the SSH server sees it.
 */
export const SshHopSchema = z.strictObject({
  destination: z
    .string()
    .max(300)
    .regex(/^[^@\s,]+(@[^@\s,]+)?$/, 'expected a Host alias of the ssh config, user@host or user@host:port, e.g. deploy@bastion.example.com:22'),
  keyFile: z.string().min(1).max(4096).optional(),
  knownHostsFile: z.string().min(1).max(4096).optional(),
  /** ssh_config file read instead of `~/.ssh/config` and `/etc/ssh/ssh_config` (as `ssh -F`). */
  configFile: z.string().min(1).max(4096).optional(),
  /** For encrypted keys; used for this request only, never stored. */
  passphrase: z.string().min(1).max(1024).optional(),
});
export type SshHop = z.infer<typeof SshHopSchema>;

/** What an SSH destination resolves to through the ssh config, before connecting (`ssh.resolve`). */
export const SshRouteSummarySchema = z.object({
  /** Jump hosts first, the destination last. */
  hops: z.array(
    z.object({
      /** How messages name the hop: `bastion`, `prod-api-3 via bastion`, `deploy@app1:2222`. */
      name: z.string(),
      user: z.string(),
      host: z.string(),
      port: z.number().int(),
      /** Key files that exist and will be tried (after the agent). */
      keys: z.array(z.string()),
      /** The ssh-agent socket used (with IdentitiesOnly: for keys matching `keys` only), or null (none set, IdentityAgent none). */
      agent: z.string().nullable(),
      /** OpenSSH certificates beside the keys: ssh2 cannot offer them (README). */
      certificates: z.array(z.string()),
      knownHostsFiles: z.array(z.string()),
      strictHostKeyChecking: z.enum(['yes', 'no', 'ask', 'accept-new']),
      hostKeyAlias: z.string().nullable(),
    }),
  ),
  /** Encrypted keys that need `passphrase` (the app shows a passphrase field). */
  encryptedKeys: z.array(z.string()),
});
export type SshRouteSummary = z.infer<typeof SshRouteSummarySchema>;

const bySession = z.strictObject({ sessionId: id });
const bySnapshot = z.strictObject({ snapshotId: id });
const nothing = z.strictObject({});

function request<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** Every request: `area.verb` → input and output schema. */
export const requests = {
  'app.info': request(
    nothing,
    z.object({
      version: z.string(),
      /** The history database file. */
      historyPath: z.string(),
      canRecord: z.boolean(),
      canAnalyse: z.boolean(),
    }),
  ),
  /**
   * Dumps (any format) → one import session, ticked and timed as `goroscope check` reads the same files:
   * files of one stem (`t1.*`) are one tick; times from the content (protobuf, log timestamps), else the
   * order given `intervalMs` apart, else no time (growth as counts, no rate).
   */
  'dump.import': request(
    z.strictObject({
      name: z.string().max(200).optional(),
      files: z.array(ImportFileSchema).min(1).max(100),
      intervalMs: z.number().int().min(1).max(86_400_000).optional(),
    }),
    z.object({
      session: SessionSummarySchema,
      refused: z.array(z.object({ file: z.string(), message: z.string() })),
      /** What the parser repaired (`repaired: …`) or skipped in the imported files. */
      warnings: z.array(z.object({ file: z.string(), line: z.number().int().positive().nullable(), message: z.string() })).default([]),
    }),
  ),
  'session.list': request(nothing, z.array(SessionSummarySchema)),
  'session.get': request(bySession, SessionSummarySchema),
  'session.remove': request(bySession, z.object({ sessionId: id })),
  'session.series': request(
    z.strictObject({
      sessionId: id,
      maxGroups: z.number().int().min(1).max(100).default(10),
      /** The chart's width in pixel columns: longer sessions come downsampled to it (min and max per column). */
      columns: z.number().int().min(16).max(20_000).optional(),
    }),
    SessionSeriesSchema,
  ),
  /** The groups of one snapshot (default: the last counted one) with their history over the session. */
  'session.groups': request(
    z.strictObject({ sessionId: id, snapshotId: id.nullable().default(null) }),
    z.object({
      snapshot: SnapshotInfoSchema.nullable(),
      rows: z.array(GroupRowSchema),
      /**
       * Tick indexes where the service restarted (its GC count or goroutine ids started over),
       * ascending; from leak analysis, so here with the suspects rather than in the series, which
       * stays cheap. Empty without analysis.
       */
      restartTicks: z.array(count),
    }),
  ),
  /** One group's count per tick split by one pprof label's values (issue 12); `value` null: the other values folded. */
  'session.labelSeries': request(
    z.strictObject({ sessionId: id, key: z.string().max(64), labelKey: z.string().max(1000) }),
    z.object({
      ticks: z.array(z.object({ tick: z.number().int().nonnegative(), atMs: z.number() })),
      values: z.array(z.object({ value: z.string().nullable(), counts: z.array(z.number().int().nullable()) })),
    }),
  ),
  'snapshot.list': request(bySession, z.array(SnapshotInfoSchema)),
  'snapshot.get': request(bySnapshot, z.object({ info: SnapshotInfoSchema, snapshot: SnapshotSchema })),
  /** The raw text of a snapshot; `text` is null (with the reason) when none was kept or it is binary. */
  'snapshot.raw': request(
    bySnapshot,
    z.object({ snapshotId: id, format: DumpFormatSchema.nullable(), text: z.string().nullable(), reason: z.string().nullable() }),
  ),
  /**
   * Where each goroutine (debug=2, crash, SIGQUIT) or debug=1 record sits in the kept text of
   * `snapshot.raw`, read by main with the parser's own grammar, and the group each belongs to: the dump
   * view folds, highlights and jumps with it and parses no dump text itself. Parallel number lists,
   * one entry per span in text order (200,000 goroutines stay a few MB): `startLines` and `endLines`
   * (1-based, inclusive), `groups` (position in `groupKeys`, -1: none) and `labels` (position in
   * `labelSets`, -1: none). `kind` 'none' (all lists empty) when no text was kept or it has no goroutines.
   */
  'snapshot.index': request(
    bySnapshot,
    z.object({
      snapshotId: id,
      kind: z.enum(['goroutines', 'records', 'none']),
      lineCount: count,
      startLines: z.array(count),
      endLines: z.array(count),
      groups: z.array(z.number().int().min(-1)),
      labels: z.array(z.number().int().min(-1)),
      groupKeys: z.array(z.string()),
      labelSets: z.array(LabelSetSchema),
    }),
  ),
  'snapshot.diff': request(
    z.strictObject({ fromSnapshotId: id, toSnapshotId: id }),
    z.object({ from: SnapshotInfoSchema, to: SnapshotInfoSchema, rows: z.array(DiffRowSchema) }),
  ),
  /**
   * One dump on one page (a traceback: debug=2, crash, SIGQUIT): every group, similar stacks merged
   * unless `isExact`, wait ranges, frames by origin, the creation tree, the session's verdicts.
   */
  'snapshot.overview': request(z.strictObject({ snapshotId: id, isExact: z.boolean().default(false) }), DumpOverviewSchema),
  /** Targets of past recordings, latest first, each with what `recording.start` needs to record it again. */
  'target.list': request(
    nothing,
    z.array(
      z.object({
        /** How the history names the target: the URL, or `ssh://user@host:port/http://…` through a tunnel. */
        target: z.string(),
        /** The service's URL (through a tunnel: as the SSH server sees it). */
        url: z.string(),
        /** The SSH hop, or null for a direct target. Key and known_hosts files are not stored. */
        ssh: z.object({ destination: z.string() }).nullable(),
        sessions: count,
        lastStartedAtMs: epochMs,
        isRecording: z.boolean(),
      }),
    ),
  ),
  /** What an SSH destination (a Host alias too) resolves to through the ssh config; connects nowhere. */
  'ssh.resolve': request(
    z.strictObject({ destination: SshHopSchema.shape.destination, keyFile: SshHopSchema.shape.keyFile, knownHostsFile: SshHopSchema.shape.knownHostsFile, configFile: SshHopSchema.shape.configFile }),
    SshRouteSummarySchema,
  ),
  /** Connects and discovers what the target serves; fails with the specific error code. */
  'target.test': request(
    z.strictObject({ url: z.string().min(1).max(2048), ssh: SshHopSchema.optional() }),
    /** `via`: `direct`, or `ssh user@host` (`ssh user@host:2222` off port 22). */
    z.object({ url: z.string(), via: z.string(), endpoints: z.array(z.string()) }),
  ),
  'recording.start': request(
    z.strictObject({
      url: z.string().min(1).max(2048),
      ssh: SshHopSchema.optional(),
      name: z.string().max(200).optional(),
      intervalMs: z
        .number()
        .int()
        .min(MIN_INTERVAL_MS, `at least ${MIN_INTERVAL_MS} ms between ticks: each tick asks the service for a profile`)
        .max(MAX_INTERVAL_MS, `at most ${MAX_INTERVAL_MS / 3_600_000} h between ticks`)
        .default(DEFAULT_INTERVAL_MS),
      fullEvery: z.number().int().min(1).max(10_000).default(DEFAULT_FULL_EVERY),
      durationMs: z.number().int().positive().nullable().default(null),
      /** Several services at once, as one fleet session (`url` is then the first of them). */
      urls: z.array(z.string().min(1).max(2048)).min(2).max(32).optional(),
    }),
    z.object({ session: SessionSummarySchema }),
  ),
  'recording.stop': request(bySession, z.object({ sessionId: id })),
  /**
   * A fleet session: its instances ranked (ticks, failed ticks, goroutine totals per tick, the cost
   * recording imposed on each) and its suspects with their count on every instance. NOT_FOUND for a
   * session that is not a fleet.
   */
  'session.fleet': request(
    bySession,
    z.object({
      sessionId: id,
      fleet: FleetSectionSchema,
      suspects: z.array(ReportSuspectSchema.pick({ rank: true, key: true, blockingSite: true, count: true, growthPerMin: true, growsOn: true, instances: true, instanceSeries: true })),
    }),
  ),
  /** The report as `goroscope report` writes it. */
  'report.render': request(
    // redactLabels: label values replaced by stable short hashes (as `report --redact-labels`).
    z.strictObject({ sessionId: id, format: ReportFormatSchema, redactLabels: z.boolean().default(false) }),
    z.object({ format: ReportFormatSchema, fileName: z.string(), mimeType: z.string(), content: z.string() }),
  ),
  /** Each frame mapped to a local file under the source roots, GOROOT or module cache, or why not. */
  'source.resolve': request(
    z.strictObject({ frames: z.array(SourceRequestFrameSchema).max(500) }),
    z.object({ frames: z.array(FrameSourceSchema), roots: SourceRootsInfoSchema, canOpenEditor: z.boolean() }),
  ),
  /** The local file of one frame; NOT_FOUND (one message for every reason) when it cannot be read. */
  'source.read': request(z.strictObject({ frame: SourceRequestFrameSchema }), SourceTextSchema),
  /** Opens the frame's resolved file at its line in the configured editor (Electron, or serve on loopback). */
  'source.open': request(z.strictObject({ frame: SourceRequestFrameSchema }), z.object({ program: z.string(), localPath: z.string() })),
  'sourceSettings.get': request(nothing, z.object({ settings: SourceSettingsSchema, canChange: z.boolean() })),
  'sourceSettings.set': request(z.strictObject({ settings: SourceSettingsSchema }), z.object({ settings: SourceSettingsSchema })),
} satisfies Record<RequestName, { input: z.ZodType; output: z.ZodType }>;

/** Every event: `area.pastTense` → payload schema. */
export const events = {
  'session.created': z.object({ session: SessionSummarySchema }),
  'session.tickRecorded': z.object({
    sessionId: id,
    tick: count,
    atMs: epochMs,
    total: count.nullable(),
    errors: z.array(TickErrorSchema),
  }),
  'session.ended': z.object({ sessionId: id, endedAtMs: epochMs }),
  'session.removed': z.object({ sessionId: id }),
} satisfies Record<EventName, z.ZodType>;

type Requests = typeof requests;
/** What a caller passes (defaults not yet applied). */
export type RequestInput<K extends RequestName> = z.input<Requests[K]['input']>;
/** What a handler receives (parsed, defaults applied). */
export type RequestParams<K extends RequestName> = z.output<Requests[K]['input']>;
export type RequestOutput<K extends RequestName> = z.output<Requests[K]['output']>;
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]>;

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ReplyError };

/** An event as it travels: its name and payload. */
export type EventMessage = { [K in EventName]: { name: K; payload: EventPayload<K> } }[EventName];

export function replySchemaOf<K extends RequestName>(name: K) {
  return z.union([
    z.object({ ok: z.literal(true), value: requests[name].output }),
    z.object({ ok: z.literal(false), error: ReplyErrorSchema }),
  ]);
}
