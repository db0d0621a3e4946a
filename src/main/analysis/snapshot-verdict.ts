import type { Evidence, Strength } from '../../shared/report.js';
import type { Frame } from '../../shared/model.js';
import type { CodeOrigin } from '../dump/code-origin.js';
import { baseName } from './explain.js';
import { round } from './evidence.js';
import { NOT_MEASURED, type AnalysisSession, type GroupSeries } from './session.js';
import { blockedKindOf, isHttpServerCreated, type BlockedKind } from './snapshot-kinds.js';

/**
 * Leak evidence from one snapshot (issue #14). One dump shows where goroutines wait now, never
 * whether their number grows; so every verdict states its strength and the reasons, and never
 * reads as trend evidence:
 * - proof: the runtime marked the goroutines `(leaked)` or listed them in a goroutineleak profile;
 * - strong: blocked on a channel or lock, far larger than the dump's other groups and created by the
 *   service's own code; or blocked forever by construction (nil channel, `select {}`); or blocked
 *   for minutes where nothing should take minutes (a request, a channel send, a lock);
 * - weak: what a burst in progress or a large healthy pool looks like just as well (sleepers,
 *   connections, in-flight requests, formats without states).
 */

/** A group's verdict from one snapshot; null for groups with no single-snapshot leak evidence. */
export interface SnapshotVerdict {
  strength: Strength;
  score: number;
  reasons: string[];
  evidence: Evidence[];
}

// Below this size a group of identical stacks is a pool or a handful of connections, not an outlier.
const OUTLIER_MIN_COUNT = 50;
// "Far larger": this many times the dump's median group.
const OUTLIER_RATIO = 10;
// http.DefaultTransport keeps at most 100 idle connections (MaxIdleConns): more live readLoops than that
// are connections held by someone, typically by response bodies nobody closed.
const DEFAULT_MAX_IDLE_CONNS = 100;
const READ_LOOP = 'net/http.(*persistConn).readLoop';
const WRITE_LOOP = 'net/http.(*persistConn).writeLoop';
// Waits a healthy service rarely shows on a send, a lock or a WaitGroup (idle receivers wait for hours).
const LONG_WAIT_MIN = 5;

/** The one tick a single-snapshot verdict reads: the session's only measured tick, else null. */
export function singleSnapshotTick(session: AnalysisSession): number | null {
  const measured = session.ticks.flatMap((t, i) => (!t.isFailed && t.countFormat !== null ? [i] : []));
  return measured.length === 1 ? measured[0]! : null;
}

/** What the whole dump says that each group is weighed against. */
interface DumpContext {
  tick: number;
  fullDump: number;
  /** Median size of the groups under OUTLIER_MIN_COUNT (1 when there is none). */
  medianCount: number;
  /** Longest wait of any goroutine (the oldest waits), and goroutine 1's; null when not printed. */
  oldestWaitMinutes: number | null;
  mainWaitMinutes: number | null;
  origin: CodeOrigin;
  /** Blocked goroutines and groups per creating function. */
  blockedByCreator: ReadonlyMap<string, { count: number; groups: number }>;
}

/**
 * A verdict per group of `session.groups` (same order) for a session of one measured tick. Pure;
 * never throws for data. Ignore rules are the caller's: a verdict says only what the dump shows.
 */
export function snapshotVerdicts(session: AnalysisSession, tick: number, origin: CodeOrigin): (SnapshotVerdict | null)[] {
  const fullDump = session.ticks[tick]!.fullDump;
  // The yardstick is the dump's ordinary groups: several large leaks side by side must not hide each other.
  const counts = session.groups.map((g) => g.counts[tick]!).filter((c) => c > 0 && c < OUTLIER_MIN_COUNT).sort((a, b) => a - b);
  const waits = session.groups.map((g) => g.maxWaitMinutes[tick]!).filter((w) => w !== NOT_MEASURED && w > 0);
  const mainGroup = fullDump >= 0 ? session.groups.find((g) => g.ids[fullDump]?.[0] === 1) : undefined;
  const mainWait = mainGroup ? mainGroup.maxWaitMinutes[tick]! : NOT_MEASURED;
  const blockedByCreator = new Map<string, { count: number; groups: number }>();
  for (const g of session.groups) {
    const n = g.counts[tick]!;
    const kind = blockedKindOf(fullDump >= 0 ? (g.states[fullDump] ?? null) : null);
    if (!g.createdBy || n <= 0 || kind === 'running' || kind === 'unknown') continue;
    const at = blockedByCreator.get(creatorKey(g.createdBy)) ?? { count: 0, groups: 0 };
    blockedByCreator.set(creatorKey(g.createdBy), { count: at.count + n, groups: at.groups + 1 });
  }
  const ctx: DumpContext = {
    blockedByCreator,
    tick,
    fullDump,
    medianCount: counts[Math.floor((counts.length - 1) / 2)] ?? 1,
    oldestWaitMinutes: waits.length > 0 ? Math.max(...waits) : null,
    mainWaitMinutes: mainWait > 0 ? mainWait : null,
    origin,
  };
  return session.groups.map((g) => verdictOf(ctx, g));
}

