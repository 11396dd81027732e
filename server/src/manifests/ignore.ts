import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildComment, parseComment } from '../suppress/comment.js';
import type { OffsetTextEdit } from '../suppress/lines.js';
import type { ManifestKind, Requirement } from './adapter.js';

/**
 * The edit that ignores an advisory on a requirement's line, as for code:
 * `# pysec: ignore[GHSA-…]  # <justification>` at the end of the line (two
 * spaces before it), or the id added to the comment already there (its
 * text, and any other marker, kept). Pipfile.lock is JSON and takes no
 * comment: null there. TOML files take `#` comments at the end of a line;
 * the caller audits the result to make sure it silences exactly that advisory.
 */
export function ignoreEdit(doc: TextDocument, kind: ManifestKind, r: Requirement, id: string, justification: string): OffsetTextEdit | null {
  if (kind === 'Pipfile.lock') return null;
  const text = doc.getText();
  if (r.comment) {
    const parts = parseComment(r.comment.text);
    if (parts.ignoreIds.some((x) => x.toUpperCase() === id.toUpperCase())) return null;
    const built = buildComment({ lead: parts.lead, nosec: parts.nosec ? parts.nosecIds : [], ignore: [...parts.ignoreIds, id], justification: parts.justification ?? justification });
    if (parts.rest && parts.justification === null) return null;
    return { start: r.comment.start, end: r.comment.start + r.comment.text.length, text: built.text, ...(built.justification && parts.justification === null ? { tabStop: built.justification } : {}) };
  }
  // The end of the requirement's last line (after its options, such as `--hash`), before the line break.
  const end0 = Math.max(r.span.end, r.specSpan?.end ?? 0, r.nameSpan.end);
  const last = doc.positionAt(Math.max(r.nameSpan.start, end0 - 1)).line;
  const lineEnd = doc.offsetAt({ line: last + 1, character: 0 });
  let end = lineEnd;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r') && end > doc.offsetAt({ line: last, character: 0 })) end--;
  let code = end;
  while (code > 0 && (text[code - 1] === ' ' || text[code - 1] === '\t')) code--;
  // A line that ends with pip's continuation `\` is continued: the comment would end the requirement early.
  if (text[code - 1] === '\\') return null;
  const built = buildComment({ lead: '', nosec: [], ignore: [id], justification });
  return { start: code, end, text: `  ${built.text}`, ...(built.justification ? { tabStop: [built.justification[0] + 2, built.justification[1] + 2] as [number, number] } : {}) };
}
