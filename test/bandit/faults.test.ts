/**
 * bandit misbehaving, one way per test (test/fixtures/fake-bandit/bandit.mjs
 * injects the fault; lsp-bandit.test.ts has missing from PATH, hang, crash
 * and garbage): configured but missing, exit 1 with a report (normal), exit
 * 2 with a usage error, slow, a huge report, a flood of output, killed
 * mid-output; and the workspace scan with files deleted or made unreadable
 * while bandit runs. Each time the server says what is wrong once, keeps
 * the tree-sitter findings (and bandit's last good ones), and stays up.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, REPO_ROOT } from '../lsp/client.js';
import { bandit19Command, requireBandits } from '../support/bandit.js';

const FAKE = join(REPO_ROOT, 'test/fixtures/fake-bandit/bandit.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-faults-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engineOf = (d: Diagnostic) => (d.data as { engine?: string } | undefined)?.engine;
const evals = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'B307').map((d) => `${d.range.start.line}:${engineOf(d)}`);
const fromFake = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.message.includes('FAKE BANDIT') && engineOf(d) === 'bandit');
const banditMessages = (c: LspClient) => c.shownMessages.filter((m) => /bandit/.test(m.message));

const TEXT = 'import os\n\neval(a)\nx = 1\neval(b)\n';

let n = 0;
function project(files: Record<string, string> = { 'f.py': TEXT }): string {
  const root = join(dir, `p${++n}`);
  mkdirSync(root, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(root, f), text);
  return root;
}

async function start(root: string, bandit: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<LspClient> {
  return LspClient.start({ rootPath: root, env: { ...process.env, ...env }, initializationOptions: { bandit: { idleDelayMs: 3_600_000, ...bandit } } });
}

const fake = (mode: string) => ({ command: [process.execPath, FAKE, mode] });

/** Runs bandit on `uri` now and waits for the run to end (the server answers when it has). */
const runNow = (c: LspClient, uri: string) => c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });

