import type { DumpFormat, Frame, ProfileKind } from '../../shared/model.js';
import type { Evidence } from '../../shared/report.js';
import type { Classification } from './classify.js';
import { formatDuration, tickName } from './classify.js';
import type { StuckEvidence } from './stuck-evidence.js';
import type { TickProfile } from './session.js';
import { baseName } from './explain.js';
import { describeTurnover, isChurn, type IdTurnover } from './id-turnover.js';

/** What the runtime's own leak detection says about a group. */
export interface RuntimeProof {
  /** Largest number of the group's goroutines proved leaked at one tick (0: never). */
  maxLeaked: number;
  /** The (latest) tick where `maxLeaked` were proved. */
  provedTick: number | null;
  /** The first tick where any was proved. */
  firstProvedTick: number | null;
  /** A tick with leak evidence where the group had goroutines but none was proved. */
  unprovedTick: number | null;
}

/** The process totals around the group, as measured. */
export interface CountContext {
  tick: number;
  profiles: readonly TickProfile[];
  numGoroutine: number | null;
  /** Growth of the counting profile's total over the window; null with fewer than two counts. */
  totalGrowth: number | null;
  /** The group's own change between the same two ticks as `totalGrowth`. */
  groupGrowth: number | null;
}

export interface ScoreInput {
  classification: Classification;
  stuck: StuckEvidence;
  runtime: RuntimeProof;
  counts: CountContext;
  createdBy: Frame | null;
  minGrowth: number;
  timesAssumed: boolean;
  /** False when the tick times are unknown: the growth evidence gives counts, not a rate. */
  hasRate?: boolean;
}

export interface Scored {
  score: number;
  reasons: string[];
  evidence: Evidence[];
}

const NOT_GROWING_SCORE: Record<string, number> = { stablePool: 0.05, drainedSpike: 0.1, transient: 0.02 };

/**
 * One leak score in 0..1 with the reasons behind it, and the evidence in numbers and words. A
 * runtime-proved group scores 1; a growing one at most 0.99, by its growth, monotonicity, persistence, stuck
 * evidence, whether it is still at its peak and the number of ticks; others a small constant.
 */
export function scoreGroup(input: ScoreInput): Scored {
  const { classification: c, stuck, runtime } = input;
  const t = c.trend;
  const evidence = evidenceOf(input);
  if (c.class !== 'growingLeak' && runtime.maxLeaked === 0) return { score: NOT_GROWING_SCORE[c.class]!, reasons: [c.why], evidence };
  const rise = t.peak - t.baseline;
  const growth = 1 - Math.exp(-Math.max(0, t.growth) / (4 * input.minGrowth));
  const persistence = Math.min(1, t.excursionTicks / Math.max(4, t.measuredTicks / 3));
  const known: number[] = [];
  if (stuck.ids) known.push(stuck.ids.persisted / stuck.ids.of);
  // Stayers that accumulated while others came and went are stuck, however few of the first dump's ids persist.
  if (stuck.idTurnover && stuck.idTurnover.accumulated >= input.minGrowth) known.push(1);
  if (stuck.maxWaitMinutes !== null && stuck.maxWaitMinutes >= 1) known.push(1);
  if (stuck.permanentState) known.push(1);
  const stuckScore = known.length > 0 ? Math.max(...known) : 0.5;
  const atPeak = rise > 0 ? Math.min(1, Math.max(0, (t.last - t.baseline) / rise)) : 0;
  const tickConfidence = Math.min(1, (t.measuredTicks - 1) / 4);
  let score = 0.25 * growth + 0.2 * t.monotonicity + 0.2 * persistence + 0.15 * stuckScore + 0.1 * atPeak + 0.1 * tickConfidence;
  const reasons: string[] = [];
  if (runtime.maxLeaked > 0) reasons.push(`the runtime proved ${runtime.maxLeaked} of its goroutines leaked`);
  if (c.class === 'growingLeak') {
    reasons.push(
      `${t.baseline} → ${t.last}, never back near its baseline`,
      t.monotonicity >= 0.99 ? 'only ever grew' : `mostly grew (monotonicity ${t.monotonicity.toFixed(2)})`,
      `above baseline for the last ${t.excursionTicks} of ${t.measuredTicks} ticks`,
    );
  } else {
    reasons.push(c.why);
  }
  if (stuck.ids) reasons.push(`${stuck.ids.persisted} of ${stuck.ids.of} ids persist`);
  if (stuck.idTurnover) reasons.push(turnoverReason(stuck.idTurnover, input.minGrowth));
  if (stuck.maxWaitMinutes !== null && stuck.maxWaitMinutes >= 1) reasons.push(`waiting ${stuck.maxWaitMinutes} min`);
  if (stuck.permanentState) reasons.push(`${stuck.permanentState} can never end`);
  if (t.measuredTicks < 5) reasons.push(`only ${t.measuredTicks} ticks`);
  if (runtime.maxLeaked > 0) return { score: 1, reasons, evidence };
  if (stuck.wakeUp) {
    score *= 0.3;
    reasons.push('wakes up (timer or ticker): not stuck');
  } else if (stuck.turnover) {
    score *= 0.3;
    reasons.push('its goroutines are replaced between full dumps: not stuck');
  }
  // 1 is kept for what the runtime proved.
  return { score: Math.min(0.99, round(score, 3)), reasons, evidence };
}

