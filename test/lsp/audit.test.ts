/**
 * The dependency audit over LSP (issue 15), from the built server: a
 * requirements file opened in a fixture workspace against the fixture
 * advisory database (test/fixtures/lsp-advisories) publishes its PS601
 * findings; an edit clears them without a save; the upgrade action's edit
 * removes its finding and leaves the file readable by the audit's own
 * parser; the ignore action silences exactly its advisory; hover explains
 * the advisory; pyproject.toml's ranges (PS602) are upgraded in place;
 * without a database one message says how to get one; a workspace with no
 * manifest hears nothing of the audit; Python files are unchanged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientCapabilities, CodeAction, Diagnostic, Hover, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { parseManifest } from '../../server/src/audit/parse.js';
import { applyAction } from '../support/edits.js';
import { ADVISORY_FOLDER } from '../support/osv-zip.js';
import { tempProjects } from '../support/temp-projects.js';
import { LspClient, type StartOptions } from './client.js';

const ACTIONS: ClientCapabilities = {
  workspace: { workspaceEdit: { documentChanges: true } },
  textDocument: {
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
  },
};

const temp = tempProjects('pysec-audit-lsp-');
const clients: LspClient[] = [];

/** A server on `root` with its own (empty) user cache, the fixture database unless `database: null`. */
async function start(root: string, opts: { database?: string | null; audit?: Record<string, unknown> } & StartOptions = {}): Promise<LspClient> {
  const cache = join(temp.dir, `cache-${clients.length}`);
  mkdirSync(cache, { recursive: true });
  const audit = { ...(opts.database === null ? {} : { database: opts.database ?? ADVISORY_FOLDER }), ...opts.audit };
  const c = await LspClient.start({
    capabilities: ACTIONS,
    rootPath: root,
    initializationOptions: { bandit: { enabled: false }, audit },
    env: { ...process.env, XDG_CACHE_HOME: cache },
    ...opts,
  });
  clients.push(c);
  return c;
}

afterAll(async () => {
  for (const c of clients) expect(await c.shutdown()).toBe(0);
});

const REQUIREMENTS = [
  '# the web app',
  'requests==2.30.0 ; python_version >= "3.8"  # http client',
  'jinja2[i18n]==3.1.2 \\',
  '    --hash=sha256:0123456789abcdef',
  'flask>=2.0',
  '',
].join('\n');

