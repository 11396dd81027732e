import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import { codeActions, wantsActions } from '../actions/code-actions.js';
import type { Session } from '../session/session.js';

/** `textDocument/codeAction`: actions/code-actions.ts, for our own diagnostics only. */
export function codeActionsFor(session: Session, params: CodeActionParams): CodeAction[] {
  try {
    if (!wantsActions(params, session.client.edits.literals)) return [];
    const doc = session.documents.get(params.textDocument.uri);
    return doc ? codeActions(params, session.view(doc)) : [];
  } catch (e) {
    session.notices.log(`pysec: code actions failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return [];
  }
}
