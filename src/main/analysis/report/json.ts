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
      strength: s.strength,
      basis: s.basis,
      reasons: s.reasons,
      rise: s.rise,
      ratePerMin: s.ratePerMin,
    })),
  };
}
