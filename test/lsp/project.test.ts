/**
 * Attack paths across the workspace's files over real LSP (issue 14): a
 * finding in app.py whose request data goes through helpers.build() of
 * helpers.py carries steps in both files (relatedInformation with both
 * URIs), helpers.py read from disk while it is not open; an edit in the
 * open helpers.py re-grades app.py without app.py being touched; a change
 * on disk (didChangeWatchedFiles) does too once helpers.py is closed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { tempProjects } from '../support/temp-projects.js';
import { APP, HELPERS, QUOTING } from '../support/two-module-app.js';
import { LspClient } from './client.js';

const { project } = tempProjects('pysec-lsp-project-');

let c: LspClient;
let root: string;
let appUri: string;
let helpersUri: string;

beforeAll(async () => {
  root = project('ws', { 'app.py': APP, 'helpers.py': HELPERS });
  appUri = pathToFileURL(join(root, 'app.py')).href;
  helpersUri = pathToFileURL(join(root, 'helpers.py')).href;
  c = await LspClient.start({ workspaceFolders: [root], initializationOptions: { bandit: { enabled: false } } });
});

afterAll(async () => {
  expect(await c.shutdown()).toBe(0);
});

const shell = (ds: Diagnostic[]) => ds.find((d) => d.code === 'B602');
const risk = (d: Diagnostic | undefined) => (d?.data as { risk?: string } | undefined)?.risk;

describe('attack paths across files over LSP', () => {
  it('app.py alone open: helpers.py read from disk, the path has steps in both files', async () => {
    await c.open(appUri, APP, 1);
    const d = shell((await c.waitForDiagnostics(appUri, { version: 1 })).diagnostics)!;
    expect(d.range.start.line).toBe(9);
    expect(risk(d)).toBe('Critical');
    const steps = d.relatedInformation!.map((r) => [r.location.uri, r.location.range.start.line, r.message]);
    expect(steps[0]).toEqual([appUri, 8, expect.stringMatching(/^1\/\d source: .*query parameter 'dir'/)]);
    expect(steps).toContainEqual([helpersUri, 0, expect.stringMatching(/step: parameter arg of build\(\) in helpers$/)]);
    expect(steps[steps.length - 1]).toEqual([appUri, 9, expect.stringMatching(/sink: reaches subprocess\.run\(\)$/)]);
  });

  it('an edit in the open helpers.py that stops the data re-grades app.py, app.py untouched', async () => {
    await c.open(helpersUri, HELPERS, 1);
    await c.waitForDiagnostics(helpersUri, { version: 1 });
    const before = c.mark();
    // `return "ls " + arg` → `return "ls"`: only a constant reaches the shell now.
    await c.change(helpersUri, 2, [{ range: { start: { line: 1, character: 16 }, end: { line: 1, character: 22 } }, text: '' }]);
    // (Opening helpers.py published app.py again too, Critical: the one wanted is the first that is not.)
    const p = await c.waitForDiagnostics(appUri, { after: before, predicate: (x) => risk(shell(x.diagnostics)) !== 'Critical' });
    expect(p.version).toBe(1);
    const d = shell(p.diagnostics)!;
    expect(d.range.start.line).toBe(9);
    expect(risk(d)).toBe('Low');
    expect(d.relatedInformation).toBeUndefined();
    // And back: the data reaches the shell again.
    const again = c.mark();
    await c.change(helpersUri, 3, [{ range: { start: { line: 1, character: 16 }, end: { line: 1, character: 16 } }, text: ' + arg' }]);
    const back = shell((await c.waitForDiagnostics(appUri, { after: again, predicate: (x) => risk(shell(x.diagnostics)) !== 'Low' })).diagnostics)!;
    expect(risk(back)).toBe('Critical');
  });

  it('closed, the disk file is the module again; a change on disk (didChangeWatchedFiles) re-grades app.py', async () => {
    await c.close(helpersUri);
    writeFileSync(join(root, 'helpers.py'), QUOTING);
    const before = c.mark();
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: helpersUri, type: 2 }] });
    const p = await c.waitForDiagnostics(appUri, { after: before, predicate: (x) => risk(shell(x.diagnostics)) !== 'Critical' });
    const d = shell(p.diagnostics)!;
    expect(p.version).toBe(1);
    expect(risk(d)).toBe('Low');
    expect(d.relatedInformation).toBeUndefined();
  });
});
