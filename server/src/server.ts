import {
  ErrorCodes,
  ExecuteCommandRequest,
  ResponseError,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { CODE_ACTION_KINDS } from './actions/code-actions.js';
import { COMMANDS, executeCommand } from './commands/execute.js';
import { codeActionsFor } from './handlers/code-actions.js';
import { didChangeConfiguration, settingsChanged } from './handlers/configuration.js';
import { pullDiagnostics } from './handlers/diagnostics.js';
import { didChange, didChangeWatchedFiles, didClose, didOpen, didSave } from './handlers/documents.js';
import { guarded } from './handlers/guard.js';
import { hover } from './handlers/hover.js';
import { initialized } from './handlers/initialized.js';
import { publish, publishManifest } from './handlers/publish.js';
import { status } from './handlers/status.js';
import type { ClientSupport } from './session/client.js';
import { Session } from './session/session.js';
import { VERSION } from './version.js';

/**
 * LSP wiring only: `initialize` builds the session (session/) and hands it
 * to a handler per method (handlers/, commands/). No state of its own: the
 * handlers are registered once there is a session, and nothing reaches
 * them before (transport/lifecycle.ts answers or drops it).
 */
export function startServer(connection: Connection): void {
  connection.onInitialize(async (params): Promise<InitializeResult> => {
    // LSP allows one initialize: a second would replace every open document.
    connection.onInitialize(() => new ResponseError(ErrorCodes.InvalidRequest, 'pysec: initialize was already sent; the first initialization stays', { retry: false }));
    const session = await Session.start(connection, params, (s, doc) => void publish(s, doc));
    register(connection, session);
    return { capabilities: serverCapabilities(session.client), serverInfo: { name: 'pysec-lsp', version: VERSION } };
  });
  connection.listen();
}

/** What we offer, given what the client can take. */
function serverCapabilities(client: ClientSupport): ServerCapabilities {
  return {
    positionEncoding: client.encoding,
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    executeCommandProvider: { commands: Object.values(COMMANDS) },
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    ...(client.pull ? { diagnosticProvider: { identifier: 'pysec', interFileDependencies: false, workspaceDiagnostics: false } } : {}),
  };
}

function register(connection: Connection, session: Session): void {
  const notification = <P>(what: string, handler: (session: Session, params: P) => void) => guarded(session.notices, what, (params: P) => handler(session, params));
  connection.onDidOpenTextDocument(notification('didOpen', didOpen));
  connection.onDidChangeTextDocument(notification('didChange', didChange));
  connection.onDidCloseTextDocument(notification('didClose', didClose));
  connection.onDidSaveTextDocument(notification('didSave', didSave));
  connection.onDidChangeWatchedFiles(notification('didChangeWatchedFiles', didChangeWatchedFiles));
  connection.onDidChangeConfiguration((params) => didChangeConfiguration(session, params));
  session.settings.onChange((change) => settingsChanged(session, change));
  session.manifests.onContextChanged = (docs) => {
    for (const doc of docs) void publishManifest(session, doc).catch(() => undefined);
  };
  connection.onInitialized(() => initialized(session));
  connection.onHover((params) => hover(session, params));
  connection.onCodeAction((params) => codeActionsFor(session, params));
  connection.languages.diagnostics.on((params) => pullDiagnostics(session, params));
  // The raw request, not onExecuteCommand: that sugar deletes `workDoneToken` from the params.
  connection.onRequest(ExecuteCommandRequest.type, (params) => executeCommand(session, params));
  connection.onRequest('pysec/status', () => status(session));
  connection.onShutdown(() => {
    session.bandit.dispose();
    session.documents.dispose();
  });
}