const uriOf = (path: string) => pathToFileURL(path).href;
const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.code}:${d.range.start.line}:${(d.data as { advisory?: string } | undefined)?.advisory ?? ''}`).sort();

async function actionsFor(c: LspClient, uri: string, d: Diagnostic): Promise<CodeAction[]> {
  return c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
}

/** Applies a code action as an editor does: its edit, then a didChange with the whole new text. */
async function apply(c: LspClient, uri: string, text: string, action: CodeAction, version: number): Promise<string> {
  const edit = (action.edit!.documentChanges![0] as TextDocumentEdit).textDocument;
  expect(edit.version).toBe(version);
  const next = applyAction(text, uri, action, 'utf-16', version);
  await c.change(uri, version + 1, [{ text: next }]);
  return next;
}

describe('the dependency audit over LSP', () => {
  const root = temp.project('app', { 'requirements.txt': REQUIREMENTS, 'app.py': 'import requests\nimport jinja2\n\ndef run(expr):\n    return eval(expr)\n' });
  const reqUri = uriOf(join(root, 'requirements.txt'));

  it('opening requirements.txt publishes a PS601 per (package, advisory), and editing a pin to a fixed version clears it without a save', async () => {
    const c = await start(root);
    await c.open(reqUri, REQUIREMENTS, 1, 'pip-requirements');
    const first = await c.waitForDiagnostics(reqUri, { version: 1 });
    expect(codes(first.diagnostics)).toEqual(['PS601:1:GHSA-j8r2-6x86-q33q', 'PS601:2:GHSA-h5c8-rqwp-cp95', 'PS601:2:GHSA-h75v-3vvj-5mfj']);
    const requests = first.diagnostics.find((d) => d.range.start.line === 1)!;
    expect(requests.message).toContain('GHSA-j8r2-6x86-q33q (CVE-2023-32681)');
    expect(requests.message).toContain('Fixed in 2.31.0');
    expect(requests.source).toBe('pysec');
    // The pin's line through its version, no further (the marker and comment are not the finding).
    expect(requests.range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 16 } });

    const changed = REQUIREMENTS.replace('requests==2.30.0', 'requests==2.31.0');
    await c.change(reqUri, 2, [{ range: { start: { line: 1, character: 13 }, end: { line: 1, character: 14 } }, text: '1' }]);
    const second = await c.waitForDiagnostics(reqUri, { version: 2 });
    expect(codes(second.diagnostics)).toEqual(['PS601:2:GHSA-h5c8-rqwp-cp95', 'PS601:2:GHSA-h75v-3vvj-5mfj']);
    expect(c.notifications.some((n) => n.method === 'textDocument/didSave')).toBe(false);
    expect(changed).toContain('requests==2.31.0');

    // The Python file beside it is reviewed as before: B307, and no dependency finding.
    const py = uriOf(join(root, 'app.py'));
    await c.open(py, 'def run(expr):\n    return eval(expr)\n');
    const pyd = await c.waitForDiagnostics(py, { version: 1 });
    expect(pyd.diagnostics.map((d) => d.code)).toEqual(['B307']);
  });

  it('the upgrade action rewrites the pin only (marker and comment kept); its finding goes and the file still parses', async () => {
    const c = await start(root);
    await c.open(reqUri, REQUIREMENTS, 5, 'pip-requirements');
    const p = await c.waitForDiagnostics(reqUri, { version: 5 });
    const d = p.diagnostics.find((x) => x.range.start.line === 1)!;
    const actions = await actionsFor(c, reqUri, d);
    const upgrade = actions.find((a) => a.title === 'pysec: upgrade requests to 2.31.0')!;
    expect(upgrade, JSON.stringify(actions.map((a) => a.title))).toBeDefined();
    expect(upgrade.isPreferred).toBe(true);
    const next = await apply(c, reqUri, REQUIREMENTS, upgrade, 5);
    expect(next.split('\n')[1]).toBe('requests==2.31.0 ; python_version >= "3.8"  # http client');
    const after = await c.waitForDiagnostics(reqUri, { version: 6 });
    expect(codes(after.diagnostics)).toEqual(['PS601:2:GHSA-h5c8-rqwp-cp95', 'PS601:2:GHSA-h75v-3vvj-5mfj']);
    const m = parseManifest('requirements.txt', next)!;
    expect(m.errors).toEqual([]);
    expect(m.requirements.find((r) => r.package === 'requests')).toMatchObject({ pinned: '2.31.0', marker: 'python_version >= "3.8"' });

    // On the hashed line: the title says the hashes must be regenerated; one advisory's fix leaves the other.
    const jinja = after.diagnostics.find((x) => (x.data as { advisory: string }).advisory === 'GHSA-h5c8-rqwp-cp95')!;
    const jActions = await actionsFor(c, reqUri, jinja);
    const jUp = jActions.find((a) => a.title.startsWith('pysec: upgrade jinja2 to 3.1.3'))!;
    expect(jUp.title).toContain('regenerate its --hash values');
    const third = await apply(c, reqUri, next, jUp, 6);
    expect(third.split('\n').slice(2, 4)).toEqual(['jinja2[i18n]==3.1.3 \\', '    --hash=sha256:0123456789abcdef']);
    const last = await c.waitForDiagnostics(reqUri, { version: 7 });
    expect(codes(last.diagnostics)).toEqual(['PS601:2:GHSA-h75v-3vvj-5mfj']);
  });

  it('the ignore action silences exactly that advisory, and its placeholder is flagged (PSN005)', async () => {
    const c = await start(root);
    await c.open(reqUri, REQUIREMENTS, 1, 'pip-requirements');
    const p = await c.waitForDiagnostics(reqUri, { version: 1 });
    const d = p.diagnostics.find((x) => (x.data as { advisory: string }).advisory === 'GHSA-h75v-3vvj-5mfj')!;
    const actions = await actionsFor(c, reqUri, d);
    const titles = actions.map((a) => a.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'pysec: ignore GHSA-h75v-3vvj-5mfj (CVE-2024-34064) on this line, with a justification',
        'pysec: ignore GHSA-h75v-3vvj-5mfj (CVE-2024-34064) on this line — accepted risk: reviewed',
      ]),
    );
    const ignore = actions.find((a) => a.title.endsWith('with a justification'))!;
    const next = await apply(c, reqUri, REQUIREMENTS, ignore, 1);
    // The comment goes on the requirement's last line, after its --hash.
    expect(next.split('\n')[3]).toBe('    --hash=sha256:0123456789abcdef  # pysec: ignore[GHSA-h75v-3vvj-5mfj]  # justification required');
    const after = await c.waitForDiagnostics(reqUri, { version: 2 });
    expect(codes(after.diagnostics)).toEqual(['PS601:1:GHSA-j8r2-6x86-q33q', 'PS601:2:GHSA-h5c8-rqwp-cp95', 'PSN005:2:']);
    expect(parseManifest('requirements.txt', next)!.errors).toEqual([]);

    // With a preset reason: no PSN005.
    const reason = actions.find((a) => a.title.endsWith('accepted risk: reviewed'))!;
    const withReason = applyAction(REQUIREMENTS, reqUri, reason, 'utf-16', 1);
    await c.change(reqUri, 3, [{ text: withReason }]);
    const reasoned = await c.waitForDiagnostics(reqUri, { version: 3 });
    expect(codes(reasoned.diagnostics)).toEqual(['PS601:1:GHSA-j8r2-6x86-q33q', 'PS601:2:GHSA-h5c8-rqwp-cp95']);
  });

  it('hover on a vulnerable requirement explains its advisory: summary, aliases, affected and fixed versions, CVSS, links', async () => {
    const c = await start(root);
    await c.open(reqUri, REQUIREMENTS, 1, 'pip-requirements');
    await c.waitForDiagnostics(reqUri, { version: 1 });
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: reqUri }, position: { line: 1, character: 3 } });
    const text = (h!.contents as { value: string }).value;
    expect(text).toContain('GHSA-j8r2-6x86-q33q');
    expect(text).toContain('Unintended leak of Proxy-Authorization header in requests');
    expect(text).toContain('`CVE-2023-32681`, `PYSEC-2023-74`');
    expect(text).toContain('Affected versions: `>=2.3.0, <2.31.0`');
    expect(text).toContain('Fixed in: `2.31.0`');
    expect(text).toContain('CVSS: `CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N`, score 6.1 (Medium)');
    expect(text).toContain('<https://github.com/psf/requests/security/advisories/GHSA-j8r2-6x86-q33q>');
    // Nothing on a clean line.
    expect(await c.request('textDocument/hover', { textDocument: { uri: reqUri }, position: { line: 4, character: 2 } })).toBeNull();
  });

  it('pyproject.toml: a range allowing affected versions (PS602) gets its lower bound raised, the rest of the line kept', async () => {
    const text = '[project]\nname = "app"\ndependencies = [\n  "requests[socks]>=2.20,<3 ; python_version >= \'3.8\'",  # http\n]\n';
    const proj = temp.project('pep621', { 'pyproject.toml': text });
    const uri = uriOf(join(proj, 'pyproject.toml'));
    const c = await start(proj);
    await c.open(uri, text, 1, 'toml');
    const p = await c.waitForDiagnostics(uri, { version: 1 });
    expect(codes(p.diagnostics)).toEqual(['PS602:3:GHSA-j8r2-6x86-q33q']);
    const actions = await actionsFor(c, uri, p.diagnostics[0]);
    const upgrade = actions.find((a) => a.title === 'pysec: upgrade requests to 2.31.0')!;
    expect(upgrade, JSON.stringify(actions.map((a) => a.title))).toBeDefined();
    const next = await apply(c, uri, text, upgrade, 1);
    expect(next.split('\n')[3]).toBe('  "requests[socks]>=2.31.0,<3 ; python_version >= \'3.8\'",  # http');
    const after = await c.waitForDiagnostics(uri, { version: 2 });
    expect(after.diagnostics).toEqual([]);
    expect(parseManifest('pyproject.toml', next)!.errors).toEqual([]);
    // The TOML file takes the ignore comment too.
    const ignore = actions.find((a) => a.title.includes('ignore GHSA-j8r2-6x86-q33q'))!;
    const ignored = applyAction(text, uri, ignore, 'utf-16', 1);
    expect(ignored.split('\n')[3]).toBe('  "requests[socks]>=2.20,<3 ; python_version >= \'3.8\'",  # http  # pysec: ignore[GHSA-j8r2-6x86-q33q]  # justification required');
  });

  it('a package no Python file of the project imports is graded one step lower, once the imports are read (after the first publish)', async () => {
    const proj = temp.project('imports', { 'requirements.txt': REQUIREMENTS, 'app.py': 'import requests\n', 'pkg/util.py': 'from requests import adapters\n' });
    const uri = uriOf(join(proj, 'requirements.txt'));
    const c = await start(proj);
    await c.open(uri, REQUIREMENTS, 1, 'pip-requirements');
    const graded = await c.waitForDiagnostics(uri, { version: 1, predicate: (p) => p.diagnostics.some((d) => d.message.includes('Not imported by this project')) });
    const byLine = (line: number) => graded.diagnostics.filter((d) => d.range.start.line === line);
    // jinja2 is imported nowhere: one step lower (Medium → Low), and said; requests is imported.
    for (const d of byLine(2)) expect(d.message).toContain('Not imported by this project');
    for (const d of byLine(1)) expect(d.message).not.toContain('Not imported');
    expect(byLine(2).map((d) => (d.data as { risk: string }).risk)).toEqual(['Low', 'Low']);
    expect(byLine(1).map((d) => (d.data as { risk: string }).risk)).toEqual(['Medium']);
  });

  it('a lock file beside pyproject.toml decides for the packages it pins: PS602 goes once poetry.lock pins requests, and comes back when it no longer does', async () => {
    const text = '[project]\nname = "app"\ndependencies = ["requests>=2.20"]\n';
    const proj = temp.project('locked', { 'pyproject.toml': text, 'poetry.lock': '[[package]]\nname = "flask"\nversion = "3.0.0"\n' });
    const uri = uriOf(join(proj, 'pyproject.toml'));
    const c = await start(proj);
    await c.open(uri, text, 1, 'toml');
    expect(codes((await c.waitForDiagnostics(uri, { version: 1 })).diagnostics)).toEqual(['PS602:2:GHSA-j8r2-6x86-q33q']);
    // The lock file changes on disk (a `poetry lock`): the watcher says so, pyproject.toml is audited again.
    const lock = join(proj, 'poetry.lock');
    writeFileSync(lock, '[[package]]\nname = "requests"\nversion = "2.31.0"\n');
    let mark = c.mark();
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(lock), type: 2 }] });
    // (A publish of the first text may still be on its way: the one after the change is empty.)
    expect((await c.waitForDiagnostics(uri, { version: 1, after: mark, predicate: (p) => p.diagnostics.length === 0 })).diagnostics).toEqual([]);
    // And an open lock file, saved: the same.
    await c.open(uriOf(lock), '[[package]]\nname = "requests"\nversion = "2.31.0"\n', 1, 'toml');
    await c.waitForDiagnostics(uriOf(lock), { version: 1 });
    writeFileSync(lock, '[[package]]\nname = "flask"\nversion = "3.0.0"\n');
    mark = c.mark();
    await c.save(uriOf(lock));
    expect(codes((await c.waitForDiagnostics(uri, { version: 1, after: mark, predicate: (p) => p.diagnostics.length > 0 })).diagnostics)).toEqual(['PS602:2:GHSA-j8r2-6x86-q33q']);
  });

  it('a pulling client gets the same findings by pull', async () => {
    const c = await start(root, { capabilities: { ...ACTIONS, textDocument: { ...ACTIONS.textDocument, diagnostic: {} } } });
    await c.open(reqUri, REQUIREMENTS, 1, 'pip-requirements');
    const report = (await c.pull(reqUri)) as { items: Diagnostic[] };
    expect(codes(report.items)).toEqual(['PS601:1:GHSA-j8r2-6x86-q33q', 'PS601:2:GHSA-h5c8-rqwp-cp95', 'PS601:2:GHSA-h75v-3vvj-5mfj']);
  });

  it('the database is said to be old once (its newest advisory is from 2024)', async () => {
    const c = await start(root);
    await c.open(reqUri, REQUIREMENTS, 1, 'pip-requirements');
    await c.waitForDiagnostics(reqUri, { version: 1 });
    await c.change(reqUri, 2, [{ text: REQUIREMENTS + 'urllib3==1.0\n' }]);
    await c.waitForDiagnostics(reqUri, { version: 2 });
    const old = c.shownMessages.filter((m) => m.message.includes('days old'));
    expect(old).toHaveLength(1);
    expect(old[0].message).toContain('pysec-lsp advisories update');
    expect(old[0].message).toContain('2024-11-19');
  });
});

describe('the audit without a database, or without manifests', () => {
  it('with manifests and no database: one message saying how to get one; Python still reviewed', async () => {
    const root = temp.project('nodb', { 'requirements.txt': REQUIREMENTS, 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["requests==2.30.0"]\n' });
    const c = await start(root, { database: null });
    const req = uriOf(join(root, 'requirements.txt'));
    const pyproject = uriOf(join(root, 'pyproject.toml'));
    await c.open(req, REQUIREMENTS, 1, 'pip-requirements');
    await c.open(pyproject, '[project]\nname = "x"\ndependencies = ["requests==2.30.0"]\n', 1, 'toml');
    expect((await c.waitForDiagnostics(req, { version: 1 })).diagnostics).toEqual([]);
    expect((await c.waitForDiagnostics(pyproject, { version: 1 })).diagnostics).toEqual([]);
    await c.change(req, 2, [{ text: REQUIREMENTS + 'urllib3==1.0\n' }]);
    await c.waitForDiagnostics(req, { version: 2 });
    const said = c.shownMessages.filter((m) => /advisor/i.test(m.message));
    expect(said).toHaveLength(1);
    expect(said[0].message).toContain('Run `pysec-lsp advisories update` to download one');
    const py = uriOf(join(root, 'app.py'));
    await c.open(py, 'eval(x)\n');
    expect((await c.waitForDiagnostics(py, { version: 1 })).diagnostics.map((d) => d.code)).toEqual(['B307']);
  });

  it('a workspace without manifests hears nothing of the audit, nor does one with the audit off', async () => {
    const root = temp.project('plain', { 'app.py': 'eval(x)\n', 'MANIFEST.in': 'include README.md\n' });
    const c = await start(root, { database: null });
    const py = uriOf(join(root, 'app.py'));
    await c.open(py, 'eval(x)\n');
    await c.waitForDiagnostics(py, { version: 1 });
    // MANIFEST.in is not a requirements file: not audited, no diagnostics published for it.
    const manifestIn = uriOf(join(root, 'MANIFEST.in'));
    await c.open(manifestIn, 'include README.md\n', 1, 'plaintext');
    await c.change(py, 2, [{ text: 'eval(y)\n' }]);
    await c.waitForDiagnostics(py, { version: 2 });
    expect(c.published(manifestIn)).toEqual([]);

    const off = await start(temp.project('off', { 'requirements.txt': REQUIREMENTS }), { database: null, audit: { enabled: false } });
    const req = uriOf(join(temp.dir, 'off', 'requirements.txt'));
    await off.open(req, REQUIREMENTS, 1, 'pip-requirements');
    expect((await off.waitForDiagnostics(req, { version: 1 })).diagnostics).toEqual([]);
    for (const client of [c, off]) expect(client.shownMessages.filter((m) => /advisor|audit/i.test(m.message))).toEqual([]);
  });
});
