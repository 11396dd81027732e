import type { Tree } from 'web-tree-sitter';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { commentOnLine, readComment } from '../suppress/apply.js';
import { mayHaveSuppressions } from '../suppress/hygiene.js';

/** One `# nosec` or `# pysec: ignore[...]` comment, as written. */
export interface SuppressionComment {
  kind: 'nosec' | 'pysec-ignore';
  /** 0-based. */
  line: number;
  /** The ids or names as written; empty for a bare `# nosec`. */
  ids: string[];
  justification: string | null;
  /** The source line, trimmed. */
  code: string;
}

/**
 * Every suppression comment of a file, whether or not it silences a
 * finding (one that silences nothing is listed too: it is still a
 * decision somebody made). Comments only: a `# nosec` inside a string is
 * not one.
 */
export function suppressionComments(doc: TextDocument, tree: Tree): SuppressionComment[] {
  const text = doc.getText();
  if (!mayHaveSuppressions(text)) return [];
  const lines = new Set<number>();
  for (const m of text.matchAll(/#\s*(?:nosec|pysec:\s*ignore)/g)) lines.add(doc.positionAt(m.index).line);
  const out: SuppressionComment[] = [];
  for (const line of [...lines].sort((a, b) => a - b)) {
    const c = commentOnLine(doc, tree, line);
    if (!c) continue;
    const { nosec, ignore } = readComment(c.text);
    const start = doc.offsetAt({ line, character: 0 });
    const end = doc.offsetAt({ line: line + 1, character: 0 });
    const code = text.slice(start, end).trim();
    if (nosec) out.push({ kind: 'nosec', line, ids: nosec.tokens, justification: nosec.justification, code });
    if (ignore) out.push({ kind: 'pysec-ignore', line, ids: [...ignore.ids], justification: ignore.justification, code });
  }
  return out;
}
