import {
  DocumentDiagnosticReportKind,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeResult,
} from 'vscode-languageserver';
import { toDiagnostic } from './diagnostics/convert.js';
import { negotiateEncoding, type PositionEncoding } from './documents/encoding.js';
import { DocumentStore, isPython } from './documents/store.js';
import type { PythonDocument } from './documents/document.js';
import { Engine } from './engine/engine.js';
import { BanditService, DEFAULT_BANDIT_SETTINGS, type BanditRunSettings } from './bandit/service.js';
import { WorkspaceFolders } from './documents/folders.js';
import { VERSION } from './version.js';

/** Our commands; other servers' commands (lsp-mode broadcasts them) are ignored. */
export const COMMANDS = { runBandit: 'pysec.runBandit' } as const;

/**
 * LSP wiring only: capabilities, and handlers that delegate to the
 * document store and the engine.
 */
export function startServer(connection: Connection): void {
  let store: DocumentStore | undefined;
  let encoding: PositionEncoding = 'utf-16';
  /** The client pulls diagnostics (`textDocument/diagnostic`): then we never push. */
  let pull = false;
  const reported = new Set<string>();
  const folders = new WorkspaceFolders();
  let bandit: BanditService | undefined;
  /** `pysec.bandit.*` from initializationOptions until the settings module takes over. */
  let banditSettings: BanditRunSettings = DEFAULT_BANDIT_SETTINGS;

  /** Says a thing once per server run, whatever the number of times it happens. */
  const once = (key: string, message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    connection.console.error(message);
  };

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    encoding = negotiateEncoding(params.capabilities.general?.positionEncodings);
    pull = params.capabilities.textDocument?.diagnostic !== undefined;
    const engine = await Engine.load();
    store = new DocumentStore(engine, (rule, e) => once(`rule:${rule}`, `pysec: rule ${rule} failed and was skipped: ${String(e)}`));
    folders.initialize(params);
    const opts = (params.initializationOptions ?? {}) as { bandit?: Partial<BanditRunSettings>; pysec?: { bandit?: Partial<BanditRunSettings> } };
    banditSettings = { ...DEFAULT_BANDIT_SETTINGS, ...(opts.pysec?.bandit ?? opts.bandit ?? {}) };
    bandit = new BanditService({
      settingsFor: () => banditSettings,
      folderFor: (uri) => folders.folderFor(uri),
      document: (uri) => store?.get(uri),
      rules: () => engine.ruleset.byId,
      changed: (uri) => {
        const doc = store?.get(uri);
        if (doc) publish(doc);
      },
      warnOnce: (key, message) => {
        if (reported.has(key)) return;
        reported.add(key);
        // A notification, never window/showMessageRequest (Neovim 0.7 blocks on it).
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
        connection.console.warn(message);
      },
      log: (message) => connection.console.log(message),
    });
    return {
      capabilities: {
        positionEncoding: encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        executeCommandProvider: { commands: Object.values(COMMANDS) },
        ...(pull ? { diagnosticProvider: { identifier: 'pysec', interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'pysec-lsp', version: VERSION },
    };
  });

  const diagnosticsOf = (doc: PythonDocument) =>
    doc
      .allFindings()
      .filter((f) => !f.suppressed)
      .map((f) => toDiagnostic(f, doc.textDocument, encoding));

  const publish = (doc: PythonDocument) => {
    if (pull) return;
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnosticsOf(doc) });
  };

  const guarded =
    <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (e) {
        once(`${what}:${String(e)}`, `pysec: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    };

  connection.onDidOpenTextDocument(
    guarded('didOpen', ({ textDocument: td }) => {
      if (!store || !isPython(td.uri, td.languageId)) return;
      const doc = store.open(td.uri, td.version, td.text);
      publish(doc);
      bandit?.onOpen(doc);
    }),
  );

  connection.onDidChangeTextDocument(
    guarded('didChange', ({ textDocument: td, contentChanges }) => {
      if (!store) return;
      const doc = store.change(td.uri, td.version ?? 0, contentChanges, encoding);
      if (!doc) return;
      publish(doc);
      bandit?.onChange(doc);
    }),
  );

  connection.onDidCloseTextDocument(
    guarded('didClose', ({ textDocument: td }) => {
      bandit?.onClose(td.uri);
      if (store?.close(td.uri) && !pull) void connection.sendDiagnostics({ uri: td.uri, diagnostics: [] });
    }),
  );

  // The tree-sitter engine is already current; bandit runs on the buffer's text.
  connection.onDidSaveTextDocument(guarded('didSave', ({ textDocument: td }) => bandit?.onSave(td.uri)));

  connection.onExecuteCommand(async (params) => {
    if (params.command === COMMANDS.runBandit) {
      // Runs bandit now on the given document (or every open one) and answers when it is done.
      const uri = (params.arguments?.[0] as { uri?: string } | string | undefined) ?? undefined;
      const target = typeof uri === 'string' ? uri : uri?.uri;
      const uris = target ? [target] : (store?.all().map((d) => d.uri) ?? []);
      bandit?.rerunAll(uris);
      await Promise.all(uris.map((u) => bandit?.settled(u)));
      return { ran: uris.length };
    }
    return null;
  });

  /** What runs now: for `:LspInfo`-style status and for tests. */
  connection.onRequest('pysec/status', () => ({
    version: VERSION,
    documents: store?.all().map((d) => ({ uri: d.uri, version: d.version, banditRevision: d.banditRevision })) ?? [],
    banditProcesses: bandit ? Object.fromEntries(bandit.active) : {},
  }));

  connection.onShutdown(() => bandit?.dispose());

  connection.languages.diagnostics.on((params): DocumentDiagnosticReport => {
    const doc = store?.get(params.textDocument.uri);
    return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnosticsOf(doc) : [] };
  });

  connection.listen();
}
