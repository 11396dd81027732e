import type { Settings } from '../config/schema.js';
import { hygieneLevel, type LspSeverityName } from '../diagnostics/severity.js';
import type { Level, Span } from '../findings/finding.js';
import { HYGIENE_RULES, type HygieneCode, type HygieneIssue } from '../suppress/hygiene.js';

/**
 * A suppression-hygiene issue as `check` prints it, under the settings
 * (check/hygiene.ts judges the issues). Apart from the judging, which needs
 * the engine: the result cache's warm path (check/warm.ts) applies the
 * settings to stored issues without loading it.
 */

export interface HygieneFinding {
  code: HygieneCode;
  /** Its name (`bare-nosec`), which `rules.ignore` and overrides may use too. */
  name: string;
  /** The configured severity: the check's own (warning or information), or its override. */
  level: LspSeverityName;
  /** `level` as a bandit severity, for `--severity-level`: error HIGH, warning MEDIUM, information and hint LOW. */
  severity: Level;
  /** Always HIGH: these checks read the comment, they do not guess. */
  confidence: Level;
  range: Span;
  message: string;
}

const LEVEL: Record<LspSeverityName, Level> = { error: 'HIGH', warning: 'MEDIUM', information: 'LOW', hint: 'LOW' };

/** An issue under the settings: its severity, or nothing when ignored or `off`. */
export function configured(issue: HygieneIssue, settings: Settings): HygieneFinding[] {
  const name = HYGIENE_RULES[issue.code];
  const level = hygieneLevel({ id: issue.code, name }, issue.severity, settings.severity.overrides, settings.rules.ignore);
  if (level === null) return [];
  return [{ code: issue.code, name, level, severity: LEVEL[level], confidence: 'HIGH', range: issue.range, message: issue.message }];
}
