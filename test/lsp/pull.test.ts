/**
 * Pull diagnostics: a client that advertises `textDocument.diagnostic` gets
 * a `diagnosticProvider` and answers to `textDocument/diagnostic`. Each URI
 * is still pushed until the client's first pull of it (Helix 25.07 declares
 * pull support and never pulls); that first pull clears the pushed
 * diagnostics once (an empty publish) and the URI is pushed no more (Neovim
 * ≥ 0.10 would show pushed and pulled ones side by side). A client that
 * does not advertise pulls gets pushes and no provider.
 *
 * "No push" is checked without timing: the server handles messages in
 * order, so once the answer to a later request is in, every push an earlier
 * message caused is in too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FullDocumentDiagnosticReport, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { docUri, LspClient } from './client.js';

const PULLS = { capabilities: { textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } } };

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start(PULLS);
});

afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
});

/** The publishDiagnostics for `uri` received after `after` (a `mark()`), in order. */
const pushes = (c: LspClient, uri: string, after = -1) =>
  c.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && n.seq > after && (n.params as PublishDiagnosticsParams).uri === uri).map((n) => n.params as PublishDiagnosticsParams);

const codes = (p: { diagnostics: { code?: unknown; range: { start: { line: number } } }[] }) => p.diagnostics.map((d) => [d.code, d.range.start.line]);

describe('pull diagnostics', () => {
  it('advertises a diagnosticProvider', () => {
    const p = client.initializeResult.capabilities.diagnosticProvider;
    expect(p).toBeTypeOf('object');
    expect(p).toMatchObject({ interFileDependencies: false, workspaceDiagnostics: false });
  });

  it('a pull-capable client that never pulls still gets pushed diagnostics (Helix 25.07), on open, change and close', async () => {
    const uri = docUri('never-pulls.py');
    await client.open(uri, 'import os\neval(x)\n', 1);
    expect(codes(await client.waitForDiagnostics(uri, { version: 1 }))).toEqual([['B307', 1]]);
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'eval(y)\n' }]);
    expect(codes(await client.waitForDiagnostics(uri, { version: 2 }))).toEqual([
      ['B307', 1],
      ['B307', 2],
    ]);
    const mark = client.mark();
    await client.close(uri);
    const cleared = await client.waitForDiagnostics(uri, { after: mark });
    expect(cleared.diagnostics).toEqual([]);
  });

  it('the first pull of a URI clears its pushed diagnostics once; then pulls answer and nothing more is pushed for it', async () => {
    const uri = docUri('pull.py');
    await client.open(uri, 'import os\neval(x)\n', 1);
    // Pushed until the first pull.
    expect(codes(await client.waitForDiagnostics(uri, { version: 1 }))).toEqual([['B307', 1]]);
    const beforePull = client.mark();
    const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report.kind).toBe('full');
    expect(report.items.map((d) => [d.code, d.range.start.line, d.source])).toEqual([['B307', 1, 'pysec']]);
    expect(report.items[0].codeDescription?.href).toMatch(/^https:\/\//);
    expect(report.items[0].data).toMatchObject({ rule: 'B307', version: 1 });
    // Exactly one push since: the clearing one, sent before the pull's answer.
    expect(pushes(client, uri, beforePull)).toEqual([{ uri, diagnostics: [] }]);

    // After a change, the next pull sees it; no push.
    const afterPull = client.mark();
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'eval(y)\n' }]);
    const report2 = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report2.items.map((d) => [d.code, d.range.start.line])).toEqual([
      ['B307', 1],
      ['B307', 2],
    ]);
    expect(report2.items.every((d) => (d.data as { version: number }).version === 2)).toBe(true);
    // A second pull clears nothing.
    expect(pushes(client, uri, afterPull)).toEqual([]);

    // Closed: no clearing push (the client drops what it pulled); a pull is empty.
    await client.close(uri);
    const report3 = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report3.items).toEqual([]);
    // Reopened: still a pulled URI, so not pushed; the pull answers.
    await client.open(uri, 'eval(z)\n', 7);
    const report4 = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report4.items.map((d) => d.code)).toEqual(['B307']);
    expect(pushes(client, uri, afterPull)).toEqual([]);
  });

  it('the rule is per URI: a pulled file stops its pushes, another open file keeps them', async () => {
    const pulled = docUri('pulled-one.py');
    const pushed = docUri('pushed-one.py');
    await client.open(pulled, 'eval(a)\n', 1);
    await client.open(pushed, 'eval(b)\n', 1);
    await client.pull(pulled);
    const mark = client.mark();
    await client.change(pulled, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    await client.change(pushed, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    expect(codes(await client.waitForDiagnostics(pushed, { version: 2 }))).toEqual([['B307', 1]]);
    // The push for `pushed` came after the change to `pulled`: any push for `pulled` would be in by now.
    expect(pushes(client, pulled, mark)).toEqual([]);
  });

  it('an unknown document pulls as empty, not as an error (and its first pull clears it once)', async () => {
    const uri = docUri('never-opened.py');
    const mark = client.mark();
    const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report).toEqual({ kind: 'full', items: [] });
    await client.pull(uri);
    expect(pushes(client, uri, mark)).toEqual([{ uri, diagnostics: [] }]);
  });
});

describe('push diagnostics', () => {
  it('a client without textDocument.diagnostic gets no diagnosticProvider and gets pushes, even after it pulls', async () => {
    const c = await LspClient.start();
    try {
      expect(c.initializeResult.capabilities.diagnosticProvider).toBeUndefined();
      const uri = docUri('push.py');
      await c.open(uri, 'eval(x)\n', 3);
      const p = await c.waitForDiagnostics(uri, { version: 3 });
      expect(p.diagnostics.map((d) => d.code)).toEqual(['B307']);
      // A pull it never said it makes is answered, and changes nothing: no clearing push, the pushes go on.
      const mark = c.mark();
      const report = (await c.pull(uri)) as FullDocumentDiagnosticReport;
      expect(report.items.map((d) => d.code)).toEqual(['B307']);
      expect(pushes(c, uri, mark)).toEqual([]);
      await c.change(uri, 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
      expect((await c.waitForDiagnostics(uri, { version: 4 })).diagnostics.map((d) => d.code)).toEqual(['B307']);
    } finally {
      expect(await c.shutdown()).toBe(0);
    }
  });
});
