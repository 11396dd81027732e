import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SOURCE } from '../diagnostics/convert.js';
import type { Finding } from '../findings/finding.js';
import { offsetRange, type PositionEncoding } from '../positions/encoding.js';
import { isBanditId } from '../suppress/comment.js';
import { HYGIENE_RULES, suppressionHygiene, type HygieneCode, type HygieneIssue } from '../suppress/hygiene.js';
import { sanitized, type ActionContext } from './context.js';

/** Data of a hygiene diagnostic. */
export interface HygieneData {
  rule: HygieneCode;
  hygiene: true;
  version: number;
  line: number;
}

/** The suppression-hygiene issues of a document (suppress/hygiene.ts) over `all`, its every finding. */
export function hygieneIssues(ctx: ActionContext, all: readonly Finding[]): HygieneIssue[] {
  const { doc } = ctx;
  const s = sanitized(ctx.suppress);
  return suppressionHygiene(doc.textDocument, doc.syntaxTree, all, {
    placeholder: s.placeholder,
    reasons: s.reasons,
    covers: (rule, line) => ctx.covers(rule, line),
    pysecRules: ctx.pysecRules,
  });
}

/** The hygiene diagnostics of a document, published beside its findings. */
export function hygieneDiagnostics(ctx: ActionContext): Diagnostic[] {
  const { doc } = ctx;
  if (!doc.mayHaveSuppressions() || !ctx.reviewed) return [];
  const out: Diagnostic[] = [];
  for (const issue of hygieneIssues(ctx, ctx.all())) {
    const d = hygieneDiagnostic(issue, doc.textDocument, ctx.encoding);
    const severity = ctx.hygieneSeverity({ id: issue.code, name: HYGIENE_RULES[issue.code] }, d.severity!);
    if (severity !== null) out.push({ ...d, severity });
  }
  return out;
}

/**
 * The severity of PSN008, the notice of findings not shown (handlers/publish.ts
 * `MAX_PUBLISHED`), under the settings, as the other PSN codes': null when
 * `"off"` or in `rules.ignore`.
 */
export function notShownSeverity(ctx: ActionContext): DiagnosticSeverity | null {
  return ctx.hygieneSeverity({ id: 'PSN008', name: HYGIENE_RULES.PSN008 }, DiagnosticSeverity.Information);
}

/** Ids of `ruleIds` beyond bandit's (PS…). */
export function pysecRuleIds(ruleIds: Iterable<string>): ReadonlySet<string> {
  return new Set([...ruleIds].filter((id) => !isBanditId(id)));
}

function hygieneDiagnostic(issue: HygieneIssue, doc: TextDocument, encoding: PositionEncoding): Diagnostic {
  const data: HygieneData = { rule: issue.code, hygiene: true, version: doc.version, line: issue.line };
  return {
    range: offsetRange(doc, issue.range.start, issue.range.end, encoding),
    severity: issue.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: issue.code,
    source: SOURCE,
    message: issue.message,
    ...(issue.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    data,
  };
}