function verdictOf(ctx: DumpContext, g: GroupSeries): SnapshotVerdict | null {
  const count = g.counts[ctx.tick]!;
  if (count <= 0) return null;
  const leaked = g.leaked[ctx.tick]!;
  const states = ctx.fullDump >= 0 ? g.states[ctx.fullDump] : null;
  const ids = ctx.fullDump >= 0 ? g.ids[ctx.fullDump] : null;
  const wait = g.maxWaitMinutes[ctx.tick]!;
  const kind = blockedKindOf(states ?? null);
  const siblings = g.createdBy ? (ctx.blockedByCreator.get(creatorKey(g.createdBy)) ?? null) : null;
  const isBigFamily = siblings !== null && siblings.groups > 1 && siblings.count >= OUTLIER_MIN_COUNT && siblings.count >= OUTLIER_RATIO * Math.max(1, ctx.medianCount);
  const facts: GroupFacts = {
    count,
    kind,
    state: dominantState(states ?? null),
    waitMinutes: wait === NOT_MEASURED ? null : wait,
    ids: ids && ids.length > 0 ? ids : null,
    isOutlier: (count >= OUTLIER_MIN_COUNT && count >= OUTLIER_RATIO * Math.max(1, ctx.medianCount)) || isBigFamily,
    family: isBigFamily ? siblings : null,
    isOwnCreator: g.createdBy !== null && ctx.origin.isUserCode(g.createdBy),
    isRequest: isHttpServerCreated(g.createdBy),
    isClientConn: g.frames.some((f) => f.func === READ_LOOP || f.func === WRITE_LOOP),
  };
  if (leaked > 0 && leaked !== NOT_MEASURED) return withStrength('proof', [`the runtime proved ${leaked} of its ${count} goroutines leaked`], facts, ctx, g);
  const judged = judge(facts);
  return judged ? withStrength(judged.strength, judged.reasons, facts, ctx, g) : null;
}

interface GroupFacts {
  count: number;
  kind: BlockedKind;
  state: string | null;
  waitMinutes: number | null;
  ids: Float64Array | null;
  isOutlier: boolean;
  isOwnCreator: boolean;
  isRequest: boolean;
  isClientConn: boolean;
  /** Its creation site started this many blocked goroutines in several groups (one site, many blocked children). */
  family: { count: number; groups: number } | null;
}

/** The strength rules of the module comment, first match wins; null: no single-snapshot evidence. */
function judge(f: GroupFacts): { strength: Strength; reasons: string[] } | null {
  const waited = f.waitMinutes !== null && f.waitMinutes >= 1;
  if (f.kind === 'forever' && f.count >= 2) return { strength: 'strong', reasons: [`${f.state} can never end: nothing can ever make a nil channel or an empty select ready`] };
  if (f.isClientConn && f.count > DEFAULT_MAX_IDLE_CONNS) {
    return { strength: 'strong', reasons: [`${f.count} HTTP client connections alive, more than http.Transport keeps idle by default (${DEFAULT_MAX_IDLE_CONNS}): something holds them`] };
  }
  if (!f.isOutlier) {
    const isLongStuck = (f.kind === 'send' || f.kind === 'lock') && f.count >= 2 && f.waitMinutes !== null && f.waitMinutes >= LONG_WAIT_MIN;
    return isLongStuck ? { strength: 'weak', reasons: [`${f.count} goroutines blocked in ${f.state} for up to ${f.waitMinutes} minutes`] } : null;
  }
  switch (f.kind) {
    case 'send':
    case 'receive':
    case 'lock':
      if (f.isRequest && !waited) {
        return { strength: 'weak', reasons: ['its goroutines serve HTTP requests (created by net/http.(*Server).Serve) and none has waited a minute: a burst of requests in progress looks the same'] };
      }
      if (f.isRequest) return { strength: 'strong', reasons: [`HTTP requests blocked for up to ${f.waitMinutes} minutes`] };
      if (!f.isOwnCreator) return { strength: 'weak', reasons: ['created outside the service’s own code: a library’s pool of this size may be by design'] };
      return { strength: 'strong', reasons: ['blocked on a channel or lock and created by the service’s own code'] };
    case 'sleep':
      return {
        strength: 'weak',
        reasons: ['sleeping goroutines are usually periodic loops; a burst of sleepers in progress looks the same as a sleeping leak of the same size, and whether they ever wake needs a second dump'],
      };
    case 'io':
      return { strength: 'weak', reasons: ['waiting for network I/O: open connections (keep-alive, streams) look the same as leaked ones'] };
    case 'unknown':
      return { strength: 'weak', reasons: ['this format has no states or wait times: take a debug=2 dump to see what they wait on'] };
    case 'forever':
    case 'running':
      return null;
  }
}

