/**
 * Hover over real LSP (issue 6): on a finding, the explanation (plain-words
 * risk, OWASP, CWE with link, risk label, severity × confidence, a fix with
 * before/after, how to suppress it); anywhere else, null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { docUri, LspClient } from './client.js';

let md: LspClient;
let plain: LspClient;

beforeAll(async () => {
  md = await LspClient.start({
    initializationOptions: { bandit: { enabled: false } },
    capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } },
  });
  plain = await LspClient.start({ initializationOptions: { bandit: { enabled: false } }, positionEncodings: ['utf-8'] });
});

afterAll(async () => {
  expect(await md.shutdown()).toBe(0);
  expect(await plain.shutdown()).toBe(0);
});

const TEXT = ['import subprocess', '', 'def run(path):', '    subprocess.run(f"ls {path}", shell=True)', '    return path', ''].join('\n');

const hoverAt = (c: LspClient, uri: string, line: number, character: number) =>
  c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });

describe('hover', () => {
  it('advertises hoverProvider', () => {
    expect(md.initializeResult.capabilities.hoverProvider).toBe(true);
  });

  it('on a B602 finding: OWASP A03, CWE-78 with its link, the risk, severity × confidence, the fix snippet and the nosec to write', async () => {
    const uri = docUri('hover-b602.py');
    await md.open(uri, TEXT, 1);
    const p = await md.waitForDiagnostics(uri, { version: 1 });
    const d = p.diagnostics.find((x) => x.code === 'B602')!;
    expect(d.range.start.line).toBe(3);
    const h = await hoverAt(md, uri, d.range.start.line, d.range.start.character);
    expect(h).not.toBeNull();
    const c = h!.contents as MarkupContent;
    expect(c.kind).toBe('markdown');
    expect(c.value).toContain('B602');
    expect(c.value).toContain('A03:2021 Injection');
    expect(c.value).toContain('[CWE-78](https://cwe.mitre.org/data/definitions/78.html)');
    // Graded by attack path: `path` is a parameter of run(), which nothing calls, so no untrusted path is traced: High, not Critical.
    expect(c.value).toContain('High risk');
    expect(c.value).toContain('**Path:** What reaches this sink could not be traced (graded at most High): check where its input comes from.');
    expect(c.value).toContain('HIGH × HIGH (shown as error)');
    expect(c.value).toMatch(/What could happen:\*\* Anyone who can influence this command can run their own commands on the server/);
    expect(c.value).toContain('```python\nsubprocess.run(f"ls {path}", shell=True)\n```');
    expect(c.value).toContain('```python\nsubprocess.run(["ls", path])\n```');
    expect(c.value).toContain('# nosec B602  # <justification>');
    expect(c.value).toContain('end line 4 with');
    // The range is the finding's; its last character still hovers, the one after it does not.
    expect(h!.range).toEqual(d.range);
    expect(await hoverAt(md, uri, 3, d.range.end.character - 1)).not.toBeNull();
    expect(await hoverAt(md, uri, 3, d.range.end.character)).toBeNull();
  });

  it('returns null away from findings: other lines, other columns, past the end of a line, unknown documents', async () => {
    const uri = docUri('hover-null.py');
    await md.open(uri, TEXT, 1);
    await md.waitForDiagnostics(uri, { version: 1 });
    expect(await hoverAt(md, uri, 2, 5)).toBeNull(); // `def run(path):`
    expect(await hoverAt(md, uri, 3, 2)).toBeNull(); // indentation before the call
    expect(await hoverAt(md, uri, 3, 45)).toBeNull(); // past the end of the line
    expect(await hoverAt(md, uri, 4, 8)).toBeNull();
    expect(await hoverAt(md, uri, 40, 0)).toBeNull();
    expect(await hoverAt(md, docUri('never-opened.py'), 0, 0)).toBeNull();
    // A suppressed finding is not a finding the user sees: no hover either.
    const sup = docUri('hover-suppressed.py');
    await md.open(sup, 'import subprocess  # nosec B404  # reviewed\n', 1);
    await md.waitForDiagnostics(sup, { version: 1 });
    expect(await hoverAt(md, sup, 0, 3)).toBeNull();
  });

  it('a PS rule: our own suppression comment, never # nosec PS…', async () => {
    const uri = docUri('hover-ps501.py');
    await md.open(uri, 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n', 1);
    const p = await md.waitForDiagnostics(uri, { version: 1 });
    const d = p.diagnostics.find((x) => x.code === 'PS501')!;
    const h = await hoverAt(md, uri, d.range.start.line, d.range.start.character + 1);
    const v = (h!.contents as MarkupContent).value;
    expect(v).toContain('# pysec: ignore[PS501]  # <justification>');
    expect(v).toContain('A05:2021 Security Misconfiguration');
    expect(v).toContain('allow_origins=["https://app.example.com"]');
  });

  it('plaintext for a client that does not ask for markdown, in its position encoding', async () => {
    const uri = docUri('hover-plain.py');
    // `é` is 2 bytes in utf-8: the call starts at byte column 9 of its line.
    await plain.open(uri, 'import os\nx = "é"; os.system(x)\n', 1);
    const p = await plain.waitForDiagnostics(uri, { version: 1 });
    const d = p.diagnostics.find((x) => x.code === 'B605')!;
    // The call starts at byte 10; the highlight is within it.
    expect(d.range.start.character).toBeGreaterThanOrEqual(10);
    const h = await hoverAt(plain, uri, 1, d.range.start.character);
    const c = h!.contents as MarkupContent;
    expect(c.kind).toBe('plaintext');
    expect(c.value).not.toContain('```');
    expect(c.value).not.toContain('**');
    expect(c.value).toContain('CWE: CWE-78 https://cwe.mitre.org/data/definitions/78.html');
    expect(c.value).toContain('    os.system(f"ls {path}")');
    expect(h!.range).toEqual(d.range);
    expect(await hoverAt(plain, uri, 1, 8)).toBeNull();
  });
});
