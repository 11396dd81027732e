import {
  DocumentDiagnosticReportKind,
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
import { VERSION } from './version.js';

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
    return {
      capabilities: {
        positionEncoding: encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        ...(pull ? { diagnosticProvider: { identifier: 'pysec', interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'pysec-lsp', version: VERSION },
    };
  });

  const diagnosticsOf = (doc: PythonDocument) =>
    doc
      .findings()
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
      publish(store.open(td.uri, td.version, td.text));
    }),
  );

  connection.onDidChangeTextDocument(
    guarded('didChange', ({ textDocument: td, contentChanges }) => {
      if (!store) return;
      const doc = store.change(td.uri, td.version ?? 0, contentChanges, encoding);
      if (doc) publish(doc);
    }),
  );

  connection.onDidCloseTextDocument(
    guarded('didClose', ({ textDocument: td }) => {
      if (store?.close(td.uri) && !pull) void connection.sendDiagnostics({ uri: td.uri, diagnostics: [] });
    }),
  );

  connection.onDidSaveTextDocument(() => {
    /* the bandit engine runs on save; the tree-sitter engine is already current */
  });

  connection.languages.diagnostics.on((params): DocumentDiagnosticReport => {
    const doc = store?.get(params.textDocument.uri);
    return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnosticsOf(doc) : [] };
  });

  connection.listen();
}
