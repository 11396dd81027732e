/**
 * The test client itself: it must fail a test (never hang it) when the
 * server dies or stays silent, and pass through what the server says.
 */
import { describe, expect, it } from 'vitest';
import { docUri, LspClient } from './client.js';

describe('LspClient', () => {
  it('initializes, reports serverInfo, and shuts down with exit code 0', async () => {
    const c = await LspClient.start();
    expect(c.initializeResult.serverInfo?.name).toBe('pysec-lsp');
    expect(c.alive).toBe(true);
    expect(await c.shutdown()).toBe(0);
    expect(c.alive).toBe(false);
  });

  it('a wait for diagnostics that never come fails at its safety timeout, with context', async () => {
    const c = await LspClient.start();
    try {
      const uri = docUri('client-timeout.py');
      await c.open(uri, 'eval(x)\n', 1);
      // Version 2 is never sent: the wait must reject, not hang.
      await expect(c.waitForDiagnostics(uri, { version: 2, timeoutMs: 1500 })).rejects.toThrow(/safety timeout .*version 2/);
      // While the one that did come is found, even though it arrived before the call.
      const p = await c.waitForDiagnostics(uri, { version: 1 });
      expect(p.diagnostics.map((d) => d.code)).toEqual(['B307']);
    } finally {
      await c.shutdown();
    }
  });

  it('a server that dies fails pending waits and requests at once', async () => {
    const c = await LspClient.start();
    const uri = docUri('client-dies.py');
    const wait = c.waitForDiagnostics(uri, { version: 9 });
    const request = c.request('pysec/neverAnswered');
    c.proc.kill('SIGKILL');
    await expect(wait).rejects.toThrow(/server exited/);
    await expect(request).rejects.toThrow();
    expect(c.alive).toBe(false);
    await expect(c.waitForDiagnostics(uri)).rejects.toThrow(/not running/);
    await c.kill();
  });

  it('mark/after ignores what came before; published/latest list per uri', async () => {
    const c = await LspClient.start();
    try {
      const uri = docUri('client-mark.py');
      await c.open(uri, 'x = 1\n', 1);
      await c.waitForDiagnostics(uri, { version: 1 });
      const mark = c.mark();
      await c.change(uri, 2, [{ text: 'eval(x)\n' }]);
      const p = await c.waitForDiagnostics(uri, { after: mark });
      expect(p.version).toBe(2);
      expect(c.published(uri).map((x) => x.version)).toEqual([1, 2]);
      expect(c.latest(uri)?.diagnostics.map((d) => d.code)).toEqual(['B307']);
      // A predicate-only wait.
      const q = await c.waitForDiagnostics(uri, (x) => x.diagnostics.length === 0);
      expect(q.version).toBe(1);
    } finally {
      await c.shutdown();
    }
  });

  it('collects the server stderr', async () => {
    const c = await LspClient.start();
    await c.shutdown();
    expect(typeof c.stderr).toBe('string');
    expect(c.stderr).not.toMatch(/Error|at .*\.js:\d+/);
  });
});
