import type { Frame, Group, LabelSet, Snapshot } from '../../shared/model.js';
import type { ParsedDump, Sample } from './types.js';
import { CodeOrigin } from './code-origin.js';
import { keyFrames } from '../../shared/key-frames.js';
import { stackKeyOf } from './stack-key.js';
import { labelSetKey, sortedLabelSet } from '../../shared/labels.js';

interface GroupAcc {
  frames: Frame[];
  count: number;
  /** Boxed counts: one lookup per sample. */
  states: Map<string, { count: number }>;
  leakedCount: number;
  maxWaitMinutes: number | null;
  createdBy: Frame | null;
  labels: Map<string, { labels: LabelSet; count: number }>;
  ids: number[];
  isLocked: boolean;
}

/**
 * Groups a parsed snapshot by normalised stack (see ARCHITECTURE.md, "Group key"): one leak is one
 * group whatever the format. Groups come largest first; ties by key, so output is deterministic.
 */
export function groupDump(dump: ParsedDump): Snapshot {
  const frameIds = new Map<Frame, number>();
  const byIdentity = new Map<string, GroupAcc>();
  // Parsers share one frames array between goroutines with the same stack: key each array once, and
  // remember its group; consecutive samples usually share their array, so the last one is tried first.
  const accOf = new Map<readonly Frame[], GroupAcc>();
  let lastFrames: readonly Frame[] | null = null;
  let lastAcc: GroupAcc | null = null;
  for (const sample of dump.samples) {
    let acc: GroupAcc | undefined = sample.frames === lastFrames && lastAcc !== null ? lastAcc : accOf.get(sample.frames);
    if (acc === undefined) {
      acc = accOfFrames(sample.frames, frameIds, byIdentity);
      accOf.set(sample.frames, acc);
    }
    lastFrames = sample.frames;
    lastAcc = acc;
    addSample(acc, sample);
  }
  // Frames from different FrameInterners are equal by value, not identity: merge by content key.
  const origin = new CodeOrigin(frameIds.keys());
  const byKey = new Map<string, Group>();
  for (const acc of byIdentity.values()) {
    const key = stackKeyOf(acc.frames);
    const group = toGroup(key, acc, origin);
    const existing = byKey.get(key);
    byKey.set(key, existing ? mergeGroups(existing, group) : group);
  }
  const groups = [...byKey.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  const counted = groups.reduce((n, g) => n + g.count, 0);
  return {
    format: dump.format,
    profile: dump.profile,
    total: dump.declaredTotal ?? counted,
    takenAtMs: dump.takenAtMs,
    groups,
    metrics: dump.metrics,
    threadStacks: dump.threadStacks,
    warnings: dump.warnings,
  };
}

/** The group of a stack not keyed yet: its key frames as an identity string of frame numbers. */
function accOfFrames(stack: readonly Frame[], frameIds: Map<Frame, number>, byIdentity: Map<string, GroupAcc>): GroupAcc {
  const frames = keyFrames(stack);
  let identity = '';
  for (const f of frames) {
    let id = frameIds.get(f);
    if (id === undefined) {
      id = frameIds.size;
      frameIds.set(f, id);
    }
    identity += `${id},`;
  }
  let acc = byIdentity.get(identity);
  if (acc === undefined) {
    acc = {
      frames,
      count: 0,
      states: new Map(),
      leakedCount: 0,
      maxWaitMinutes: null,
      createdBy: null,
      labels: new Map(),
      ids: [],
      isLocked: false,
    };
    byIdentity.set(identity, acc);
  }
  return acc;
}

function addSample(acc: GroupAcc, sample: Sample): void {
  acc.count += sample.count;
  const g = sample.goroutine;
  if (g) {
    const state = acc.states.get(g.state);
    if (state) state.count += sample.count;
    else acc.states.set(g.state, { count: sample.count });
    if (g.isLeaked) acc.leakedCount += sample.count;
    if (acc.maxWaitMinutes === null || g.waitMinutes > acc.maxWaitMinutes) acc.maxWaitMinutes = g.waitMinutes;
    acc.createdBy ??= g.createdBy;
    acc.ids.push(g.id);
    if (g.isLocked) acc.isLocked = true;
  }
  if (sample.labels) {
    // Formats order a set's keys differently: key it sorted, so one set is one entry in every format.
    const labelKey = labelSetKey(sample.labels);
    const entry = acc.labels.get(labelKey);
    if (entry) entry.count += sample.count;
    else acc.labels.set(labelKey, { labels: sortedLabelSet(sample.labels), count: sample.count });
  }
}

function toGroup(key: string, acc: GroupAcc, origin: CodeOrigin): Group {
  return {
    key,
    count: acc.count,
    states: Object.fromEntries([...acc.states].map(([state, n]) => [state, n.count])),
    leakedCount: acc.leakedCount,
    maxWaitMinutes: acc.maxWaitMinutes,
    blockingSite: blockingSiteOf(acc.frames, origin),
    createdBy: acc.createdBy,
    frames: acc.frames,
    labels: sortLabelCounts([...acc.labels.values()]),
    ids: acc.ids.sort((a, b) => a - b),
    isLocked: acc.isLocked,
  };
}

/** The first frame in the service's own code; else the top frame of the key (e.g. net/http's readLoop). */
export function blockingSiteOf(frames: readonly Frame[], origin: CodeOrigin): Frame | null {
  for (const f of frames) if (origin.isUserCode(f)) return f;
  return frames[0] ?? null;
}

function mergeGroups(a: Group, b: Group): Group {
  const states = { ...a.states };
  for (const [s, n] of Object.entries(b.states)) states[s] = (states[s] ?? 0) + n;
  return {
    ...a,
    count: a.count + b.count,
    states,
    leakedCount: a.leakedCount + b.leakedCount,
    maxWaitMinutes:
      a.maxWaitMinutes === null ? b.maxWaitMinutes : b.maxWaitMinutes === null ? a.maxWaitMinutes : Math.max(a.maxWaitMinutes, b.maxWaitMinutes),
    createdBy: a.createdBy ?? b.createdBy,
    labels: mergeLabelCounts(a.labels, b.labels),
    ids: [...a.ids, ...b.ids].sort((x, y) => x - y),
    isLocked: a.isLocked || b.isLocked,
  };
}

/** Label sets with counts, largest first; ties by their text, so output is deterministic. */
function sortLabelCounts(list: Group['labels']): Group['labels'] {
  const keyed = list.map((l) => ({ l, key: labelSetKey(l.labels) }));
  keyed.sort((a, b) => b.l.count - a.l.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.l);
}

function mergeLabelCounts(a: Group['labels'], b: Group['labels']): Group['labels'] {
  const byKey = new Map<string, { labels: LabelSet; count: number }>();
  for (const l of [...a, ...b]) {
    const key = labelSetKey(l.labels);
    const entry = byKey.get(key);
    if (entry) entry.count += l.count;
    else byKey.set(key, { labels: l.labels, count: l.count });
  }
  return sortLabelCounts([...byKey.values()]);
}
