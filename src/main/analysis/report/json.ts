import type { CheckResult, Report } from '../../../shared/report.js';

/** The report as JSON (ReportSchema in src/shared/report.ts documents every field). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `goroscope check --json`: the suspects only, in the documented CheckResultSchema shape. */
export function checkResultOf(report: Report): CheckResult {
  return {
    suspects: report.suspects.map((s) => ({
      blockingSite: s.blockingSite,
      createdBy: s.createdBy,
      count: s.count,
      growthPerMin: s.growthPerMin,
      score: s.score,
      evidence: s.evidence,
      explanation: `${s.explanation.title}. ${s.explanation.text}${s.explanation.support.length > 0 ? ` Supported by: ${s.explanation.support.join('; ')}.` : ''}`,
      key: s.key,
      pattern: s.explanation.pattern,
      isRuntimeProved: s.isRuntimeProved,
      ...(s.instances ? { instances: s.instances.map((i) => ({ name: i.name, url: i.url, sessionId: i.sessionId, growthPerMin: i.growthPerMin, count: i.count })) } : {}),
      ...(s.growsOn !== undefined ? { growsOn: s.growsOn } : {}),
      turnover: s.turnover ?? null,
      strength: s.strength,
      basis: s.basis,
      reasons: s.reasons,
      rise: s.rise,
      ratePerMin: s.ratePerMin,
      labels: s.labels,
      labelOrigin: s.labelOrigin,
      // Added after the documented fields: `score` keeps its 0–1 meaning.
      score100: s.score100,
    })),
    ...(report.fleet
      ? {
          fleet: {
            instances: report.fleet.instances.map((i) => ({
              rank: i.rank, name: i.name, url: i.url, growthPerMin: i.growthPerMin, suspects: i.suspects, ticks: i.ticks, failedTicks: i.failedTicks, cost: i.cost,
            })),
            skipped: report.fleet.skipped,
            cost: report.fleet.cost,
          },
        }
      : {}),
  };
}
