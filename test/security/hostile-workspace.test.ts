/**
 * Nothing from the workspace executes. A workspace holds every file Python
 * would run or import if bandit were started in it or with it on its path:
 * `bandit/__init__.py` and `bandit/__main__.py` (what `python3 -m bandit`
 * finds first in the working folder), `yaml.py` and `json.py` (modules
 * bandit imports), `sitecustomize.py`, `usercustomize.py` and a `.pth`
 * file, and an executable `.venv/bin/bandit` and `venv/bin/bandit` (also
 * on PATH, as an activated virtualenv puts it). Each writes a marker if it
 * runs. With every documented way of configuring bandit — `pysec.bandit.path`,
 * `pysec.bandit.command` as the README's `["python3", "-m", "bandit"]`, the
 * sid bandit 1.9.4 on bookworm's python3 by its command and by PYTHONPATH
 * (with a relative entry too), and the default discovery — no marker is
 * written, and the real bandit's findings still arrive, over LSP and from
 * `check`. A control shows the workspace is really hostile: bandit started
 * the old way (in the workspace, without PYTHONSAFEPATH) writes a marker.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from '../lsp/client.js';
import { runCli } from '../support/cli.js';
import { BANDIT_16, bandit19Command, requireBandits, SID_DIR, SID_SITE } from '../support/bandit.js';

let dir: string;
let ws: string;
let markers: string;

beforeAll(() => {
  requireBandits();
  dir = mkdtempSync(join(tmpdir(), 'pysec-hostile-'));
  ws = join(dir, 'ws');
  markers = join(dir, 'markers');
  mkdirSync(markers);
  const py = (name: string) => `open(${JSON.stringify(join(markers, name))}, "w").write("ran")\n`;
  const files: Record<string, string> = {
    'bandit/__init__.py': py('bandit__init__'),
    'bandit/__main__.py': py('bandit__main__'),
    'yaml.py': py('yaml'),
    'json.py': py('json'),
    'stevedore.py': py('stevedore'),
    'sitecustomize.py': py('sitecustomize'),
    'usercustomize.py': py('usercustomize'),
    'evil.pth': `import os; ${py('pth').trim()}\n`,
    'app.py': 'import subprocess\n\n\ndef run(cmd):\n    eval(cmd)\n    subprocess.call(cmd, shell=True)\n',
    'other.py': 'eval(input())\n',
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(ws, f, '..'), { recursive: true });
    writeFileSync(join(ws, f), text);
  }
  for (const venv of ['.venv', 'venv']) {
    for (const exe of ['bandit', 'python3', 'python']) {
      const p = join(ws, venv, 'bin', exe);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, `#!/bin/sh\necho ran > '${join(markers, `${venv}-${exe}`)}'\nexit 1\n`);
      chmodSync(p, 0o755);
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const written = () => readdirSync(markers);
const fromBandit = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => (d.data as { engine?: string } | undefined)?.engine === 'bandit').map((d) => String(d.code));

/** PATH as a shell with the workspace's virtualenv activated has it: its bin first, `.` too. */
const ACTIVATED_PATH = (extra: string[] = []) => [join(ws, '.venv/bin'), '.', ...extra, '/usr/bin', '/bin'].join(':');

const CASES: { name: string; bandit: Record<string, unknown>; env?: NodeJS.ProcessEnv; version: string }[] = [
  { name: 'pysec.bandit.path (bookworm\'s 1.6.2)', bandit: { path: BANDIT_16 }, version: '1.6' },
  { name: 'pysec.bandit.command ["python3", "-m", "bandit"] (the README\'s example; bookworm\'s python3 has 1.6.2)', bandit: { command: ['python3', '-m', 'bandit'] }, version: '1.6' },
  { name: 'the sid bandit 1.9.4 by its command (/usr/bin/env PYTHONPATH=… /usr/bin/python3 -m bandit)', bandit: { command: bandit19Command() }, version: '1.9' },
  {
    name: 'the sid bandit 1.9.4 through the server\'s PYTHONPATH (with a relative and an empty entry) and ["python3", "-m", "bandit"]',
    bandit: { command: ['python3', '-m', 'bandit'] },
    env: { PYTHONPATH: `.::${SID_SITE}:bandit` },
    version: '1.9',
  },
  { name: 'nothing set: the default discovery passes over the workspace\'s .venv and finds bandit on PATH', bandit: {}, version: '1.6' },
];

