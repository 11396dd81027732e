/**
 * Hostile inputs (issue 16, at its sizes: test/support/hostile.ts), each
 * opened over LSP in one server: none crashes it; each answers a hover;
 * the server's memory (its peak RSS, over all the cases so far) stays
 * under 1 GB; a keystroke re-runs only its statement (counted:
 * `pysec/status` reports what the last change re-ran), and in a binary
 * file nothing (it is said once, never parsed). Documents over 1 MB are analysed
 * on a worker thread: a request about another document is answered before
 * the large one's diagnostics (an order, not a time). And `check` on the
 * same files. The waits are time-outs of ten times a budget, which only a
 * pathology reaches.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hover } from 'vscode-languageserver-protocol';
import { docUri, LspClient, SERVER_JS } from './client.js';
import { hostileCases, PROBE, type HostileCase } from '../support/hostile.js';
import { NOT_PYTHON } from '../../server/src/engine/parse.js';

const GB = 1024 * 1024 * 1024;
/** Per file: open, analyse, keystroke, hover. A 10 MB file takes seconds; ten times a 30 s budget. */
const BOUND_MS = 300_000;

/** The server's peak resident memory so far (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function positionOf(text: string, needle: string): { line: number; character: number } {
  const at = text.indexOf(needle);
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: at - lineStart };
}

type Status = { documents: { uri: string; version: number; remote: boolean; lastRun?: { full: boolean; chars: number } }[] };

describe('hostile inputs over LSP', () => {
  let client: LspClient;
  const SMALL = docUri('hostile-small.py');
  const SMALL_TEXT = 'import subprocess\nsubprocess.run(cmd, shell=True)\n';

  beforeAll(async () => {
    client = await LspClient.start({ initializationOptions: { bandit: { enabled: false } }, timeoutMs: BOUND_MS });
    await client.open(SMALL, SMALL_TEXT);
    await client.waitForDiagnostics(SMALL, { version: 1 });
  });

  afterAll(async () => {
    expect(await client.shutdown()).toBe(0);
  });

  for (const c of hostileCases()) {
    it(`${c.name}: opens, answers a hover, a keystroke re-runs only its statement, memory under 1 GB`, { timeout: BOUND_MS }, async () => {
      // A server of its own: its peak memory is this file's (with the small document open), not the cases' before it.
      const client = await LspClient.start({ initializationOptions: { bandit: { enabled: false } }, timeoutMs: BOUND_MS });
      try {
        await client.open(SMALL, SMALL_TEXT);
        await client.waitForDiagnostics(SMALL, { version: 1 });
        await hostileCase(client, c);
      } finally {
        expect(await client.shutdown()).toBe(0);
      }
    });
  }

  async function hostileCase(client: LspClient, c: HostileCase): Promise<void> {
    {
      const uri = docUri(`hostile-${c.name.replace(/\W+/g, '-')}.py`);
      const before = client.mark();
      await client.open(uri, c.text, 1);
      const first = await client.waitForDiagnostics(uri, { version: 1, timeoutMs: BOUND_MS });
      if (c.capped) {
        // The first 1,000 findings, then one notice for the rest (handlers/publish.ts).
        const notices = first.diagnostics.filter((d) => d.code === 'PSN008');
        expect(notices).toHaveLength(1);
        expect(notices[0].message).toContain(`${(c.capped - 1000).toLocaleString('en-US')} more findings`);
        expect(first.diagnostics.filter((d) => d.code === 'B307')).toHaveLength(1000);
      }
      if (c.binary || c.notParsed) {
        const said = await client.waitForNotification('window/showMessage', (p) => (p as { message: string }).message.includes(uri), { after: before, timeoutMs: BOUND_MS });
        expect((said.params as { message: string }).message).toContain(c.binary ? `looks binary (${c.binary}) and is not analysed` : `is not analysed: ${NOT_PYTHON}`);
      }
      const probe = positionOf(c.text, PROBE);
      // `probe = 1` → `probe = 12`: one statement.
      const at = { line: probe.line, character: probe.character + PROBE.length };
      await client.change(uri, 2, [{ range: { start: at, end: at }, text: '2' }]);
      await client.waitForDiagnostics(uri, { version: 2, timeoutMs: BOUND_MS });
      const status = await client.request<Status>('pysec/status');
      const doc = status.documents.find((d) => d.uri === uri)!;
      expect(doc.remote).toBe(c.text.length > 1_000_000);
      // A binary file was never analysed: the open ran over nothing and the keystroke ran nothing (one whose parse was abandoned likewise).
      if (c.binary || c.notParsed) expect(doc.lastRun).toEqual({ full: true, chars: 0 });
      else expect(doc.lastRun?.full).toBe(false);
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: probe });
      expect(hover === null || typeof hover === 'object').toBe(true);
      expect(client.alive).toBe(true);
      expect(doc.lastRun!.chars).toBeLessThan(64);
      expect(peakRss(client.proc.pid!)).toBeLessThan(GB);
      await client.close(uri);
    }
  }

  it('a request about another document is answered before a large document’s diagnostics', { timeout: BOUND_MS }, async () => {
    const large = docUri('hostile-order.py');
    const text = 'x = 1\n'.repeat(500_000) + 'eval(x)\n';
    const before = client.mark();
    await client.open(large, text, 1);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: SMALL }, position: { line: 0, character: 3 } });
    const answeredAt = client.mark();
    expect(hover, JSON.stringify(client.latest(SMALL))).not.toBeNull();
    const diagnostics = await client.waitForNotification('textDocument/publishDiagnostics', (p) => (p as { uri: string }).uri === large, { after: before, timeoutMs: BOUND_MS });
    // Nothing about the large document had arrived when the hover was answered.
    expect(diagnostics.seq).toBeGreaterThan(answeredAt);
    expect((diagnostics.params as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(['B307']);
    await client.close(large);
  });
});

describe('hostile inputs through check', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pysec-hostile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of hostileCases()) {
    it(`${c.name}: check finishes, memory under 1 GB`, { timeout: BOUND_MS }, () => {
      const file = join(dir, `${c.name.replace(/\W+/g, '-')}.py`);
      writeFileSync(file, c.checkText ?? c.text);
      const time = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'peak %M kB'] : [];
      const [cmd, ...args] = [...time, process.execPath, SERVER_JS, 'check', '--no-bandit', '--format', 'json', file];
      const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: BOUND_MS, maxBuffer: 1 << 30 });
      expect(r.signal, r.stderr.slice(-2000)).toBeNull();
      expect([0, 1]).toContain(r.status);
      const out = JSON.parse(r.stdout) as { errors: { message: string }[] };
      // A binary file is an error of its own, never parsed.
      expect(out.errors.map((e) => e.message)).toEqual(c.binary ? [`looks binary (${c.binary}): not analysed`] : c.notParsed ? [`not parsed: ${NOT_PYTHON}`] : []);
      const peak = /peak (\d+) kB/.exec(r.stderr);
      if (time.length) expect(Number(peak![1]) * 1024).toBeLessThan(GB);
    });
  }
});

describe('the large documents’ worker, killed', () => {
  it('is restarted with the document’s current text: its diagnostics still arrive, and a keystroke after is analysed', { timeout: BOUND_MS }, async () => {
    // The fault-injection hook (documents/large-worker.ts): the first worker exits on its first document.
    const client = await LspClient.start({ initializationOptions: { bandit: { enabled: false } }, timeoutMs: BOUND_MS, env: { ...process.env, PYSEC_TEST_LARGE_WORKER_EXIT: 'first-open' } });
    try {
      const uri = docUri('hostile-restart.py');
      const text = 'x = 1\n'.repeat(200_000) + 'eval(x)\n';
      await client.open(uri, text, 1);
      const first = await client.waitForDiagnostics(uri, { version: 1, predicate: (p) => p.diagnostics.length > 0, timeoutMs: BOUND_MS });
      expect(first.diagnostics.map((d) => d.code)).toEqual(['B307']);
      // The restarted worker follows the edits: a second eval() on the last line.
      const end = { line: 200_001, character: 0 };
      await client.change(uri, 2, [{ range: { start: end, end }, text: 'eval(y)\n' }]);
      const second = await client.waitForDiagnostics(uri, { version: 2, predicate: (p) => p.diagnostics.length === 2, timeoutMs: BOUND_MS });
      expect(second.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
        ['B307', 200_000],
        ['B307', 200_001],
      ]);
      const status = await client.request<Status>('pysec/status');
      expect(status.documents.find((d) => d.uri === uri)?.lastRun?.full).toBe(false);
      // Nothing said the analysis stopped: it did not.
      const said = client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
      expect(said.filter((m) => m.includes('stopped'))).toEqual([]);
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
  });
});
