import type { Frame, Group, RuntimeMetrics } from '../../shared/model.js';
import { BugError } from '../../shared/errors.js';
import { NOT_MEASURED, type AnalysisSession, type AnalysisTick, type GroupSeries, type TickProfile } from './session.js';

/** What identifies a group's stack; the store keeps this once per stack. */
export interface GroupInfo {
  key: string;
  frames: Frame[];
  blockingSite: Frame | null;
  createdBy?: Frame | null;
  labels?: Group['labels'];
  isLocked?: boolean;
}

export interface TickInput {
  atMs: number;
  isFailed?: boolean;
  error?: string | null;
  metrics?: RuntimeMetrics | null;
}

export interface FullDumpGroupInput {
  states: Readonly<Record<string, number>>;
  ids: readonly number[];
  maxWaitMinutes: number | null;
}

interface PendingGroup {
  index: number;
  info: Required<GroupInfo>;
  firstLabels: Group['labels'];
  /** Whole series handed over at once (a store's rows); copied in build(). */
  countSeries: ArrayLike<number | null> | null;
  waitSeries: ArrayLike<number | null> | null;
  leakedSeries: ArrayLike<number | null> | null;
  states: Map<number, Readonly<Record<string, number>>>;
  ids: Map<number, Float64Array>;
}

/** Per-tick values as flat (group, tick, value) triples: cheap to push 1.8 M of them. */
class Triples {
  readonly groups: number[] = [];
  readonly ticks: number[] = [];
  readonly values: number[] = [];
  push(group: number, tick: number, value: number): void {
    this.groups.push(group);
    this.ticks.push(tick);
    this.values.push(value);
  }
}

/**
 * Fills an AnalysisSession piece by piece: from parsed snapshots (`fromSnapshots`) or from a store's
 * rows. Ticks must be added in time order. A group must be defined before data is set for it;
 * a broken order throws BugError.
 */
export class SessionBuilder {
  private readonly ticks: AnalysisTick[] = [];
  private readonly fullDumpTicks: number[] = [];
  private readonly groups = new Map<string, PendingGroup>();
  private readonly counts = new Triples();
  private readonly waits = new Triples();
  private readonly leaked = new Triples();

  addTick(input: TickInput): number {
    const last = this.ticks[this.ticks.length - 1];
    if (last && input.atMs < last.atMs) {
      throw new BugError(`tick at ${input.atMs} ms added after a tick at ${last.atMs} ms: ticks must come in time order`);
    }
    this.ticks.push({
      atMs: input.atMs,
      isFailed: input.isFailed ?? false,
      error: input.error ?? null,
      profiles: [],
      countFormat: null,
      metrics: input.metrics ?? null,
      fullDump: -1,
      hasLeakEvidence: false,
    });
    return this.ticks.length - 1;
  }

  /** Records a profile's total; the first counting profile of a tick becomes its `countFormat`. */
  addProfile(tick: number, profile: TickProfile, isCountSource: boolean): void {
    const t = this.tick(tick);
    t.profiles.push(profile);
    if (profile.profile === 'goroutineleak') t.hasLeakEvidence = true;
    if (isCountSource) {
      if (t.countFormat !== null) throw new BugError(`tick ${tick} already counts from ${t.countFormat}`);
      t.countFormat = profile.format;
    }
  }

  setMetrics(tick: number, metrics: RuntimeMetrics): void {
    this.tick(tick).metrics = metrics;
  }

  /** Marks the tick as having a full dump; returns the full-dump index. Idempotent per tick. */
  markFullDump(tick: number): number {
    const t = this.tick(tick);
    if (t.fullDump < 0) {
      t.fullDump = this.fullDumpTicks.length;
      this.fullDumpTicks.push(tick);
    }
    return t.fullDump;
  }

  markLeakEvidence(tick: number): void {
    this.tick(tick).hasLeakEvidence = true;
  }

  /** The group's label sets at its first and at its latest labelled snapshot (a store's rows). */
  setLabelSpan(key: string, first: Group['labels'], last: Group['labels']): void {
    const g = this.groups.get(key);
    if (!g) throw new BugError(`labels set for group ${key} before it was defined`);
    g.firstLabels = first;
    g.info.labels = last;
  }

  /** Adds a group, or completes what is known of it (a creation site from a later full dump). */
  defineGroup(info: GroupInfo): void {
    const existing = this.groups.get(info.key);
    if (existing) {
      existing.info.createdBy ??= info.createdBy ?? null;
      if (info.labels && info.labels.length > 0) {
        if (existing.firstLabels.length === 0) existing.firstLabels = info.labels;
        existing.info.labels = info.labels;
      }
      if (info.isLocked) existing.info.isLocked = true;
      return;
    }
    this.groups.set(info.key, {
      index: this.groups.size,
      info: {
        key: info.key,
        frames: info.frames,
        blockingSite: info.blockingSite,
        createdBy: info.createdBy ?? null,
        labels: info.labels ?? [],
        isLocked: info.isLocked ?? false,
      },
      firstLabels: info.labels ?? [],
      states: new Map(),
      ids: new Map(),
      countSeries: null,
      waitSeries: null,
      leakedSeries: null,
    });
  }

