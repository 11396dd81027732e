import { createHash } from 'node:crypto';
import { DiagnosticRefreshRequest, DocumentDiagnosticReportKind, type Diagnostic, type DocumentDiagnosticParams, type DocumentDiagnosticReport } from 'vscode-languageserver';
import type { PythonDocument } from '../documents/document.js';
import type { Session } from '../session/session.js';
import { diagnosticsOf, manifestDiagnosticsOf } from './publish.js';

/** `textDocument/diagnostic`: what a push would send, once the first settings are known; the URI's pushes stop. */
export async function pullDiagnostics(session: Session, params: DocumentDiagnosticParams): Promise<DocumentDiagnosticReport> {
  const { uri } = params.textDocument;
  // A pull-capable client's first pull of this URI: what was pushed for it goes,
  // once, and it is pushed no more (session/pulled.ts). Before any await, so no
  // push of this URI can follow the clearing one. A client that never said it
  // pulls is answered and keeps its pushes.
  if (session.client.pull && session.pulled.first(uri)) void session.connection.sendDiagnostics({ uri, diagnostics: [] });
  await session.settings.ready;
  const manifest = session.manifests.get(uri);
  if (manifest) return { kind: DocumentDiagnosticReportKind.Full, items: await manifestDiagnosticsOf(session, manifest) };
  // A large document's findings are the worker's: wait for those of the current text.
  await session.documents.get(uri)?.settled();
  const doc = session.documents.get(uri);
  const items = doc ? diagnosticsOf(session, doc) : [];
  if (doc && session.client.refreshPulls) session.pulled.answered(uri, digest(items));
  return { kind: DocumentDiagnosticReportKind.Full, items };
}

function digest(items: Diagnostic[]): string {
  return createHash('sha256').update(JSON.stringify(items)).digest('base64');
}

/**
 * Documents graded again because a module they read changed (an edit,
 * open, close or disk change of it: handlers/documents.ts): a pushed one
 * was just published; for the ones the client pulls, a
 * `workspace/diagnostic/refresh` when one's results now differ from what
 * its last pull answered (a summary it reads changed), and the client says
 * it handles refreshes. One refresh for them all, and none again for a
 * document before the client has pulled it again.
 */
export function refreshPulledDependents(session: Session, dependents: readonly PythonDocument[]): void {
  if (!session.client.refreshPulls || !session.settings.isSettled) return;
  let changed = false;
  for (const dep of dependents) {
    if (dep.isRemote || session.pulled.pushes(dep.uri)) continue;
    if (session.pulled.changedSincePull(dep.uri, digest(diagnosticsOf(session, dep)))) changed = true;
  }
  if (changed) session.connection.sendRequest(DiagnosticRefreshRequest.type).catch(() => undefined);
}