function withStrength(strength: Strength, reasons: string[], f: GroupFacts, ctx: DumpContext, g: GroupSeries): SnapshotVerdict {
  const evidence: Evidence[] = [];
  const all = [...reasons];
  if (f.family && g.createdBy) {
    all.push(`${g.createdBy.func} started ${f.family.count} blocked goroutines in ${f.family.groups} groups`);
  }
  if (f.isOutlier && f.count >= OUTLIER_MIN_COUNT) {
    const ratio = round(f.count / Math.max(1, ctx.medianCount), 1);
    all.push(`${f.count} goroutines share this stack, ${ratio}× the dump's typical group (${ctx.medianCount})`);
    evidence.push({
      kind: 'outlier',
      value: ratio,
      text: `${f.count} goroutines on one stack, ${ratio}× the typical group of this dump (the median of its groups under ${OUTLIER_MIN_COUNT}: ${ctx.medianCount})`,
    });
  }
  if (f.state) evidence.push({ kind: 'state', value: f.state, text: `state ${f.state}` });
  evidence.push(waitEvidence(f, ctx));
  const spread = idSpread(f.ids);
  if (spread) {
    evidence.push({ kind: 'idSpread', value: spread.span, text: spread.text });
    if (spread.isWide) all.push(spread.text);
  }
  if (g.createdBy) {
    const who = f.isRequest ? 'HTTP request handling' : f.isOwnCreator ? 'the service’s own code' : 'a library or the standard library';
    evidence.push({ kind: 'createdBy', value: `${g.createdBy.func} ${g.createdBy.file}:${g.createdBy.line}`, text: `created by ${site(g.createdBy)} (${who})` });
  }
  evidence.push({ kind: 'limit', value: strength, text: limitText(strength) });
  const size = 1 - Math.exp(-f.count / 300);
  const score = strength === 'proof' ? 1 : strength === 'strong' ? 0.7 + 0.25 * size : 0.3 + 0.25 * size;
  return { strength, score: round(score, 3), reasons: all, evidence };
}

function waitEvidence(f: GroupFacts, ctx: DumpContext): Evidence {
  const age = ctx.mainWaitMinutes ?? ctx.oldestWaitMinutes;
  const ageText = age !== null ? `; the process is at least ${age} minute${age === 1 ? '' : 's'} old (${ctx.mainWaitMinutes !== null ? 'goroutine 1’s wait' : 'the oldest wait in the dump'})` : '';
  if (f.waitMinutes === null) return { kind: 'wait', value: null, text: 'no wait times in this format' };
  if (f.waitMinutes < 1) {
    return { kind: 'wait', value: 0, text: `no goroutine shows a wait of a minute yet (Go prints wait minutes after 1 minute, once a GC has run): they may be seconds old${ageText}` };
  }
  return { kind: 'wait', value: f.waitMinutes, text: `waiting up to ${f.waitMinutes} minute${f.waitMinutes === 1 ? '' : 's'}${ageText}` };
}

/** Ids spread over a range much wider than the group: created over a long time, none finished. */
function idSpread(ids: Float64Array | null): { span: number; isWide: boolean; text: string } | null {
  if (!ids || ids.length < 2) return null;
  const span = ids[ids.length - 1]! - ids[0]! + 1;
  const isWide = span >= 4 * ids.length && ids.length >= 10;
  const text = `goroutine ids ${ids[0]}…${ids[ids.length - 1]}: ${ids.length} goroutines over a range of ${span} ids${isWide ? ' — created over a long time while others came and went, and none of these finished' : ''}`;
  return { span, isWide, text };
}

function limitText(strength: Strength): string {
  if (strength === 'proof') return 'proof: the runtime’s own leak detection';
  return (
    `${strength}, from one snapshot: it shows where goroutines wait now, not whether their number grows — a large healthy pool, ` +
    'or a burst of work in progress, looks the same as a leak of the same size. Record the service, or give dumps taken minutes apart, to see growth'
  );
}

function dominantState(states: Readonly<Record<string, number>> | null): string | null {
  if (!states) return null;
  return Object.entries(states).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Goroutines one function starts, at whichever of its `go` statements. */
function creatorKey(f: Frame): string {
  return f.func;
}

function site(f: Frame): string {
  return `${f.func} at ${baseName(f.file)}:${f.line}`;
}
