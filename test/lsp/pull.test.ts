/**
 * Pull diagnostics: a client that advertises `textDocument.diagnostic` gets
 * a `diagnosticProvider`, answers to `textDocument/diagnostic`, and never a
 * publishDiagnostics. A client that does not gets pushes and no provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { docUri, LspClient } from './client.js';

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } } });
});

afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
});

const pushes = () => client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics');

describe('pull diagnostics', () => {
  it('advertises a diagnosticProvider', () => {
    const p = client.initializeResult.capabilities.diagnosticProvider;
    expect(p).toBeTypeOf('object');
    expect(p).toMatchObject({ interFileDependencies: false, workspaceDiagnostics: false });
  });

  it('textDocument/diagnostic returns the findings, and nothing is pushed', async () => {
    const uri = docUri('pull.py');
    await client.open(uri, 'import os\neval(x)\n', 1);
    // The server handles messages in order: its answer to this pull comes
    // after anything the didOpen made it send.
    const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report.kind).toBe('full');
    expect(report.items.map((d) => [d.code, d.range.start.line, d.source])).toEqual([['B307', 1, 'pysec']]);
    expect(report.items[0].codeDescription?.href).toMatch(/^https:\/\//);
    expect(report.items[0].data).toMatchObject({ rule: 'B307', version: 1 });
    expect(pushes()).toEqual([]);

    // After a change, the next pull sees it; still no push.
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'eval(y)\n' }]);
    const report2 = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report2.items.map((d) => [d.code, d.range.start.line])).toEqual([
      ['B307', 1],
      ['B307', 2],
    ]);
    expect(report2.items.every((d) => (d.data as { version: number }).version === 2)).toBe(true);

    await client.close(uri);
    const report3 = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report3.items).toEqual([]);
    expect(pushes()).toEqual([]);
  });

  it('an unknown document pulls as empty, not as an error', async () => {
    const report = (await client.pull(docUri('never-opened.py'))) as FullDocumentDiagnosticReport;
    expect(report).toEqual({ kind: 'full', items: [] });
    expect(pushes()).toEqual([]);
  });
});

describe('push diagnostics', () => {
  it('a client without textDocument.diagnostic gets no diagnosticProvider and gets pushes', async () => {
    const c = await LspClient.start();
    try {
      expect(c.initializeResult.capabilities.diagnosticProvider).toBeUndefined();
      const uri = docUri('push.py');
      await c.open(uri, 'eval(x)\n', 3);
      const p = await c.waitForDiagnostics(uri, { version: 3 });
      expect(p.diagnostics.map((d) => d.code)).toEqual(['B307']);
    } finally {
      expect(await c.shutdown()).toBe(0);
    }
  });
});