  /**
   * The group's counts for every tick at once, the shape a store reads them in: null where the tick
   * has no count source (an Int32Array: NOT_MEASURED there). Faster than setCount per tick for long
   * sessions; call after the ticks exist.
   */
  setCountSeries(key: string, counts: ArrayLike<number | null>): void {
    this.checkLength(counts, 'counts', key);
    this.group(key).countSeries = counts;
  }

  /** Longest wait per tick (null where no full dump has the group). */
  setWaitSeries(key: string, waits: ArrayLike<number | null>): void {
    this.checkLength(waits, 'waits', key);
    this.group(key).waitSeries = waits;
  }

  /** Goroutines proved leaked per tick (null where the tick has no leak evidence; marks the others). */
  setLeakedSeries(key: string, leaked: ArrayLike<number | null>): void {
    this.checkLength(leaked, 'leaked counts', key);
    this.group(key).leakedSeries = leaked;
    for (let t = 0; t < leaked.length; t++) if (leaked[t] !== null) this.ticks[t]!.hasLeakEvidence = true;
  }

  /** The group's count at a tick with a count source (absent groups count 0; a repeat adds up). */
  setCount(tick: number, key: string, count: number): void {
    if (this.tick(tick).countFormat === null) throw new BugError(`tick ${tick} has no count source: call addProfile first`);
    this.counts.push(this.group(key).index, tick, count);
  }

  setFullDumpGroup(tick: number, key: string, input: FullDumpGroupInput): void {
    const dump = this.markFullDump(tick);
    const g = this.group(key);
    g.states.set(dump, input.states);
    g.ids.set(dump, Float64Array.from(input.ids));
    this.waits.push(g.index, tick, input.maxWaitMinutes ?? 0);
  }

  /** Goroutines of the group the runtime proved leaked at this tick (marks the tick as evidence). */
  setLeaked(tick: number, key: string, count: number): void {
    this.markLeakEvidence(tick);
    this.leaked.push(this.group(key).index, tick, count);
  }

  build(): AnalysisSession {
    const n = this.ticks.length;
    const dumps = this.fullDumpTicks.length;
    const pending = [...this.groups.values()];
    const counts = pending.map(() => new Int32Array(n).fill(NOT_MEASURED));
    const waits = pending.map(() => new Int32Array(n).fill(NOT_MEASURED));
    const leaked = pending.map(() => new Int32Array(n).fill(NOT_MEASURED));
    // Absent from a profile that was measured means 0, not unknown.
    for (let t = 0; t < n; t++) {
      const tick = this.ticks[t]!;
      for (let g = 0; g < pending.length; g++) {
        if (tick.countFormat !== null) counts[g]![t] = 0;
        if (tick.hasLeakEvidence) leaked[g]![t] = 0;
      }
    }
    fill(counts, this.counts, (old, v) => old + v);
    fill(waits, this.waits, (old, v) => Math.max(old, v));
    fill(leaked, this.leaked, (old, v) => Math.max(old, v));
    pending.forEach((g, i) => {
      copySeries(counts[i]!, g.countSeries);
      copySeries(waits[i]!, g.waitSeries);
      copySeries(leaked[i]!, g.leakedSeries);
    });
    return {
      ticks: this.ticks,
      fullDumpTicks: this.fullDumpTicks,
      groups: pending.map((g, i) => {
        const states: GroupSeries['states'] = new Array<null>(dumps).fill(null);
        const ids: GroupSeries['ids'] = new Array<null>(dumps).fill(null);
        for (const [d, s] of g.states) states[d] = s;
        for (const [d, list] of g.ids) ids[d] = list;
        return { ...g.info, firstLabels: g.firstLabels, counts: counts[i]!, maxWaitMinutes: waits[i]!, leaked: leaked[i]!, states, ids };
      }),
    };
  }

  private checkLength(series: ArrayLike<unknown>, what: string, key: string): void {
    if (series.length !== this.ticks.length) {
      throw new BugError(`${what} of group ${key} has ${series.length} entries for ${this.ticks.length} ticks`);
    }
  }

  private tick(index: number): AnalysisTick {
    const t = this.ticks[index];
    if (!t) throw new BugError(`tick ${index} does not exist (${this.ticks.length} ticks added)`);
    return t;
  }

  private group(key: string): PendingGroup {
    const g = this.groups.get(key);
    if (!g) throw new BugError(`group ${key} used before defineGroup`);
    return g;
  }
}

function copySeries(target: Int32Array, series: ArrayLike<number | null> | null): void {
  if (!series) return;
  // A store's typed read (Int32Array) already holds NOT_MEASURED where the series has null.
  if (series instanceof Int32Array) {
    target.set(series);
    return;
  }
  for (let t = 0; t < target.length; t++) {
    const v = series[t];
    target[t] = v === null || v === undefined ? NOT_MEASURED : v;
  }
}

/** Writes triples into per-group arrays; a second value for the same cell is merged with `merge`. */
function fill(target: Int32Array[], triples: Triples, merge: (old: number, value: number) => number): void {
  for (let i = 0; i < triples.values.length; i++) {
    const row = target[triples.groups[i]!]!;
    const t = triples.ticks[i]!;
    const old = row[t]!;
    row[t] = old <= 0 ? triples.values[i]! : merge(old, triples.values[i]!);
  }
}

