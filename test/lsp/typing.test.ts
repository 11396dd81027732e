/**
 * Typing over LSP: `eval(x)` typed character by character on a new line
 * (incremental didChange, rising versions, no save) brings B307; deleting
 * it character by character takes it away again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docUri, LspClient } from './client.js';

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start();
});

afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
});

const b307 = (p: { diagnostics: { code?: string | number }[] }) => p.diagnostics.filter((d) => d.code === 'B307');

describe('typing', () => {
  it('advertises incremental sync', () => {
    const sync = client.initializeResult.capabilities.textDocumentSync;
    expect(typeof sync === 'object' ? sync.change : sync).toBe(2);
    expect(client.initializeResult.capabilities.diagnosticProvider).toBeUndefined();
  });

  it('typing eval(x) on a new line adds B307 without a save; deleting it removes it', async () => {
    const uri = docUri('typing.py');
    const text = 'import os\n\n\ndef f(x):\n    return x\n';
    await client.open(uri, text, 1);
    const first = await client.waitForDiagnostics(uri, { version: 1 });
    expect(first.diagnostics).toEqual([]);

    // A new line after line 4 ("    return x"), then the call, one key at a time.
    let version = 1;
    const line = 5;
    await client.change(uri, ++version, [{ range: { start: { line: 4, character: 12 }, end: { line: 4, character: 12 } }, text: '\n' }]);
    const typed = 'eval(x)';
    for (let i = 0; i < typed.length; i++) {
      await client.change(uri, ++version, [{ range: { start: { line, character: i }, end: { line, character: i } }, text: typed[i] }]);
      const p = await client.waitForDiagnostics(uri, { version });
      // `e` … `eval` is a name, not a call yet.
      if (!typed.slice(0, i + 1).includes('(')) expect(b307(p), `after typing "${typed.slice(0, i + 1)}"`).toEqual([]);
    }
    const typedVersion = version;
    const after = await client.waitForDiagnostics(uri, { version: typedVersion });
    expect(b307(after)).toHaveLength(1);
    expect(after.diagnostics).toHaveLength(1);
    expect(after.diagnostics[0].range).toEqual({ start: { line, character: 0 }, end: { line, character: 7 } });
    expect(after.diagnostics[0].source).toBe('pysec');
    expect(client.notifications.some((n) => n.method === 'textDocument/didSave')).toBe(false);

    // Backspace it away, last character first.
    for (let i = typed.length; i > 0; i--) {
      await client.change(uri, ++version, [{ range: { start: { line, character: i - 1 }, end: { line, character: i } }, text: '' }]);
      const p = await client.waitForDiagnostics(uri, { version });
      expect(b307(p), `after deleting back to "${typed.slice(0, i - 1)}"`).toEqual([]);
    }
    // And the empty line, back to the original text.
    await client.change(uri, ++version, [{ range: { start: { line: 4, character: 12 }, end: { line: 5, character: 0 } }, text: '' }]);
    expect((await client.waitForDiagnostics(uri, { version })).diagnostics).toEqual([]);
  });

  it('an edit elsewhere keeps the finding and moves it with its line', async () => {
    const uri = docUri('typing-shift.py');
    await client.open(uri, 'a = 1\neval(x)\n', 1);
    const p1 = await client.waitForDiagnostics(uri, { version: 1 });
    expect(p1.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['B307', 1]]);
    // Three lines inserted above it.
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'b = 2\nc = 3\nd = 4\n' }]);
    const p2 = await client.waitForDiagnostics(uri, { version: 2 });
    expect(p2.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([['B307', 4, 0]]);
    // Several changes in one notification, applied in order.
    await client.change(uri, 3, [
      { range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, text: '' },
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '    ' },
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, text: 'y = ' },
    ]);
    const p3 = await client.waitForDiagnostics(uri, { version: 3 });
    expect(p3.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([['B307', 1, 4]]);
    // A whole-document change (no range).
    await client.change(uri, 4, [{ text: 'x = 1\n\n\nexec(x)\neval(x)\n' }]);
    const p4 = await client.waitForDiagnostics(uri, { version: 4 });
    expect(b307(p4).map((d) => (d as { range: { start: { line: number } } }).range.start.line)).toEqual([4]);
  });

  it('closing a document clears its diagnostics', async () => {
    const uri = docUri('typing-close.py');
    await client.open(uri, 'eval(x)\n', 1);
    expect((await client.waitForDiagnostics(uri, { version: 1 })).diagnostics).toHaveLength(1);
    const mark = client.mark();
    await client.close(uri);
    const cleared = await client.waitForDiagnostics(uri, { after: mark });
    expect(cleared.diagnostics).toEqual([]);
  });
});
