/**
 * The server's bandit pool over LSP.
 *
 * - A burst: 100 files opened at once with the real bandit 1.9.4. Every
 *   process the server starts is logged with its start and exit (the spawn
 *   spy, preloaded into the server): at no moment are more than
 *   `maxProcesses` (default: the cores) alive. Every file gets bandit's
 *   findings, and every hover and code action sent during the burst is
 *   answered; the slowest is printed (no timing assertion: `npm run bench`
 *   has the latency budget). Then `pysec.runBandit` with no argument runs
 *   all 100 again, through the same pool (the same bound on processes).
 * - Retry: a run that times out is tried once more with a longer limit
 *   (the fake bandit's `hang-once` hangs the first time it sees a text):
 *   every file gets its findings, nothing is said. Runs that time out twice
 *   (`hang`) are said in one message naming every file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, REPO_ROOT } from '../lsp/client.js';
import { bandit19Command, requireBandits } from '../support/bandit.js';

const FAKE = join(REPO_ROOT, 'test/fixtures/fake-bandit/bandit.mjs');
const SPY = join(REPO_ROOT, 'test/fixtures/spawn-spy.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-pool-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engineOf = (d: { data?: unknown }) => (d.data as { engine?: string } | undefined)?.engine;
const hasBandit = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => engineOf(d) === 'bandit');

/** The most child processes alive at once, from the spy's start/exit lines. */
function peakAlive(log: string): { peak: number; started: number } {
  let alive = 0;
  let peak = 0;
  let started = 0;
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const e = JSON.parse(line) as { event?: string };
    if (e.event === 'start') {
      started++;
      peak = Math.max(peak, ++alive);
    } else if (e.event === 'exit') alive--;
  }
  return { peak, started };
}

/** Resolves when every uri has had a publish that `ok` accepts. */
function waitForAll(c: LspClient, uris: string[], ok: (p: PublishDiagnosticsParams) => boolean, timeoutMs: number): Promise<void> {
  return Promise.all(uris.map((u) => c.waitForDiagnostics(u, { predicate: ok, timeoutMs }))).then(() => undefined);
}

function project(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(root, f), text);
  return root;
}

describe('a burst of 100 opens with the real bandit 1.9.4', () => {
  it('at most one bandit process per core at any moment; every file gets bandit\'s findings; every request is answered', async () => {
    requireBandits();
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`m${i}.py`] = `import pickle\n\n\ndef load_${i}(blob):\n    value = pickle.loads(blob)\n    return eval(value)\n`;
    const root = project('burst', files);
    const log = join(dir, 'burst-spawns.jsonl');
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(SPY).href}`, SPAWN_SPY_LOG: log, SPAWN_SPY_EXITS: '1' },
      initializationOptions: { bandit: { command: bandit19Command(), idleDelayMs: 3_600_000, timeoutSeconds: 120 } },
      capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } },
      timeoutMs: 900_000,
    });
    const uris = Object.keys(files).map((f) => pathToFileURL(join(root, f)).href);
    const latencies: { method: string; ms: number }[] = [];
    try {
      await Promise.all(uris.map((u) => c.open(u, files[u.slice(u.lastIndexOf('/') + 1)], 1)));
      const done = waitForAll(c, uris, hasBandit, 900_000);
      let finished = false;
      void done.then(() => (finished = true));
      // Requests while bandit runs: a hover and a code action on the eval line of a file, in turn.
      for (let i = 0; !finished; i++) {
        const uri = uris[(i * 37) % uris.length];
        const t0 = performance.now();
        await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 12 } });
        latencies.push({ method: 'hover', ms: performance.now() - t0 });
        const t1 = performance.now();
        const range = { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } };
        const actions = await c.request<unknown[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
        latencies.push({ method: 'codeAction', ms: performance.now() - t1 });
        expect(Array.isArray(actions)).toBe(true);
        await new Promise((r) => setTimeout(r, 50));
      }
      await done;
      for (const u of uris) {
        const p = await c.waitForDiagnostics(u, hasBandit);
        expect(p.diagnostics.filter((d) => engineOf(d) === 'bandit').map((d) => d.code).sort()).toEqual(['B301', 'B307', 'B403']);
      }
      // `pysec.runBandit` with no argument: every open document again, queued through the same pool.
      const again = await c.request<{ ran: number }>('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [] });
      expect(again.ran).toBe(100);
      const status = await c.request<{ banditPool: { running: number; queued: number; peak: number } }>('pysec/status');
      expect(status.banditPool).toMatchObject({ running: 0, queued: 0 });
      expect(status.banditPool.peak).toBeLessThanOrEqual(availableParallelism());
    } finally {
      await c.shutdown();
    }
    const { peak, started } = peakAlive(log);
    // bandit --version once, and one run per file for the burst and again for runBandit.
    expect(started).toBeGreaterThanOrEqual(201);
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(availableParallelism());
    expect(latencies.length).toBeGreaterThan(0);
    const slowest = latencies.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log(`burst of 100 opens: ${started} processes, at most ${peak} at once (${availableParallelism()} cores); ${latencies.length} requests answered, the slowest a ${slowest.method} in ${slowest.ms.toFixed(1)} ms`);
  }, 1_000_000);
});

describe('pysec.bandit.maxProcesses', () => {
  it('set to 1: one bandit process at a time (the default on this machine allows one per core), and every file gets its findings', async () => {
    const names = ['p.py', 'q.py', 'r.py', 's.py'];
    const root = project('max1', Object.fromEntries(names.map((n) => [n, 'eval(x)\n'])));
    const log = join(dir, 'max1-spawns.jsonl');
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(SPY).href}`, SPAWN_SPY_LOG: log, SPAWN_SPY_EXITS: '1', FAKE_BANDIT_SLEEP_MS: '300' },
      initializationOptions: { bandit: { command: [process.execPath, FAKE, 'slow'], maxProcesses: 1, idleDelayMs: 3_600_000 } },
    });
    try {
      const uris = names.map((n) => pathToFileURL(join(root, n)).href);
      await Promise.all(uris.map((u) => c.open(u, 'eval(x)\n', 1)));
      await waitForAll(c, uris, (p) => p.diagnostics.some((d) => d.message.includes('FAKE BANDIT')), 100_000);
      const status = await c.request<{ banditPool: { peak: number } }>('pysec/status');
      expect(status.banditPool.peak).toBe(1);
    } finally {
      await c.shutdown();
    }
    const { peak, started } = peakAlive(log);
    expect(started).toBeGreaterThanOrEqual(names.length);
    expect(peak).toBe(1);
  }, 120_000);
});

