/**
 * `pysec.severity.mode` (diagnostics/severity.ts): the matrix by default,
 * the graded risk with "risk"; per-rule overrides win in both; the setting
 * is validated like the others.
 */
import { DiagnosticSeverity } from 'vscode-languageserver';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../server/src/config/defaults.js';
import { parseSettings } from '../../server/src/config/parse.js';
import { DEFAULT_MATRIX, findingSeverity, RISK_SEVERITY } from '../../server/src/diagnostics/severity.js';
import type { Risk } from '../../server/src/findings/finding.js';

const f = (risk: Risk) => ({ rule: 'B102', name: 'exec_used', severity: 'MEDIUM' as const, confidence: 'HIGH' as const, risk });

describe('severity.mode', () => {
  it('matrix (and no mode): severity × confidence, whatever the risk', () => {
    for (const risk of ['Critical', 'Low'] as Risk[]) {
      expect(findingSeverity(f(risk), { matrix: DEFAULT_MATRIX, overrides: {} })).toBe(DiagnosticSeverity.Warning);
      expect(findingSeverity(f(risk), { matrix: DEFAULT_MATRIX, overrides: {}, mode: 'matrix' })).toBe(DiagnosticSeverity.Warning);
    }
  });
  it('risk: Critical and High errors, Medium a warning, Low information', () => {
    const m = { matrix: DEFAULT_MATRIX, overrides: {}, mode: 'risk' as const };
    expect((['Critical', 'High', 'Medium', 'Low'] as Risk[]).map((r) => findingSeverity(f(r), m))).toEqual([
      DiagnosticSeverity.Error,
      DiagnosticSeverity.Error,
      DiagnosticSeverity.Warning,
      DiagnosticSeverity.Information,
    ]);
    expect(RISK_SEVERITY.Low).toBe('information');
  });
  it('an override wins in risk mode too, off included', () => {
    expect(findingSeverity(f('Critical'), { matrix: DEFAULT_MATRIX, overrides: { B102: 'hint' }, mode: 'risk' })).toBe(DiagnosticSeverity.Hint);
    expect(findingSeverity(f('Critical'), { matrix: DEFAULT_MATRIX, overrides: { exec_used: 'off' }, mode: 'risk' })).toBeNull();
  });
  it('the setting: "matrix" by default, any case accepted, a bad value said once and left out', () => {
    expect(DEFAULT_SETTINGS.severity.mode).toBe('matrix');
    expect(parseSettings({ severity: { mode: 'RISK' } }).patch).toEqual({ severity: { mode: 'risk' } });
    const bad = parseSettings({ severity: { mode: 'cvss' } });
    expect(bad.patch.severity?.mode).toBeUndefined();
    expect(bad.problems.map((p) => p.message)).toEqual([expect.stringContaining('pysec.severity.mode must be one of "matrix", "risk"')]);
  });
});
