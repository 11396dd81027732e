import {
  ErrorCodes,
  ExecuteCommandRequest,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { CODE_ACTION_KINDS } from './actions/kinds.js';
import { saveCodeCaches } from './boot/code-cache-save.js';
import { COMMANDS } from './commands/names.js';
import type { Routes } from './handlers/routes.js';
import { clientSupport, type ClientSupport } from './session/client.js';
import { serverModules } from './server-load.js';
import { Gate } from './session/gate.js';
import type { EngineLoading } from './session/session.js';
import { VERSION } from './version.js';

/**
 * LSP wiring only. `initialize` is answered as soon as the capabilities are
 * known (issue 19): the engine (wasm, grammar, query) and the session's
 * modules (handlers/routes.ts and all it imports) start loading when the
 * server starts, concurrently with the client's `initialize` exchange, and
 * nothing of them is on the path to that answer. Every method is
 * registered at `initialize` with a stub that hands the message to the
 * session through a gate (session/gate.ts): what arrives before the
 * session is ready waits there, in order. No state of its own; nothing
 * reaches a stub before `initialize` (transport/lifecycle.ts answers or
 * drops it).
 */
export function startServer(connection: Connection): void {
  const engine: EngineLoading = serverModules().then((m) => m.Engine.load());
  // Said once when the session fails to start (the gate's `failed`), not as an unhandled rejection before that.
  engine.catch(() => undefined);
  const modules = serverModules();
  modules.catch(() => undefined);
  connection.onInitialize((params): InitializeResult => {
    // LSP allows one initialize: a second would replace every open document.
    connection.onInitialize(() => new ResponseError(ErrorCodes.InvalidRequest, 'pysec: initialize was already sent; the first initialization stays', { retry: false }));
    const client = clientSupport(params.capabilities);
    const gate = new Gate(
      modules.then((m) => m.startSession(connection, params, client, engine)),
      (e) => failed(connection, e),
      (e) => connection.console.error(`pysec: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
    // As the library reads it: it listens for folder changes where the client says it has workspace folders at all.
    register(connection, gate, Boolean(params.capabilities.workspace?.workspaceFolders));
    return { capabilities: serverCapabilities(client), serverInfo: { name: 'pysec-lsp', version: VERSION } };
  });
  connection.listen();
}

/** The engine did not load (a broken wasm or query): said once, and the server stays up, reviewing nothing. */
function failed(connection: Connection, e: unknown): void {
  const message = `pysec: the server could not start its engine and reviews nothing until it is restarted: ${e instanceof Error ? e.message : String(e)}`;
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message });
  connection.console.error(e instanceof Error && e.stack ? `${message}\n${e.stack}` : message);
}

/** A request the server cannot answer without its engine (said once by `failed`). */
const unavailable = (e: unknown) => {
  throw new ResponseError(LSPErrorCodes.RequestFailed, `pysec: the engine did not load: ${e instanceof Error ? e.message : String(e)}`, { retriggerRequest: false });
};

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

/** Each method, handed to the session's handler (handlers/routes.ts) through the gate, in arrival order. */
function register(connection: Connection, gate: Gate<Routes>, folderChanges: boolean): void {
  let opened = false;
  connection.onDidOpenTextDocument((params) =>
    gate.run((r) => {
      r.didOpen(params);
      // The first document analysed (and pushed): the code caches hold what a start runs (boot/code-cache-save.ts).
      if (!opened) setImmediate(saveCodeCaches);
      opened = true;
    }),
  );
  connection.onDidChangeTextDocument((params) => gate.run((r) => r.didChange(params)));
  connection.onDidCloseTextDocument((params) => gate.run((r) => r.didClose(params)));
  connection.onDidSaveTextDocument((params) => gate.run((r) => r.didSave(params)));
  connection.onDidChangeWatchedFiles((params) => gate.run((r) => r.didChangeWatchedFiles(params)));
  connection.onDidChangeConfiguration((params) => gate.run((r) => r.didChangeConfiguration(params)));
  connection.onInitialized(() => {
    // From `initialized` on (the library asks the client to send them then, where it must register for them):
    // a folder added while the session is built waits in the gate like the rest.
    if (folderChanges) connection.workspace.onDidChangeWorkspaceFolders((e) => gate.run((r) => r.didChangeWorkspaceFolders(e)));
    gate.run((r) => void r.initialized());
  });
  connection.onHover((params) => gate.ask((r) => r.hover(params), () => null));
  connection.onCodeAction((params) => gate.ask((r) => r.codeAction(params), () => []));
  connection.languages.diagnostics.on((params) => gate.ask((r) => r.diagnostic(params), unavailable));
  // The raw request, not onExecuteCommand: that sugar deletes `workDoneToken` from the params.
  connection.onRequest(ExecuteCommandRequest.type, (params) => gate.ask((r) => r.executeCommand(params), unavailable));
  connection.onRequest('pysec/status', () => gate.ask((r) => r.status(), unavailable));
  connection.onShutdown(() => gate.ask((r) => r.shutdown(), () => undefined));
}
