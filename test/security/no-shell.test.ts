/**
 * Never a shell: the sources are read for every way to start one
 * (test/support/shell-scan.ts), and the running server is watched while it
 * starts bandit for a document and for a workspace scan (every child
 * process it starts is logged by test/fixtures/spawn-spy.mjs).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, REPO_ROOT } from '../lsp/client.js';
import { findShellUses } from '../support/shell-scan.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(?:ts|mts|cts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.d.mts')) out.push(p);
  }
  return out;
}

describe('no shell in the sources', () => {
  it('the scanner finds each way to start a shell (so a clean result means something)', () => {
    const bad = `
      import { exec as run, execSync, spawn } from 'node:child_process';
      import * as cp from 'child_process';
      import { execa, execaCommand, $ } from 'execa';
      run('ls');
      execSync('ls -l');
      cp.exec('ls');
      spawn('ls -l /tmp');
      spawn('ls', ['-l'], { shell: true });
      execa('bandit', ['-r'], { shell: '/bin/bash' });
      execa('bandit -r .');
      execaCommand('bandit -r .');
      await $\`bandit -r \${dir}\`;
      await $({ cwd: dir })\`bandit -r .\`;
      const { execSync: es } = require('child_process');
      es('ls');
    `;
    const found = findShellUses('bad.ts', bad).map((u) => u.what);
    expect(found).toEqual([
      'imports execaCommand from execa (a command string)',
      'child_process.exec (always a shell)',
      'child_process.execSync (always a shell)',
      'child_process.exec (always a shell)',
      "spawn with a command line as its program: 'ls -l /tmp'",
      'shell: true',
      "shell: '/bin/bash'",
      "execa with a command line as its program: 'bandit -r .'",
      'execaCommand (a command string)',
      'execa template string $`bandit -r ${dir}`',
      'execa template string $({ cwd: dir })`bandit -r .`',
      'child_process.execSync (always a shell)',
    ]);
  });

  it('and passes what is fine: argument arrays, shell: false, RegExp exec, strings that mention a shell', () => {
    const fine = `
      import { spawn } from 'node:child_process';
      import { execa } from 'execa';
      spawn(process.execPath, ['a b'], { shell: false });
      await execa('/usr/bin/bandit', ['-q', '-f', 'json', '-'], { shell: false });
      /x/.exec('y');
      const doc = "never use { shell: true } or exec('ls')";
      // exec('ls'), shell: true
    `;
    expect(findShellUses('fine.ts', fine)).toEqual([]);
  });

  it('server/src and scripts start no shell', () => {
    const files = [...sources(join(REPO_ROOT, 'server/src')), ...sources(join(REPO_ROOT, 'scripts'))];
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => findShellUses(f, readFileSync(f, 'utf8')).map((u) => `${relative(REPO_ROOT, f)}:${u.line}: ${u.what}`));
    expect(found).toEqual([]);
  });
});

describe('no shell at run time', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pysec-spawn-spy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every process the server starts (bandit --version, a document run, a workspace scan) is a program with arguments, none a shell', async () => {
    const log = join(dir, 'spawns.jsonl');
    const root = join(dir, 'ws');
    mkdirSync(root);
    writeFileSync(join(root, 'a.py'), 'eval(a)\n');
    writeFileSync(join(root, 'b.py'), 'import os\neval(b)\n');
    const spy = join(REPO_ROOT, 'test/fixtures/spawn-spy.mjs');
    const fakeBandit = join(REPO_ROOT, 'test/fixtures/fake-bandit/bandit.mjs');
    let serverPid = 0;
    const c = await LspClient.start({
      rootPath: root,
      env: { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(spy).href}`, SPAWN_SPY_LOG: log },
      initializationOptions: { bandit: { command: [process.execPath, fakeBandit, 'exit1'], idleDelayMs: 3_600_000 } },
    });
    serverPid = c.proc.pid!;
    try {
      const uri = pathToFileURL(join(root, 'a.py')).href;
      await c.open(uri, 'eval(a)\n', 1);
      await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.message.includes('FAKE BANDIT')));
      await c.request('workspace/executeCommand', { command: 'pysec.scanWorkspace', arguments: [] });
    } finally {
      await c.shutdown();
    }
    expect(statSync(log).size).toBeGreaterThan(0);
    const spawns = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pid: number; file: string; args: string[]; shell: unknown });
    // The server's own (the fake bandit, a node process too, would log what it started: nothing).
    const server = spawns.filter((s) => s.pid === serverPid);
    expect(server).toEqual(spawns);
    // --version, the document's run, the scan's batch at least.
    expect(server.length).toBeGreaterThanOrEqual(3);
    const shells = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'fish', 'csh', 'tcsh', 'cmd.exe', 'powershell', 'pwsh']);
    for (const s of server) {
      expect(shells.has(basename(s.file)), JSON.stringify(s)).toBe(false);
      expect(s.args.includes('-c') && shells.has(basename(s.args[0] ?? '')), JSON.stringify(s)).toBe(false);
      expect(s.shell === null || s.shell === false, JSON.stringify(s)).toBe(true);
      expect(s.file).toBe(process.execPath);
      expect(s.args[1]).toBe(fakeBandit);
    }
  });
});
