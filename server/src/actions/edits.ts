import type { ClientCapabilities, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { offsetRange, type PositionEncoding } from '../positions/encoding.js';
import type { OffsetTextEdit } from '../suppress/lines.js';

/**
 * Edits as the client takes them: positions in its encoding, versioned
 * (`documentChanges`) where it supports that, and with the placeholder
 * justification as a tab stop where it supports snippets in workspace
 * edits (LSP 3.18 `SnippetTextEdit`, which vscode-languageserver-protocol
 * 3.17.5 does not type yet: read and written here by hand).
 */

/** What of the client's capabilities shapes the code actions. */
export interface EditSupport {
  /** `CodeAction` literals (else the client takes commands only, and we offer none). */
  literals: boolean;
  documentChanges: boolean;
  snippets: boolean;
  disabled: boolean;
  isPreferred: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function path(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Read defensively from the raw `initialize` capabilities: any shape, any missing part. */
export function editSupport(caps: ClientCapabilities | unknown): EditSupport {
  const documentChanges = path(caps, 'workspace', 'workspaceEdit', 'documentChanges') === true;
  return {
    literals: isObject(path(caps, 'textDocument', 'codeAction', 'codeActionLiteralSupport')),
    documentChanges,
    // A SnippetTextEdit lives in a TextDocumentEdit: no snippets without documentChanges.
    snippets: documentChanges && path(caps, 'workspace', 'workspaceEdit', 'snippetEditSupport') === true,
    disabled: path(caps, 'textDocument', 'codeAction', 'disabledSupport') === true,
    isPreferred: path(caps, 'textDocument', 'codeAction', 'isPreferredSupport') === true,
  };
}

/** LSP 3.18's `SnippetTextEdit`. */
export interface SnippetTextEdit {
  range: Range;
  snippet: { kind: 'snippet'; value: string };
}

/** Text that a snippet inserts literally: `\`, `$` and `}` escaped. */
export function snippetEscape(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/** One edit for the client; a snippet only where asked and supported. */
export function clientEdit(doc: TextDocument, e: OffsetTextEdit, encoding: PositionEncoding, snippets: boolean): TextEdit | SnippetTextEdit {
  const range = offsetRange(doc, e.start, e.end, encoding);
  if (snippets && e.tabStop) {
    const [a, b] = e.tabStop;
    const value = snippetEscape(e.text.slice(0, a)) + '${1:' + snippetEscape(e.text.slice(a, b)) + '}' + snippetEscape(e.text.slice(b));
    return { range, snippet: { kind: 'snippet', value } };
  }
  return { range, newText: e.text };
}

/**
 * A workspace edit of one document: `documentChanges` with the version the
 * edits were computed on when the client supports it (a stale edit is then
 * refused by the client instead of corrupting the text), else `changes`.
 */
export function workspaceEdit(doc: TextDocument, edits: readonly OffsetTextEdit[], encoding: PositionEncoding, support: EditSupport): WorkspaceEdit {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  if (support.documentChanges) {
    const list = sorted.map((e) => clientEdit(doc, e, encoding, support.snippets));
    // SnippetTextEdit is not in the 3.17 types; the wire format is what matters.
    return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: list as TextEdit[] }] };
  }
  return { changes: { [doc.uri]: sorted.map((e) => clientEdit(doc, e, encoding, false) as TextEdit) } };
}
