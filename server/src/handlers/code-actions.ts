import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import { codeActions, wantsActions } from '../actions/code-actions.js';
import { manifestActions } from '../manifests/actions.js';
import type { Session } from '../session/session.js';

/** `textDocument/codeAction`: actions/code-actions.ts, for our own diagnostics only. */
export async function codeActionsFor(session: Session, params: CodeActionParams): Promise<CodeAction[]> {
  try {
    if (!wantsActions(params, session.client.edits.literals)) return [];
    const manifest = session.manifests.get(params.textDocument.uri);
    if (manifest) {
      const audit = await session.manifests.audit(manifest);
      if (!audit) return [];
      return manifestActions(params, audit, { encoding: session.client.encoding, edits: session.client.edits, auditText: (text) => session.manifests.auditText(audit, text) });
    }
    const doc = session.documents.get(params.textDocument.uri);
    return doc ? codeActions(params, session.view(doc)) : [];
  } catch (e) {
    session.notices.log(`pysec: code actions failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return [];
  }
}
