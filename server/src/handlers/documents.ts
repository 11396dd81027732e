import type {
  DidChangeTextDocumentParams,
  DidChangeWatchedFilesParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  DidSaveTextDocumentParams,
} from 'vscode-languageserver';
import { isPython } from '../documents/store.js';
import type { Session } from '../session/session.js';
import { publish } from './publish.js';

/** The document notifications (each wrapped in `guarded` by server.ts). */

export function didOpen(session: Session, { textDocument: td }: DidOpenTextDocumentParams): void {
  if (!isPython(td.uri, td.languageId)) return;
  const doc = session.documents.open(td.uri, td.version, td.text);
  // A large document's diagnostics go out when the worker has its findings.
  if (!doc.isRemote) void publish(session, doc);
  if (doc.binary) binaryNotice(session, td.uri);
  else session.bandit.onOpen(doc);
}

export function didChange(session: Session, { textDocument: td, contentChanges }: DidChangeTextDocumentParams): void {
  const doc = session.documents.change(td.uri, td.version ?? 0, contentChanges, session.client.encoding);
  if (!doc) return;
  // The replaced tree is freed once the diagnostics are out: off the keystroke's path
  // (a large document's are published when the worker answers).
  if (doc.isRemote) doc.releaseOldTree();
  else
    void publish(session, doc)
      .catch(() => undefined)
      .finally(() => doc.releaseOldTree());
  if (doc.binary) binaryNotice(session, td.uri);
  else session.bandit.onChange(doc);
}

/** A binary file (NUL bytes) is neither parsed nor given to bandit: said once per file. */
function binaryNotice(session: Session, uri: string): void {
  session.notices.warnOnce(`binary:${uri}`, `pysec: ${uri} looks binary (it holds NUL bytes) and is not analysed.`);
}

export function didClose(session: Session, { textDocument: td }: DidCloseTextDocumentParams): void {
  session.bandit.onClose(td.uri);
  session.settings.forget(td.uri);
  if (session.documents.close(td.uri) && !session.client.pull) void session.connection.sendDiagnostics({ uri: td.uri, diagnostics: [] });
}

/** The tree-sitter engine is already current; bandit runs on the buffer's text. */
export function didSave(session: Session, { textDocument: td }: DidSaveTextDocumentParams): void {
  session.bandit.onSave(td.uri);
}

/** bandit's project config files, watched (handlers/initialized.ts). */
export const CONFIG_GLOBS = ['**/pyproject.toml', '**/.bandit', '**/*.{yaml,yml}'];

/** A bandit config may have changed: both engines read the project's config again. */
export function didChangeWatchedFiles(session: Session, { changes }: DidChangeWatchedFilesParams): void {
  if (!changes.some((c) => /(?:^|\/)(?:pyproject\.toml|\.bandit|[^/]+\.(?:ya?ml|toml))$/.test(c.uri))) return;
  session.settings.projectConfigsChanged();
  session.bandit.rerunAll(session.documents.all().map((d) => d.uri));
}
