/**
 * Grading by attack path over real LSP: the path as the diagnostic's
 * relatedInformation (the message stays the same), the hover in plain
 * words, and `pysec.severity.mode: "risk"`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSeverity, type Hover, type MarkupContent } from 'vscode-languageserver-protocol';
import { docUri, LspClient } from './client.js';

let c: LspClient;
let byRisk: LspClient;

beforeAll(async () => {
  c = await LspClient.start({ initializationOptions: { bandit: { enabled: false } }, capabilities: { textDocument: { hover: { contentFormat: ['markdown'] } } } });
  byRisk = await LspClient.start({ initializationOptions: { bandit: { enabled: false }, severity: { mode: 'risk' } } });
});

afterAll(async () => {
  expect(await c.shutdown()).toBe(0);
  expect(await byRisk.shutdown()).toBe(0);
});

const APP = [
  'from flask import Flask, request',
  'app = Flask(__name__)',
  '',
  '@app.route("/run", methods=["POST"])',
  'def run():',
  '    exec(request.form["c"])',
  '    exec("print(1)")',
  '    return "ok"',
  '',
].join('\n');

describe('attack paths over LSP', () => {
  it('exec(request.form["c"]) is Critical with its two-step path as relatedInformation; exec("print(1)") is Low without one', async () => {
    const uri = docUri('grading-app.py');
    await c.open(uri, APP, 1);
    const p = await c.waitForDiagnostics(uri, { version: 1 });
    const [tainted, constant] = p.diagnostics.filter((d) => d.code === 'B102');
    expect(tainted.range.start.line).toBe(5);
    expect(tainted.message).toBe('Use of exec detected. [Critical risk · OWASP A03:2021 Injection · CWE-78]');
    expect(tainted.relatedInformation?.map((r) => [r.location.uri, r.location.range.start, r.message])).toEqual([
      [uri, { line: 5, character: 9 }, expect.stringMatching(/^1\/2 source: request\.form\["c"\] \(form field 'c'\)$/)],
      [uri, { line: 5, character: 9 }, '2/2 sink: reaches exec()'],
    ]);
    expect((tainted.data as { risk: string }).risk).toBe('Critical');
    expect(constant.message).toBe('Use of exec detected. [Low risk · OWASP A03:2021 Injection · CWE-78]');
    expect(constant.relatedInformation).toBeUndefined();
    // The matrix (the default mode): both MEDIUM × HIGH, a warning whatever their risk.
    expect([tainted.severity, constant.severity]).toEqual([DiagnosticSeverity.Warning, DiagnosticSeverity.Warning]);
  });

  it('the hover says the path in plain words', async () => {
    const uri = docUri('grading-hover.py');
    await c.open(uri, APP, 1);
    await c.waitForDiagnostics(uri, { version: 1 });
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 4 } });
    const value = (h!.contents as MarkupContent).value;
    expect(value).toContain('**Critical risk**');
    // Markdown-escaped (`\[`): compared without the escapes.
    expect(value.replace(/\\(.)/g, '$1')).toMatch(/\*\*Attack path:\*\* request\.form\["c"\] \(form field 'c'\) on line 6, then reaches exec\(\) on line 6\./);
    const low = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 4 } });
    expect((low!.contents as MarkupContent).value).toContain('**Path:** Only constants reach this sink: no attacker controls what it runs.');
  });

  it('an edit that makes the argument constant re-grades the finding (same message words, new risk, no path)', async () => {
    const uri = docUri('grading-edit.py');
    await c.open(uri, APP, 1);
    await c.waitForDiagnostics(uri, { version: 1 });
    await c.change(uri, 2, [{ range: { start: { line: 5, character: 9 }, end: { line: 5, character: 26 } }, text: '"1"' }]);
    const p = await c.waitForDiagnostics(uri, { version: 2 });
    const execs = p.diagnostics.filter((d) => d.code === 'B102');
    expect(execs.map((d) => [d.range.start.line, d.message, d.relatedInformation])).toEqual([
      [5, 'Use of exec detected. [Low risk · OWASP A03:2021 Injection · CWE-78]', undefined],
      [6, 'Use of exec detected. [Low risk · OWASP A03:2021 Injection · CWE-78]', undefined],
    ]);
  });

  it('pysec.severity.mode "risk": the LSP severity comes from the graded risk', async () => {
    const uri = docUri('grading-mode.py');
    await byRisk.open(uri, APP, 1);
    const p = await byRisk.waitForDiagnostics(uri, { version: 1 });
    const [tainted, constant] = p.diagnostics.filter((d) => d.code === 'B102');
    expect([tainted.severity, constant.severity]).toEqual([DiagnosticSeverity.Error, DiagnosticSeverity.Information]);
  });
});
