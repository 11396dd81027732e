/**
 * `check` reports suppression hygiene (PSN001–PSN007) as the editor does:
 * the lines and exit code, `[tool.pysec]` rules.ignore / severity.overrides
 * by code and by name, how a code's level meets `--severity-level`, the
 * JSON fields, `--baseline`, and — with the real bandits — that a
 * `# nosec` whose finding only bandit reports is not called unused.
 */
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempProjects } from '../support/temp-projects.js';
import { BANDIT_16, requireBandits, SID_SITE } from '../support/bandit.js';
import { runCli, type JsonFinding, type JsonReport } from '../support/cli.js';


const temp = tempProjects('pysec-check-hygiene-');
const project = temp.project;

/** One of each: unjustified, bare (with a reason), unused, and a justified one that silences its finding. */
const FOUR = [
  'eval(a)  # nosec B307',
  'eval(b)  # nosec  # reviewed: b is a literal',
  'x = 1  # nosec B307  # was eval once',
  'eval(c)  # nosec B307  # input is a constant',
  '',
].join('\n');

const MSG = {
  PSN005: 'This `# nosec` has no justification: say why after a second `#` (`# nosec B602  # input is a constant`). A suppression without a reviewed reason is itself a security gap.',
  PSN001:
    "A bare `# nosec` silences every bandit test on this line, today's and any added later (bandit 1.6 even skips everything that starts on it): name the ids it is for, e.g. `# nosec B602  # why`. Here that is `B307`.",
  PSN006: '`B307` silences nothing: no finding with that id on this line or its statement.',
};

async function json(cwd: string, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const r = await runCli(['check', '--format', 'json', ...args], { cwd, ...(env ? { env } : {}) });
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    throw new Error(`no JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 1000)}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

const hygiene = (r: JsonReport) => r.findings.filter((f) => f.engine === 'hygiene').map((f) => `${f.line}:${f.column} ${f.rule} ${f.level}`);

describe('check prints suppression hygiene', () => {
  it('an unjustified, a bare, an unused and a justified suppression: exactly three lines, exit 1', async () => {
    const root = project('four', { 's.py': FOUR });
    const r = await runCli(['check', '--no-bandit', 's.py'], { cwd: root });
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      `s.py:1:10: PSN005 [information] ${MSG.PSN005}`,
      `s.py:2:10: PSN001 [warning] ${MSG.PSN001}`,
      `s.py:3:8: PSN006 [information] ${MSG.PSN006}`,
      'Found 3 findings (3 suppressed).',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('only justified suppressions that silence something: no hygiene line, exit 0', async () => {
    const root = project('clean', { 'ok.py': 'eval(c)  # nosec B307  # input is a constant\n' });
    const r = await runCli(['check', '--no-bandit', 'ok.py'], { cwd: root });
    expect(r.stdout.trimEnd()).toBe('No findings (1 suppressed).');
    expect(r.code).toBe(0);
  });

  it('--format json: each PSN finding with its fields, beside the others in file order', async () => {
    const root = project('json', { 's.py': FOUR });
    const { report, code } = await json(root, ['--no-bandit', 's.py']);
    expect(code).toBe(1);
    expect(report.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['1 B307', '1 PSN005', '2 B307', '2 PSN001', '3 PSN006', '4 B307']);
    const unjustified = report.findings.find((f) => f.rule === 'PSN005');
    expect(unjustified).toEqual({
      path: 's.py',
      rule: 'PSN005',
      name: 'suppression-without-justification',
      severity: 'LOW',
      confidence: 'HIGH',
      line: 1,
      column: 10,
      endLine: 1,
      endColumn: 22,
      message: MSG.PSN005,
      engine: 'hygiene',
      cwe: null,
      owasp: null,
      risk: null,
      suppressed: false,
      justification: null,
      flow: null,
      level: 'information',
    } satisfies JsonFinding);
    const bare = report.findings.find((f) => f.rule === 'PSN001')!;
    expect([bare.name, bare.severity, bare.level, bare.column, bare.endColumn]).toEqual(['bare-nosec', 'MEDIUM', 'warning', 10, 19]);
    // The ordinary findings keep their exact shape.
    expect(Object.keys(report.findings[0])).not.toContain('level');
  });

  it('a `# pysec: ignore` of a bandit id, an unknown id, ids without a space, words as ids', async () => {
    const root = project('kinds', {
      'k.py': [
        'eval(a)  # pysec: ignore[B307]  # bandit does not read this',
        'eval(b)  # nosec B307,B101  # joined',
        'eval(c)  # nosec B307 reviewed  # words',
        'eval(d)  # nosec PS501  # not a bandit id',
        '',
      ].join('\n'),
    });
    const { report } = await json(root, ['--no-bandit', 'k.py']);
    expect(hygiene(report)).toEqual([
      '1:10 PSN007 information',
      '2:10 PSN003 warning',
      '2:10 PSN006 information',
      '3:10 PSN004 information',
      '4:10 PSN002 warning',
    ]);
  });
});

