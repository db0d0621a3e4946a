import type { Frame } from '../../shared/model.js';
import type { DumpOverview, FrameOrigin, OverviewFrame, OverviewGroup } from '../../shared/dump-overview.js';
import { isRuntimeFrame, keyFrames } from '../../shared/key-frames.js';
import type { ParsedDump, Sample } from '../dump/types.js';
import { CodeOrigin } from '../dump/code-origin.js';
import { baseName } from './explain.js';
import { blockingSiteOf } from '../dump/group-dump.js';
import { stackKeyOf } from '../dump/stack-key.js';
import { creationTreeOf } from './creation-tree.js';

export type OverviewSuspect = NonNullable<OverviewGroup['suspect']>;

export interface OverviewOptions {
  /** Merge only identical stacks (every frame's file:line); default: similar ones too. */
  isExact?: boolean;
  /** Verdicts by exact group key (the report's suspects). */
  suspects?: ReadonlyMap<string, OverviewSuspect>;
}

/** A merged group while it is being filled. */
export interface OverviewAcc {
  id: string;
  keys: Set<string>;
  count: number;
  states: Map<string, number>;
  minWait: number;
  maxWait: number;
  frames: readonly Frame[];
  blocking: Frame | null;
  createdBy: Frame | null;
  firstId: number;
  lastId: number;
  leaked: number;
  /** Goroutine ids of the group's creators (`in goroutine N`), with how many each created. */
  parents: Map<number, number>;
}

// Module caches and vendor folders hold dependencies; `-trimpath` prints them as `module@vX.Y.Z/file.go`.
const DEPENDENCY_PATH = /\/pkg\/mod\/|\/vendor\/|@v\d/;

/**
 * The one-page reading of a traceback: goroutines grouped by stack — merged when similar (same blocking
 * site, same creator, the same functions in order: line numbers of the calls between and inlining
 * differences ignored) unless `isExact` — with states summed, wait ranges, frames by origin and the
 * creation tree. Arguments are never compared (frames do not keep them). Pure; samples without
 * goroutine details (profiles) count but carry no states or waits.
 */
export function dumpOverview(dump: ParsedDump, options: OverviewOptions = {}): DumpOverview {
  // Stacks are interned by the parser (one frames array per distinct stack), so the work per stack —
  // GOROOT learning, keys, the merge key (a long string, costly to build and hash 200,000 times) — is
  // done once per distinct stack and creator, and each goroutine costs two map lookups.
  const stacks = new Set<readonly Frame[]>();
  for (const sample of dump.samples) stacks.add(sample.frames);
  const origin = new CodeOrigin(distinctFrames(stacks));
  const keyOf = new Map<readonly Frame[], StackEntry>();
  const accs = new Map<string, OverviewAcc>();
  const groupOfId = new Map<number, OverviewAcc>();
  const exactKeys = new Set<string>();
  const states = new Map<string, number>();
  let oldest: number | null = null;
  for (const sample of dump.samples) {
    let known = keyOf.get(sample.frames);
    if (!known) {
      const frames = keyFrames(sample.frames);
      const blocking = blockingSiteOf(frames, origin);
      known = { key: stackKeyOf(frames), similar: similarKey(frames, blocking), blocking, accByCreator: new Map() };
      keyOf.set(sample.frames, known);
      exactKeys.add(known.key);
    }
    const creator = sample.goroutine?.createdBy?.func ?? '';
    let acc = known.accByCreator.get(creator);
    if (!acc) {
      const mergeKey = options.isExact ? known.key : `${known.similar}|${creator}`;
      acc = accs.get(mergeKey);
      if (!acc) {
        acc = newAcc(known.key, sample, known.blocking);
        accs.set(mergeKey, acc);
      }
      known.accByCreator.set(creator, acc);
    }
    add(acc, known.key, sample);
    const g = sample.goroutine;
    if (g) {
      groupOfId.set(g.id, acc);
      states.set(g.state, (states.get(g.state) ?? 0) + sample.count);
      if (g.waitMinutes > 0) oldest = Math.max(oldest ?? 0, g.waitMinutes);
    }
  }
  const sorted = [...accs.values()].sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  const hasParentIds = dump.samples.some((s) => s.goroutine?.createdByGoroutine != null);
  return {
    total: dump.declaredTotal ?? dump.samples.reduce((n, s) => n + s.count, 0),
    isExact: options.isExact ?? false,
    exactStacks: exactKeys.size,
    states: [...states].map(([state, count]) => ({ state, count })).sort((a, b) => b.count - a.count || (a.state < b.state ? -1 : 1)),
    oldestWaitMinutes: oldest,
    groups: sorted.map((a) => toGroup(a, origin, options.suspects)),
    creationTree: creationTreeOf(sorted, groupOfId, hasParentIds, site),
    hasParentIds,
  };
}

