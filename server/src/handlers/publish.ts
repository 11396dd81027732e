import type { Diagnostic } from 'vscode-languageserver';
import { hygieneDiagnostics } from '../actions/hygiene.js';
import { toDiagnostics } from '../diagnostics/convert.js';
import type { PythonDocument } from '../documents/document.js';
import { manifestDiagnostics } from '../manifests/diagnostics.js';
import type { ManifestDocument } from '../manifests/document.js';
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

/** A manifest's diagnostics: its dependency findings and their ignore comments' hygiene ([] with the audit off). */
export async function manifestDiagnosticsOf(session: Session, doc: ManifestDocument): Promise<Diagnostic[]> {
  const audit = await session.manifests.audit(doc);
  return audit ? manifestDiagnostics(audit, session.client.encoding) : [];
}

/**
 * Pushes a manifest's diagnostics, on the same terms as a Python document's.
 * The audit is synchronous once its modules are loaded; a text that changed
 * meanwhile (the first load) is not published stale: its own publish follows.
 */
export async function publishManifest(session: Session, doc: ManifestDocument): Promise<void> {
  if (!session.pulled.pushes(doc.uri) || !session.settings.isSettled) return;
  const version = doc.version;
  const diagnostics = await manifestDiagnosticsOf(session, doc);
  if (doc.version !== version || session.manifests.get(doc.uri) !== doc || !session.pulled.pushes(doc.uri)) return;
  await session.connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
}
