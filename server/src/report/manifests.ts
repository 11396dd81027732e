import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ManifestResult } from '../audit/index.js';
import type { FileResult } from '../batch/file.js';
import { parseComment } from '../suppress/comment.js';
import type { SuppressionComment } from './suppressions.js';

/**
 * The audited manifests as the report's results (their PS601/PS602
 * findings beside the code's), with the `# pysec: ignore[...]` comments of
 * their requirement lines for "Reviewed and Suppressed".
 */
export function manifestResults(results: readonly ManifestResult[]): { result: FileResult; comments: SuppressionComment[] }[] {
  return results.map((r) => {
    const lines = r.text.split(/\r\n|\n|\r/);
    const comments: SuppressionComment[] = [];
    const seen = new Set<number>();
    for (const req of r.manifest?.requirements ?? []) {
      const c = req.comment;
      if (!c || seen.has(c.line)) continue;
      const parts = parseComment(c.text);
      if (!parts.ignore) continue;
      seen.add(c.line);
      comments.push({ kind: 'pysec-ignore', line: c.line, ids: parts.ignoreIds, justification: parts.justification, code: (lines[c.line] ?? '').trim() });
    }
    comments.sort((a, b) => a.line - b.line);
    const languageId = r.manifest?.kind === 'requirements' ? 'pip-requirements' : r.manifest?.kind === 'Pipfile.lock' ? 'json' : 'toml';
    return { result: { path: r.path, text: r.text, doc: TextDocument.create(r.path, languageId, 0, r.text), findings: r.findings }, comments };
  });
}
