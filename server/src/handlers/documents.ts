import type {
  DidChangeTextDocumentParams,
  DidChangeWatchedFilesParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  DidSaveTextDocumentParams,
} from 'vscode-languageserver';
import { FileChangeType } from 'vscode-languageserver';
import { isPython } from '../documents/store.js';
import { uriToPath } from '../files/uri.js';
import { ManifestService } from '../manifests/service.js';
import type { Session } from '../session/session.js';
import { refreshPulledDependents } from './diagnostics.js';
import { publish, publishManifest } from './publish.js';

/** The document notifications (each wrapped in `guarded` by server.ts). */

export function didOpen(session: Session, { textDocument: td }: DidOpenTextDocumentParams): void {
  if (!isPython(td.uri, td.languageId)) {
    // A manifest or lock file: audited on its own, never through the Python engine.
    const manifest = session.manifests.open(td.uri, td.version, td.text);
    if (manifest) void publishManifest(session, manifest).catch(() => undefined);
    return;
  }
  const doc = session.documents.open(td.uri, td.version, td.text);
  // A large document's diagnostics go out when the worker has its findings.
  if (!doc.isRemote) void publish(session, doc);
  if (doc.binary) session.sayNotAnalysed(doc);
  else session.bandit.onOpen(doc);
  // Its text is the module now, not the disk's: the documents that import it are graded on it.
  republishDependents(session, td.uri);
}

/**
 * The open documents whose attack paths went through the module at `uri`
 * (or a path), graded again and published: an edit there may have changed
 * a summary their findings depend on (documents/project.ts).
 */
function republishDependents(session: Session, uriOrPath: string): void {
  const dependents = session.documents.dependentsOf(uriOrPath);
  for (const dep of dependents) if (!dep.isRemote) void publish(session, dep).catch(() => undefined);
  // The ones the client pulls: told to pull again where their results changed.
  refreshPulledDependents(session, dependents);
}

export function didChange(session: Session, { textDocument: td, contentChanges }: DidChangeTextDocumentParams): void {
  const manifest = session.manifests.change(td.uri, td.version ?? 0, contentChanges, session.client.encoding);
  // Audited again on every change: no save needed.
  if (manifest) void publishManifest(session, manifest).catch(() => undefined);
  const doc = session.documents.change(td.uri, td.version ?? 0, contentChanges, session.client.encoding);
  if (!doc) return;
  // The replaced tree is freed once the diagnostics are out: off the keystroke's path
  // (a large document's are published when the worker answers).
  if (doc.isRemote) doc.releaseOldTree();
  else {
    const published = publish(session, doc);
    // The documents that import it, graded on its new tree before that tree's predecessor is freed.
    republishDependents(session, td.uri);
    void published.catch(() => undefined).finally(() => doc.releaseOldTree());
  }
  if (doc.binary) session.sayNotAnalysed(doc);
  else session.bandit.onChange(doc);
}

export function didClose(session: Session, { textDocument: td }: DidCloseTextDocumentParams): void {
  if (session.manifests.close(td.uri)) {
    if (session.pulled.pushes(td.uri)) void session.connection.sendDiagnostics({ uri: td.uri, diagnostics: [] });
    return;
  }
  session.bandit.onClose(td.uri);
  session.settings.forget(td.uri);
  if (session.documents.close(td.uri)) {
    session.pulled.forget(td.uri);
    if (session.pulled.pushes(td.uri)) void session.connection.sendDiagnostics({ uri: td.uri, diagnostics: [] });
    // The disk's file is the module again.
    republishDependents(session, td.uri);
  }
}

/** The tree-sitter engine is already current; bandit runs on the buffer's text. */
export function didSave(session: Session, { textDocument: td }: DidSaveTextDocumentParams): void {
  const manifest = session.manifests.get(td.uri);
  if (manifest) {
    // A saved lock file is what the manifests beside it now defer to.
    lockChanged(session, manifest.path);
    return;
  }
  session.bandit.onSave(td.uri);
}

/** The manifests beside a lock file that changed, audited again against its pins. */
function lockChanged(session: Session, path: string): void {
  if (!ManifestService.isLockPath(path)) return;
  for (const doc of session.manifests.lockChanged(path)) void publishManifest(session, doc).catch(() => undefined);
}

/** bandit's project config files, the Python files (modules the open documents import), and the lock files (the manifests beside them defer to their pins), watched (handlers/initialized.ts). */
export const CONFIG_GLOBS = ['**/pyproject.toml', '**/.bandit', '**/*.{yaml,yml}', '**/*.py', '**/{poetry.lock,uv.lock,Pipfile.lock}', '**/pylock*.toml'];

/**
 * A Python file changed on disk: read again when next asked, and the open
 * documents that import it graded again (an open one's text wins: nothing
 * to do). A bandit config may have changed: both engines read the project's
 * config again.
 */
export function didChangeWatchedFiles(session: Session, { changes }: DidChangeWatchedFilesParams): void {
  for (const c of changes) if (c.uri.startsWith('file:') && ManifestService.handles(c.uri)) lockChanged(session, uriToPath(c.uri));
  for (const c of changes) {
    if (!c.uri.startsWith('file:') || !/\.pyi?$/i.test(c.uri) || session.documents.get(c.uri)) continue;
    const path = uriToPath(c.uri);
    session.documents.project.diskChanged(path, c.type !== FileChangeType.Changed);
    republishDependents(session, path);
  }
  if (!changes.some((c) => /(?:^|\/)(?:pyproject\.toml|\.bandit|[^/]+\.(?:ya?ml|toml))$/.test(c.uri))) return;
  session.settings.projectConfigsChanged();
  session.bandit.rerunAll(session.documents.all().map((d) => d.uri));
}
