import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { SOURCE } from '../diagnostics/convert.js';
import { quickFixes } from '../fixes/quickfix.js';
import { offsetRange } from '../positions/encoding.js';
import { findingLines } from '../suppress/apply.js';
import { HYGIENE_RULES, type HygieneIssue } from '../suppress/hygiene.js';
import { placeSuppression, type Justification, type Placement } from '../suppress/placement.js';
import { sanitized, type ActionContext } from './context.js';
import { workspaceEdit } from './edits.js';
import { findingOf, sameRange } from './finding.js';
import { hygieneIssues } from './hygiene.js';

/**
 * Code actions for our diagnostics: suppress with a justified comment,
 * suppress a whole line, the safe quick fixes, the hygiene fixes. Every
 * action carries its whole edit: no resolve, no command, nothing that needs
 * `window/showMessageRequest`. The server advertises quick fixes only
 * (`CODE_ACTION_KINDS`), without resolve.
 */
export { CODE_ACTION_KINDS } from './kinds.js';

/** `ctx` is built only for a request that can have an answer (`wantsActions`). */
export function codeActions(params: CodeActionParams, ctx: ActionContext): CodeAction[] {
  const ours = params.context.diagnostics.filter((d) => d.source === SOURCE && typeof d.code === 'string');
  if (ours.length === 0) return [];

  const { doc, encoding, visible } = ctx;
  const td = doc.textDocument;
  const settings = sanitized(ctx.suppress);
  const all = ctx.all();
  const edit = (edits: Parameters<typeof workspaceEdit>[1]) => workspaceEdit(td, edits, encoding, ctx.edits);
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  const push = (a: CodeAction) => {
    const key = a.title + JSON.stringify(a.edit ?? a.disabled);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(a);
  };
  /** No line can carry the comment: say so (a disabled action, where the client shows those), never write a broken one. */
  const cannot = (title: string, reason: string, d: Diagnostic) => {
    const text = `cannot suppress here: ${reason}`;
    if (ctx.edits.disabled) push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], disabled: { reason: text } });
    else ctx.log(`pysec: ${title}: ${text} (${doc.uri})`);
  };

  let hygiene: HygieneIssue[] | undefined;
  for (const d of ours) {
    const code = String(d.code);
    // The notice of findings not shown (handlers/publish.ts) has nothing to fix.
    if (code === 'PSN008') continue;
    if (code in HYGIENE_RULES) {
      hygiene ??= hygieneIssues(ctx, all);
      const issue = hygiene.find((h) => h.code === code && sameRange(offsetRange(td, h.range.start, h.range.end, encoding), d.range));
      for (const fix of issue?.fixes ?? []) push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit([fix.edit]) });
      continue;
    }
    const finding = findingOf(d, visible, td, encoding);
    if (!finding) continue;

    // The safe rewrites first, then the suppressions. A tree-sitter finding
    // is fixed where it is; bandit's, through the tree-sitter finding of its
    // rule on its line (whose node the fix rewrites), if there is one.
    const line = td.positionAt(finding.range.start).line;
    const fixable = finding.engine === 'tree-sitter' ? finding : (doc.findings().find((f) => f.rule === finding.rule && td.positionAt(f.range.start).line === line) ?? finding);
    for (const fix of quickFixes(fixable, doc.syntaxTree, doc.context())) {
      push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        ...(fix.preferred && ctx.edits.isPreferred ? { isPreferred: true } : {}),
        edit: edit(fix.edits),
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
      if (!placed.ok) {
        cannot(title, placed.reason, d);
        break;
      }
      push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit([placed.placement.edit]) });
    }

    // Every finding on this line, in one comment.
    const group = visible.filter((f) => findingLines(f, td).issue === line);
    const ids = [...new Set(group.map((f) => f.rule))];
    if (ids.length >= 2) {
      const choice: Justification = { kind: 'placeholder', text: settings.placeholder };
      const placed = placeSuppression(pctx, group, choice, settings.placeholder);
      const title = suppressTitle(ids, d.range.start.line, placed.ok ? placed.placement : null, choice, true);
      const related = ours.filter((o) => group.some((g) => g.rule === o.code && d.range.start.line === o.range.start.line));
      if (placed.ok) push({ title, kind: CodeActionKind.QuickFix, diagnostics: related, edit: edit([placed.placement.edit]) });
      else cannot(title, placed.reason, d);
    }
  }
  return out;
}

/**
 * Whether a code action request can be answered at all: the client takes
 * code action literals, and asks for quick fixes (or for anything).
 */
export function wantsActions(params: CodeActionParams, literals: boolean): boolean {
  if (!literals) return false;
  const only = params.context.only;
  return !(only && only.length && !only.some((k) => k === '' || k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`)));
}

function suppressTitle(ids: readonly string[], diagnosticLine: number, p: Placement | null, choice: Justification, everyFinding = false): string {
  const what = everyFinding ? `every finding on this line (${ids.join(', ')})` : ids.join(', ');
  let title = everyFinding || !p || p.line === diagnosticLine ? `pysec: suppress ${what}${everyFinding ? '' : ' on this line'}` : `pysec: suppress ${what} (comment on line ${p.line + 1})`;
  if (everyFinding && p && p.line !== diagnosticLine) title += ` (comment on line ${p.line + 1})`;
  if (choice.kind === 'reason') title += ` — ${choice.text}`;
  if (p && !p.everyVersion) title += ' [read by bandit ≥ 1.7.5 only]';
  // bandit 1.6 reads any `# nosec` as blanket (suppress/bandit16.ts): say what else it silences there.
  if (p && p.bandit16.ids.length) title += ` [bandit 1.6 silences the whole ${p.bandit16.beyondLine ? 'statement' : 'line'}, ${p.bandit16.ids.join(', ')} too]`;
  if (p && p.collateral.length) {
    const n = p.collateral.length;
    title += ` (also the other ${n === 1 ? '' : `${n} `}${ids.join('/')} finding${n === 1 ? '' : 's'} there: bandit cannot tell them apart)`;
  }
  return title;
}
