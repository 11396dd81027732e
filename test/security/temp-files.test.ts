/**
 * Temp files are private and removed. bandit 1.6.2 seeks on stdin, so the
 * server hands it a temp file's descriptor: the file must be 0600 in a
 * 0700 folder of its own (mkdtemp), both gone when the run ends — whether it
 * succeeded, failed, timed out or was replaced by a newer run. TMPDIR points
 * at a folder of the test's, so "gone" is checked by that folder being empty.
 * A fake bandit that claims to be 1.6.2 reports what its stdin is; the real
 * 1.6.2 (/usr/bin/bandit) shows the same path works end to end.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, REPO_ROOT } from '../lsp/client.js';
import { BANDIT_16, requireBandits } from '../support/bandit.js';

const FAKE = join(REPO_ROOT, 'test/fixtures/fake-bandit/bandit.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-temp-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engineOf = (d: Diagnostic) => (d.data as { engine?: string } | undefined)?.engine;

interface StdinInfo {
  path: string | null;
  isFile: boolean;
  mode: number;
  uid: number;
  dirMode: number | null;
  exists: boolean;
}

let n = 0;
function setup(): { root: string; tmp: string; stat: string; uri: string } {
  const root = join(dir, `ws${++n}`);
  const tmp = join(dir, `tmp${n}`);
  mkdirSync(root);
  mkdirSync(tmp);
  writeFileSync(join(root, 'f.py'), 'eval(x)\n');
  return { root, tmp, stat: join(dir, `stat${n}.jsonl`), uri: pathToFileURL(join(root, 'f.py')).href };
}

const readStats = (p: string): StdinInfo[] => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StdinInfo);

describe('temp files for bandit 1.6 (a seekable stdin)', () => {
  it('a successful run: stdin is a 0600 regular file in a 0700 folder under TMPDIR; both removed after', async () => {
    const { root, tmp, stat, uri } = setup();
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, TMPDIR: tmp, FAKE_BANDIT_VERSION: '1.6.2', FAKE_BANDIT_STAT: stat },
      initializationOptions: { bandit: { command: [process.execPath, FAKE, 'exit1'], idleDelayMs: 3_600_000 } },
    });
    try {
      await c.open(uri, 'x = 1\neval(x)\n', 1);
      const p = await c.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.message.includes('FAKE BANDIT')));
      expect(p.diagnostics.map((d) => `${d.range.start.line}:${engineOf(d)}`)).toEqual(['1:bandit']);
      const [info] = readStats(stat);
      expect(info.isFile).toBe(true);
      expect(info.mode).toBe(0o600);
      expect(info.dirMode).toBe(0o700);
      expect(info.uid).toBe(process.getuid!());
      expect(dirname(dirname(info.path!))).toBe(tmp);
      expect(info.exists).toBe(true);
      // Gone once the run is over.
      expect(existsSync(info.path!)).toBe(false);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });

  for (const [what, mode, bandit] of [
    ['a failing run (exit 2)', 'exit2', {}],
    ['a run killed at the timeout', 'hang', { timeoutSeconds: 1 }],
    ['a run killed by SIGKILL mid-output', 'killed', {}],
  ] as const) {
    it(`${what}: the temp folder is removed too`, async () => {
      const { root, tmp, stat, uri } = setup();
      const c = await LspClient.start({
        rootPath: root,
        env: { ...process.env, TMPDIR: tmp, FAKE_BANDIT_VERSION: '1.6.2', FAKE_BANDIT_STAT: stat },
        initializationOptions: { bandit: { command: [process.execPath, FAKE, mode], idleDelayMs: 3_600_000, ...bandit } },
      });
      try {
        await c.open(uri, 'eval(x)\n', 1);
        await c.waitForNotification('window/showMessage', (m) => /bandit/.test((m as { message: string }).message));
        await c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });
        const stats = readStats(stat);
        expect(stats.length).toBeGreaterThanOrEqual(2);
        for (const s of stats) expect([s.mode, s.dirMode]).toEqual([0o600, 0o700]);
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        await c.shutdown();
      }
    });
  }

  it('runs replaced by newer ones (twenty quick saves on a hanging bandit): no temp folder left', async () => {
    const { root, tmp, stat, uri } = setup();
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, TMPDIR: tmp, FAKE_BANDIT_VERSION: '1.6.2', FAKE_BANDIT_STAT: stat },
      initializationOptions: { bandit: { command: [process.execPath, FAKE, 'hang'], idleDelayMs: 3_600_000, timeoutSeconds: 1 } },
    });
    try {
      await c.open(uri, 'eval(x)\n', 1);
      for (let v = 2; v <= 21; v++) {
        await c.change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
        await c.save(uri);
      }
      await c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });
      expect(readStats(stat).length).toBeGreaterThanOrEqual(1);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });

  it('the real bandit 1.6.2 reads the buffer through the temp file, and nothing is left in TMPDIR', async () => {
    requireBandits();
    const { root, tmp, uri } = setup();
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, TMPDIR: tmp },
      initializationOptions: { bandit: { path: BANDIT_16, idleDelayMs: 3_600_000 } },
    });
    try {
      await c.open(uri, 'import pickle\npickle.loads(b"")\n', 1);
      const p = await c.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'B301' && engineOf(x) === 'bandit'));
      expect(p.diagnostics.filter((x) => engineOf(x) === 'bandit').map((x) => x.code).sort()).toEqual(['B301', 'B403']);
      await c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });
      expect(readdirSync(tmp)).toEqual([]);
      expect(statSync(tmp).isDirectory()).toBe(true);
    } finally {
      await c.shutdown();
    }
  });
});