describe('time-outs', () => {
  it('a run that times out is tried again with a longer limit: every file gets its findings, nothing is said', async () => {
    const names = ['a.py', 'b.py', 'c.py'];
    const root = project('retry', Object.fromEntries(names.map((n, i) => [n, `x = ${i}\neval(x)\n`])));
    const state = join(dir, 'retry-state');
    const runs = join(dir, 'retry-runs.jsonl');
    mkdirSync(state);
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, FAKE_BANDIT_STATE: state, FAKE_BANDIT_LOG: runs },
      // 3 s: the fake bandit (a node process) must have started and marked its text before the first limit, even on a loaded machine.
      initializationOptions: { bandit: { command: [process.execPath, FAKE, 'hang-once'], timeoutSeconds: 3, idleDelayMs: 3_600_000 } },
    });
    try {
      const uris = names.map((n) => pathToFileURL(join(root, n)).href);
      await Promise.all(uris.map((u, i) => c.open(u, `x = ${i}\neval(x)\n`, 1)));
      await waitForAll(c, uris, (p) => p.diagnostics.some((d) => d.message.includes('FAKE BANDIT')), 100_000);
      await c.request('pysec/status');
      expect(c.shownMessages.filter((m) => /bandit/.test(m.message))).toEqual([]);
    } finally {
      await c.shutdown();
    }
    // Each text twice: the run that hung, then the retry.
    expect(readFileSync(runs, 'utf8').trim().split('\n').filter((l) => !l.includes('--version')).length).toBe(6);
  }, 120_000);

  it('runs that time out twice are said once, in one message naming every file', async () => {
    const names = ['one.py', 'two.py', 'three.py'];
    const root = project('fail', Object.fromEntries(names.map((n) => [n, 'eval(x)\n'])));
    const c = await LspClient.start({
      rootPath: root,
      initializationOptions: { bandit: { command: [process.execPath, FAKE, 'hang'], timeoutSeconds: 1, idleDelayMs: 3_600_000 } },
    });
    try {
      const uris = names.map((n) => pathToFileURL(join(root, n)).href);
      await Promise.all(uris.map((u) => c.open(u, 'eval(x)\n', 1)));
      const m = (await c.waitForNotification('window/showMessage', (p) => /longer than/.test((p as { message: string }).message), { timeoutMs: 60_000 })).params as {
        message: string;
      };
      expect(m.message).toMatch(/longer than 1 s, and again longer than 2 s/);
      for (const n of names) expect(m.message).toContain(join(root, n));
      // The tree-sitter findings stay; nothing more is said.
      for (const u of uris) expect((await c.waitForDiagnostics(u, { version: 1 })).diagnostics.map((d) => d.code)).toEqual(['B307']);
      await c.request('pysec/status');
      expect(c.shownMessages.filter((x) => /bandit/.test(x.message))).toHaveLength(1);
    } finally {
      await c.shutdown();
    }
  });
});
