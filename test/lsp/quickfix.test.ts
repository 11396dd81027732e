/**
 * The quick fixes over LSP, from the built server: each is applied as a
 * client would, then re-checked — the finding is gone from the server's
 * diagnostics, tree-sitter parses the result without an ERROR node,
 * Python's own parser (`/usr/bin/python3`, ast.parse) accepts it, and
 * (where bandit 1.9 is installed) bandit 1.9.4 no longer reports it.
 * Where the rewrite is not certain, no fix is offered.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { Engine } from '../../server/src/engine/engine.js';
import { bandit19, bandit19Available } from '../support/bandit-run.js';
import { applyAction } from '../support/edits.js';
import { docUri, LspClient } from './client.js';

let client: LspClient;
let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await Engine.load();
  dir = mkdtempSync(join(tmpdir(), 'pysec-quickfix-'));
  client = await LspClient.start({
    capabilities: {
      workspace: { workspaceEdit: { documentChanges: true } },
      textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true } },
    },
    initializationOptions: { bandit: { enabled: false } },
  });
});

afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;

async function diagnose(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = docUri(`quickfix-${++n}.py`);
  await client.open(uri, text, 1);
  const p = await client.waitForDiagnostics(uri, { version: 1 });
  await client.close(uri);
  return { uri, diagnostics: p.diagnostics };
}

async function fixesFor(text: string, rule: string, line: number): Promise<{ uri: string; fixes: CodeAction[] }> {
  const uri = docUri(`quickfix-${++n}.py`);
  await client.open(uri, text, 1);
  const p = await client.waitForDiagnostics(uri, { version: 1 });
  const d = p.diagnostics.filter((x) => x.code === rule && x.range.start.line === line);
  expect(d, `${rule} on line ${line + 1} of\n${text}`).toHaveLength(1);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d[0].range, context: { diagnostics: d } });
  await client.close(uri);
  return { uri, fixes: actions.filter((a) => !a.title.startsWith('pysec: suppress')) };
}

function pythonParses(text: string): Promise<boolean> {
  const file = join(dir, `parse-${++n}.py`);
  writeFileSync(file, text);
  return new Promise((resolve) => {
    execFile('/usr/bin/python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1], encoding="utf-8").read())', file], { shell: false }, (e) => resolve(!e));
  });
}

/** Applies the fix titled `title` (a prefix) and checks the result every way. */
async function applyAndRecheck(text: string, rule: string, line: number, title: string, expected: string): Promise<void> {
  const { uri, fixes } = await fixesFor(text, rule, line);
  const fix = fixes.filter((a) => a.title.startsWith(title));
  expect(fix.map((a) => a.title), fixes.map((a) => a.title).join('\n')).toHaveLength(1);
  expect(fix[0].kind).toBe('quickfix');
  expect(fix[0].isPreferred).toBeUndefined();
  const after = applyAction(text, uri, fix[0], 'utf-16', 1);
  expect(after).toBe(expected);

  const tree = engine.parser.parse(after)!;
  try {
    expect(tree.rootNode.hasError, `tree-sitter parses\n${after}`).toBe(false);
  } finally {
    tree.delete();
  }
  expect(await pythonParses(after), `python3 parses\n${after}`).toBe(true);
  const { diagnostics } = await diagnose(after);
  expect(diagnostics.filter((d) => d.code === rule && d.range.start.line === line), `${rule} is gone\n${after}`).toEqual([]);

  if (bandit19Available()) {
    const file = join(dir, `bandit-${++n}.py`);
    writeFileSync(file, after);
    const out = await bandit19([file], dir, `bandit-${n}.json`);
    expect(out.errors).toEqual([]);
    expect(out.results.filter((r) => r.test_id === rule && r.line_number === line + 1), `bandit 1.9 no longer reports ${rule}\n${after}`).toEqual([]);
  }
}

