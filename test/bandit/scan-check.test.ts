/**
 * bandit across many files: `check` with both engines, and the workspace
 * scan over LSP with progress. Real bandit 1.9.4 on files of the local
 * Python standard library.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkDoneProgress, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from '../lsp/client.js';
import { runCli } from '../support/cli.js';
import { bandit19Command, requireBandits, SID_SITE } from '../support/bandit.js';

const STDLIB = '/usr/lib/python3.11';
const FILES = ['subprocess.py', 'tempfile.py', 'pickle.py', 'shutil.py', 'tarfile.py', 'random.py'];
let root: string;

beforeAll(() => {
  requireBandits();
  root = mkdtempSync(join(tmpdir(), 'pysec-scan-'));
  for (const f of FILES) copyFileSync(join(STDLIB, f), join(root, f));
  mkdirSync(join(root, 'vendored'));
  writeFileSync(join(root, 'vendored', 'skipme.py'), 'eval(x)\n');
  writeFileSync(join(root, 'pyproject.toml'), '[tool.bandit]\nexclude_dirs = ["vendored"]\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('check with both engines', () => {
  it('gives one finding per issue (the --no-bandit multiset of rule and line), with bandit findings among them, and honours excludes', async () => {
    // /usr/bin/bandit imports sid's bandit 1.9 first when its site folder leads PYTHONPATH.
    const r = await runCli(['check', '.', '--format', 'json'], { cwd: root, env: { ...process.env, PYTHONPATH: SID_SITE } });
    expect(r.stderr).not.toMatch(/not found/);
    const out = JSON.parse(r.stdout) as { findings: { path: string; rule: string; line: number; engine: string }[] };
    const keys = out.findings.map((f) => `${f.path}:${f.rule}:${f.line}`);
    const alone = JSON.parse((await runCli(['check', '.', '--format', 'json', '--no-bandit'], { cwd: root })).stdout) as typeof out;
    expect(keys).toEqual(alone.findings.map((f) => `${f.path}:${f.rule}:${f.line}`));
    expect(out.findings.some((f) => f.engine === 'bandit')).toBe(true);
    // bandit 1.9 runs B108, which 1.6.2 never does: it stands for the tree-sitter finding.
    expect(out.findings.find((f) => f.rule === 'B108' && f.path === 'tempfile.py')?.engine).toBe('bandit');
    expect(out.findings.some((f) => f.path.startsWith('vendored'))).toBe(false);
  });
});

describe('pysec.scanWorkspace', () => {
  it('reports progress and publishes diagnostics for files that are not open; excludes honoured', async () => {
    const c = await LspClient.start({
      rootPath: root,
      capabilities: { window: { workDoneProgress: true } },
      initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 3_600_000 } },
    });
    try {
      // `$/progress` for a token the client made goes to that token's progress handler.
      const progress: string[] = [];
      c.connection.onProgress(WorkDoneProgress.type, 'scan-1', (v) => progress.push(v.kind));
      const open = pathToFileURL(join(root, 'random.py')).href;
      await c.open(open, 'x = 1\n', 1);
      const summary = await c.request<{ files: number; bandit: boolean }>('workspace/executeCommand', {
        command: 'pysec.scanWorkspace',
        arguments: [],
        workDoneToken: 'scan-1',
      });
      expect(summary.bandit).toBe(true);
      expect(summary.files).toBe(FILES.length - 1);
      expect(progress[0]).toBe('begin');
      expect(progress.at(-1)).toBe('end');
      expect(progress).toContain('report');
      const published = (name: string) =>
        c.notifications
          .filter((n) => n.method === 'textDocument/publishDiagnostics')
          .map((n) => n.params as PublishDiagnosticsParams)
          .filter((p) => p.uri === pathToFileURL(join(root, name)).href);
      const tmp = published('tempfile.py');
      expect(tmp).toHaveLength(1);
      expect(tmp[0].diagnostics.some((d) => (d.data as { engine: string }).engine === 'bandit')).toBe(true);
      expect(published('subprocess.py')[0].diagnostics.length).toBeGreaterThan(0);
      expect(published(join('vendored', 'skipme.py'))).toHaveLength(0);
      // The open document is left to its own runs: the scan did not publish its file's findings.
      expect(published('random.py').every((p) => p.version === 1)).toBe(true);
    } finally {
      await c.shutdown();
    }
  });
});
