/**
 * `pysec.report` over the LSP: the server writes the workspace report into
 * the folder and opens it with `window/showDocument` when the client
 * supports it, or says where it is in a showMessage notification (never a
 * showMessageRequest). bandit runs as the folder's settings say.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkDoneProgress } from 'vscode-languageserver-protocol/node.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bandit19Command } from '../support/bandit.js';
import { LspClient, REPO_ROOT } from './client.js';

let tmp: string;

/** A private copy of a fixture app as the workspace (the report is written into it). */
function workspace(app: string): string {
  const dir = join(tmp, `${app}-${Math.random().toString(36).slice(2)}`);
  cpSync(join(REPO_ROOT, 'test/fixtures/apps', app), dir, { recursive: true });
  return dir;
}

interface Written {
  path: string;
  uri: string;
  format: string;
  findings: number;
  suppressions: number;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pysec-lsp-report-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pysec.report', () => {
  it('is advertised next to pysec.scanWorkspace', async () => {
    const c = await LspClient.start({ rootPath: workspace('fastapi') });
    try {
      expect(c.initializeResult.capabilities.executeCommandProvider?.commands).toEqual(expect.arrayContaining(['pysec.scanWorkspace', 'pysec.report']));
    } finally {
      await c.shutdown();
    }
  });

  it('writes the report and asks the client to show it (showDocument), with bandit from the settings', async () => {
    const root = workspace('flask');
    const c = await LspClient.start({
      rootPath: root,
      capabilities: { window: { showDocument: { support: true } } },
      onServerRequest: { 'window/showDocument': () => ({ success: true }) },
      initializationOptions: { bandit: { command: bandit19Command() } },
      timeoutMs: 120_000,
    });
    try {
      const written = await c.request<Written>('workspace/executeCommand', { command: 'pysec.report', arguments: [] });
      const path = join(root, 'pysec-report.md');
      expect(written).toMatchObject({ path, uri: pathToFileURL(path).href, format: 'markdown', suppressions: 2 });
      expect(written.findings).toBeGreaterThanOrEqual(11);
      const md = readFileSync(path, 'utf8');
      expect(md).toContain('# Security review: ');
      // app.py and views.py import Flask (tasks.py does not).
      expect(md).toContain('- **Framework(s):** Flask (2 files)');
      expect(md).toContain('## Reviewed and Suppressed');
      expect(md).toMatch(/- bandit: ran, version 1\.9\.\d+/);
      // Paths relative to the workspace folder.
      expect(md).toContain('| `app.py` |');
      const shows = c.serverRequests.filter((r) => r.method === 'window/showDocument');
      expect(shows).toEqual([{ method: 'window/showDocument', params: { uri: pathToFileURL(path).href, external: false, takeFocus: true } }]);
      expect(c.serverRequests.some((r) => r.method === 'window/showMessageRequest')).toBe(false);
    } finally {
      await c.shutdown();
    }
  }, 180_000);

  it('without showDocument support, says where the report is in a notification; bandit off says so', async () => {
    const root = workspace('django');
    const c = await LspClient.start({ rootPath: root, capabilities: { window: { workDoneProgress: true } } });
    try {
      const progress: string[] = [];
      c.connection.onProgress(WorkDoneProgress.type, 'report-1', (v) => progress.push(v.kind));
      const written = await c.request<Written>('workspace/executeCommand', { command: 'pysec.report', arguments: [{ format: 'html' }], workDoneToken: 'report-1' });
      expect(progress).toEqual(['begin', 'end']);
      const path = join(root, 'pysec-report.html');
      expect(written.path).toBe(path);
      const note = await c.waitForNotification('window/showMessage', (p) => (p as { message: string }).message.includes(path));
      // The shop's 6, and 24 from the views in pairs of shop/flows.py (test/cli/apps-risk.test.ts), the argv pair among them.
      expect(note.params).toEqual({ type: 3, message: `pysec: wrote the security report (30 findings) to ${path}` });
      const html = readFileSync(path, 'utf8');
      expect(html).toContain('<title>Security review: ');
      expect(html).toContain('bandit did not run: disabled in the settings (pysec.bandit.enabled)');
      expect(c.serverRequests.map((r) => r.method)).not.toContain('window/showDocument');
      expect(c.serverRequests.map((r) => r.method)).not.toContain('window/showMessageRequest');
    } finally {
      await c.shutdown();
    }
  });

  it('refuses an unknown format with an error notification and writes nothing', async () => {
    const root = workspace('fastapi');
    const c = await LspClient.start({ rootPath: root });
    try {
      const r = await c.request('workspace/executeCommand', { command: 'pysec.report', arguments: [{ format: 'pdf' }] });
      expect(r).toBeNull();
      const note = await c.waitForNotification('window/showMessage', (p) => (p as { message: string }).message.includes('format'));
      expect(note.params).toEqual({ type: 1, message: 'pysec.report: format must be markdown, json, sarif or html, not "pdf"' });
      expect(existsSync(join(root, 'pysec-report.pdf'))).toBe(false);
      // The server is still up.
      const again = await c.request<Written>('workspace/executeCommand', { command: 'pysec.report', arguments: [{ format: 'sarif' }] });
      expect(JSON.parse(readFileSync(again.path, 'utf8')).version).toBe('2.1.0');
    } finally {
      await c.shutdown();
    }
  });

  it('replaces a symlink planted at the report path instead of writing through it', async () => {
    const root = workspace('fastapi');
    const victim = join(tmp, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(root, 'pysec-report.md'));
    const c = await LspClient.start({ rootPath: root });
    try {
      const written = await c.request<Written>('workspace/executeCommand', { command: 'pysec.report', arguments: [] });
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect(lstatSync(written.path).isSymbolicLink()).toBe(false);
      expect(readFileSync(written.path, 'utf8')).toContain('# Security review: ');
      // No temporary file left behind.
      expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });

  it('says why when the report cannot be written, and stays up', async () => {
    const root = workspace('fastapi');
    mkdirSync(join(root, 'pysec-report.json'));
    writeFileSync(join(root, 'pysec-report.json', 'keep'), 'x');
    const c = await LspClient.start({ rootPath: root });
    try {
      const r = await c.request('workspace/executeCommand', { command: 'pysec.report', arguments: [{ format: 'json' }] });
      expect(r).toBeNull();
      const note = await c.waitForNotification('window/showMessage', (p) => (p as { message: string }).message.includes('report failed'));
      expect(note.params).toMatchObject({ type: 1, message: expect.stringContaining(`cannot write ${join(root, 'pysec-report.json')}`) });
      expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const status = await c.request<{ version: string }>('pysec/status');
      expect(status.version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await c.shutdown();
    }
  });

  it('leaves out the files pysec.exclude excludes', async () => {
    const root = workspace('flask');
    const c = await LspClient.start({ rootPath: root, initializationOptions: { exclude: ['tasks.py', 'views.py'] } });
    try {
      const written = await c.request<Written>('workspace/executeCommand', { command: 'pysec.report', arguments: [{ format: 'json' }] });
      const j = JSON.parse(readFileSync(written.path, 'utf8'));
      expect(j.scope.files).toBe(1);
      expect([...new Set(j.findings.map((f: { path: string }) => f.path))]).toEqual(['app.py']);
      expect(j.suppressions).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });
});
