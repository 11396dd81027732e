import type { Diagnostic } from 'vscode-languageserver';
import { hygieneDiagnostics } from '../actions/hygiene.js';
import { toDiagnostics } from '../diagnostics/convert.js';
import type { PythonDocument } from '../documents/document.js';
import type { Session } from '../session/session.js';

/** A document's diagnostics: its visible findings, then the suppression-hygiene ones, from one reading of its findings. */
export function diagnosticsOf(session: Session, doc: PythonDocument): Diagnostic[] {
  const view = session.view(doc);
  return [...toDiagnostics(view.visible, doc.textDocument, view.encoding, view.policy.mapping), ...hygieneDiagnostics(view)];
}

/** Pushes a document's diagnostics; resolves once they are written (at once when none are pushed). */
export function publish(session: Session, doc: PythonDocument): Promise<void> {
  // A URI the client has pulled is pushed no more (session/pulled.ts). Before
  // the first settings arrive nothing is published: their arrival publishes every document.
  if (!session.pulled.pushes(doc.uri) || !session.settings.isSettled) return Promise.resolve();
  return session.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnosticsOf(session, doc) });
}
