/**
 * Pull clients and attack paths across files (issue 14): app.py's finding
 * reads helpers.build()'s summary. An edit in the open helpers.py that
 * changes that summary changes app.py's results: a push client gets them
 * published (test/lsp/project.test.ts); a client that pulls app.py and says
 * it handles `workspace/diagnostic/refresh` gets a refresh request, and its
 * next pull of app.py has the new grade. An edit that changes nothing in
 * app.py's results asks for no refresh; a pull client without refreshSupport
 * gets none ever (its pulls still answer with the new grade).
 *
 * "No refresh" is checked without timing: the server handles messages in
 * order, so once the answer to a later request is in, a refresh an earlier
 * message caused would be in too.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic, FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { tempProjects } from '../support/temp-projects.js';
import { APP, HELPERS } from '../support/two-module-app.js';
import { LspClient } from './client.js';

const { project } = tempProjects('pysec-lsp-project-pull-');

const clients: LspClient[] = [];

afterAll(async () => {
  for (const c of clients) expect(await c.shutdown()).toBe(0);
});

const shell = (ds: Diagnostic[]) => ds.find((d) => d.code === 'B602');
const risk = (d: Diagnostic | undefined) => (d?.data as { risk?: string } | undefined)?.risk;
const refreshes = (c: LspClient) => c.serverRequests.filter((r) => r.method === 'workspace/diagnostic/refresh').length;

async function start(name: string, refreshSupport: boolean) {
  const root = project(name, { 'app.py': APP, 'helpers.py': HELPERS });
  const c = await LspClient.start({
    workspaceFolders: [root],
    initializationOptions: { bandit: { enabled: false } },
    capabilities: {
      workspace: refreshSupport ? { diagnostics: { refreshSupport: true } } : {},
      textDocument: { diagnostic: { dynamicRegistration: false } },
    },
    onServerRequest: { 'workspace/diagnostic/refresh': () => null },
  });
  clients.push(c);
  return { c, appUri: pathToFileURL(join(root, 'app.py')).href, helpersUri: pathToFileURL(join(root, 'helpers.py')).href };
}

const pulled = async (c: LspClient, uri: string) => ((await c.pull(uri)) as FullDocumentDiagnosticReport).items;

/** `return "ls " + arg` → `return "ls"` (only a constant reaches the shell) and back. */
const dropArg = { range: { start: { line: 1, character: 16 }, end: { line: 1, character: 22 } }, text: '' };
const addArg = { range: { start: { line: 1, character: 16 }, end: { line: 1, character: 16 } }, text: ' + arg' };
/** A comment after the return: helpers.py changes, build()'s summary does not. */
const comment = { range: { start: { line: 1, character: 16 }, end: { line: 1, character: 16 } }, text: '  # list it' };

describe('a pull client told to pull again when a module its document reads changes', () => {
  it('with refreshSupport: a refresh after an edit in helpers.py that changes app.py\'s grade, and the re-pull has it; none for an edit that changes nothing', async () => {
    const { c, appUri, helpersUri } = await start('refresh', true);
    await c.open(appUri, APP, 1);
    expect(risk(shell(await pulled(c, appUri)))).toBe('Critical');
    await c.open(helpersUri, HELPERS, 1);
    await pulled(c, helpersUri);
    // Opening helpers.py (its text the same as the disk's) changed nothing in app.py.
    await c.request('pysec/status');
    const n = refreshes(c);

    await c.change(helpersUri, 2, [dropArg]);
    // The refresh is a request to the client: wait for it through round trips (a bound, not a time).
    for (let i = 0; i < 50 && refreshes(c) === n; i++) await c.request('pysec/status');
    expect(refreshes(c)).toBe(n + 1);
    const after = shell(await pulled(c, appUri));
    expect(risk(after)).toBe('Low');
    expect(after?.relatedInformation).toBeUndefined();

    // A comment in build(): app.py's results are the same, no refresh.
    await c.change(helpersUri, 3, [comment]);
    await pulled(c, helpersUri);
    await c.request('pysec/status');
    expect(refreshes(c)).toBe(n + 1);
    expect(risk(shell(await pulled(c, appUri)))).toBe('Low');

    // Back to the data reaching the shell: one more refresh, and the re-pull is Critical again.
    await c.change(helpersUri, 4, [{ range: { start: { line: 1, character: 16 }, end: { line: 1, character: 27 } }, text: '' }]);
    await c.change(helpersUri, 5, [addArg]);
    for (let i = 0; i < 50 && refreshes(c) === n + 1; i++) await c.request('pysec/status');
    expect(refreshes(c)).toBe(n + 2);
    expect(risk(shell(await pulled(c, appUri)))).toBe('Critical');
    // No push for the pulled app.py meanwhile.
    expect(c.notifications.filter((x) => x.method === 'textDocument/publishDiagnostics' && (x.params as { uri: string }).uri === appUri && (x.params as { diagnostics: unknown[] }).diagnostics.length > 0).length).toBeLessThanOrEqual(1);
  });

  it('without refreshSupport: no refresh, and the next pull of app.py still has the new grade', async () => {
    const { c, appUri, helpersUri } = await start('no-refresh', false);
    await c.open(appUri, APP, 1);
    expect(risk(shell(await pulled(c, appUri)))).toBe('Critical');
    await c.open(helpersUri, HELPERS, 1);
    await c.change(helpersUri, 2, [dropArg]);
    await c.request('pysec/status');
    expect(refreshes(c)).toBe(0);
    expect(risk(shell(await pulled(c, appUri)))).toBe('Low');
  });
});