describe('a hostile workspace: nothing in it runs', () => {
  it('control: started the old way (in the workspace, no PYTHONSAFEPATH), `python3 -m bandit` runs the workspace\'s code', () => {
    try {
      execFileSync('/usr/bin/python3', ['-m', 'bandit', '--version'], { cwd: ws, env: { ...process.env, PYTHONPATH: SID_SITE, PYTHONSAFEPATH: '' }, stdio: 'ignore' });
    } catch {
      /* the workspace's bandit/__main__.py is not bandit */
    }
    expect(written()).toContain('bandit__init__');
    rmSync(markers, { recursive: true });
    mkdirSync(markers);
  });

  for (const c of CASES) {
    it(`over LSP, ${c.name}: bandit's findings arrive, no marker is written`, async () => {
      const client = await LspClient.start({
        rootPath: ws,
        // Where an editor started from the project would start it.
        cwd: ws,
        env: { ...process.env, PATH: ACTIVATED_PATH(), VIRTUAL_ENV: join(ws, '.venv'), ...c.env },
        initializationOptions: { bandit: { idleDelayMs: 3_600_000, ...c.bandit } },
      });
      try {
        const uri = pathToFileURL(join(ws, 'app.py')).href;
        await client.open(uri, 'import subprocess\n\n\ndef run(cmd):\n    eval(cmd)\n    subprocess.call(cmd, shell=True)\n', 1);
        const p = await client.waitForDiagnostics(uri, (d) => fromBandit(d).length > 0);
        expect(fromBandit(p)).toEqual(expect.arrayContaining(['B307', 'B602']));
        // Every other way the server starts bandit: a save, the command, the workspace scan.
        await client.save(uri);
        await client.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [] });
        await client.request('workspace/executeCommand', { command: 'pysec.scanWorkspace', arguments: [] });
        const other = await client.waitForDiagnostics(pathToFileURL(join(ws, 'other.py')).href, (d) => fromBandit(d).length > 0);
        expect(fromBandit(other)).toEqual(expect.arrayContaining(['B307']));
        const status = await client.request<{ documents: { banditRevision: number }[] }>('pysec/status');
        expect(status.documents[0].banditRevision).toBeGreaterThanOrEqual(0);
        if (Object.keys(c.bandit).length === 0) {
          // The workspace's own bandit was passed over, and said once, with how to allow it.
          const said = client.shownMessages.filter((m) => /useProjectVenv/.test(m.message));
          expect(said).toHaveLength(1);
          expect(said[0].message).toContain(join(ws, '.venv/bin/bandit'));
        }
      } finally {
        await client.shutdown();
      }
      expect(written()).toEqual([]);
    });
  }

  for (const [name, args, env] of [
    ['check with bandit on PATH (the workspace\'s .venv/bin first on it)', [], {}],
    ['check --bandit /usr/bin/bandit', ['--bandit', BANDIT_16], {}],
    ['check --bandit <the sid bandit\'s script> with PYTHONPATH', ['--bandit', join(SID_DIR, 'usr/bin/bandit')], { PYTHONPATH: `.:${SID_SITE}` }],
  ] as const) {
    it(`${name}: bandit's findings arrive, no marker is written`, async () => {
      const r = await runCli(['check', '--format', 'json', ...args, '.'], { cwd: ws, env: { ...process.env, PATH: ACTIVATED_PATH(), ...env } });
      const out = JSON.parse(r.stdout) as { findings: { path: string; rule: string; engine: string }[] };
      const bandit = out.findings.filter((f) => f.engine === 'bandit').map((f) => `${f.path}:${f.rule}`);
      expect(bandit).toEqual(expect.arrayContaining(['app.py:B307', 'app.py:B602', 'other.py:B307']));
      if (!args.length) expect(r.stderr).toMatch(/\.venv\/bin\/bandit is inside the workspace and was not run.*--project-venv/);
      expect(written()).toEqual([]);
    });
  }

  it('no marker after everything', () => {
    expect(existsSync(markers)).toBe(true);
    expect(written()).toEqual([]);
  });
});
