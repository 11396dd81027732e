/**
 * Which bandit runs, when a workspace has one of its own. A project's
 * `.venv/bin/bandit` (or `venv/bin/bandit`, or an activated virtualenv's
 * bin on PATH) is the workspace's code: it runs only when the user's own
 * settings allow it — `pysec.bandit.useProjectVenv` in the editor,
 * `--project-venv` for `check` and `report` — never because a workspace file
 * says so (`[tool.pysec]`). Passed over, it is said once with how to allow
 * it, and bandit on PATH runs instead. (Before: the venv's bandit ran
 * unasked, on the first open.)
 *
 * The bandits here are the fake bandit behind a script that logs which
 * one ran; the unit part checks discoverBandit's choices directly.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverBandit } from '../../server/src/bandit/discover.js';
import { LspClient, REPO_ROOT } from '../lsp/client.js';
import { runCli } from '../support/cli.js';

const FAKE = join(REPO_ROOT, 'test/fixtures/fake-bandit/bandit.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-venv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bandit that logs `name` to `log` and answers as the fake bandit does. */
function bandit(path: string, name: string, log: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho ${name} >> '${log}'\nexec '${process.execPath}' '${FAKE}' exit1 "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

let n = 0;
function setup(venv: '.venv' | 'venv' = '.venv') {
  const root = join(dir, `ws${++n}`);
  const bin = join(dir, `bin${n}`);
  const log = join(dir, `ran${n}.log`);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'app.py'), 'eval(x)\n');
  const ours = bandit(join(root, venv, 'bin', 'bandit'), 'venv', log);
  const onPath = bandit(join(bin, 'bandit'), 'path', log);
  /** Which bandits ran, in order, each once in a row (`--version`, then the run). */
  const ran = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []).filter((x, i, all) => x !== all[i - 1]);
  return { root, bin, log, ours, onPath, ran, env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } };
}

describe('discoverBandit', () => {
  it('the workspace\'s .venv/venv only with useProjectVenv; otherwise PATH, naming the one passed over', () => {
    for (const venv of ['.venv', 'venv'] as const) {
      const s = setup(venv);
      expect(discoverBandit({}, s.root, s.env)).toEqual({ cmd: { program: s.onPath, args: [], origin: 'PATH' }, refused: s.ours });
      expect(discoverBandit({ useProjectVenv: true }, s.root, s.env)).toEqual({ cmd: { program: s.ours, args: [], origin: 'venv' } });
      // Nothing on PATH: no bandit at all, and the refused one named.
      expect(discoverBandit({}, s.root, { PATH: '/nonexistent' })).toEqual({ refused: s.ours });
    }
  });

  it('a PATH entry inside the workspace (an activated virtualenv) is passed over without useProjectVenv; one outside is not', () => {
    const s = setup();
    const activated = { PATH: `${join(s.root, '.venv/bin')}:${s.bin}` };
    expect(discoverBandit({}, s.root, activated).cmd?.program).toBe(s.onPath);
    expect(discoverBandit({ useProjectVenv: true }, s.root, activated).cmd?.program).toBe(s.ours);
    // A program of pysec.bandit.command is looked up the same way.
    const py = bandit(join(s.root, '.venv/bin/python3'), 'py', s.log);
    expect(discoverBandit({ command: ['python3', '-m', 'bandit'] }, s.root, { PATH: `${join(s.root, '.venv/bin')}:/usr/bin` })).toEqual({
      cmd: { program: '/usr/bin/python3', args: ['-m', 'bandit'], origin: 'settings' },
    });
    expect(discoverBandit({ command: ['python3', '-m', 'bandit'] }, s.root, { PATH: join(s.root, '.venv/bin') })).toEqual({ refused: py });
    // The user's own settings naming a path: taken as given (relative: from the workspace folder).
    expect(discoverBandit({ path: s.ours }, s.root, s.env).cmd).toEqual({ program: s.ours, args: [], origin: 'settings' });
    expect(discoverBandit({ path: '.venv/bin/bandit' }, s.root, s.env).cmd).toEqual({ program: s.ours, args: [], origin: 'settings' });
    // Relative PATH entries are never searched.
    expect(discoverBandit({}, s.root, { PATH: `.:bin${n}` }).cmd).toBeUndefined();
  });
});

