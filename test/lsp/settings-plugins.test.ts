/**
 * The project's bandit plugin settings (`[tool.bandit.hardcoded_tmp_directory]`
 * tmp_dirs, `[tool.bandit.try_except_pass]` check_typed_exception) reach the
 * tree-sitter rules in the editor, per project (two folders, two answers);
 * a changed pyproject.toml is followed; a wrong type is said once. Bandit
 * is off: these are the tree-sitter engine's diagnostics.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from './client.js';

const tmp = mkdtempSync(join(tmpdir(), 'pysec-plugins-'));
const clients: LspClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) expect(await c.shutdown()).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function project(name: string, pyproject: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  return dir;
}

async function start(folders: string[]): Promise<LspClient> {
  const c = await LspClient.start({
    initializationOptions: { bandit: { enabled: false } },
    workspaceFolders: folders,
    capabilities: { workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
  });
  clients.push(c);
  return c;
}

const PLUGINS = '[tool.bandit.hardcoded_tmp_directory]\ntmp_dirs = ["/srv/scratch"]\n\n[tool.bandit.try_except_pass]\ncheck_typed_exception = true\n';

const CODE = 'A = "/srv/scratch/a"\nB = "/tmp/b"\ntry:\n    A.upper()\nexcept ValueError:\n    pass\n';

/** `code@line` (1-based), sorted by line. */
const found = (ds: Diagnostic[]) => ds.map((d) => `${String(d.code)}@${d.range.start.line + 1}`).sort((a, b) => Number(a.split('@')[1]) - Number(b.split('@')[1]));

describe('bandit plugin settings in the editor', () => {
  it('tmp_dirs and check_typed_exception of each folder\'s pyproject.toml drive its tree-sitter diagnostics', async () => {
    const a = project('a', PLUGINS);
    const b = project('b', '[tool.bandit]\nskips = []\n');
    const c = await start([a, b]);
    const ua = pathToFileURL(join(a, 'app.py')).href;
    const ub = pathToFileURL(join(b, 'app.py')).href;
    await c.open(ua, CODE, 1);
    await c.open(ub, CODE, 1);
    expect(found((await c.waitForDiagnostics(ua, { version: 1 })).diagnostics)).toEqual(['B108@1', 'B110@5']);
    expect(found((await c.waitForDiagnostics(ub, { version: 1 })).diagnostics)).toEqual(['B108@2']);
    // Typing keeps the project's settings (the incremental run uses the same rule copies).
    await c.change(ua, 2, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: 'C = "/srv/scratch/c"\nD = "/tmp/d"\n' }]);
    expect(found((await c.waitForDiagnostics(ua, { version: 2 })).diagnostics)).toEqual(['B108@1', 'B110@5', 'B108@7']);
  });

  it('a changed pyproject.toml is followed: the defaults come back', async () => {
    const a = project('changed', PLUGINS);
    const c = await start([a]);
    const uri = pathToFileURL(join(a, 'app.py')).href;
    await c.open(uri, CODE, 1);
    expect(found((await c.waitForDiagnostics(uri, { version: 1 })).diagnostics)).toEqual(['B108@1', 'B110@5']);
    writeFileSync(join(a, 'pyproject.toml'), '[tool.bandit]\nskips = []\n');
    const mark = c.mark();
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(a, 'pyproject.toml')).href, type: 2 }] });
    const p = await c.waitForDiagnostics(uri, { after: mark, predicate: (q) => found(q.diagnostics).join() === 'B108@2' });
    expect(found(p.diagnostics)).toEqual(['B108@2']);
  });

  it('a wrong type is said once, and the default kept', async () => {
    const a = project('bad', '[tool.bandit.hardcoded_tmp_directory]\ntmp_dirs = "/srv/scratch"\n');
    const c = await start([a]);
    const u1 = pathToFileURL(join(a, 'one.py')).href;
    const u2 = pathToFileURL(join(a, 'two.py')).href;
    await c.open(u1, CODE, 1);
    expect(found((await c.waitForDiagnostics(u1, { version: 1 })).diagnostics)).toEqual(['B108@2']);
    await c.open(u2, CODE, 1);
    expect(found((await c.waitForDiagnostics(u2, { version: 1 })).diagnostics)).toEqual(['B108@2']);
    const said = c.shownMessages.filter((m) => /tmp_dirs must be a list of strings; the default is kept/.test(m.message));
    expect(said).toHaveLength(1);
    expect(said[0].type).toBe(2);
  });
});
