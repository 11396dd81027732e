/**
 * The `pysec-lsp check` contract: JSON shape, positions, paths, folder
 * walking, suppression, exit codes, text output, undecodable files.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJson, runCli } from '../support/cli.js';

const FINDING_KEYS = [
  'path',
  'rule',
  'name',
  'severity',
  'confidence',
  'line',
  'column',
  'endLine',
  'endColumn',
  'message',
  'engine',
  'cwe',
  'owasp',
  'risk',
  'suppressed',
  'justification',
  'flow',
].sort();

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pysec-check-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Writes files (relative path → content) under a fresh folder in tmp. */
function tree(name: string, files: Record<string, string | Buffer>): string {
  const root = join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

describe('check --format json', () => {
  it('prints exactly {version, findings, errors} with exactly the contract keys', async () => {
    const root = tree('shape', { 'a.py': 'x = 1\neval(x)\n' });
    const { result, report } = await checkJson([join(root, 'a.py')]);
    expect(result.code).toBe(1);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'errors']);
    expect(report.version).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0];
    expect(Object.keys(f).sort()).toEqual(FINDING_KEYS);
    expect(f).toEqual({
      path: join(root, 'a.py'),
      rule: 'B307',
      name: 'eval',
      severity: 'MEDIUM',
      confidence: 'HIGH',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 8,
      message: expect.any(String),
      engine: 'tree-sitter',
      cwe: 78,
      owasp: 'A03',
      // Graded by attack path: only the constant 1 reaches eval.
      risk: 'Low',
      suppressed: false,
      justification: null,
      flow: null,
    });
    expect(f.message.length).toBeGreaterThan(0);
  });

  it('types: cwe a number or null, engine tree-sitter or bandit, levels and risks from their sets', async () => {
    const root = tree('types', { 'a.py': 'import subprocess\nsubprocess.call("ls", shell=True)\neval(x)\n' });
    const { report } = await checkJson([root]);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(f.cwe === null || Number.isInteger(f.cwe)).toBe(true);
      expect(['tree-sitter', 'bandit']).toContain(f.engine);
      expect(['LOW', 'MEDIUM', 'HIGH']).toContain(f.severity);
      expect(['LOW', 'MEDIUM', 'HIGH']).toContain(f.confidence);
      expect(['Critical', 'High', 'Medium', 'Low']).toContain(f.risk);
      expect(f.owasp).toMatch(/^A(0[1-9]|10)$/);
      expect(typeof f.suppressed).toBe('boolean');
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('lines and columns are 1-based, columns in Unicode code points (emoji, CJK, tabs)', async () => {
    const lines = ['s = "😀"; eval(x)', 't = "😀😀é中"\t; eval(y)', '\tif True: eval(z)'];
    const text = `${lines[0]}\n${lines[1]}\nif True:\n${lines[2]}\n`;
    const root = tree('unicode', { 'u.py': text });
    const { report } = await checkJson([join(root, 'u.py')]);
    const got = report.findings.filter((f) => f.rule === 'B307').map((f) => [f.line, f.column, f.endLine, f.endColumn]);
    const cp = (s: string) => [...s].length;
    const at = (l: string) => cp(l.slice(0, l.indexOf('eval(')));
    expect(got).toEqual([
      [1, at(lines[0]) + 1, 1, at(lines[0]) + 8],
      [2, at(lines[1]) + 1, 2, at(lines[1]) + 8],
      [4, at(lines[2]) + 1, 4, at(lines[2]) + 8],
    ]);
    // Not UTF-16 units, not bytes: the emoji counts one.
    expect(got[0][1]).toBe(10);
    expect(got[1][1]).toBe(14);
  });

  it('paths: as given on the command line, joined with the path below it; skips .git, node_modules, __pycache__ and virtualenvs', async () => {
    const call = 'eval(x)\n';
    const root = tree('walk', {
      'top.py': call,
      'pkg/mod.py': call,
      'pkg/sub/deep.py': call,
      'pkg/stub.pyi': call,
      'pkg/notes.txt': call,
      '.git/hooks/h.py': call,
      'node_modules/m/x.py': call,
      '__pycache__/c.py': call,
      'pkg/__pycache__/d.py': call,
      '.venv/lib/v.py': call,
      'venv/lib/v.py': call,
      'myenv/pyvenv.cfg': 'home = /usr/bin\n',
      'myenv/lib/site.py': call,
      'pkg/inner-env/pyvenv.cfg': 'home = /usr/bin\n',
      'pkg/inner-env/lib/e.py': call,
    });
    // Relative to the working folder, as a user would type it.
    const { report } = await checkJson(['walk'], { cwd: tmp });
    expect(report.findings.map((f) => f.path).sort()).toEqual(
      ['walk/top.py', 'walk/pkg/mod.py', 'walk/pkg/sub/deep.py', 'walk/pkg/stub.pyi'].map((p) => join(p)).sort(),
    );
    // Absolute, and with a trailing slash.
    const abs = await checkJson([root + '/']);
    expect(abs.report.findings.map((f) => relative(root, f.path)).sort()).toEqual(['pkg/mod.py', 'pkg/stub.pyi', 'pkg/sub/deep.py', 'top.py']);
    expect(abs.report.findings.every((f) => f.path.startsWith(root))).toBe(true);
    // A file named directly is taken as given, even inside a skipped folder.
    const direct = await checkJson([join('walk', 'node_modules', 'm', 'x.py')], { cwd: tmp });
    expect(direct.report.findings.map((f) => f.path)).toEqual([join('walk', 'node_modules', 'm', 'x.py')]);
    // Several paths, in the order given.
    const several = await checkJson([join('walk', 'top.py'), join('walk', 'pkg', 'mod.py')], { cwd: tmp });
    expect(several.report.findings.map((f) => f.path)).toEqual([join('walk', 'top.py'), join('walk', 'pkg', 'mod.py')]);
  });

  it('links: a link to a Python file is checked (bandit lists it too); a link to a folder is not followed; a dangling one is skipped', async () => {
    const root = tree('links', { 'real/a.py': 'eval(x)\n', 'outside/b.py': 'eval(y)\n' });
    mkdirSync(join(root, 'src'));
    symlinkSync(join(root, 'outside', 'b.py'), join(root, 'src', 'linked.py'));
    symlinkSync(join(root, 'real'), join(root, 'src', 'linked-dir'));
    symlinkSync(join(root, 'src'), join(root, 'src', 'loop'));
    symlinkSync(join(root, 'nowhere.py'), join(root, 'src', 'dangling.py'));
    const { report } = await checkJson([join(root, 'src')]);
    expect(report.findings.map((f) => relative(root, f.path))).toEqual([join('src', 'linked.py')]);
    expect(report.errors).toEqual([]);
  });

  it('suppressed findings are listed with suppressed: true and the justification after the second #', async () => {
    const root = tree('nosec', {
      's.py': [
        'eval(a)  # nosec B307  # reviewed: input is a constant',
        'eval(b)  # nosec B307',
        'eval(c)  # nosec',
        'eval(d)  # nosec B101  # wrong id: not suppressed',
        'eval(e)',
        '',
      ].join('\n'),
    });
    const { result, report } = await checkJson([root]);
    expect(result.code).toBe(1);
    const got = report.findings.filter((f) => f.engine !== 'hygiene').map((f) => [f.line, f.suppressed, f.justification]);
    expect(got).toEqual([
      [1, true, 'reviewed: input is a constant'],
      [2, true, null],
      [3, true, null],
      [4, false, null],
      [5, false, null],
    ]);
    // The comments themselves are judged as in the editor (test/cli/check-hygiene.test.ts): no reason, bare, wrong id.
    expect(report.findings.filter((f) => f.engine === 'hygiene').map((f) => [f.line, f.rule])).toEqual([
      [2, 'PSN005'],
      [3, 'PSN001'],
      [3, 'PSN005'],
      [4, 'PSN006'],
    ]);
  });

  it('a file whose findings are all suppressed exits 0, and its findings are still listed', async () => {
    const root = tree('all-suppressed', { 's.py': 'eval(a)  # nosec B307  # ok\n' });
    const { result, report } = await checkJson([root]);
    expect(result.code).toBe(0);
    expect(report.findings.map((f) => f.suppressed)).toEqual([true]);
  });

  it('a non-UTF-8 file gives an errors entry, not a crash; other files are still checked', async () => {
    const root = tree('latin1', {
      'bad.py': Buffer.from([0x73, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0xff, 0xfe, 0x22, 0x0a, 0x65, 0x76, 0x61, 0x6c, 0x28, 0x78, 0x29, 0x0a]),
      'good.py': 'eval(x)\n',
      'declared.py': Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\ns = "'), Buffer.from([0xe9]), Buffer.from('"; eval(y)\n')]),
    });
    const { result, report } = await checkJson([root]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0].path).toBe(join(root, 'bad.py'));
    expect(Object.keys(report.errors[0]).sort()).toEqual(['message', 'path']);
    expect(report.errors[0].message.length).toBeGreaterThan(0);
    expect(report.findings.map((f) => [relative(root, f.path), f.line, f.column])).toEqual([
      ['declared.py', 2, 10],
      ['good.py', 1, 1],
    ]);
  });
});