/** What a distinct stack's goroutines share: its keys, and its merged group per creator function. */
interface StackEntry {
  key: string;
  similar: string;
  blocking: Frame | null;
  accByCreator: Map<string, OverviewAcc>;
}

/** Every frame of the distinct stacks, each distinct frame object once. */
function distinctFrames(stacks: Iterable<readonly Frame[]>): Set<Frame> {
  const frames = new Set<Frame>();
  for (const stack of stacks) for (const f of stack) frames.add(f);
  return frames;
}

/** Same blocking site, and the same functions in order with repeats folded (inlining shows some twice or not at all). */
function similarKey(frames: readonly Frame[], blocking: Frame | null): string {
  const funcs: string[] = [];
  for (const f of frames) if (funcs[funcs.length - 1] !== f.func) funcs.push(f.func);
  return `${blocking ? `${blocking.func} ${blocking.file}:${blocking.line}` : ''}|${funcs.join(',')}`;
}

function newAcc(key: string, sample: Sample, blocking: Frame | null): OverviewAcc {
  const g = sample.goroutine;
  return {
    id: key,
    keys: new Set(),
    count: 0,
    states: new Map(),
    minWait: Infinity,
    maxWait: 0,
    frames: sample.frames,
    blocking,
    createdBy: g?.createdBy ?? null,
    firstId: Infinity,
    lastId: -Infinity,
    leaked: 0,
    parents: new Map(),
  };
}

function add(acc: OverviewAcc, key: string, sample: Sample): void {
  acc.keys.add(key);
  acc.count += sample.count;
  const g = sample.goroutine;
  if (!g) return;
  acc.states.set(g.state, (acc.states.get(g.state) ?? 0) + sample.count);
  acc.minWait = Math.min(acc.minWait, g.waitMinutes);
  acc.maxWait = Math.max(acc.maxWait, g.waitMinutes);
  acc.firstId = Math.min(acc.firstId, g.id);
  acc.lastId = Math.max(acc.lastId, g.id);
  if (g.isLeaked) acc.leaked += sample.count;
  if (g.createdByGoroutine !== null) acc.parents.set(g.createdByGoroutine, (acc.parents.get(g.createdByGoroutine) ?? 0) + 1);
}

function toGroup(a: OverviewAcc, origin: CodeOrigin, suspects: ReadonlyMap<string, OverviewSuspect> | undefined): OverviewGroup {
  const frames = a.frames.map((f) => withOrigin(f, origin));
  const blockingFrameIndex = a.blocking ? a.frames.findIndex((f) => f.func === a.blocking!.func && f.line === a.blocking!.line && f.file === a.blocking!.file) : -1;
  const verdicts = [...a.keys].flatMap((k) => (suspects?.get(k) ? [suspects.get(k)!] : []));
  const suspect = verdicts.sort((x, y) => y.score - x.score)[0] ?? null;
  return {
    id: a.id,
    keys: [...a.keys],
    count: a.count,
    states: Object.fromEntries(a.states),
    waitMinutes: a.maxWait > 0 ? { min: a.minWait, max: a.maxWait } : null,
    frames,
    blockingFrameIndex,
    createdBy: a.createdBy ? withOrigin(a.createdBy, origin) : null,
    ids: { first: Number.isFinite(a.firstId) ? a.firstId : 0, last: Number.isFinite(a.lastId) ? a.lastId : 0 },
    leaked: a.leaked,
    suspect,
  };
}

/** Runtime, standard library, a dependency (module cache, vendor, `@vX`) or the service's own code. */
export function originOf(frame: Frame, origin: CodeOrigin): FrameOrigin {
  if (isRuntimeFrame(frame.func)) return 'runtime';
  if (origin.isStdlib(frame)) return 'stdlib';
  return DEPENDENCY_PATH.test(frame.file.replace(/\\/g, '/')) ? 'deps' : 'own';
}

function withOrigin(frame: Frame, origin: CodeOrigin): OverviewFrame {
  return { ...frame, origin: originOf(frame, origin) };
}

/** `main.leakA main.go:55`. */
function site(f: Frame): string {
  return `${f.func} ${baseName(f.file)}:${f.line}`;
}
