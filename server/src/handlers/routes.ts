import type {
  CodeActionParams,
  Connection,
  DidChangeConfigurationParams,
  DidChangeTextDocumentParams,
  DidChangeWatchedFilesParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  DidSaveTextDocumentParams,
  DocumentDiagnosticParams,
  ExecuteCommandParams,
  HoverParams,
  InitializeParams,
  WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { executeCommand } from '../commands/execute.js';
import type { ClientSupport } from '../session/client.js';
import { Session, type EngineLoading } from '../session/session.js';
import { codeActionsFor } from './code-actions.js';
import { didChangeConfiguration, settingsChanged } from './configuration.js';
import { pullDiagnostics } from './diagnostics.js';
import { didChange, didChangeWatchedFiles, didClose, didOpen, didSave } from './documents.js';
import { guarded } from './guard.js';
import { hover } from './hover.js';
import { initialized } from './initialized.js';
import { publish, publishManifest } from './publish.js';
import { status } from './status.js';

/**
 * The session, built once the engine is loaded, with every handler bound to
 * it: server.ts hands each client message to one of these (through its
 * gate, `session/gate.ts`). Loaded after `initialize` is answered: none of
 * these modules is on the path to that answer.
 */
export async function startSession(connection: Connection, params: InitializeParams, client: ClientSupport, engine: EngineLoading) {
  const session = await Session.start(connection, params, client, engine, (s, doc) => void publish(s, doc));
  return routes(session);
}

export type Routes = ReturnType<typeof routes>;

function routes(session: Session) {
  const notification = <P>(what: string, handler: (session: Session, params: P) => void) => guarded(session.notices, what, (params: P) => handler(session, params));
  session.settings.onChange((change) => settingsChanged(session, change));
  session.manifests.onContextChanged = (docs) => {
    for (const doc of docs) void publishManifest(session, doc).catch(() => undefined);
  };
  return {
    didOpen: notification<DidOpenTextDocumentParams>('didOpen', didOpen),
    didChange: notification<DidChangeTextDocumentParams>('didChange', didChange),
    didClose: notification<DidCloseTextDocumentParams>('didClose', didClose),
    didSave: notification<DidSaveTextDocumentParams>('didSave', didSave),
    didChangeWatchedFiles: notification<DidChangeWatchedFilesParams>('didChangeWatchedFiles', didChangeWatchedFiles),
    didChangeConfiguration: (params: DidChangeConfigurationParams) => didChangeConfiguration(session, params),
    didChangeWorkspaceFolders: (e: WorkspaceFoldersChangeEvent) => void session.settings.didChangeWorkspaceFolders(e),
    initialized: () => initialized(session),
    hover: (params: HoverParams) => hover(session, params),
    codeAction: (params: CodeActionParams) => codeActionsFor(session, params),
    diagnostic: (params: DocumentDiagnosticParams) => pullDiagnostics(session, params),
    executeCommand: (params: ExecuteCommandParams) => executeCommand(session, params),
    status: () => status(session),
    shutdown: () => {
      session.bandit.dispose();
      session.documents.dispose();
    },
  };
}
