import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { findingsAt, md } from '../hover/hover.js';
import type { Finding } from '../findings/finding.js';
import { offsetRange, positionToUtf16, type PositionEncoding } from '../positions/encoding.js';
import { isLockKind } from './names.js';
import { visibleOf } from './diagnostics.js';
import type { ManifestAudit } from './service.js';

/**
 * Hover on a vulnerable requirement: per advisory, its summary, ids
 * (aliases), the affected and fixed versions, the CVSS vector and score,
 * whether the project imports the package, what to do, and its links.
 * Null anywhere else.
 */
export function manifestHover(a: ManifestAudit, position: Position, encoding: PositionEncoding, markdown: boolean): Hover | null {
  const td = a.doc.textDocument;
  const pos = positionToUtf16(td, position, encoding);
  if (pos.line < 0 || pos.line >= td.lineCount) return null;
  const offset = td.offsetAt(pos);
  if (td.positionAt(offset).character !== pos.character) return null;
  const here = findingsAt(visibleOf(a), offset).filter((f) => f.dependency);
  if (here.length === 0) return null;
  const value = here.map((f) => explainAdvisory(f, markdown, isLockKind(a.doc.kind), a.api.riskOfScore)).join(markdown ? '\n\n---\n\n' : '\n\n----------\n\n');
  const first = here[0];
  return { contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range: offsetRange(td, first.range.start, first.range.end, encoding) };
}

export function explainAdvisory(f: Finding, markdown: boolean, lock: boolean, riskOfScore: (score: number) => string): string {
  const d = f.dependency!;
  const t = (s: string) => (markdown ? md(s) : s);
  const bold = (s: string) => (markdown ? `**${s}**` : s);
  const codeSpan = (s: string) => (markdown ? `\`${s}\`` : s);
  const out: string[] = [];
  out.push(`${bold(`${f.rule} · ${codeSpan(f.name)}`)} — ${bold(`${f.risk} risk`)}: ${bold(d.advisory)}`);
  if (d.summary) out.push(t(d.summary));
  const facts: string[] = [];
  facts.push(`Package: ${codeSpan(d.package)} ${d.version !== null ? `${d.version}${d.locked ? ' (locked)' : ' (pinned)'}` : `${d.specifier || 'any version'} (allows ${d.affectedVersion ?? 'an affected version'})`}`);
  facts.push(`Aliases: ${d.aliases.length ? d.aliases.map(codeSpan).join(', ') : 'none'}`);
  if (d.affectedRanges.length) facts.push(`Affected versions: ${d.affectedRanges.map(codeSpan).join('; ')}`);
  facts.push(`Fixed in: ${d.fixedIn ? codeSpan(d.fixedIn) : 'no fixed version yet'}${d.fixedVersions.length > 1 ? ` (fixed versions: ${d.fixedVersions.map(codeSpan).join(', ')})` : ''}`);
  facts.push(d.cvss ? `CVSS: ${codeSpan(d.cvss.vector)}, score ${d.cvss.score.toFixed(1)} (${riskOfScore(d.cvss.score)})` : 'CVSS: none given (the rule\'s default severity)');
  if (d.imported === false) facts.push('Not imported by this project: graded one step lower');
  else if (d.imported === true) facts.push('Imported by this project');
  out.push(facts.map((x) => (markdown ? `- ${x}` : x)).join('\n'));
  const fix = d.fixedIn
    ? lock
      ? `Upgrade ${d.package} to ${d.fixedIn} or later in the manifest and regenerate the lock file (its tool writes it; pysec does not edit lock files).`
      : `Upgrade to ${d.fixedIn} or later (the code action "upgrade" rewrites the version, keeping markers, extras and comments).`
    : 'No fixed version yet: remove the dependency, or check whether the vulnerable code is used and ignore the advisory with a reason.';
  out.push(`${bold('What to do:')} ${t(fix)}`);
  const ignore = `# pysec: ignore[${d.advisory}]  # <justification>`;
  out.push(`${bold('If it does not apply')} (the vulnerable code is not used, or the risk is accepted): end the line with ${markdown ? `\`${ignore}\`` : ignore}.`);
  if (d.references.length) {
    const links = d.references.slice(0, 6);
    out.push(markdown ? links.map((u) => `- <${u}>`).join('\n') : `Links:\n${links.map((u) => `  ${u}`).join('\n')}`);
  }
  return out.join('\n\n');
}
