import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionOptions,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS } from '../config/defaults.js';
import { SOURCE } from '../diagnostics/convert.js';
import type { PositionEncoding } from '../documents/encoding.js';
import type { PythonDocument } from '../documents/document.js';
import { FileContext } from '../engine/context.js';
import type { Finding } from '../findings/finding.js';
import { quickFixes } from '../fixes/quickfix.js';
import { uriToPath } from '../documents/store.js';
import { findingLines } from './apply.js';
import { isBanditId, oneLine } from './comment.js';
import { editSupport, toRange, workspaceEdit, type EditSupport } from './edits.js';
import { HYGIENE_RULES, suppressionHygiene, type HygieneCode, type HygieneIssue } from './hygiene.js';
import { placeSuppression, type Justification, type Placement } from './placement.js';

/**
 * The LSP side of suppression and fixes: code actions for our diagnostics
 * (suppress with a justified comment, suppress a whole line, the safe
 * quick fixes, the hygiene fixes) and the hygiene diagnostics themselves.
 * Every action carries its whole edit: no resolve, no command, nothing
 * that needs `window/showMessageRequest`.
 */

export interface SuppressSettings {
  placeholder: string;
  reasons: readonly string[];
}

export interface SuppressionHooks {
  document(uri: string): PythonDocument | undefined;
  encoding(): PositionEncoding;
  /** The findings the document's diagnostics show (the code actions answer for those). */
  visible(doc: PythonDocument): readonly Finding[];
  /** Every finding of the document, suppressed or not, from both engines. */
  all(doc: PythonDocument): readonly Finding[];
  /** `pysec.suppress` settings for the document (`pysec.suppress.placeholder`, `pysec.suppress.reasons`). */
  settings(uri: string): SuppressSettings;
  /** Whether a missing `rule` finding on `line` means there is none (see HygieneOptions.covers). */
  covers(doc: PythonDocument, rule: string, line: number): boolean;
  /** Ids of the tree-sitter engine's rules. */
  ruleIds(): ReadonlySet<string>;
  /** Whether the document is reviewed at all (not excluded by the settings). */
  reviewed?(doc: PythonDocument): boolean;
  /** A hygiene diagnostic's severity under the user's overrides (PSN001… or its name), or null to hide it. */
  hygieneSeverity?(doc: PythonDocument, rule: { id: string; name: string }, byDefault: DiagnosticSeverity): DiagnosticSeverity | null;
  log?(message: string): void;
}

/** Data of a hygiene diagnostic. */
export interface HygieneData {
  rule: HygieneCode;
  hygiene: true;
  version: number;
  line: number;
}

function sanitized(s: SuppressSettings): SuppressSettings {
  const placeholder = oneLine(s.placeholder ?? '') || DEFAULT_SETTINGS.suppress.placeholder;
  const reasons = [...new Set((s.reasons ?? []).map(oneLine).filter((r) => r !== ''))];
  return { placeholder, reasons };
}

export class SuppressionFeature {
  private support: EditSupport = editSupport(undefined);

  constructor(private readonly hooks: SuppressionHooks) {}

