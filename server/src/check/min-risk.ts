import { RISKS, type Risk } from '../findings/finding.js';
import type { CheckedFile } from './hygiene.js';

/** `--min-risk low|medium|high|critical` (any case) as a risk. */
export function parseRisk(option: string, value: string): Risk {
  const r = RISKS.find((x) => x.toLowerCase() === value.toLowerCase());
  if (!r) throw new Error(`${option} must be low, medium, high or critical, not "${value}"`);
  return r;
}

/**
 * Findings whose graded risk is `min` or worse. Hygiene findings (PSN…)
 * grade no attack path: they are kept whatever `min` is. Pure.
 */
export function atLeastRisk(results: readonly CheckedFile[], min: Risk): CheckedFile[] {
  const worst = RISKS.indexOf(min);
  return results.map((r) => {
    const findings = r.findings.filter((f) => RISKS.indexOf(f.risk) <= worst);
    return findings.length === r.findings.length ? r : { ...r, findings };
  });
}
