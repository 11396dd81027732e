import { DiagnosticRefreshRequest, type DidChangeConfigurationParams } from 'vscode-languageserver';
import type { Session } from '../session/session.js';
import type { SettingsChange } from '../workspace/settings.js';
import { publish, publishManifest } from './publish.js';

export function didChangeConfiguration(session: Session, params: DidChangeConfigurationParams): void {
  void session.settings.didChangeConfiguration(params);
}

/** New settings: every open document at once, re-run from scratch where the rule selection changed. */
export function settingsChanged(session: Session, change: SettingsChange): void {
  const { documents, client, bandit } = session;
  for (const doc of documents.all()) void publish(session, change.rerun(doc.uri) ? (documents.reanalyse(doc.uri) ?? doc) : doc);
  for (const doc of session.manifests.all()) void publishManifest(session, doc).catch(() => undefined);
  // Pulled URIs are pulled again when asked; the others were just pushed.
  if (client.refreshPulls && session.pulled.any) session.connection.sendRequest(DiagnosticRefreshRequest.type).catch(() => undefined);
  bandit.rerunAll(documents.all().filter((d) => change.banditChanged(d.uri)).map((d) => d.uri));
}
