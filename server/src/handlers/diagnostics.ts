import { DocumentDiagnosticReportKind, type DocumentDiagnosticParams, type DocumentDiagnosticReport } from 'vscode-languageserver';
import type { Session } from '../session/session.js';
import { diagnosticsOf } from './publish.js';

/** `textDocument/diagnostic`: what a push would send, once the first settings are known. */
export async function pullDiagnostics(session: Session, params: DocumentDiagnosticParams): Promise<DocumentDiagnosticReport> {
  await session.settings.ready;
  // A large document's findings are the worker's: wait for those of the current text.
  await session.documents.get(params.textDocument.uri)?.settled();
  const doc = session.documents.get(params.textDocument.uri);
  return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnosticsOf(session, doc) : [] };
}
