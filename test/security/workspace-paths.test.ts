/**
 * Executable paths come from the client's settings only, never from a file
 * inside the workspace: a workspace that names a "bandit" of its own in
 * every file a tool might read settings from (.vscode/settings.json,
 * pyproject.toml, .bandit, setup.cfg, tox.ini, a .env) and that puts one
 * in the working folder with `.` on PATH never gets it run. The malicious
 * bandit would leave a marker file; a harmless one on PATH shows that the
 * server did run bandit, just not that one.
 *
 * (A project's own `.venv/bin/bandit` runs only when the user's settings
 * allow it, `pysec.bandit.useProjectVenv`: test/bandit/venv-discovery.test.ts;
 * hostile-workspace.test.ts has what Python itself would import from it.)
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, REPO_ROOT } from '../lsp/client.js';

const FAKE = join(REPO_ROOT, 'test/fixtures/fake-bandit/bandit.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-evil-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An executable script (a test fixture: the server itself never starts a shell). */
function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('executable paths from workspace files', () => {
  it('a workspace naming its own bandit everywhere: the server runs the one on PATH, never the workspace\'s', async () => {
    const marker = join(dir, 'PWNED');
    const root = join(dir, 'ws');
    mkdirSync(join(root, '.vscode'), { recursive: true });
    const evil = script(join(root, 'evil-bandit'), `echo pwned >> '${marker}'\nexec '${process.execPath}' '${FAKE}' exit1 "$@"`);
    // Also where a lookup relative to the working folder would find it.
    script(join(root, 'bandit'), `echo pwned-cwd >> '${marker}'\nexec '${process.execPath}' '${FAKE}' exit1 "$@"`);
    const evilCommand = [evil, '--flag'];
    writeFileSync(
      join(root, '.vscode', 'settings.json'),
      JSON.stringify({ 'pysec.bandit.path': evil, 'pysec.bandit.command': evilCommand, pysec: { bandit: { path: evil, command: evilCommand } } }),
    );
    writeFileSync(
      join(root, 'pyproject.toml'),
      `[tool.pysec]\nbandit = { path = "${evil}", command = ["${evil}"] }\n\n[tool.pysec.bandit]\npath = "${evil}"\n\n[tool.bandit]\npath = "${evil}"\nskips = []\n`,
    );
    writeFileSync(join(root, '.bandit'), `[bandit]\npath = ${evil}\ncommand = ${evil}\n`);
    writeFileSync(join(root, 'setup.cfg'), `[pysec]\nbandit.path = ${evil}\n\n[tool:bandit]\npath = ${evil}\n`);
    writeFileSync(join(root, 'tox.ini'), `[pysec]\nbandit.path = ${evil}\n`);
    writeFileSync(join(root, '.env'), `PYSEC_BANDIT_PATH=${evil}\nBANDIT=${evil}\n`);
    writeFileSync(join(root, 'app.py'), 'eval(x)\n');

    // The harmless bandit, on PATH after `.` (which a PATH lookup must skip: it is relative).
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const ran = join(dir, 'ran.log');
    script(join(bin, 'bandit'), `echo ran >> '${ran}'\nexec '${process.execPath}' '${FAKE}' exit1 "$@"`);

    const c = await LspClient.start({
      rootPath: root,
      cwd: root,
      env: { ...process.env, PATH: `.:${bin}:/usr/bin:/bin` },
      // bandit on, nothing set: the server finds one itself.
      initializationOptions: { bandit: { idleDelayMs: 3_600_000 } },
      // The client has no settings for it either (what an editor without any pysec settings answers).
      onServerRequest: { 'workspace/configuration': (p) => ((p as { items?: unknown[] }).items ?? []).map(() => null) },
    });
    try {
      const uri = pathToFileURL(join(root, 'app.py')).href;
      await c.open(uri, 'eval(x)\n', 1);
      const p = await c.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.message.includes('FAKE BANDIT')));
      expect(p.diagnostics.map((d) => d.code)).toEqual(['B307']);
      await c.save(uri);
      await c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });
      await c.request('workspace/executeCommand', { command: 'pysec.scanWorkspace', arguments: [] });
      // A config file changed: everything re-read, bandit re-run.
      await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(root, 'pyproject.toml')).href, type: 2 }] });
      await c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });
    } finally {
      await c.shutdown();
    }
    expect(readFileSync(ran, 'utf8')).toMatch(/ran/);
    expect(existsSync(marker), existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe(false);
  });
});
