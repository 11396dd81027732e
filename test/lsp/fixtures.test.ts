/**
 * Every rule fixture, opened over LSP, publishes exactly the findings its
 * `# expect:` comments state — as well-formed pysec diagnostics — and they
 * agree, position for position, with what `check` prints for the same file.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { checkJson, type JsonReport } from '../support/cli.js';
import { codePointColumn, DEFAULT_SEVERITY, FIXTURES_DIR, fixtureFiles, fixtureName, readRules } from '../support/fixtures.js';
import { LspClient } from './client.js';
import { expectationKeys, fixtureExpectations } from './expect.js';

const files = fixtureFiles();
const rules = readRules();

interface Data {
  rule: string;
  name: string;
  engine: string;
  severity: string;
  confidence: string;
  risk: string;
  owasp: string;
  cwe: number | null;
  version: number;
}

let client: LspClient;
let report: JsonReport;
const published = new Map<string, PublishDiagnosticsParams>();

beforeAll(async () => {
  client = await LspClient.start();
  // Open them all, then wait for each: the server handles them in order.
  files.forEach((f, i) => void client.open(pathToFileURL(f).href, readFileSync(f, 'utf8'), i + 7));
  for (const [i, f] of files.entries()) {
    const p = await client.waitForDiagnostics(pathToFileURL(f).href, { version: i + 7 });
    // Suppression-hygiene diagnostics (PSN…) are about a fixture's `# nosec` comments, not its findings:
    // test/unit/suppress-hygiene.test.ts and test/lsp/code-actions.test.ts cover them.
    published.set(f, { ...p, diagnostics: p.diagnostics.filter((d) => !/^PSN\d{3}$/.test(String(d.code))) });
  }
  if (files.length) report = (await checkJson([FIXTURES_DIR])).report;
});

afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
});

describe('rule fixtures over LSP', () => {
  it('there is at least one fixture', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [fixtureName(f), f]))('%s publishes exactly its expected findings', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const p = published.get(file)!;
    const expected = expectationKeys(fixtureExpectations(text));
    const got = expectationKeys(p.diagnostics.map((d) => ({ rule: String(d.code), lineNumber: d.range.start.line + 1 })));
    expect(got, `${fixtureName(file)}: published (rule@line) vs # expect: comments`).toEqual(expected);
  });

  it.each(files.map((f) => [fixtureName(f), f]))('%s: every diagnostic is a well-formed pysec diagnostic', (_name, file) => {
    const p = published.get(file)!;
    const index = files.indexOf(file);
    expect(p.version).toBe(index + 7);
    for (const d of p.diagnostics) checkDiagnostic(d, p.version!);
  });

  it.each(files.map((f) => [fixtureName(f), f]))('%s: check --format json reports the same findings at the same places', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const lines = text.split(/\r\n|\n|\r/);
    const fromCheck = report.findings
      .filter((f) => f.path === file && !f.suppressed)
      .map((f) => ({ rule: f.rule, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, severity: f.severity, confidence: f.confidence, cwe: f.cwe, owasp: f.owasp, risk: f.risk }));
    const fromLsp = published.get(file)!.diagnostics.map((d) => {
      const data = d.data as Data;
      return {
        rule: String(d.code),
        line: d.range.start.line + 1,
        column: codePointColumn(lines[d.range.start.line] ?? '', d.range.start.character),
        endLine: d.range.end.line + 1,
        endColumn: codePointColumn(lines[d.range.end.line] ?? '', d.range.end.character),
        severity: data.severity,
        confidence: data.confidence,
        cwe: data.cwe,
        owasp: data.owasp,
        risk: data.risk,
      };
    });
    const order = (a: { line: number; column: number; rule: string }, b: typeof a) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1);
    expect(fromCheck.sort(order)).toEqual(fromLsp.sort(order));
  });
});

function checkDiagnostic(d: Diagnostic, version: number): void {
  const data = d.data as Data;
  const where = `${String(d.code)} at ${d.range.start.line + 1}:${d.range.start.character + 1}`;
  expect(d.source, where).toBe('pysec');
  expect(typeof d.code, where).toBe('string');
  const rule = rules.get(String(d.code));
  expect(rule, `${where}: the code names a rule in queries/`).toBeDefined();
  expect(d.codeDescription?.href, where).toBe(rule!.docs);
  expect(data, `${where}: data`).toBeTypeOf('object');
  expect(data.rule, where).toBe(d.code);
  expect(data.name, where).toBe(rule!.name);
  expect(data.engine, where).toBe('tree-sitter');
  expect(data.version, where).toBe(version);
  expect(data.cwe, where).toBe(rule!.cwe);
  expect(data.owasp, where).toBe(rule!.owasp);
  expect(['LOW', 'MEDIUM', 'HIGH'], where).toContain(data.severity);
  expect(['LOW', 'MEDIUM', 'HIGH'], where).toContain(data.confidence);
  expect(['Critical', 'High', 'Medium', 'Low'], where).toContain(data.risk);
  expect(d.severity, `${where}: severity from ${data.severity}/${data.confidence}`).toBe(DEFAULT_SEVERITY[data.severity][data.confidence]);
  // A message that stands alone: the risk label, the OWASP category and the CWE.
  expect(d.message, where).toContain(`${data.risk} risk`);
  expect(d.message, where).toMatch(new RegExp(`OWASP ${data.owasp}\\b`));
  if (data.cwe !== null) expect(d.message, where).toMatch(new RegExp(`CWE-${data.cwe}\\b`));
  expect(d.range.start.line * 1e6 + d.range.start.character, `${where}: range is not reversed`).toBeLessThanOrEqual(d.range.end.line * 1e6 + d.range.end.character);
}
