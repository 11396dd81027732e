/**
 * The bandit engine over LSP, with the real bandit 1.9.4 (Debian sid) and
 * 1.6.2 (Debian bookworm); a fake bandit only to inject faults.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, REPO_ROOT } from '../lsp/client.js';
import { BANDIT_16, bandit19Command, requireBandits } from '../support/bandit.js';

const FAKE = join(REPO_ROOT, 'test/fixtures/fake-bandit/bandit.mjs');
let dir: string;

beforeAll(() => {
  requireBandits();
  dir = mkdtempSync(join(tmpdir(), 'pysec-bandit-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engineOf = (d: Diagnostic) => (d.data as { engine?: string } | undefined)?.engine;
const onLine = (p: PublishDiagnosticsParams, code: string, line: number) => p.diagnostics.filter((d) => d.code === code && d.range.start.line === line);

function project(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(root, f), text);
  return root;
}

const SQL = 'import sqlite3\n\ndef get(cursor, uid):\n    cursor.execute("SELECT * FROM t WHERE id = %s" % uid)\n';

describe('bandit 1.9.4 over LSP', () => {
  it('reports B608 with engine bandit, moves it with edits above, drops it on its own line, never two', async () => {
    const root = project('b608', { 'app.py': SQL });
    const uri = pathToFileURL(join(root, 'app.py')).href;
    // No idle or timer runs: only open runs bandit, so every step is determined by the edits.
    const c = await LspClient.start({
      rootPath: root,
      initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 3_600_000 } },
    });
    try {
      await c.open(uri, SQL, 1);
      const first = await c.waitForDiagnostics(uri, (p) => onLine(p, 'B608', 3).some((d) => engineOf(d) === 'bandit'));
      expect(onLine(first, 'B608', 3)).toHaveLength(1);
      expect(first.diagnostics.find((d) => d.code === 'B608')?.message).toMatch(/SQL injection/);

      // An edit above: the bandit finding moves down a line and stays bandit's.
      await c.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# header\n' }]);
      const moved = await c.waitForDiagnostics(uri, { version: 2 });
      expect(onLine(moved, 'B608', 4).map(engineOf)).toEqual(['bandit']);
      expect(onLine(moved, 'B608', 3)).toHaveLength(0);

      // An edit on its own line: bandit's is dropped until the next run; tree-sitter's shows.
      await c.change(uri, 3, [{ range: { start: { line: 4, character: 4 }, end: { line: 4, character: 4 } }, text: ' ' }]);
      const edited = await c.waitForDiagnostics(uri, { version: 3 });
      expect(onLine(edited, 'B608', 4).map(engineOf)).toEqual(['tree-sitter']);

      // Never two B608 on one line, in anything published.
      for (const p of c.published(uri)) {
        const lines = p.diagnostics.filter((d) => d.code === 'B608').map((d) => d.range.start.line);
        expect(new Set(lines).size).toBe(lines.length);
      }
    } finally {
      await c.shutdown();
    }
  });

  it('sees unsaved edits: a finding typed but not saved is reported by bandit', async () => {
    const root = project('unsaved', { 'u.py': 'x = 1\n' });
    const uri = pathToFileURL(join(root, 'u.py')).href;
    const c = await LspClient.start({ rootPath: root, initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 0 } } });
    try {
      await c.open(uri, 'x = 1\n', 1);
      await c.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'import pickle\npickle.loads(x)\n' }]);
      const p = await c.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'B301' && engineOf(x) === 'bandit'));
      expect(p.diagnostics.filter((x) => x.code === 'B301')).toHaveLength(1);
      // The file on disk never had it.
      expect(readdirSync(root)).toEqual(['u.py']);
    } finally {
      await c.shutdown();
    }
  });
});

describe('bandit runs on a timer', () => {
  it('every N seconds for a document changed since its last run (no save, no idle run)', async () => {
    const root = project('timer', { 't.py': 'x = 1\n' });
    const uri = pathToFileURL(join(root, 't.py')).href;
    const c = await LspClient.start({
      rootPath: root,
      initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 3_600_000, intervalSeconds: 1 } },
    });
    try {
      await c.open(uri, 'x = 1\n', 1);
      await c.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'import telnetlib\n' }]);
      // Only the timer can make bandit read version 2.
      const p = await c.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'B401' && engineOf(x) === 'bandit'));
      expect(p.diagnostics.filter((x) => x.code === 'B401')).toHaveLength(1);
    } finally {
      await c.shutdown();
    }
  });
});

describe('bandit 1.6.2 over LSP', () => {
  it('reads the buffer through a seekable descriptor (a pipe crashes it) and reports with engine bandit', async () => {
    const root = project('old', { 'o.py': 'import pickle\n' });
    const uri = pathToFileURL(join(root, 'o.py')).href;
    const c = await LspClient.start({ rootPath: root, initializationOptions: { bandit: { path: BANDIT_16, idleDelayMs: 3_600_000 } } });
    try {
      await c.open(uri, 'import pickle\npickle.loads(b"")\n', 1);
      const p = await c.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'B301' && engineOf(x) === 'bandit'));
      expect(p.diagnostics.map((x) => `${x.code}:${x.range.start.line}:${engineOf(x)}`).sort()).toEqual(['B301:1:bandit', 'B403:0:bandit']);
      expect(c.shownMessages).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });
});

describe('bandit faults', () => {
  it('missing: one clear message with how to install it, then tree-sitter alone', async () => {
    const root = project('missing', { 'm.py': 'eval(x)\n' });
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, PATH: '/nonexistent' },
      initializationOptions: { bandit: { idleDelayMs: 0 } },
    });
    try {
      for (const [i, name] of ['a.py', 'b.py'].entries()) {
        const uri = pathToFileURL(join(root, name)).href;
        await c.open(uri, 'eval(x)\n', 1);
        const p = await c.waitForDiagnostics(uri, { version: 1 });
        expect(p.diagnostics.map((d) => `${d.code}:${engineOf(d)}`)).toEqual(['B307:tree-sitter']);
        if (i === 0) await c.waitForNotification('window/showMessage');
      }
      await c.request('pysec/status');
      const shown = c.shownMessages.filter((m) => /bandit/.test(m.message));
      expect(shown).toHaveLength(1);
      expect(shown[0].message).toMatch(/pipx install bandit/);
    } finally {
      await c.shutdown();
    }
  });

  it('hanging: killed at the timeout and reported once; the server answers meanwhile; one process per document', async () => {
    const root = project('hang', { 'h.py': 'x = 1\n' });
    const pids = join(dir, 'hang-pids');
    mkdirSync(pids);
    const uri = pathToFileURL(join(root, 'h.py')).href;
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, FAKE_BANDIT_PIDS: pids },
      initializationOptions: { bandit: { command: [process.execPath, FAKE, 'hang'], timeoutSeconds: 2, idleDelayMs: 3_600_000 } },
    });
    try {
      await c.open(uri, 'x = 1\n', 1);
      // Twenty rapid edits, each saved: each save starts a run that kills the previous one.
      for (let v = 2; v <= 21; v++) {
        await c.change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
        await c.save(uri);
        const status = await c.request<{ banditProcesses: Record<string, number> }>('pysec/status');
        const alive = Object.entries(status.banditProcesses).filter(([k]) => k.startsWith(uri)).reduce((n, [, k]) => n + k, 0);
        expect(alive).toBeLessThanOrEqual(1);
      }
      // The server answers while bandit hangs.
      const p = await c.waitForDiagnostics(uri, { version: 21 });
      expect(p.uri).toBe(uri);
      const msg = await c.waitForNotification('window/showMessage', (m) => /longer than 2 s/.test((m as { message: string }).message));
      expect(msg).toBeTruthy();
      const status = await c.request<{ banditProcesses: Record<string, number> }>('pysec/status');
      expect(Object.keys(status.banditProcesses).length).toBeLessThanOrEqual(1);
      // And by the operating system: of the processes the fake bandit started, at most one is alive.
      const started = readdirSync(pids).map(Number);
      expect(started.length).toBeGreaterThanOrEqual(1);
      expect(started.filter((pid) => existsSync(`/proc/${pid}`)).length).toBeLessThanOrEqual(1);
      expect(c.shownMessages.filter((m) => /longer than/.test(m.message))).toHaveLength(1);
    } finally {
      await c.shutdown();
    }
  });

  for (const mode of ['crash', 'garbage'] as const) {
    it(`${mode}: said once, the server stays up, tree-sitter findings stay`, async () => {
      const root = project(mode, { 'f.py': 'eval(x)\n' });
      const uri = pathToFileURL(join(root, 'f.py')).href;
      const c = await LspClient.start({
        rootPath: root,
        initializationOptions: { bandit: { command: [process.execPath, FAKE, mode], idleDelayMs: 3_600_000 } },
      });
      try {
        await c.open(uri, 'eval(x)\n', 1);
        await c.waitForNotification('window/showMessage', (m) => /bandit/.test((m as { message: string }).message));
        await c.save(uri);
        await c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });
        const p = await c.waitForDiagnostics(uri, { version: 1 });
        expect(p.diagnostics.map((d) => d.code)).toEqual(['B307']);
        expect(c.shownMessages.filter((m) => /bandit/.test(m.message))).toHaveLength(1);
        expect(c.shownMessages[0].message).toMatch(mode === 'crash' ? /exit code 2.*RuntimeError: boom/ : /no JSON/);
      } finally {
        await c.shutdown();
      }
    });
  }
});