describe('exit codes', () => {
  it('0 when nothing is found', async () => {
    const root = tree('clean', { 'ok.py': 'import json\nprint(json.dumps({}))\n' });
    const r = await checkJson([root]);
    expect(r.result.code).toBe(0);
    expect(r.report).toEqual({ version: 1, findings: [], errors: [] });
    const t = await runCli(['check', '--no-bandit', root]);
    expect(t.code).toBe(0);
  });

  it('1 when something is found, in both formats', async () => {
    const root = tree('dirty', { 'bad.py': 'eval(x)\n' });
    expect((await runCli(['check', '--no-bandit', '--format', 'json', root])).code).toBe(1);
    expect((await runCli(['check', '--no-bandit', root])).code).toBe(1);
    expect((await runCli(['check', root, '--format=text'])).code).toBe(1);
  });

  it('1 when a file could not be reviewed, even with no finding: a folder of one non-UTF-8 file (issue 20); --exit-zero still 0', async () => {
    const root = tree('only-latin1', { 'bad.py': Buffer.from([0x73, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]) });
    const j = await runCli(['check', '--no-bandit', '--format', 'json', root]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ findings: [], errors: [{ path: join(root, 'bad.py') }] });
    const t = await runCli(['check', '--no-bandit', root]);
    expect(t.code).toBe(1);
    expect(t.stdout.trimEnd().split('\n').at(-1)).toBe('No findings; not everything was reviewed: 1 file with an error (above).');
    expect((await runCli(['check', '--no-bandit', '--exit-zero', root])).code).toBe(0);
  });

  it('a syntax error: listed in errors at the first ERROR/MISSING node, counted in the exit status; the valid parts keep their findings, with bandit too (one error for the file)', async () => {
    const root = tree('syntax', { 'broken.py': 'import os\neval(x)\ndef f(:\n    pass\nos.system(y)\n', 'fine.py': 'x = 1\n', 'missing.py': 'x = (1,\n' });
    for (const bandit of [['--no-bandit'], []]) {
      const r = await runCli(['check', ...bandit, '--format', 'json', root]);
      expect(r.code, bandit.join(' ')).toBe(1);
      const report = JSON.parse(r.stdout) as { findings: { path: string; rule: string; line: number }[]; errors: { path: string; message: string }[] };
      expect(report.errors, bandit.join(' ')).toEqual([
        { path: join(root, 'broken.py'), message: 'syntax error at line 3, column 7 (bandit skips such a file; the parts that parse were reviewed)' },
        { path: join(root, 'missing.py'), message: expect.stringMatching(/^syntax error at line [12], column \d+ /) },
      ]);
      expect(report.findings.map((f) => [relative(root, f.path), f.rule, f.line]), bandit.join(' ')).toEqual([
        ['broken.py', 'B307', 2],
        ['broken.py', 'B605', 5],
      ]);
    }
    const clean = await runCli(['check', '--no-bandit', join(root, 'fine.py')]);
    expect(clean.code).toBe(0);
  });

  it('.github/ is reviewed (CI scripts are code), though bandit\'s default excludes skip it', async () => {
    const root = tree('github', { '.github/scripts/ci.py': 'eval(x)\n', '.git/hooks/h.py': 'eval(x)\n' });
    for (const bandit of [['--no-bandit'], []]) {
      const r = await runCli(['check', ...bandit, '--format', 'json', root]);
      expect(JSON.parse(r.stdout).findings.map((f: { path: string; rule: string }) => `${relative(root, f.path)} ${f.rule}`), bandit.join(' ')).toEqual(['.github/scripts/ci.py B307']);
    }
  });

  it('classic Mac line endings (a lone \\r) read as Python reads them: every statement, each on its line, suppressions on theirs (issue 20)', async () => {
    const root = tree('cr-only', { 'mac.py': 'eval(s)\reval(s)\r', 'nosec.py': 'eval(s)  # nosec B307  # reviewed\reval(t)\r' });
    for (const bandit of [['--no-bandit'], []]) {
      const r = await runCli(['check', ...bandit, '--format', 'json', root]);
      const report = JSON.parse(r.stdout) as { findings: { path: string; rule: string; line: number; column: number; suppressed: boolean }[] };
      expect(report.findings.map((f) => `${relative(root, f.path)}:${f.line}:${f.column} ${f.rule}${f.suppressed ? ' suppressed' : ''}`), bandit.join(' ')).toEqual([
        'mac.py:1:1 B307',
        'mac.py:2:1 B307',
        'nosec.py:1:1 B307 suppressed',
        'nosec.py:2:1 B307',
      ]);
    }
  });

  it('2 on a bad --format, an unknown option, or a missing path', async () => {
    const root = tree('usage', { 'bad.py': 'eval(x)\n' });
    for (const args of [
      ['check', '--format', 'xml', root],
      ['check', '--format', 'sarif', root],
      ['check', '--no-such-option', root],
      ['check', join(root, 'does-not-exist.py')],
      ['check', root, join(tmp, 'missing-folder')],
      ['check', '--format'],
    ]) {
      const r = await runCli(args);
      expect(r.code, `pysec-lsp ${args.join(' ')}`).toBe(2);
      expect(r.stderr.length, `pysec-lsp ${args.join(' ')} says why on stderr`).toBeGreaterThan(0);
      expect(r.stdout, `pysec-lsp ${args.join(' ')} prints no findings`).not.toMatch(/B307/);
    }
  });

  it('--no-bandit is accepted (and the default runs too)', async () => {
    const root = tree('nobandit', { 'bad.py': 'eval(x)\n' });
    const r = await runCli(['check', '--no-bandit', '--format', 'json', root]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual(['B307']);
  });
});