describe('over LSP', () => {
  const start = (s: ReturnType<typeof setup>, bandit: Record<string, unknown>) =>
    LspClient.start({ rootPath: s.root, cwd: s.root, env: s.env, initializationOptions: { bandit: { idleDelayMs: 3_600_000, ...bandit } } });

  it('default: the .venv bandit is not run; bandit on PATH is, and one message says how to allow the other', async () => {
    const s = setup();
    const c = await start(s, {});
    try {
      const uri = pathToFileURL(join(s.root, 'app.py')).href;
      await c.open(uri, 'eval(x)\n', 1);
      await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.message.includes('FAKE BANDIT')));
      await c.save(uri);
      await c.request('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [uri] });
      const said = c.shownMessages.filter((m) => /useProjectVenv/.test(m.message));
      expect(said).toHaveLength(1);
      expect(said[0].message).toContain(s.ours);
      expect(said[0].message).toContain('pysec.bandit.useProjectVenv');
    } finally {
      await c.shutdown();
    }
    expect(s.ran().filter((r) => r === 'venv')).toEqual([]);
    expect(s.ran()).toContain('path');
  });

  it('pysec.bandit.useProjectVenv: true in the client\'s settings: the .venv bandit runs, nothing is said', async () => {
    const s = setup();
    const c = await start(s, { useProjectVenv: true });
    try {
      const uri = pathToFileURL(join(s.root, 'app.py')).href;
      await c.open(uri, 'eval(x)\n', 1);
      await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.message.includes('FAKE BANDIT')));
      expect(c.shownMessages.filter((m) => /bandit/.test(m.message))).toEqual([]);
    } finally {
      await c.shutdown();
    }
    expect(s.ran()).toContain('venv');
    expect(s.ran()).not.toContain('path');
  });
});

describe('check', () => {
  it('default: bandit on PATH, the .venv one passed over and said; --project-venv runs it; [tool.pysec] cannot turn it on', async () => {
    const s = setup();
    writeFileSync(join(s.root, 'pyproject.toml'), '[tool.pysec.bandit]\nuseProjectVenv = true\n');
    const plain = await runCli(['check', '--format', 'json', '.'], { cwd: s.root, env: s.env });
    expect(plain.stderr).toContain(`${s.ours} is inside the workspace and was not run`);
    expect(plain.stderr).toContain('--project-venv');
    expect(plain.stderr).toMatch(/pysec\.bandit\.useProjectVenv is an editor setting, left alone here/);
    expect(s.ran()).toEqual(['path']);
    const opted = await runCli(['check', '--format', 'json', '--project-venv', '.'], { cwd: s.root, env: s.env });
    expect(opted.stderr).not.toContain('was not run');
    expect(s.ran()).toEqual(['path', 'venv']);
    expect((JSON.parse(opted.stdout) as { findings: { engine: string }[] }).findings.some((f) => f.engine === 'bandit')).toBe(true);
    // --bandit PATH names one outright.
    await runCli(['check', '--format', 'json', '--bandit', s.ours, '.'], { cwd: s.root, env: s.env });
    expect(s.ran()).toEqual(['path', 'venv']);
    expect(readFileSync(s.log, 'utf8').trim().split('\n').length).toBeGreaterThan(4);
  });

  it('report --project-venv too', async () => {
    const s = setup();
    const plain = await runCli(['report', '--format', 'json', '.'], { cwd: s.root, env: s.env });
    expect(plain.stderr).toContain('--project-venv');
    const opted = await runCli(['report', '--format', 'json', '--project-venv', '.'], { cwd: s.root, env: s.env });
    expect(opted.code).toBe(0);
    expect(s.ran()).toEqual(['path', 'venv']);
  });
});
