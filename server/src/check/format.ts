import { lineStartsOf } from '../documents/lines.js';
import type { FileError, FileResult } from './run.js';

export { lineStartsOf };

/** 1-based line and column in Unicode code points, as the JSON contract and ruff's text output use. */
export function codePointPosition(text: string, offset: number, lineStarts: number[]): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  let column = 1;
  for (let i = lineStarts[lo]; i < offset; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate and its low surrogate are one code point.
    if (!(c >= 0xdc00 && c <= 0xdfff && i > lineStarts[lo] && isHigh(text.charCodeAt(i - 1)))) column++;
  }
  return { line: lo + 1, column };
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

export interface JsonFinding {
  path: string;
  rule: string;
  name: string;
  severity: string;
  confidence: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  engine: string;
  cwe: number | null;
  owasp: string;
  risk: string;
  suppressed: boolean;
  justification: string | null;
}

export function jsonFindings(results: readonly FileResult[]): JsonFinding[] {
  const out: JsonFinding[] = [];
  for (const r of results) {
    const starts = lineStartsOf(r.text);
    for (const f of r.findings) {
      const s = codePointPosition(r.text, f.range.start, starts);
      const e = codePointPosition(r.text, f.range.end, starts);
      out.push({
        path: r.path,
        rule: f.rule,
        name: f.name,
        severity: f.severity,
        confidence: f.confidence,
        line: s.line,
        column: s.column,
        endLine: e.line,
        endColumn: e.column,
        message: f.message,
        engine: f.engine,
        cwe: f.cwe,
        owasp: f.owasp,
        risk: f.risk,
        suppressed: f.suppressed !== null,
        justification: f.suppressed?.justification ?? null,
      });
    }
  }
  return out;
}

export function formatJson(results: readonly FileResult[], errors: readonly FileError[]): string {
  return JSON.stringify({ version: 1, findings: jsonFindings(results), errors: errors.map((e) => ({ path: e.path, message: e.message })) }, null, 2);
}

/** ruff-style lines: `path:line:col: B602 [HIGH/HIGH] message`. */
export function formatText(results: readonly FileResult[], errors: readonly FileError[]): string {
  const lines: string[] = [];
  let shown = 0;
  let suppressed = 0;
  for (const f of jsonFindings(results)) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    shown++;
    lines.push(`${f.path}:${f.line}:${f.column}: ${f.rule} [${f.severity}/${f.confidence}] ${f.message}`);
  }
  for (const e of errors) lines.push(`${e.path}: error: ${e.message}`);
  const s = shown === 1 ? '' : 's';
  lines.push(shown === 0 ? `No findings${suppressed ? ` (${suppressed} suppressed)` : ''}.` : `Found ${shown} finding${s}${suppressed ? ` (${suppressed} suppressed)` : ''}.`);
  return lines.join('\n');
}
