/**
 * The client's side of a code action's edit: what an editor does with the
 * `WorkspaceEdit` it gets. Positions are in the negotiated encoding; a
 * 3.18 `SnippetTextEdit` inserts its snippet with every tab stop at its
 * default text (what the user gets by pressing Escape).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { positionToUtf16, type PositionEncoding } from '../../server/src/positions/encoding.js';

export interface SnippetTextEdit {
  range: Range;
  snippet: { kind: 'snippet'; value: string };
}

export type AnyEdit = TextEdit | SnippetTextEdit;

/** A snippet's text with each `${n:default}` at its default, `$n` empty, escapes undone. */
export function snippetText(snippet: string): string {
  let out = '';
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    if (c === '\\' && i + 1 < snippet.length && '\\$}'.includes(snippet[i + 1])) {
      out += snippet[++i];
    } else if (c === '$' && snippet[i + 1] === '{') {
      const m = /^\$\{\d+:/.exec(snippet.slice(i));
      if (!m) throw new Error(`unsupported snippet syntax at ${i}: ${snippet}`);
      i += m[0].length - 1;
    } else if (c === '$' && /\d/.test(snippet[i + 1] ?? '')) {
      while (/\d/.test(snippet[i + 1] ?? '')) i++;
    } else if (c === '}') {
      // The end of a placeholder (a literal `}` is escaped).
    } else out += c;
  }
  return out;
}

/** The edits a workspace edit makes to `uri`, and the version they were computed on (null: unversioned `changes`). */
export function editsFor(edit: WorkspaceEdit, uri: string): { edits: AnyEdit[]; version: number | null } {
  if (edit.documentChanges) {
    const docEdits = edit.documentChanges.filter((c): c is Extract<typeof c, { textDocument: unknown }> => 'textDocument' in c && c.textDocument.uri === uri);
    if (docEdits.length !== 1) throw new Error(`expected one TextDocumentEdit for ${uri}, got ${docEdits.length}`);
    return { edits: docEdits[0].edits as AnyEdit[], version: docEdits[0].textDocument.version };
  }
  const edits = edit.changes?.[uri];
  if (!edits) throw new Error(`no edits for ${uri}`);
  return { edits, version: null };
}

/** Applies edits (positions in `encoding`) to `text`, as LSP says: all against the original text. */
export function applyEdits(text: string, edits: readonly AnyEdit[], encoding: PositionEncoding): string {
  const doc = TextDocument.create('file:///edit', 'python', 0, text);
  const resolved = edits.map((e) => {
    const start = doc.offsetAt(positionToUtf16(doc, e.range.start, encoding));
    const end = doc.offsetAt(positionToUtf16(doc, e.range.end, encoding));
    const newText = 'snippet' in e ? snippetText(e.snippet.value) : e.newText;
    return { start, end, newText };
  });
  resolved.sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < resolved.length; i++) {
    if (resolved[i].end > resolved[i - 1].start) throw new Error('overlapping edits');
  }
  let out = text;
  for (const e of resolved) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Applies a code action's edit to the text of `uri`, checking its version when it carries one. */
export function applyAction(text: string, uri: string, action: CodeAction, encoding: PositionEncoding, version?: number): string {
  if (!action.edit) throw new Error(`code action "${action.title}" has no edit`);
  const { edits, version: v } = editsFor(action.edit, uri);
  if (version !== undefined && v !== null && v !== version) throw new Error(`edit for version ${v}, document is at ${version}`);
  return applyEdits(text, edits, encoding);
}