describe('bandit faults on open documents', () => {
  it('configured but missing (pysec.bandit.path names no file): said once, tree-sitter alone', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const c = await start(root, { path: join(root, 'no-such-bandit') });
    try {
      await c.open(uri, TEXT, 1);
      await c.waitForNotification('window/showMessage', (m) => /bandit/.test((m as { message: string }).message));
      const answers = [await runNow(c, uri)];
      await c.save(uri);
      answers.push(await runNow(c, uri));
      const p = await c.waitForDiagnostics(uri, { version: 1 });
      expect(evals(p)).toEqual(['2:tree-sitter', '4:tree-sitter']);
      // The runs the server starts itself say it once; each explicit pysec.runBandit answers why it did not run, and says it.
      const [automatic, explicit] = [banditMessages(c).filter((m) => !m.message.startsWith('pysec: bandit did not run')), banditMessages(c).filter((m) => m.message.startsWith('pysec: bandit did not run'))];
      expect(automatic).toHaveLength(1);
      expect(automatic[0].message).toMatch(/cannot run \S*no-such-bandit: no such file/);
      expect(automatic[0].message).toMatch(/pysec\.bandit\.path/);
      expect(explicit).toHaveLength(2);
      expect(explicit[0].message).toMatch(/^pysec: bandit did not run on this document: bandit from settings does not work \(cannot run \S*no-such-bandit: no such file/);
      for (const a of answers) expect(a).toEqual({ ran: 0, notRun: [{ uri, why: expect.stringMatching(/no-such-bandit/) }] });
    } finally {
      await c.shutdown();
    }
  });

  it('exit 1 with a report (what bandit does when it finds something) is a success: its findings are shown, nothing is said', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const c = await start(root, fake('exit1'));
    try {
      await c.open(uri, TEXT, 1);
      const p = await c.waitForDiagnostics(uri, fromFake);
      expect(evals(p)).toEqual(['2:bandit', '4:bandit']);
      expect(c.shownMessages).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });

  it('exit 2 with a usage error on stderr: said once with bandit\'s words; tree-sitter findings stay', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const c = await start(root, fake('exit2'));
    try {
      await c.open(uri, TEXT, 1);
      await c.waitForNotification('window/showMessage', (m) => /bandit/.test((m as { message: string }).message));
      await c.save(uri);
      await runNow(c, uri);
      await runNow(c, uri);
      expect(evals(c.latest(uri)!)).toEqual(['2:tree-sitter', '4:tree-sitter']);
      expect(banditMessages(c)).toHaveLength(1);
      expect(banditMessages(c)[0].message).toMatch(/exit code 2.*unrecognized arguments: --frobnicate/);
    } finally {
      await c.shutdown();
    }
  });

  it('slow: the server answers and shows tree-sitter findings while bandit runs, then uses bandit\'s answer', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const gate = join(root, 'gate');
    const c = await start(root, fake('slow'), { FAKE_BANDIT_GATE: gate });
    try {
      await c.open(uri, TEXT, 1);
      const first = await c.waitForDiagnostics(uri, { version: 1 });
      expect(evals(first)).toEqual(['2:tree-sitter', '4:tree-sitter']);
      // bandit is running (and held at the gate): the server still answers, and edits still publish.
      let running = false;
      for (let i = 0; i < 600 && !running; i++) {
        const status = await c.request<{ banditProcesses: Record<string, number> }>('pysec/status');
        running = Object.keys(status.banditProcesses).length === 1;
        if (!running) await new Promise((r) => setTimeout(r, 50));
      }
      expect(running).toBe(true);
      await c.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# top\n' }]);
      expect(evals(await c.waitForDiagnostics(uri, { version: 2 }))).toEqual(['3:tree-sitter', '5:tree-sitter']);
      writeFileSync(gate, '');
      // bandit read version 1; its findings are carried through the edit to version 2's lines.
      const p = await c.waitForDiagnostics(uri, fromFake);
      expect(evals(p)).toEqual(['3:bandit', '5:bandit']);
      expect(c.shownMessages).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });

  it('a huge report (100k results): one finding per rule and line, the server stays up', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const c = await start(root, fake('huge'));
    try {
      await c.open(uri, TEXT, 1);
      const p = await c.waitForDiagnostics(uri, { predicate: fromFake, timeoutMs: 120_000 });
      expect(evals(p)).toEqual(['2:bandit', '4:bandit']);
      expect(p.diagnostics).toHaveLength(2);
      expect(c.shownMessages).toEqual([]);
      await c.request('pysec/status');
    } finally {
      await c.shutdown();
    }
  }, 180_000);

  it('a flood of output (80 MB, not a report): stopped, said once; tree-sitter findings stay', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const c = await start(root, fake('flood'));
    try {
      await c.open(uri, TEXT, 1);
      const msg = await c.waitForNotification('window/showMessage', (m) => /bandit/.test((m as { message: string }).message), { timeoutMs: 120_000 });
      expect((msg.params as { message: string }).message).toMatch(/more than 64 MB/);
      await runNow(c, uri);
      expect(evals(c.latest(uri)!)).toEqual(['2:tree-sitter', '4:tree-sitter']);
      expect(banditMessages(c)).toHaveLength(1);
    } finally {
      await c.shutdown();
    }
  }, 180_000);

  it('killed mid-output (SIGKILL): said once, with the signal; tree-sitter findings stay', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const c = await start(root, fake('killed'));
    try {
      await c.open(uri, TEXT, 1);
      await c.waitForNotification('window/showMessage', (m) => /bandit/.test((m as { message: string }).message));
      await runNow(c, uri);
      expect(evals(c.latest(uri)!)).toEqual(['2:tree-sitter', '4:tree-sitter']);
      expect(banditMessages(c)).toHaveLength(1);
      expect(banditMessages(c)[0].message).toMatch(/SIGKILL/);
    } finally {
      await c.shutdown();
    }
  });

  it('a good run, then crashes: the last good bandit findings stay, said once', async () => {
    const root = project();
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const modeFile = join(root, 'mode');
    writeFileSync(modeFile, 'ok');
    const c = await start(root, fake('file'), { FAKE_BANDIT_MODE_FILE: modeFile });
    try {
      await c.open(uri, TEXT, 1);
      await c.waitForDiagnostics(uri, fromFake);
      for (const mode of ['crash', 'killed', 'garbage', 'exit2']) {
        writeFileSync(modeFile, mode);
        await runNow(c, uri);
      }
      expect(evals(c.latest(uri)!)).toEqual(['2:bandit', '4:bandit']);
      // One message per kind of failure, each saying the last good findings stay.
      const said = banditMessages(c);
      expect(said).toHaveLength(4);
      for (const m of said) expect(m.message).toMatch(/last good bandit findings stay/);
      // The same failure again is not said again.
      writeFileSync(modeFile, 'crash');
      await runNow(c, uri);
      expect(banditMessages(c)).toHaveLength(4);
    } finally {
      await c.shutdown();
    }
  });
});

