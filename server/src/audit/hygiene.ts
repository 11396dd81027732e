import type { HygieneIssue } from '../suppress/hygiene.js';
import type { DocumentAudit } from './audit.js';

/**
 * The hygiene of `# pysec: ignore[...]` on a manifest's requirement lines,
 * in the code's terms (suppress/hygiene.ts): PSN005 for a suppression
 * without a justification (or with the placeholder one), PSN006 for an id
 * that silences nothing there (said only when the database was loaded:
 * `unusedIgnores` is empty otherwise).
 */
export function manifestHygiene(audit: DocumentAudit, placeholder: string): HygieneIssue[] {
  const out: HygieneIssue[] = [];
  const seen = new Set<number>();
  for (const f of audit.findings) {
    const s = f.suppressed;
    if (!s || seen.has(s.line)) continue;
    const j = s.justification?.trim() ?? '';
    if (j && j !== placeholder.trim()) continue;
    seen.add(s.line);
    out.push({
      code: 'PSN005',
      severity: 'information',
      line: s.line,
      range: f.range,
      message: `This suppression of ${f.dependency?.advisory ?? f.rule} has no justification: say why after a second "#" (# pysec: ignore[...]  # reason).`,
      fixes: [],
    });
  }
  for (const u of audit.unusedIgnores) {
    out.push({
      code: 'PSN006',
      severity: 'warning',
      line: u.line,
      range: u.span,
      message: `"${u.id}" in # pysec: ignore[...] silences nothing on this requirement: no such advisory affects it (fixed, or a typo).`,
      unnecessary: true,
      fixes: [],
    });
  }
  return out.sort((a, b) => a.range.start - b.range.start);
}
