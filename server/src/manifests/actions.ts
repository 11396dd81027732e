import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { sanitized } from '../actions/context.js';
import { workspaceEdit, type EditSupport } from '../actions/edits.js';
import { SOURCE } from '../diagnostics/convert.js';
import type { Finding } from '../findings/finding.js';
import { offsetRange, type PositionEncoding } from '../positions/encoding.js';
import type { OffsetTextEdit } from '../suppress/lines.js';
import type { DocumentAudit, Requirement } from './adapter.js';
import { visibleOf } from './diagnostics.js';
import { ignoreEdit } from './ignore.js';
import type { ManifestAudit } from './service.js';
import { upgradeEdit } from './upgrade.js';

/** What the actions need besides the audit: the client's side, and a way to audit a candidate text. */
export interface ManifestActionInput {
  encoding: PositionEncoding;
  edits: EditSupport;
  /** The audit of `text` as the document's (same database, same project). */
  auditText(text: string): DocumentAudit;
}

/**
 * Code actions for a manifest's dependency findings: "upgrade <pkg> to
 * <first fixed version>" and "ignore <advisory>" with the placeholder or a
 * preset reason. Each edit is checked before it is offered, by auditing the
 * text it makes: the upgrade must leave the file readable (no new parse
 * error) with no finding of that advisory on that package; the ignore must
 * silence exactly that advisory, nothing else. Edits are versioned.
 */
export function manifestActions(params: CodeActionParams, a: ManifestAudit, input: ManifestActionInput): CodeAction[] {
  const ours = params.context.diagnostics.filter((d) => d.source === SOURCE && (d.code === 'PS601' || d.code === 'PS602'));
  if (ours.length === 0) return [];
  const td = a.doc.textDocument;
  const text = td.getText();
  const visible = visibleOf(a);
  const suppress = sanitized(a.settings.suppress);
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  const push = (title: string, d: Diagnostic, e: OffsetTextEdit, preferred = false) => {
    const key = `${title}\0${e.start}:${e.end}:${e.text}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      ...(preferred && input.edits.isPreferred ? { isPreferred: true } : {}),
      edit: workspaceEdit(td, [e], input.encoding, input.edits),
    });
  };
  const apply = (e: OffsetTextEdit) => text.slice(0, e.start) + e.text + text.slice(e.end);

  for (const d of ours) {
    const f = findingOf(d, visible, a, input.encoding);
    const dep = f?.dependency;
    if (!f || !dep) continue;
    const r = requirementOf(a.audit, f);
    if (!r) continue;

    if (dep.fixedIn) {
      const e = upgradeEdit(text, a.doc.kind, r, dep.fixedIn);
      if (e && upgradeHolds(input.auditText(apply(e)), a.audit, dep.package, dep.advisory)) {
        const hashed = text.slice(r.span.start, r.span.end).includes('--hash');
        push(`pysec: upgrade ${r.name} to ${dep.fixedIn}${hashed ? ' (then regenerate its --hash values: pip refuses the old ones)' : ''}`, d, e, true);
      }
    }

    const reasons: { text: string; placeholder: boolean }[] = [{ text: suppress.placeholder, placeholder: true }, ...suppress.reasons.map((t) => ({ text: t, placeholder: false }))];
    for (const reason of reasons) {
      const e = ignoreEdit(td, a.doc.kind, r, dep.advisory, reason.text);
      if (!e) break;
      if (!ignoreHolds(input.auditText(apply(e)), a.audit, f)) break;
      const edit = reason.placeholder ? e : { start: e.start, end: e.end, text: e.text };
      const alias = dep.aliases.find((x) => x.startsWith('CVE-'));
      const what = `pysec: ignore ${dep.advisory}${alias ? ` (${alias})` : ''} on this line`;
      push(reason.placeholder ? `${what}, with a justification` : `${what} — ${reason.text}`, d, edit);
    }
  }
  return out;
}

/** The finding a diagnostic stands for: same rule and advisory, at the offsets its data names (else its range). */
function findingOf(d: Diagnostic, visible: readonly Finding[], a: ManifestAudit, encoding: PositionEncoding): Finding | undefined {
  const data = (d.data ?? {}) as { version?: unknown; offsets?: unknown; advisory?: unknown };
  const advisory = typeof data.advisory === 'string' ? data.advisory : undefined;
  const td = a.doc.textDocument;
  const candidates = visible.filter((f) => f.rule === d.code && f.dependency && (advisory === undefined ? d.message.includes(f.dependency.advisory) : f.dependency.advisory === advisory));
  if (data.version === td.version && Array.isArray(data.offsets)) {
    const [s, e] = data.offsets as unknown[];
    const exact = candidates.find((f) => f.range.start === s && f.range.end === e);
    if (exact) return exact;
  }
  return candidates.find((f) => {
    const r = offsetRange(td, f.range.start, f.range.end, encoding);
    return r.start.line === d.range.start.line && r.start.character === d.range.start.character;
  });
}

/** The requirement a finding is on. */
function requirementOf(audit: DocumentAudit, f: Finding): Requirement | undefined {
  return audit.manifest?.requirements.find((r) => r.package === f.dependency!.package && r.nameSpan.start <= f.range.start && f.range.start <= Math.max(r.span.end, r.nameSpan.end));
}

/** The upgraded text still reads as well as before, and no finding of that advisory on that package is left. */
function upgradeHolds(after: DocumentAudit, before: DocumentAudit, pkg: string, advisory: string): boolean {
  if (!after.manifest || after.errors.length > before.errors.length) return false;
  if (after.manifest.requirements.length !== before.manifest!.requirements.length) return false;
  return !after.findings.some((f) => f.dependency?.package === pkg && f.dependency.advisory === advisory);
}

/** The commented text silences that finding, and nothing else changes (the findings, in order, are the same ones). */
function ignoreHolds(after: DocumentAudit, before: DocumentAudit, f: Finding): boolean {
  if (!after.manifest || after.errors.length > before.errors.length) return false;
  if (after.findings.length !== before.findings.length) return false;
  const key = (x: Finding) => `${x.rule}\0${x.dependency?.package}\0${x.dependency?.advisory}`;
  return before.findings.every((b, i) => {
    const n = after.findings[i];
    if (key(n) !== key(b)) return false;
    return b === f ? !!n.suppressed : !!n.suppressed === !!b.suppressed;
  });
}
