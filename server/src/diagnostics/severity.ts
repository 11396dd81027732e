import type { DiagnosticSeverity } from 'vscode-languageserver';
import type { Level, Risk } from '../findings/finding.js';

export type LspSeverityName = 'error' | 'warning' | 'information' | 'hint';

/** A per-rule override: an LSP severity, or `off` (the rule is removed). */
export type SeverityOverride = LspSeverityName | 'off';

/** bandit severity × confidence → LSP severity (rows: severity; columns: confidence). */
export type SeverityMatrix = Record<Level, Record<Level, LspSeverityName>>;

/** The whole mapping: the matrix, and overrides by rule id or test name. */
export interface SeverityMapping {
  matrix: SeverityMatrix;
  overrides: Readonly<Record<string, SeverityOverride>>;
  /** `matrix` (default): severity × confidence; `risk`: the graded risk, by `RISK_SEVERITY`. Overrides apply in both. */
  mode?: 'matrix' | 'risk';
}

/** `pysec.severity.mode: "risk"`: what must be fixed before release is an error, the rest of the real risks warnings. */
export const RISK_SEVERITY: Readonly<Record<Risk, LspSeverityName>> = {
  Critical: 'error',
  High: 'error',
  Medium: 'warning',
  Low: 'information',
};

/** DESIGN.md's default table. */
export const DEFAULT_MATRIX: SeverityMatrix = {
  HIGH: { HIGH: 'error', MEDIUM: 'error', LOW: 'warning' },
  MEDIUM: { HIGH: 'warning', MEDIUM: 'warning', LOW: 'information' },
  LOW: { HIGH: 'information', MEDIUM: 'information', LOW: 'hint' },
};

/**
 * The protocol's numbers, written out: importing vscode-languageserver's
 * `DiagnosticSeverity` for four constants would load the whole LSP library
 * into `check` (this module is on its path), a tenth of a second at start.
 */
const SEVERITY = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const satisfies Record<string, DiagnosticSeverity>;

const LSP: Record<LspSeverityName, DiagnosticSeverity> = {
  error: SEVERITY.Error,
  warning: SEVERITY.Warning,
  information: SEVERITY.Information,
  hint: SEVERITY.Hint,
};

export function lspSeverity(severity: Level, confidence: Level, matrix: SeverityMatrix = DEFAULT_MATRIX): DiagnosticSeverity {
  return LSP[matrix[severity][confidence]];
}

/** The override for a rule: by its id first, then by its test name. */
export function overrideFor(rule: { id: string; name: string }, overrides: Readonly<Record<string, SeverityOverride>>): SeverityOverride | undefined {
  if (Object.hasOwn(overrides, rule.id)) return overrides[rule.id];
  if (Object.hasOwn(overrides, rule.name)) return overrides[rule.name];
  return undefined;
}

/** A finding's severity name under `mapping`: its override, else its matrix cell; `off` when removed. */
export function severityName(
  f: { rule: string; name: string; severity: Level; confidence: Level; risk?: Risk },
  mapping: SeverityMapping,
): SeverityOverride {
  const o = overrideFor({ id: f.rule, name: f.name }, mapping.overrides);
  if (o) return o;
  return mapping.mode === 'risk' && f.risk ? RISK_SEVERITY[f.risk] : mapping.matrix[f.severity][f.confidence];
}

/** A finding's LSP severity under `mapping`, or null when an override turns its rule off. */
export function findingSeverity(
  f: { rule: string; name: string; severity: Level; confidence: Level; risk?: Risk },
  mapping: SeverityMapping,
): DiagnosticSeverity | null {
  const s = severityName(f, mapping);
  return s === 'off' ? null : LSP[s];
}

const NAME: Record<DiagnosticSeverity, LspSeverityName> = {
  [SEVERITY.Error]: 'error',
  [SEVERITY.Warning]: 'warning',
  [SEVERITY.Information]: 'information',
  [SEVERITY.Hint]: 'hint',
};

/**
 * A suppression-hygiene finding's severity name (PSN001…): its own default
 * unless the user overrides its code or name; null when the override is
 * `off` or the code is in `rules.ignore`. Hygiene codes have no bandit
 * severity × confidence, so the matrix does not apply to them.
 */
export function hygieneLevel(
  rule: { id: string; name: string },
  byDefault: LspSeverityName,
  overrides: Readonly<Record<string, SeverityOverride>>,
  ignore: readonly string[],
): LspSeverityName | null {
  if (ignore.includes(rule.id) || ignore.includes(rule.name)) return null;
  const o = overrideFor(rule, overrides);
  if (o === 'off') return null;
  return o ?? byDefault;
}

/** `hygieneLevel` for a diagnostic: its LSP severity, or null. */
export function hygieneSeverity(
  rule: { id: string; name: string },
  byDefault: DiagnosticSeverity,
  overrides: Readonly<Record<string, SeverityOverride>>,
  ignore: readonly string[],
): DiagnosticSeverity | null {
  const level = hygieneLevel(rule, NAME[byDefault], overrides, ignore);
  return level === null ? null : LSP[level];
}