  /** Reads the client's capabilities; returns the server capability to advertise. */
  initialize(capabilities: ClientCapabilities | unknown): { codeActionProvider: CodeActionOptions } {
    this.support = editSupport(capabilities);
    return { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false } };
  }

  /** Registers the code action handler on `connection`. */
  register(connection: Connection): void {
    connection.onCodeAction((params) => {
      try {
        return this.codeActions(params);
      } catch (e) {
        this.hooks.log?.(`pysec: code actions failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return [];
      }
    });
  }

  private settingsFor(uri: string): SuppressSettings {
    return sanitized(this.hooks.settings(uri));
  }

  private hygieneIssues(doc: PythonDocument, all: readonly Finding[]): HygieneIssue[] {
    const s = this.settingsFor(doc.uri);
    const rules = this.hooks.ruleIds();
    return suppressionHygiene(doc.textDocument, doc.syntaxTree, all, {
      placeholder: s.placeholder,
      reasons: s.reasons,
      covers: (rule, line) => this.hooks.covers(doc, rule, line),
      pysecRules: new Set([...rules].filter((id) => !isBanditId(id))),
    });
  }

  /** The hygiene diagnostics of a document, published beside its findings. */
  hygieneDiagnostics(doc: PythonDocument, all?: readonly Finding[]): Diagnostic[] {
    if (!doc.mayHaveSuppressions()) return [];
    if (this.hooks.reviewed && !this.hooks.reviewed(doc)) return [];
    all ??= this.hooks.all(doc);
    const encoding = this.hooks.encoding();
    const out: Diagnostic[] = [];
    for (const issue of this.hygieneIssues(doc, all)) {
      const d = hygieneDiagnostic(issue, doc.textDocument, encoding);
      const severity = this.hooks.hygieneSeverity ? this.hooks.hygieneSeverity(doc, { id: issue.code, name: HYGIENE_RULES[issue.code] }, d.severity!) : d.severity!;
      if (severity !== null) out.push({ ...d, severity });
    }
    return out;
  }

  codeActions(params: CodeActionParams): CodeAction[] {
    if (!this.support.literals) return [];
    const only = params.context.only;
    if (only && only.length && !only.some((k) => k === '' || k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
    const doc = this.hooks.document(params.textDocument.uri);
    if (!doc) return [];
    const ours = params.context.diagnostics.filter((d) => d.source === SOURCE && typeof d.code === 'string');
    if (ours.length === 0) return [];

    const encoding = this.hooks.encoding();
    const td = doc.textDocument;
    const settings = this.settingsFor(doc.uri);
    const all = this.hooks.all(doc);
    const visible = this.hooks.visible(doc);
    const out: CodeAction[] = [];
    const seen = new Set<string>();
    const push = (a: CodeAction) => {
      const key = a.title + JSON.stringify(a.edit ?? a.disabled);
      if (seen.has(key)) return;
      seen.add(key);
      out.push(a);
    };

    let hygiene: HygieneIssue[] | undefined;
    for (const d of ours) {
      const code = String(d.code);
      if (code in HYGIENE_RULES) {
        hygiene ??= this.hygieneIssues(doc, all);
        const issue = hygiene.find((h) => h.code === code && sameRange(toRange(td, h.range.start, h.range.end, encoding), d.range));
        for (const fix of issue?.fixes ?? []) {
          push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: workspaceEdit(td, [fix.edit], encoding, this.support) });
        }
        continue;
      }
      const finding = findingFor(d, visible, td, encoding);
      if (!finding) continue;

      // The safe rewrites first, then the suppressions.
      const ctx = new FileContext(doc.imports, uriToPath(doc.uri));
      const tsTwin = doc.findings().find((f) => f.rule === finding.rule && td.positionAt(f.range.start).line === td.positionAt(finding.range.start).line);
      for (const fix of quickFixes(tsTwin ?? finding, doc.syntaxTree, ctx)) {
        push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          ...(fix.preferred && this.support.isPreferred ? { isPreferred: true } : {}),
          edit: workspaceEdit(td, fix.edits, encoding, this.support),
        });
      }

      const pctx = { doc: td, tree: doc.syntaxTree, findings: all };
      const choices: Justification[] = [
        { kind: 'placeholder', text: settings.placeholder },
        ...settings.reasons.map((r): Justification => ({ kind: 'reason', text: r })),
      ];
      for (const choice of choices) {
        const placed = placeSuppression(pctx, [finding], choice, settings.placeholder);
        const title = suppressTitle([finding.rule], d.range.start.line, placed.ok ? placed.placement : null, choice);
        if (placed.ok) {
          push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: workspaceEdit(td, [placed.placement.edit], encoding, this.support) });
        } else {
          this.cannot(push, title, placed.reason, d, doc.uri);
          break;
        }
      }

      // Every finding on this line, in one comment.
      const line = findingLines(finding, td).issue;
      const group = visible.filter((f) => findingLines(f, td).issue === line);
      const ids = [...new Set(group.map((f) => f.rule))];
      if (ids.length >= 2) {
        const choice: Justification = { kind: 'placeholder', text: settings.placeholder };
        const placed = placeSuppression(pctx, group, choice, settings.placeholder);
        const title = suppressTitle(ids, d.range.start.line, placed.ok ? placed.placement : null, choice, true);
        const related = ours.filter((o) => group.some((g) => g.rule === o.code && d.range.start.line === o.range.start.line));
        if (placed.ok) {
          push({ title, kind: CodeActionKind.QuickFix, diagnostics: related, edit: workspaceEdit(td, [placed.placement.edit], encoding, this.support) });
        } else this.cannot(push, title, placed.reason, d, doc.uri);
      }
    }
    return out;
  }

  /** No line can carry the comment: say so (a disabled action, where the client shows those), never write a broken one. */
  private cannot(push: (a: CodeAction) => void, title: string, reason: string, d: Diagnostic, uri: string): void {
    const text = `cannot suppress here: ${reason}`;
    if (this.support.disabled) push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], disabled: { reason: text } });
    else this.hooks.log?.(`pysec: ${title}: ${text} (${uri})`);
  }
}

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The finding a diagnostic of ours stands for: same rule and range (as the client sees it), else same rule and line. */
function findingFor(d: Diagnostic, visible: readonly Finding[], doc: TextDocument, encoding: PositionEncoding): Finding | undefined {
  const candidates = visible.filter((f) => f.rule === d.code);
  const exact = candidates.find((f) => sameRange(toRange(doc, f.range.start, f.range.end, encoding), d.range));
  if (exact) return exact;
  const data = d.data as { issueLine?: unknown; version?: unknown } | undefined;
  if (data && typeof data.version === 'number' && data.version !== doc.version) return undefined;
  return candidates.find((f) => doc.positionAt(f.range.start).line === d.range.start.line);
}

function suppressTitle(ids: readonly string[], diagnosticLine: number, p: Placement | null, choice: Justification, everyFinding = false): string {
  const what = everyFinding ? `every finding on this line (${ids.join(', ')})` : ids.join(', ');
  let title = everyFinding || !p || p.line === diagnosticLine ? `pysec: suppress ${what}${everyFinding ? '' : ' on this line'}` : `pysec: suppress ${what} (comment on line ${p.line + 1})`;
  if (everyFinding && p && p.line !== diagnosticLine) title += ` (comment on line ${p.line + 1})`;
  if (choice.kind === 'reason') title += ` — ${choice.text}`;
  if (p && !p.everyVersion) title += ' [read by bandit ≥ 1.7.5 only]';
  if (p && p.collateral.length) {
    const n = p.collateral.length;
    title += ` (also the other ${n === 1 ? '' : `${n} `}${ids.join('/')} finding${n === 1 ? '' : 's'} there: bandit cannot tell them apart)`;
  }
  return title;
}

function hygieneDiagnostic(issue: HygieneIssue, doc: TextDocument, encoding: PositionEncoding): Diagnostic {
  const data: HygieneData = { rule: issue.code, hygiene: true, version: doc.version, line: issue.line };
  return {
    range: toRange(doc, issue.range.start, issue.range.end, encoding),
    severity: issue.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: issue.code,
    source: SOURCE,
    message: issue.message,
    ...(issue.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    data,
  };
}
