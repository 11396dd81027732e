import type { Finding, Level, Risk } from '../findings/finding.js';
import type { Rule } from '../engine/rule.js';
import type { BanditResult } from './output.js';
import { offsetAtColumn } from '../positions/encoding.js';
import { lineStartsOf } from '../positions/lines.js';

/** OWASP category for a CWE bandit reports on a test we have no rule for (REVIEW-CHECKLIST.md's mapping). */
const OWASP_BY_CWE: Record<number, string> = {
  22: 'A01',
  78: 'A03',
  79: 'A03',
  89: 'A03',
  94: 'A03',
  95: 'A03',
  259: 'A02',
  798: 'A02',
  321: 'A02',
  326: 'A02',
  327: 'A02',
  328: 'A02',
  330: 'A02',
  295: 'A08',
  502: 'A04',
  377: 'A05',
  605: 'A05',
  703: 'A05',
  732: 'A01',
  117: 'A09',
  532: 'A09',
  918: 'A10',
  400: 'A05',
  494: 'A08',
};

const RISK_BY_SEVERITY: Record<Level, Risk> = { HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };

/** A UTF-8 byte column (Python's ast `col_offset`) on a line → UTF-16 offset in `text`. */
function byteColumnToOffset(text: string, lineStart: number, lineEnd: number, bytes: number): number {
  return offsetAtColumn(text, lineStart, lineEnd, bytes, 'utf-8');
}

function level(l: BanditResult['issue_severity']): Level {
  return l === 'UNDEFINED' ? 'LOW' : l;
}

/**
 * bandit's results → findings on the text bandit read. Lines are 1-based,
 * columns UTF-8 bytes; versions before 1.7.1 give no column (the line's
 * first non-blank character is used) and before 1.7.5 no end column (the
 * end of the node's last line is used).
 */
export function banditFindings(results: readonly BanditResult[], text: string, rules: ReadonlyMap<string, Rule>): Finding[] {
  const starts = lineStartsOf(text);
  const lineBounds = (line1: number): [number, number] => {
    const i = Math.min(Math.max(line1 - 1, 0), starts.length - 1);
    const s = starts[i];
    let e = i + 1 < starts.length ? starts[i + 1] : text.length;
    while (e > s && (text.charCodeAt(e - 1) === 0x0a || text.charCodeAt(e - 1) === 0x0d)) e--;
    return [s, e];
  };
  const out: Finding[] = [];
  for (const r of results) {
    const rule = rules.get(r.test_id);
    const lines = r.line_range.length ? r.line_range : [r.line_number];
    const first = Math.min(...lines, r.line_number);
    const last = Math.max(...lines, r.line_number);
    const [ls, le] = lineBounds(r.line_number);
    const start =
      r.col_offset !== undefined && r.col_offset >= 0
        ? byteColumnToOffset(text, ls, le, r.col_offset)
        : ls + (text.slice(ls, le).length - text.slice(ls, le).trimStart().length);
    const [lastStart, lastEnd] = lineBounds(last);
    let end = lastEnd;
    if (r.end_col_offset !== undefined && r.end_col_offset > 0) {
      end = byteColumnToOffset(text, lastStart, lastEnd, r.end_col_offset);
    }
    if (end <= start) end = Math.max(start, le);
    const [anchorStart] = lineBounds(first);
    const severity = level(r.issue_severity);
    const cwe = r.issue_cwe?.id ?? rule?.cwe ?? null;
    out.push({
      rule: r.test_id,
      name: rule?.name ?? r.test_name,
      severity,
      confidence: level(r.issue_confidence),
      cwe,
      owasp: rule?.owasp ?? (cwe !== null ? OWASP_BY_CWE[cwe] : undefined) ?? 'A05',
      risk: rule?.risk ?? RISK_BY_SEVERITY[severity],
      message: r.issue_text,
      range: { start, end },
      anchor: { start: anchorStart, end: lastEnd },
      root: { start: anchorStart, end: lastEnd },
      engine: 'bandit',
      docs: r.more_info ?? rule?.docs ?? 'https://bandit.readthedocs.io/',
      suppressed: null,
    });
  }
  return out;
}