describe('the workspace scan with files changing under it', () => {
  interface Summary {
    files: number;
    errors: { path: string; message: string }[];
    bandit: boolean;
  }

  it('files deleted, replaced by a folder, a dangling symlink or a named pipe while bandit runs: the scan finishes, says each once, publishes the rest', async () => {
    // As root, chmod 000 does not stop a read: these are the ways a file becomes unreadable for root.
    const names = ['good.py', 'vanish.py', 'dir.py', 'dangling.py', 'fifo.py', 'other.py'];
    const root = project(Object.fromEntries(names.map((f) => [f, 'eval(x)\n'])));
    // And one that is not UTF-8 (nor declares its encoding): an error of its own, once.
    writeFileSync(join(root, 'latin1.py'), Buffer.concat([Buffer.from('s = "caf'), Buffer.from([0xe9]), Buffer.from('"\neval(s)\n')]));
    const log = join(root, 'bandit.log');
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, FAKE_BANDIT_LOG: log },
      initializationOptions: { bandit: { ...fake('sabotage'), idleDelayMs: 3_600_000 } },
    });
    try {
      const summary = await c.request<Summary>('workspace/executeCommand', { command: 'pysec.scanWorkspace', arguments: [] });
      // The fake bandit ran, on every file, and did its damage.
      expect(readFileSync(log, 'utf8')).toContain('sabotage');
      expect(existsSync(join(root, 'vanish.py'))).toBe(false);
      expect(summary.bandit).toBe(true);
      expect(summary.files).toBe(2);
      const bad = ['vanish.py', 'dir.py', 'dangling.py', 'fifo.py', 'latin1.py'].map((f) => join(root, f));
      expect(summary.errors.map((e) => e.path).sort()).toEqual([...bad].sort());
      expect(Object.fromEntries(summary.errors.map((e) => [e.path.slice(root.length + 1), e.message]))).toEqual({
        'vanish.py': 'cannot read: ENOENT',
        'dir.py': 'cannot read: EISDIR',
        'dangling.py': 'cannot read: ENOENT',
        'fifo.py': 'cannot read: ENOTREG',
        'latin1.py': expect.stringMatching(/^not valid utf-8 text/),
      });
      // Each said once on the log.
      for (const f of bad) expect(c.logMessages.filter((m) => m.message.includes(f))).toHaveLength(1);
      // The rest published, with bandit's findings.
      for (const f of ['good.py', 'other.py']) {
        const p = await c.waitForDiagnostics(pathToFileURL(join(root, f)).href);
        expect(evals(p)).toEqual(['0:bandit']);
      }
      for (const f of bad) expect(c.published(pathToFileURL(f).href)).toEqual([]);
      await c.request('pysec/status');
    } finally {
      await c.shutdown();
    }
  });

  it('a file that is not UTF-8, with the real bandit 1.9 (which reports it too): one error for it, not two', async () => {
    requireBandits();
    const root = project({ 'good.py': 'eval(x)\n' });
    writeFileSync(join(root, 'latin1.py'), Buffer.concat([Buffer.from('s = "caf'), Buffer.from([0xe9]), Buffer.from('"\neval(s)\n')]));
    const c = await LspClient.start({ rootPath: root, initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 3_600_000 } } });
    try {
      const summary = await c.request<Summary>('workspace/executeCommand', { command: 'pysec.scanWorkspace', arguments: [] });
      expect(summary.bandit).toBe(true);
      expect(summary.files).toBe(1);
      expect(summary.errors.map((e) => [e.path, e.message.slice(0, 19)])).toEqual([[join(root, 'latin1.py'), 'not valid utf-8 tex']]);
      expect(c.logMessages.filter((m) => m.message.includes('latin1.py'))).toHaveLength(1);
    } finally {
      await c.shutdown();
    }
  });

  it('entries that are not readable files before the scan (a named pipe, a dangling symlink, a folder named x.py): skipped, the scan finishes and publishes the rest', async () => {
    const root = project({ 'good.py': 'eval(x)\n' });
    execFileSync('mkfifo', [join(root, 'pipe.py')]);
    symlinkSync('/nonexistent/pysec-nowhere.py', join(root, 'dangling.py'));
    mkdirSync(join(root, 'folder.py'));
    writeFileSync(join(root, 'folder.py', 'inner.py'), 'eval(y)\n');
    const c = await LspClient.start({ rootPath: root, initializationOptions: { bandit: { ...fake('ok'), idleDelayMs: 3_600_000 } } });
    try {
      const summary = await c.request<Summary>('workspace/executeCommand', { command: 'pysec.scanWorkspace', arguments: [] });
      expect(summary.files).toBe(2);
      expect(summary.errors).toEqual([]);
      expect(evals(await c.waitForDiagnostics(pathToFileURL(join(root, 'good.py')).href))).toEqual(['0:bandit']);
      expect(evals(await c.waitForDiagnostics(pathToFileURL(join(root, 'folder.py', 'inner.py')).href))).toEqual(['0:bandit']);
      expect(c.published(pathToFileURL(join(root, 'pipe.py')).href)).toEqual([]);
      expect(readdirSync(root).sort()).toEqual(['dangling.py', 'folder.py', 'good.py', 'pipe.py']);
    } finally {
      await c.shutdown();
    }
  });

  it('a project config that is a named pipe (pyproject.toml, .bandit): said once, never read, the server does not block', async () => {
    const root = project();
    execFileSync('mkfifo', [join(root, 'pyproject.toml')]);
    execFileSync('mkfifo', [join(root, '.bandit')]);
    const uri = pathToFileURL(join(root, 'f.py')).href;
    const c = await start(root, fake('exit1'));
    try {
      await c.open(uri, TEXT, 1);
      const p = await c.waitForDiagnostics(uri, fromFake);
      expect(evals(p)).toEqual(['2:bandit', '4:bandit']);
      await c.request('pysec/status');
      const said = c.shownMessages.filter((m) => /pyproject\.toml|\.bandit/.test(m.message));
      expect(said.map((m) => m.message).sort()).toEqual([`pysec: cannot read ${join(root, '.bandit')}: ENOTREG`, `pysec: cannot read ${join(root, 'pyproject.toml')}: ENOTREG`]);
      expect(new Set(said.map((m) => m.message)).size).toBe(said.length);
    } finally {
      await c.shutdown();
    }
  });
});
