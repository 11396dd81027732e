import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { visibleFindings } from '../config/policy.js';
import { SOURCE, toDiagnostic } from '../diagnostics/convert.js';
import { findingSeverity, hygieneSeverity } from '../diagnostics/severity.js';
import type { Finding } from '../findings/finding.js';
import { offsetRange, type PositionEncoding } from '../positions/encoding.js';
import { oneLine } from '../suppress/comment.js';
import { HYGIENE_RULES } from '../suppress/hygiene.js';
import type { ManifestAudit } from './service.js';

/**
 * A manifest's diagnostics: its dependency findings (PS601/PS602) under the
 * folder's settings, as any rule's (selection, overrides, minimum levels),
 * each carrying its advisory so a code action knows which one it is; then
 * the hygiene of its `# pysec: ignore[...]` comments, as for code (the
 * audit's `manifestHygiene`): PSN005 for one without a reviewed reason,
 * PSN006 for an id that silences nothing.
 */

/** The findings a manifest shows: kept by the settings and not ignored. */
export function visibleOf(a: ManifestAudit): Finding[] {
  return visibleFindings(a.audit.findings, a.policy);
}

export function manifestDiagnostics(a: ManifestAudit, encoding: PositionEncoding): Diagnostic[] {
  if (a.policy.excluded) return [];
  const td = a.doc.textDocument;
  const visible = visibleOf(a);
  // An override `off` drops the rule; each diagnostic carries its advisory.
  const out: Diagnostic[] = visible
    .filter((f) => findingSeverity(f, a.policy.mapping) !== null)
    .map((f) => {
      const d = toDiagnostic(f, td, encoding, a.policy.mapping);
      return f.dependency ? { ...d, data: { ...(d.data as object), advisory: f.dependency.advisory } } : d;
    });
  // The ignore comments' hygiene, in the code's terms and as `check` says it.
  const s = a.settings;
  for (const issue of a.api.manifestHygiene(a.audit, oneLine(s.suppress.placeholder))) {
    const byDefault = issue.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
    const severity = hygieneSeverity({ id: issue.code, name: HYGIENE_RULES[issue.code] }, byDefault, s.severity.overrides, s.rules.ignore);
    if (severity === null) continue;
    out.push({
      range: offsetRange(td, issue.range.start, issue.range.end, encoding),
      severity,
      code: issue.code,
      source: SOURCE,
      message: issue.message,
      ...(issue.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
      data: { rule: issue.code, hygiene: true, version: td.version, line: issue.line },
    });
  }
  return out;
}
