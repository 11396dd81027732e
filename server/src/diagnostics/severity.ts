import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Level } from '../findings/finding.js';

export type LspSeverityName = 'error' | 'warning' | 'information' | 'hint';

/** bandit severity × confidence → LSP severity (rows: severity; columns: confidence). */
export type SeverityMatrix = Record<Level, Record<Level, LspSeverityName>>;

/** DESIGN.md's default table. */
export const DEFAULT_MATRIX: SeverityMatrix = {
  HIGH: { HIGH: 'error', MEDIUM: 'error', LOW: 'warning' },
  MEDIUM: { HIGH: 'warning', MEDIUM: 'warning', LOW: 'information' },
  LOW: { HIGH: 'information', MEDIUM: 'information', LOW: 'hint' },
};

const LSP: Record<LspSeverityName, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function lspSeverity(severity: Level, confidence: Level, matrix: SeverityMatrix = DEFAULT_MATRIX): DiagnosticSeverity {
  return LSP[matrix[severity][confidence]];
}