describe('quick fixes: applied, re-parsed, re-checked', () => {
  it('B506 yaml.load → yaml.safe_load (no Loader, or an unsafe one, which goes)', async () => {
    await applyAndRecheck('import yaml\ndata = yaml.load(stream)\n', 'B506', 1, 'pysec: use yaml.safe_load', 'import yaml\ndata = yaml.safe_load(stream)\n');
    await applyAndRecheck('import yaml\ndata = yaml.load(stream, Loader=yaml.Loader)\n', 'B506', 1, 'pysec: use yaml.safe_load', 'import yaml\ndata = yaml.safe_load(stream)\n');
    await applyAndRecheck('import yaml as y\ndata = y.load(stream, y.FullLoader)\n', 'B506', 1, 'pysec: use yaml.safe_load', 'import yaml as y\ndata = y.safe_load(stream)\n');
    await applyAndRecheck(
      'import yaml\ndata = yaml.load(\n    stream,\n    Loader=yaml.UnsafeLoader,\n)\n',
      'B506',
      1,
      'pysec: use yaml.safe_load',
      'import yaml\ndata = yaml.safe_load(\n    stream,\n)\n',
    );
  });

  it('B501 verify=False removed', async () => {
    await applyAndRecheck('import requests\nr = requests.get(url, verify=False, timeout=5)\n', 'B501', 1, 'pysec: remove verify=False', 'import requests\nr = requests.get(url, timeout=5)\n');
    await applyAndRecheck('import requests\nr = requests.get(url, timeout=5, verify=False)\n', 'B501', 1, 'pysec: remove verify=False', 'import requests\nr = requests.get(url, timeout=5)\n');
    await applyAndRecheck(
      'import httpx\nr = httpx.post(\n    url,\n    json=body,\n    verify=False,\n    timeout=5,\n)\n',
      'B501',
      4,
      'pysec: remove verify=False',
      'import httpx\nr = httpx.post(\n    url,\n    json=body,\n    timeout=5,\n)\n',
    );
  });

  it('B602 a constant command of plain words → an argument list, no shell', async () => {
    await applyAndRecheck(
      'import subprocess\nsubprocess.run("ls -l /var/log", shell=True, check=True)\n',
      'B602',
      1,
      'pysec: run without a shell',
      'import subprocess\nsubprocess.run(["ls", "-l", "/var/log"], check=True)\n',
    );
    await applyAndRecheck("import subprocess\nout = subprocess.check_output('git status --short', shell=True)\n", 'B602', 1, 'pysec: run without a shell', "import subprocess\nout = subprocess.check_output(['git', 'status', '--short'])\n");
    await applyAndRecheck(
      'import subprocess\nsubprocess.call(\n    "make  all",\n    shell=True,\n)\n',
      'B602',
      3,
      'pysec: run without a shell',
      'import subprocess\nsubprocess.call(\n    ["make", "all"],\n)\n',
    );
  });

  it('B324 md5/sha1: usedforsecurity=False (labelled: only for what protects nothing), or sha256', async () => {
    await applyAndRecheck('import hashlib\nh = hashlib.md5(data)\n', 'B324', 1, 'pysec: not used for security: pass usedforsecurity=False', 'import hashlib\nh = hashlib.md5(data, usedforsecurity=False)\n');
    await applyAndRecheck('import hashlib\nh = hashlib.sha1()\n', 'B324', 1, 'pysec: not used for security: pass usedforsecurity=False', 'import hashlib\nh = hashlib.sha1(usedforsecurity=False)\n');
    await applyAndRecheck('import hashlib\nh = hashlib.md5(data, usedforsecurity=True)\n', 'B324', 1, 'pysec: not used for security', 'import hashlib\nh = hashlib.md5(data, usedforsecurity=False)\n');
    await applyAndRecheck('import hashlib\nh = hashlib.md5(data)\n', 'B324', 1, 'pysec: use hashlib.sha256 instead', 'import hashlib\nh = hashlib.sha256(data)\n');
    await applyAndRecheck("import hashlib\nh = hashlib.new('md5', data)\n", 'B324', 1, 'pysec: use sha256 instead', "import hashlib\nh = hashlib.new('sha256', data)\n");
    await applyAndRecheck(
      'import hashlib\nh = hashlib.md5(\n    data,  # the body\n)\n',
      'B324',
      1,
      'pysec: not used for security',
      'import hashlib\nh = hashlib.md5(\n    data, usedforsecurity=False,  # the body\n)\n',
    );
  });

  it('PS502 DEBUG = True in a settings module: read from the environment (importing os where nothing is called os), or False', async () => {
    await applyAndRecheck(
      'import os\n\nINSTALLED_APPS = []\nDEBUG = True\n',
      'PS502',
      3,
      'pysec: read DEBUG from the environment',
      'import os\n\nINSTALLED_APPS = []\nDEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"\n',
    );
    await applyAndRecheck(
      '"""Settings."""\nfrom __future__ import annotations\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).parent\nINSTALLED_APPS = []\nDEBUG = True\n',
      'PS502',
      6,
      'pysec: read DEBUG from the environment (off unless DJANGO_DEBUG=1), importing os',
      '"""Settings."""\nfrom __future__ import annotations\nimport os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).parent\nINSTALLED_APPS = []\nDEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"\n',
    );
    await applyAndRecheck('INSTALLED_APPS = []\nDEBUG = True\n', 'PS502', 1, 'pysec: set DEBUG = False', 'INSTALLED_APPS = []\nDEBUG = False\n');
    // Something else is called `os`: no import is added, only False is offered.
    const { fixes } = await fixesFor('from x import y as os\nINSTALLED_APPS = []\nDEBUG = True\n', 'PS502', 2);
    expect(fixes.map((a) => a.title)).toEqual(['pysec: set DEBUG = False']);
    // `os` imported but not bound at module level where DEBUG is assigned (issue 20): no fix that would raise NameError.
    for (const [text, line] of [
      ['def f():\n    import os\nINSTALLED_APPS = []\nDEBUG = True\n', 3],
      ['from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\nINSTALLED_APPS = []\nDEBUG = True\n', 4],
      ['class C:\n    import os\nINSTALLED_APPS = []\nDEBUG = True\n', 3],
      ['import os\ndel os\nINSTALLED_APPS = []\nDEBUG = True\n', 3],
    ] as const) {
      const r = await fixesFor(text, 'PS502', line);
      expect(r.fixes.map((a) => a.title), text).toEqual(['pysec: set DEBUG = False']);
    }
  });

  it('offers no fix where the rewrite is not certain', async () => {
    const none: [string, string, number][] = [
      ['import yaml\ndata = yaml.load(stream, Loader=MyLoader)\n', 'B506', 1],
      ['import yaml\ndata = yaml.load(stream, Loader=yaml.BaseLoader)\n', 'B506', 1],
      ['import yaml\nfrom yaml import load\ndata = load(stream)\n', 'B506', 2],
      ['import yaml\ndata = yaml.load(**options)\n', 'B506', 1],
      ['import subprocess\nsubprocess.run("ls *.py", shell=True)\n', 'B602', 1],
      ['import subprocess\nsubprocess.run("cd /tmp", shell=True)\n', 'B602', 1],
      ['import subprocess\nsubprocess.run("A=1 make", shell=True)\n', 'B602', 1],
      ['import subprocess\nsubprocess.run("echo \'hi\'", shell=True)\n', 'B602', 1],
      ['import subprocess\nsubprocess.run(cmd, shell=True)\n', 'B602', 1],
      ['import subprocess\nsubprocess.run(f"ls {path}", shell=True)\n', 'B602', 1],
      ['import subprocess\nsubprocess.run("ls -l", shell=True, executable="/bin/bash")\n', 'B602', 1],
      // A comment inside what the fix would remove.
      ['import requests\nr = requests.get(url, verify=False,  # staging only\n    timeout=5)\n', 'B501', 1],
    ];
    for (const [text, rule, line] of none) {
      const { fixes } = await fixesFor(text, rule, line);
      expect(fixes.map((a) => a.title), text).toEqual([]);
    }
    // md5 imported by name: only the "not for security" variant (no rename without touching the import).
    const { fixes } = await fixesFor('from hashlib import md5\nh = md5(data)\n', 'B324', 1);
    expect(fixes.map((a) => a.title)).toEqual(['pysec: not used for security: pass usedforsecurity=False (only for checksums, cache keys and the like)']);
  });
});
