/**
 * The project's own bandit config, honoured by both engines and re-read when
 * it changes, without a restart.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from '../lsp/client.js';
import { bandit19Command, requireBandits } from '../support/bandit.js';
import { configArgs, isExcluded, loadProjectConfig } from '../../server/src/bandit/project-config.js';
import { parse as parseYaml } from 'yaml';

let root: string;
beforeAll(() => {
  requireBandits();
  root = mkdtempSync(join(tmpdir(), 'pysec-project-config-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const engineOf = (d: Diagnostic) => (d.data as { engine?: string } | undefined)?.engine;

describe('pyproject.toml [tool.bandit] skips', () => {
  it('hides B101 from both engines; removing the skip brings it back without a restart', async () => {
    const pyproject = join(root, 'pyproject.toml');
    writeFileSync(pyproject, '[tool.bandit]\nskips = ["B101"]\n');
    const text = 'def f(x, y):\n    assert x\n    return eval(y)\n';
    writeFileSync(join(root, 'a.py'), text);
    const uri = pathToFileURL(join(root, 'a.py')).href;
    const c = await LspClient.start({
      rootPath: root,
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 3_600_000 } },
    });
    try {
      await c.open(uri, text, 1);
      // bandit has run when its B307 is there; neither engine shows B101.
      const first = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'B307' && engineOf(d) === 'bandit'));
      expect(first.diagnostics.map((d) => d.code)).toEqual(['B307']);
      expect(c.serverRequests.some((r) => r.method === 'client/registerCapability' && JSON.stringify(r.params).includes('pyproject.toml'))).toBe(true);

      const mark = c.mark();
      writeFileSync(pyproject, '[tool.bandit]\nskips = []\n');
      await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(pyproject).href, type: 2 }] });
      const back = await c.waitForDiagnostics(uri, {
        after: mark,
        predicate: (p) => p.diagnostics.some((d) => d.code === 'B101' && engineOf(d) === 'bandit'),
      });
      expect(back.diagnostics.map((d) => `${d.code}:${d.range.start.line}`).sort()).toEqual(['B101:1', 'B307:2']);
    } finally {
      await c.shutdown();
    }
  });
});

describe('project config files', () => {
  it('reads pyproject, .bandit and a YAML, and turns them into bandit arguments per version', () => {
    const dir = mkdtempSync(join(root, 'cfg-'));
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.bandit]\nskips = ["B101", "B601"]\ntests = ["B602"]\nexclude_dirs = ["tests", "build/*"]\n');
    writeFileSync(join(dir, '.bandit'), '[bandit]\nskips = B404\nexclude = ./vendor\n');
    writeFileSync(join(dir, 'bandit.yaml'), 'skips: [B105]\n');
    const cfg = loadProjectConfig(dir);
    expect(cfg.skips).toEqual(['B101', 'B601', 'B404']);
    expect(cfg.tests).toEqual(['B602']);
    expect(configArgs(cfg, { major: 1, minor: 9, patch: 4, text: '1.9.4' })).toEqual(['-c', join(dir, 'pyproject.toml'), '--ini', join(dir, '.bandit')]);
    // bandit 1.6 reads no TOML: the pyproject's lists become options.
    expect(configArgs(cfg, { major: 1, minor: 6, patch: 2, text: '1.6.2' })).toEqual(['-s', 'B101,B601,B404', '-t', 'B602', '--ini', join(dir, '.bandit')]);
    expect(isExcluded(cfg, join(dir, 'tests', 'x.py'))).toBe(true);
    expect(isExcluded(cfg, join(dir, 'build', 'y', 'z.py'))).toBe(true);
    expect(isExcluded(cfg, join(dir, 'vendor', 'v.py'))).toBe(true);
    expect(isExcluded(cfg, join(dir, 'src', 'app.py'))).toBe(false);
    const yaml = loadProjectConfig(dir, 'bandit.yaml', parseYaml);
    expect(configArgs(yaml, { major: 1, minor: 9, patch: 4, text: '1.9.4' })[1]).toBe(join(dir, 'bandit.yaml'));
    expect(yaml.skips).toContain('B105');
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.bandit\nbroken');
    // Where it breaks, as path:line:column (issue 20).
    expect(loadProjectConfig(dir).problems[0]).toBe(`${join(dir, 'pyproject.toml')}:1:13 is not valid TOML: illegal character in key`);
    writeFileSync(join(dir, 'bandit.yaml'), 'skips: [B105\ntests: x\n');
    expect(loadProjectConfig(dir, 'bandit.yaml', parseYaml).problems.find((p) => p.includes('bandit.yaml'))).toBe(`${join(dir, 'bandit.yaml')}:2:1 cannot be parsed: Flow sequence in block collection must be sufficiently indented and end with a ]`);
  });
});

describe('a workspace .bandit does not decide where bandit writes', () => {
  // bandit 1.9 takes `.bandit`'s `output =` unless the command line names an
  // output; it then crashed (no bandit findings at all) or, with a path, would
  // write wherever the workspace says.
  it('with `output =` and `format =` in .bandit, bandit 1.9 findings still arrive and no file is written', async () => {
    const dir = mkdtempSync(join(root, 'ini-output-'));
    writeFileSync(join(dir, '.bandit'), `[bandit]\noutput = ${join(dir, 'hijacked.txt')}\nformat = txt\nskips = B101\n`);
    const text = 'def f(x, y):\n    assert x\n    return eval(y)\n';
    writeFileSync(join(dir, 'a.py'), text);
    const uri = pathToFileURL(join(dir, 'a.py')).href;
    const c = await LspClient.start({ rootPath: dir, initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 3_600_000 } } });
    try {
      await c.open(uri, text, 1);
      const got = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'B307' && engineOf(d) === 'bandit'));
      // The ini's skips still hold (the file is honoured), its output is not.
      expect(got.diagnostics.map((d) => d.code)).toEqual(['B307']);
      expect(existsSync(join(dir, 'hijacked.txt'))).toBe(false);
    } finally {
      await c.shutdown();
    }
  });
});
