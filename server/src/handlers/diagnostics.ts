import { DocumentDiagnosticReportKind, type DocumentDiagnosticParams, type DocumentDiagnosticReport } from 'vscode-languageserver';
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
  return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnosticsOf(session, doc) : [] };
}
