import type { Finding, Risk } from '../findings/finding.js';
import { RISKS } from '../findings/finding.js';
import { IMPACT } from '../hover/risk.js';

/**
 * The review checklist's grading, as pure mappings: each finding's risk
 * (Critical/High/Medium/Low), its CVSS band and business impact, when to
 * fix it, and how SARIF consumers (GitHub code scanning) should rank it.
 */

export { IMPACT, RISKS };

/** Most serious first. */
export const RISK_ORDER: readonly Risk[] = RISKS;

export const CVSS_BAND: Readonly<Record<Risk, string>> = {
  Critical: '9.0–10.0',
  High: '7.0–8.9',
  Medium: '4.0–6.9',
  Low: '0.1–3.9',
};

/** The checklist's "recommended next steps" horizons. */
export const HORIZON: Readonly<Record<Risk, string>> = {
  Critical: 'Immediately',
  High: 'Short term',
  Medium: 'Medium term',
  Low: 'When convenient',
};

/**
 * A finding's risk: graded by attack path before the report sees it
 * (grading/pass.ts, for both engines' findings: request data reaching
 * `eval` is Critical, a constant is Low, a hardcoded secret is Critical
 * unless a placeholder or in test code); a rule's own risk is its default.
 * Here in one place so that every format agrees.
 */
export function grade(f: Pick<Finding, 'risk'>): Risk {
  return f.risk;
}

export function riskRank(r: Risk): number {
  return RISK_ORDER.indexOf(r);
}

/** SARIF `level`: error for what must be fixed before release, warning for the rest of the real risks, note for hardening. */
export function sarifLevel(r: Risk): 'error' | 'warning' | 'note' {
  return r === 'Critical' || r === 'High' ? 'error' : r === 'Medium' ? 'warning' : 'note';
}

/** GitHub's `security-severity` (a CVSS-like score, as a string): the middle of each band. */
export function securitySeverity(r: Risk): string {
  return { Critical: '9.5', High: '8.0', Medium: '5.5', Low: '2.0' }[r];
}