describe('[tool.pysec] in the project pyproject.toml', () => {
  it('rules.ignore by code, and by name', async () => {
    const byCode = project('ignore-code', { 's.py': FOUR, 'pyproject.toml': '[tool.pysec.rules]\nignore = ["PSN005"]\n' });
    expect(hygiene((await json(byCode, ['--no-bandit', 's.py'])).report)).toEqual(['2:10 PSN001 warning', '3:8 PSN006 information']);
    const byName = project('ignore-name', { 's.py': FOUR, 'pyproject.toml': '[tool.pysec]\nrules = { ignore = ["unused-suppression", "bare-nosec"] }\n' });
    const r = await json(byName, ['--no-bandit', 's.py']);
    expect(hygiene(r.report)).toEqual(['1:10 PSN005 information']);
    expect(r.stderr).toBe('');
    // All three ignored, every finding suppressed: exit 0.
    const all = project('ignore-all', { 's.py': FOUR, 'pyproject.toml': '[tool.pysec.rules]\nignore = ["PSN005", "bare-nosec", "PSN006"]\n' });
    const a = await runCli(['check', '--no-bandit', 's.py'], { cwd: all });
    expect(a.stdout.trimEnd()).toBe('No findings (3 suppressed).');
    expect(a.code).toBe(0);
  });

  it('severity.overrides: the level shown, and with --severity-level the exit code', async () => {
    const text = 'eval(a)  # nosec B307\n';
    const plain = project('override-none', { 's.py': text });
    // information maps to LOW: --severity-level medium leaves nothing, exit 0.
    const low = await json(plain, ['--no-bandit', '--severity-level', 'medium', 's.py']);
    expect(low.report.findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(low.code).toBe(0);
    expect((await json(plain, ['--no-bandit', 's.py'])).code).toBe(1);

    const raised = project('override-error', { 's.py': text, 'pyproject.toml': '[tool.pysec.severity.overrides]\nsuppression-without-justification = "error"\n' });
    const high = await json(raised, ['--no-bandit', '--severity-level', 'high', 's.py']);
    expect(high.report.findings.map((f) => [f.rule, f.level, f.severity])).toEqual([['PSN005', 'error', 'HIGH']]);
    expect(high.code).toBe(1);
    const t = await runCli(['check', '--no-bandit', '--severity-level', 'high', 's.py'], { cwd: raised });
    expect(t.stdout).toContain('s.py:1:10: PSN005 [error] ');

    // A code wins over a name; "off" removes it.
    const off = project('override-off', { 's.py': text, 'pyproject.toml': '[tool.pysec.severity.overrides]\nPSN005 = "off"\nsuppression-without-justification = "error"\n' });
    const gone = await json(off, ['--no-bandit', 's.py']);
    expect(gone.report.findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(gone.code).toBe(0);
  });

  it('--confidence-level keeps them (their confidence is HIGH)', async () => {
    const root = project('confidence', { 's.py': FOUR });
    expect(hygiene((await json(root, ['--no-bandit', '--confidence-level', 'high', 's.py'])).report)).toHaveLength(3);
  });

  it('rules.ignore of a rule drops its findings from check, and its suppressions are not judged unused', async () => {
    const root = project('ignore-rule', {
      's.py': 'import subprocess  # nosec B404  # reviewed\nimport pickle\nx = 1  # nosec B403  # pickle was here\n',
      'pyproject.toml': '[tool.pysec.rules]\nignore = ["import_pickle"]\n',
    });
    const { report } = await json(root, ['--no-bandit', 's.py']);
    expect(report.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['1 B404']);
  });

  it('says what is wrong, and that editor settings (bandit.path included) are left alone; never runs that path', async () => {
    const marker = join(temp.dir, 'PWNED');
    const evil = join(temp.dir, 'evil-bandit');
    writeFileSync(evil, `#!/bin/sh\necho pwned > '${marker}'\n`);
    chmodSync(evil, 0o755);
    const root = project('problems', {
      's.py': FOUR,
      'pyproject.toml': `[tool.pysec]\nminSeverity = "HIGH"\nbandit = { path = "${evil}", command = ["${evil}"] }\n\n[tool.pysec.severity.overrides]\nPSN005 = "loud"\n`,
    });
    const r = await json(root, ['s.py'], { ...process.env, PATH: '/nonexistent' });
    expect(r.stderr).toContain(`${join(root, 'pyproject.toml')} [tool.pysec]: pysec.severity.overrides["PSN005"] must be one of "error", "warning", "information", "hint", "off", not "loud"`);
    expect(r.stderr).toMatch(/check reads only pysec\.rules\.ignore, pysec\.severity\.overrides, pysec\.suppress\.placeholder; pysec\.minSeverity, pysec\.bandit\.path, pysec\.bandit\.command are editor settings, left alone here/);
    // The bad override falls back to the default level.
    expect(hygiene(r.report)).toEqual(['1:10 PSN005 information', '2:10 PSN001 warning', '3:8 PSN006 information']);
    expect(existsSync(marker)).toBe(false);
  });

  it('suppress.placeholder: a suppression still carrying it is flagged', async () => {
    const root = project('placeholder', { 's.py': 'eval(a)  # nosec B307  # TODO explain\n', 'pyproject.toml': '[tool.pysec.suppress]\nplaceholder = "TODO explain"\n' });
    const { report } = await json(root, ['--no-bandit', 's.py']);
    expect(report.findings.filter((f) => f.engine === 'hygiene').map((f) => [f.rule, f.message])).toEqual([
      ['PSN005', 'This `# nosec` still has the placeholder justification `TODO explain`: replace it with the reason the finding is safe or accepted.'],
    ]);
  });
});

describe('check --baseline with hygiene findings', () => {
  it('known PSN findings are not new (even moved); a new unjustified nosec is', async () => {
    const root = project('baseline', { 's.py': FOUR });
    const before = await runCli(['check', '--no-bandit', '--format', 'json', 's.py'], { cwd: root });
    writeFileSync(join(root, 'baseline.json'), before.stdout);
    writeFileSync(join(root, 's.py'), `import os\n\n${FOUR}`);
    const same = await json(root, ['--no-bandit', '--baseline', 'baseline.json', 's.py']);
    expect(same.report.findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(same.code).toBe(0);
    writeFileSync(join(root, 's.py'), `${FOUR}os.system(y)  # nosec B605\n`);
    const added = await json(root, ['--no-bandit', '--baseline', 'baseline.json', 's.py']);
    expect(added.report.findings.filter((f) => !f.suppressed).map((f) => `${f.line} ${f.rule}`)).toEqual(['5 PSN005']);
    expect(added.code).toBe(1);
  });
});

describe("bandit's second look fails", () => {
  it('bandit ids are not judged unused in that file (said on stderr); pysec ids still are', async () => {
    const fake = join(process.cwd(), 'test/fixtures/fake-bandit/bandit.mjs');
    const bin = mkdtempSync(join(temp.dir, 'fake-bin-'));
    writeFileSync(join(bin, 'bandit'), `#!/bin/sh\nexec '${process.execPath}' '${fake}' exit2-ignore-nosec "$@"\n`);
    chmodSync(join(bin, 'bandit'), 0o755);
    const root = project('second-look', { 's.py': 'x = 1  # nosec B307  # was eval once\ny = 2  # pysec: ignore[PS001]  # was a query once\n' });
    const r = await json(root, ['s.py'], { ...process.env, PATH: `${bin}:/usr/bin:/bin` });
    expect(hygiene(r.report)).toEqual(['2:8 PSN006 information']);
    expect(r.stderr).toContain('s.py: bandit could not look again with --ignore-nosec (');
    // Without bandit, both are unused.
    expect(hygiene((await json(root, ['--no-bandit', 's.py'])).report)).toEqual(['1:8 PSN006 information', '2:8 PSN006 information']);
  });
});

describe('with the real bandit: a suppression of a finding only bandit reports is used', () => {
  beforeAll(() => requireBandits());

  /** PATH with only this bandit. */
  function pathWith(bandit: string[]): NodeJS.ProcessEnv {
    const bin = mkdtempSync(join(temp.dir, 'bin-'));
    const script = join(bin, 'bandit');
    writeFileSync(script, `#!/bin/sh\nexec ${bandit.map((a) => `'${a}'`).join(' ')} "$@"\n`);
    chmodSync(script, 0o755);
    return { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
  }
  const bandit16 = () => pathWith([BANDIT_16]);
  const bandit19 = () => pathWith(['/usr/bin/env', `PYTHONPATH=${SID_SITE}`, '/usr/bin/python3', '-m', 'bandit']);

  // bandit 1.6.2 reports hashlib.md5 as B303 (1.9 and the tree-sitter rules as B324).
  const MD5 = 'import hashlib\nhashlib.md5(b"x")  # nosec B303  # a checksum, not security\n';

  it('bandit 1.6.2: `# nosec B303` on its md5 is used; without bandit it looks unused', async () => {
    const root = project('b16', { 'm.py': MD5 });
    const env = bandit16();
    const withBandit = await json(root, ['m.py'], env);
    expect(withBandit.stderr).not.toMatch(/not found/);
    expect(hygiene(withBandit.report)).toEqual([]);
    expect(withBandit.report.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['2 B324']);
    expect(hygiene((await json(root, ['--no-bandit', 'm.py'], env)).report)).toEqual(['2:20 PSN006 information']);
  });

  it('bandit 1.6.2: a bare `# nosec` names what it silences, bandit-only ids included', async () => {
    const root = project('b16-bare', { 'm.py': 'import hashlib\nhashlib.md5(b"x")  # nosec  # a checksum\n' });
    const env = bandit16();
    const messages = async (args: string[]) => (await json(root, [...args, 'm.py'], env)).report.findings.filter((f) => f.engine === 'hygiene').map((f) => `${f.rule} ${f.message.slice(f.message.indexOf('Here that is'))}`);
    expect(await messages([])).toEqual(['PSN001 Here that is `B324`, `B303`.']);
    expect(await messages(['--no-bandit'])).toEqual(['PSN001 Here that is `B324`.']);
  });

  it('bandit 1.9.4: the same comment silences nothing (1.9 says B324), so it is unused', async () => {
    const root = project('b19-md5', { 'm.py': MD5 });
    const r = await json(root, ['m.py'], bandit19());
    expect(r.stderr).not.toMatch(/not found/);
    expect(hygiene(r.report)).toEqual(['2:20 PSN006 information']);
  });

  it("bandit 1.9.4: `# nosec B108` on a path only the project's tmp_dirs make a finding is used", async () => {
    const root = project('b19-tmp', {
      'pyproject.toml': '[tool.bandit]\nskips = []\n\n[tool.bandit.hardcoded_tmp_directory]\ntmp_dirs = ["/srv/scratch"]\n',
      'app.py': 'path = "/srv/scratch/out.txt"  # nosec B108  # scratch space is private to this host\n',
    });
    const env = bandit19();
    const r = await json(root, ['app.py'], env);
    expect(r.stderr).not.toMatch(/not found/);
    expect(hygiene(r.report)).toEqual([]);
    expect(r.code).toBe(0);
    // The tree-sitter rules honour the project's tmp_dirs too: used there as well.
    const alone = await json(root, ['--no-bandit', 'app.py'], env);
    expect(hygiene(alone.report)).toEqual([]);
    expect(alone.code).toBe(0);
  });

  it('bandit 1.9.4: a really unused suppression is still said to be', async () => {
    const root = project('b19-four', { 's.py': FOUR });
    const r = await json(root, ['s.py'], bandit19());
    expect(hygiene(r.report)).toEqual(['1:10 PSN005 information', '2:10 PSN001 warning', '3:8 PSN006 information']);
  });
});
