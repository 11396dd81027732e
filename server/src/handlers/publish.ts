import type { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { hygieneDiagnostics, notShownSeverity } from '../actions/hygiene.js';
import { SOURCE, toDiagnostics } from '../diagnostics/convert.js';
import { offsetRange, type PositionEncoding } from '../positions/encoding.js';
import type { PythonDocument } from '../documents/document.js';
import { manifestDiagnostics } from '../manifests/diagnostics.js';
import type { ManifestDocument } from '../manifests/document.js';
import type { Session } from '../session/session.js';

/**
 * Findings published as diagnostics per document, at most (issue 16): a
 * file of 100,000 findings (`eval(x); ` repeated on one line) published
 * whole made a 58 MB message and took the server to 1.24 GB. Beyond, one
 * notice (PSN008, Information, at the first finding left out) says how
 * many more there are; `check` lists them all. Its code and name take the
 * severity overrides and `rules.ignore` as the suppression-hygiene codes do
 * (actions/hygiene.ts `notShownSeverity`).
 */
export const MAX_PUBLISHED = 1000;

/** A document's diagnostics: its visible findings (the first MAX_PUBLISHED), then the suppression-hygiene ones, from one reading of its findings. */
export function diagnosticsOf(session: Session, doc: PythonDocument): Diagnostic[] {
  const view = session.view(doc);
  const visible = view.visible;
  const shown = visible.length > MAX_PUBLISHED ? visible.slice(0, MAX_PUBLISHED) : visible;
  const out = [...toDiagnostics(shown, doc.textDocument, view.encoding, view.policy.mapping), ...hygieneDiagnostics(view)];
  if (visible.length > MAX_PUBLISHED) {
    // Its severity under the settings, as the other PSN codes' (`"off"` or `rules.ignore`: no notice).
    const severity = notShownSeverity(view);
    if (severity !== null) out.push(notShown(visible.length - MAX_PUBLISHED, doc, visible[MAX_PUBLISHED].range.start, view.encoding, severity));
  }
  return out;
}

function notShown(more: number, doc: PythonDocument, offset: number, encoding: PositionEncoding, severity: DiagnosticSeverity): Diagnostic {
  const range = offsetRange(doc.textDocument, offset, offset, encoding);
  return {
    range,
    severity,
    code: 'PSN008',
    source: SOURCE,
    message: `${more.toLocaleString('en-US')} more findings in this file are not shown: the editor shows the first ${MAX_PUBLISHED.toLocaleString('en-US')} (\`pysec-lsp check\` lists them all).`,
  };
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