function evidenceOf(input: ScoreInput): Evidence[] {
  const { classification: c, stuck, runtime, counts } = input;
  const t = c.trend;
  const out: Evidence[] = [];
  const assumed = input.timesAssumed ? ', times assumed from the file order' : '';
  const since = t.riseFromTick !== null ? ` over its rise since ${tickName(t.riseFromTick)}` : '';
  out.push(
    input.hasRate === false
      ? {
          kind: 'growth',
          value: t.growth,
          text: `${t.baseline} → ${t.last} goroutines over ${t.measuredTicks} snapshots (+${t.growth}): no rate, since the files carry no time and no interval was given`,
        }
      : {
          kind: 'growth',
          value: round(t.growthPerMin, 2),
          text: `${t.baseline} → ${t.last} goroutines over ${formatDuration(t.windowMs)}: ${round(t.growthPerMin, 1)}/min by a robust slope${since}${assumed}`,
        },
  );
  out.push({
    kind: 'baseline',
    value: t.excursionTicks === 0,
    text:
      t.excursionTicks === 0
        ? `back near its baseline of ${t.baseline} at ${tickName(t.lastLowTick ?? t.lastTick)}`
        : `never back near its baseline of ${t.baseline}${t.lastLowTick !== null ? ` after ${tickName(t.lastLowTick)}` : ''}${t.returnedToBaseline ? ' (it had come back once before)' : ''}: ${input.minGrowth} or more above it for the last ${t.excursionTicks} tick${t.excursionTicks === 1 ? '' : 's'} (${formatDuration(t.excursionMs)})`,
  });
  out.push({ kind: 'monotonicity', value: round(t.monotonicity, 2), text: `monotonicity ${t.monotonicity.toFixed(2)}: ${t.monotonicity >= 0.99 ? 'it only grew' : `${Math.round(t.monotonicity * 100)} % of its changes were rises`}` });
  out.push({
    kind: 'ticks',
    value: t.measuredTicks,
    text: t.measuredTicks <= 2 ? `only ${t.measuredTicks} measured tick(s): a spike that drains would look the same; record longer` : `${t.measuredTicks} measured ticks`,
  });
  if (stuck.ids) {
    const i = stuck.ids;
    const o = stuck.turnover;
    // Persistence and turnover side by side: "1 of the 2 ids seen at t0 are still there" proves nothing
    // when the group's other ids came and went.
    const persistence = `${i.persisted} of the ${i.of} goroutine ids seen at ${tickName(i.fromTick)} are still there at ${tickName(i.toTick)} (oldest ${i.oldestId}), ${i.newer} newer ids joined`;
    const pairs = o ? `; at most ${o.maxPersisted} stayed from one full dump to the next (${o.pairs} pairs of dumps; of the ${o.of} at ${tickName(o.fromTick)}, ${o.stayed} were still there at ${tickName(o.toTick)})` : '';
    out.push({
      kind: 'ids',
      value: round(i.persisted / i.of, 3),
      text: stuck.idTurnover
        ? `${persistence}${pairs}; ${describeTurnover(stuck.idTurnover, input.minGrowth)}`
        : `${persistence}: Go numbers goroutines in increasing order, so old ids that never leave are stuck`,
    });
  }
  if (stuck.maxWaitMinutes !== null) {
    const hidden = stuck.isWaitHidden ? '; Go prints no wait for the goroutines it marked (leaked)' : '';
    out.push({
      kind: 'wait',
      value: stuck.maxWaitMinutes,
      text:
        stuck.maxWaitMinutes >= 1
          ? `longest wait ${stuck.maxWaitMinutes} minute${stuck.maxWaitMinutes === 1 ? '' : 's'} (full dump at ${tickName(stuck.maxWaitTick!)})${hidden}`
          : `no goroutine shows a wait of a minute yet (Go prints wait minutes after 1 minute, once a GC has run)${hidden}`,
    });
  }
  if (stuck.states) {
    const [state, n] = Object.entries(stuck.states).sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
    const permanent = stuck.permanentState ? `; ${stuck.permanentState} can never end` : '';
    out.push({ kind: 'state', value: state, text: `state ${state} (${n} goroutines at ${tickName(stuck.statesTick!)})${permanent}` });
  }
  if (input.createdBy) {
    const cb = input.createdBy;
    out.push({ kind: 'createdBy', value: `${cb.func} ${cb.file}:${cb.line}`, text: `created by ${cb.func} at ${baseName(cb.file)}:${cb.line}` });
  }
  out.push(countsEvidence(counts));
  if (runtime.maxLeaked > 0) {
    const first = runtime.firstProvedTick !== null && runtime.firstProvedTick < runtime.provedTick! ? `; first proved at ${tickName(runtime.firstProvedTick)}` : '';
    out.push({
      kind: 'runtime',
      value: runtime.maxLeaked,
      text: `the runtime proved ${runtime.maxLeaked} of them leaked (goroutineleak evidence at ${tickName(runtime.provedTick!)}${first})`,
    });
  } else if (runtime.unprovedTick !== null) {
    out.push({
      kind: 'runtime',
      value: 0,
      text:
        `not in the goroutineleak evidence at ${tickName(runtime.unprovedTick)}: the runtime proves only goroutines blocked on a channel or lock ` +
        'that no global variable and no running goroutine can reach, so the trend evidence stands',
    });
  }
  if (stuck.wakeUp) {
    const w = stuck.wakeUp;
    out.push({
      kind: 'wakeUp',
      value: round(w.spanMinutes, 1),
      text:
        w.how === 'reset'
          ? `between ${tickName(w.fromTick)} and ${tickName(w.toTick)} every goroutine stayed but the longest wait fell to ${w.waitMinutes} min: they wake up (a timer or ticker in the select)`
          : `ids persisted from ${tickName(w.fromTick)} to ${tickName(w.toTick)} (${round(w.spanMinutes, 1)} min) while the longest wait stayed ${w.waitMinutes} min: they wake up (a timer or ticker in the select)`,
    });
  }
  return out;
}