describe('check --format text', () => {
  it('ruff-style lines: path:line:col: RULE [SEVERITY/CONFIDENCE] message', async () => {
    const root = tree('text', { 'a.py': 'x = "😀"; eval(x)\neval(y)  # nosec B307  # ok\n' });
    const r = await runCli(['check', '--no-bandit', root]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    const path = join(root, 'a.py');
    const findingLines = lines.filter((l) => l.startsWith(path));
    expect(findingLines).toHaveLength(1);
    expect(findingLines[0]).toMatch(new RegExp(`^${escape(path)}:1:10: B307 \\[MEDIUM/HIGH\\] \\S.*$`));
    // The JSON message is the text line's message.
    const j = await checkJson([root]);
    expect(findingLines[0]).toBe(`${path}:1:10: B307 [MEDIUM/HIGH] ${j.report.findings[0].message}`);
    // The suppressed one is not printed as a finding.
    expect(lines.filter((l) => l.includes(':2:'))).toEqual([]);
  });

  it('is the default format', async () => {
    const root = tree('text-default', { 'a.py': 'eval(x)\n' });
    const r = await runCli(['check', root]);
    expect(r.stdout).toContain(`${join(root, 'a.py')}:1:1: B307 [MEDIUM/HIGH] `);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it('reports an undecodable file as an error line, not a crash', async () => {
    const root = tree('text-bad', { 'bad.py': Buffer.from([0xff, 0xfe, 0x00, 0x65, 0x0a]) });
    const r = await runCli(['check', root]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(join(root, 'bad.py'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
