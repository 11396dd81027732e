#!/usr/bin/env node
/**
 * A stand-in language server for the editor end-to-end tests, over stdio.
 *
 *   node stub-server.mjs silent   answers initialize and shutdown, publishes nothing:
 *                                 the drivers must report "no diagnostics" with it
 *   node stub-server.mjs main     plays the user's main Python server: one diagnostic
 *                                 with source "Pyright" on the first line that calls
 *                                 eval, and one code action of its own for it
 */
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

const mode = process.argv[2] ?? 'silent';
const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));

connection.onRequest('initialize', () => ({
  capabilities: { textDocumentSync: 1, ...(mode === 'main' ? { codeActionProvider: true } : {}) },
  serverInfo: { name: `stub-${mode}` },
}));
connection.onRequest('shutdown', () => null);
connection.onNotification('exit', () => process.exit(0));

function publish(uri, text) {
  if (mode !== 'main') return;
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('eval('));
  const diagnostics =
    line < 0
      ? []
      : [
          {
            range: { start: { line, character: 0 }, end: { line, character: lines[line].length } },
            severity: 2,
            source: 'Pyright',
            code: 'reportStub',
            message: 'stub main server: eval here',
          },
        ];
  connection.sendNotification('textDocument/publishDiagnostics', { uri, diagnostics });
}

connection.onNotification('textDocument/didOpen', (p) => publish(p.textDocument.uri, p.textDocument.text));
connection.onNotification('textDocument/didChange', (p) => publish(p.textDocument.uri, p.contentChanges.at(-1).text));
connection.onRequest('textDocument/codeAction', (p) =>
  (p.context?.diagnostics ?? [])
    .filter((d) => d.source === 'Pyright')
    .map((d) => ({ title: 'stub: ignore this', kind: 'quickfix', diagnostics: [d], edit: { changes: {} } })),
);
// Any other request: an empty answer, so no client waits on us.
connection.onRequest(() => null);
connection.onNotification(() => {});
connection.listen();