function turnoverReason(t: IdTurnover, minGrowth: number): string {
  if (t.gone === 0) return 'no id left between full dumps';
  const share = `${t.gone} of ${t.seen} ids gone by the next full dump`;
  if (t.accumulated >= minGrowth) return `${share}, yet ${t.stuckIds.length} stayed longer than the ones that left`;
  return isChurn(t, minGrowth) ? `${share}: replaced, not kept` : share;
}

function countsEvidence(c: CountContext): Evidence {
  const measured = c.profiles.map((p) => `${profileLabel(p.format, p.profile)} ${p.total}`);
  if (c.numGoroutine !== null) measured.push(`NumGoroutine ${c.numGoroutine}`);
  // Both changes over the same two ticks, so the shares of several groups add up.
  const share = c.totalGrowth !== null && c.totalGrowth > 0 && c.groupGrowth !== null && c.groupGrowth > 0 ? c.groupGrowth / c.totalGrowth : null;
  const shareText = share !== null ? `; its +${c.groupGrowth} is ${Math.round(share * 100)} % of the total's growth (+${c.totalGrowth})` : '';
  return {
    kind: 'counts',
    value: share !== null ? round(share, 3) : null,
    text: `process totals at ${tickName(c.tick)}, as measured: ${measured.join(', ') || 'none'}${shareText}`,
  };
}

/** `debug=1`, `debug=2`, `protobuf`, `goroutineleak`, `expvar`. */
export function profileLabel(format: DumpFormat, profile: ProfileKind | null): string {
  if (profile === 'goroutineleak') return format === 'debug1' ? 'goroutineleak debug=1' : 'goroutineleak';
  switch (format) {
    case 'debug1':
      return 'debug=1';
    case 'traceback':
      return 'debug=2';
    case 'pprof-proto':
      return 'protobuf';
    default:
      return format;
  }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
