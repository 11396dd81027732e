import { gradingInWords } from '../grading/words.js';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { severityName, type SeverityMapping } from '../diagnostics/severity.js';
import { offsetRange, positionToUtf16, type PositionEncoding } from '../positions/encoding.js';
import type { Finding } from '../findings/finding.js';
import { cweUrl, owaspLabel } from '../findings/owasp.js';
import { IMPACT, plainRisk } from './risk.js';
import { fixSnippet } from './snippets.js';

/**
 * Hover on a finding: what it risks in plain words, its OWASP category, CWE,
 * risk label and severity × confidence, how to fix it (a before/after
 * snippet where one is known, else the rule's remediation), and how to
 * suppress it properly. Null anywhere that is not a finding, so that the
 * main Python server's hover is not crowded out. Pure.
 */

export interface HoverInput {
  doc: TextDocument;
  /** The findings the document shows (visible, not suppressed). */
  findings: readonly Finding[];
  /** In the client's position encoding. */
  position: Position;
  encoding: PositionEncoding;
  /** The client renders markdown (`textDocument.hover.contentFormat`). */
  markdown: boolean;
  /** The rules' remediation texts, by rule id (`queries/*.json`). */
  remediation: (ruleId: string) => string | undefined;
  mapping: SeverityMapping;
}

/** Whether the client prefers markdown: `contentFormat` lists it (before plaintext). */
export function prefersMarkdown(contentFormat: readonly string[] | undefined): boolean {
  if (!contentFormat || contentFormat.length === 0) return false;
  const md = contentFormat.indexOf(MarkupKind.Markdown);
  const plain = contentFormat.indexOf(MarkupKind.PlainText);
  return md >= 0 && (plain < 0 || md < plain);
}

/** The findings whose range holds `offset` (an empty range holds its start). */
export function findingsAt(findings: readonly Finding[], offset: number): Finding[] {
  return findings.filter((f) => (f.range.start === f.range.end ? offset === f.range.start : f.range.start <= offset && offset < f.range.end));
}

/** bandit's comment for bandit ids, ours for the rest (bandit reads `# nosec PS501` as a blanket nosec). */
export function suppressionComment(ruleId: string): string {
  return /^B\d+$/.test(ruleId) ? `# nosec ${ruleId}  # <justification>` : `# pysec: ignore[${ruleId}]  # <justification>`;
}

export function findingHover(input: HoverInput): Hover | null {
  const { doc, encoding } = input;
  const pos = positionToUtf16(doc, input.position, encoding);
  if (pos.line < 0 || pos.line >= doc.lineCount) return null;
  const offset = doc.offsetAt(pos);
  // offsetAt clamps a column past the line's end to the line's end: a
  // position beyond the text of its line is not on any finding.
  if (doc.positionAt(offset).character !== pos.character) return null;
  const here = findingsAt(input.findings, offset);
  if (here.length === 0) return null;
  const sections = here.map((f) => explain(f, input));
  const value = sections.join(input.markdown ? '\n\n---\n\n' : '\n\n----------\n\n');
  // The range of the innermost finding: what the client highlights.
  const inner = here.reduce((a, b) => (b.range.end - b.range.start < a.range.end - a.range.start ? b : a));
  return {
    contents: { kind: input.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value },
    range: offsetRange(doc, inner.range.start, inner.range.end, encoding),
  };
}

function code(text: string, markdown: boolean): string {
  if (markdown) return '```python\n' + text + '\n```';
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/**
 * Escapes markdown in free text (messages quote code such as
 * `allow_origins=["*"]`). An underscore inside a word (`ast.literal_eval`)
 * cannot start emphasis in CommonMark, and clients that show the markdown
 * as text (Eglot without markdown-mode) would show its backslash.
 */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (c: string, i: number) => (c === '_' && WORD.test(text[i - 1] ?? '') && WORD.test(text[i + 1] ?? '') ? c : `\\${c}`));
}

const WORD = /[\p{L}\p{N}]/u;

export function explain(f: Finding, input: Pick<HoverInput, 'markdown' | 'remediation' | 'mapping' | 'doc'>): string {
  const m = input.markdown;
  const t = (s: string) => (m ? md(s) : s);
  const bold = (s: string) => (m ? `**${s}**` : s);
  const line = input.doc.positionAt(f.range.start).line + 1;
  const shownAs = severityName(f, input.mapping);
  const remediation = input.remediation(f.rule);
  const snippet = fixSnippet({ id: f.rule, name: f.name });
  const out: string[] = [];

  out.push(`${bold(`${f.rule} · ${m ? `\`${f.name}\`` : f.name}`)} — ${bold(`${f.risk} risk`)} (${IMPACT[f.risk]})`);
  out.push(t(f.message));
  out.push(`${bold('What could happen:')} ${t(plainRisk(f))}`);
  const path = gradingInWords(f);
  if (path) out.push(`${bold(f.flow?.length ? 'Attack path:' : 'Path:')} ${t(path)}`);

  const facts = [
    `OWASP: ${t(owaspLabel(f.owasp))}`,
    f.cwe === null ? 'CWE: none given' : m ? `CWE: [CWE-${f.cwe}](${cweUrl(f.cwe)})` : `CWE: CWE-${f.cwe} ${cweUrl(f.cwe)}`,
    `Risk: ${f.risk}`,
    `Severity × confidence: ${f.severity} × ${f.confidence} (shown as ${shownAs})`,
    `Found by: ${f.engine === 'bandit' ? 'bandit' : 'tree-sitter, as you type'}`,
  ];
  out.push(facts.map((x) => (m ? `- ${x}` : x)).join('\n'));

  const fix: string[] = [];
  if (remediation) fix.push(`${bold('How to fix:')} ${t(remediation)}`);
  else if (snippet?.note) fix.push(`${bold('How to fix:')} ${t(snippet.note)}`);
  else if (!snippet) fix.push(`${bold('How to fix:')} see the rule's documentation below.`);
  else fix.push(bold('How to fix:'));
  if (snippet) {
    fix.push(`Before:\n${code(snippet.before, m)}`);
    fix.push(`After:\n${code(snippet.after, m)}`);
    if (remediation && snippet.note) fix.push(t(snippet.note));
  }
  out.push(fix.join('\n\n'));

  const comment = suppressionComment(f.rule);
  const warning = /^B\d+$/.test(f.rule)
    ? `Name the id: never a bare ${m ? '`# nosec`' : '# nosec'}, never ${m ? `\`# nosec ${f.rule},B101\`` : `# nosec ${f.rule},B101`} (bandit keeps only the last id), and the reason after the second ${m ? '`#`' : '#'}.`
    : `Not ${m ? `\`# nosec ${f.rule}\`` : `# nosec ${f.rule}`}: bandit reads that as a blanket ${m ? '`# nosec`' : '# nosec'} that silences every check on the line.`;
  out.push(
    `${bold('If it is a false positive')} (only after reading the code): end line ${line} with\n${code(comment, m)}\n${warning} A suppression nobody reviewed is itself a security gap.`,
  );

  out.push(m ? `[${f.rule} documentation](${f.docs})` : `Documentation: ${f.docs}`);
  return out.join('\n\n');
}
