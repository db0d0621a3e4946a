import type { AnalysisSession } from './session.js';
import type { GroupAnalysis } from './analyze-session.js';
import { profileLabel } from './evidence.js';
import { tickName } from './classify.js';

/** How far the totals of one tick (profiles, NumGoroutine) are apart, shown as measured. */
export interface CountAgreement {
  text: string;
  maxSpread: number;
  maxSpreadTick: number | null;
}

export interface RuntimeSummary {
  /** Whether any tick has goroutineleak evidence (a profile or `(leaked)` marks). */
  recorded: boolean;
  ticks: number[];
  proved: { index: number; key: string; leaked: number }[];
  /** Suspects the evidence did not prove (only when evidence was recorded). */
  notProved: { index: number; key: string }[];
  note: string;
}

/** Per tick: every goroutine profile's total and NumGoroutine; the largest spread and the last tick. */
export function countAgreementOf(session: AnalysisSession): CountAgreement {
  let maxSpread = 0;
  let maxSpreadTick: number | null = null;
  let lastText: string | null = null;
  session.ticks.forEach((tick, i) => {
    const measured = tick.profiles.filter((p) => p.profile !== 'goroutineleak').map((p) => ({ label: profileLabel(p.format, p.profile), total: p.total }));
    if (tick.metrics?.numGoroutine != null) measured.push({ label: 'NumGoroutine', total: tick.metrics.numGoroutine });
    if (measured.length === 0) return;
    const totals = measured.map((m) => m.total);
    const spread = Math.max(...totals) - Math.min(...totals);
    if (spread > maxSpread) {
      maxSpread = spread;
      maxSpreadTick = i;
    }
    lastText = `${tickName(i)}: ${measured.map((m) => `${m.label} ${m.total}`).join(', ')}`;
  });
  if (lastText === null) return { text: 'no goroutine totals were measured', maxSpread: 0, maxSpreadTick: null };
  const verdict =
    maxSpread === 0
      ? 'every tick’s totals agree'
      : `totals of one tick differ by up to ${maxSpread} (${tickName(maxSpreadTick!)}): the requests of a tick are milliseconds apart, so each is shown as measured`;
  return { text: `${lastText}; ${verdict}`, maxSpread, maxSpreadTick };
}

export function runtimeSummaryOf(session: AnalysisSession, groups: readonly GroupAnalysis[]): RuntimeSummary {
  const ticks = session.ticks.flatMap((t, i) => (t.hasLeakEvidence ? [i] : []));
  const proved = groups.filter((g) => g.isRuntimeProved && g.ignoredBy === null).map((g) => ({ index: g.index, key: g.key, leaked: g.runtime.maxLeaked }));
  if (ticks.length === 0) {
    return {
      recorded: false,
      ticks,
      proved,
      notProved: [],
      note: 'No goroutineleak profile or (leaked) mark was recorded, so every suspect rests on other evidence (the trend, or one snapshot’s). Go 1.27 serves /debug/pprof/goroutineleak by default (Go 1.26 with GOEXPERIMENT=goroutineleakprofile).',
    };
  }
  const notProved = groups.filter((g) => g.isSuspect && !g.isRuntimeProved).map((g) => ({ index: g.index, key: g.key }));
  const where = ticks.map(tickName).join(', ');
  let note = `The runtime's leak detection (at ${where}) proved ${proved.length} group(s) leaked.`;
  if (notProved.length > 0) {
    note +=
      ` ${notProved.length} suspect(s) are not in its evidence: the goroutineleak profile cannot see leaks whose channel or lock is` +
      ' reachable from a global variable (or anything still running), so their other evidence stands.';
  }
  return { recorded: true, ticks, proved, notProved, note };
}
