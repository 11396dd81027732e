/**
 * `check` applies the project's bandit plugin settings (`[tool.bandit.<plugin>]`)
 * to the tree-sitter rules as bandit applies them: with `--no-bandit`, per
 * file and its project (also in the worker threads), and — against the real
 * bandit 1.9.4 on the same file and config — both engines report the same.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempProjects } from '../support/temp-projects.js';
import { bandit19Command, requireBandits } from '../support/bandit.js';
import { checkJson } from '../support/cli.js';


const temp = tempProjects('pysec-check-plugins-');
const project = temp.project;

const PYPROJECT = `[tool.bandit]
skips = ["B404"]

[tool.bandit.hardcoded_tmp_directory]
tmp_dirs = ["/srv/scratch"]

[tool.bandit.try_except_pass]
check_typed_exception = true

[tool.bandit.try_except_continue]
check_typed_exception = true

[tool.bandit.shell_injection]
subprocess = ["mytool.spawn"]
shell = ["mytool.system"]
no_shell = ["mytool.execute"]
`;

const APP = `import subprocess
import mytool

SCRATCH = "/srv/scratch/out.txt"
TMP = "/tmp/out.txt"

try:
    SCRATCH.upper()
except ValueError:
    pass

for name in [SCRATCH]:
    try:
        name.lower()
    except KeyError:
        continue

mytool.spawn("ls " + TMP, shell=True)
mytool.system("ls " + TMP)
mytool.execute("/bin/ls")
subprocess.run("ls " + TMP, shell=True)
subprocess.check_call(["ls"])
`;

/** What bandit 1.9.4 reports for APP under PYPROJECT (checked below), as `rule:line`. */
const WITH_CONFIG = ['B108:4', 'B110:9', 'B112:15', 'B602:18', 'B605:19', 'B606:20', 'B604:21'];

const pairs = (findings: readonly { rule: string; line: number; engine: string }[]) =>
  findings
    .filter((f) => f.engine !== 'hygiene')
    .map((f) => `${f.rule}:${f.line}`)
    .sort((a, b) => Number(a.split(':')[1]) - Number(b.split(':')[1]) || a.localeCompare(b));

describe('check --no-bandit honours the project bandit plugin settings', () => {
  it('tmp_dirs replaces /tmp, typed excepts count, the shell_injection lists are the project\'s', async () => {
    const root = project('one', { 'pyproject.toml': PYPROJECT, 'app.py': APP });
    const { report } = await checkJson(['app.py'], { cwd: root });
    expect(pairs(report.findings)).toEqual(WITH_CONFIG);
    // Without the plugin sections the defaults apply: /tmp, no typed excepts, subprocess's own names.
    const plain = project('plain', { 'pyproject.toml': '[tool.bandit]\nskips = ["B404"]\n', 'app.py': APP });
    const { report: defaults } = await checkJson(['app.py'], { cwd: plain });
    expect(pairs(defaults.findings)).toEqual(['B108:5', 'B604:18', 'B602:21', 'B603:22', 'B607:22']);
  });

  it('in the worker threads, each file under its own project: two configs in one run', async () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`m${i}.py`, 'A = "/srv/scratch/a"\nB = "/tmp/b"\n']));
    project('multi/a', { 'pyproject.toml': '[tool.bandit.hardcoded_tmp_directory]\ntmp_dirs = ["/srv/scratch"]\n', ...files });
    project('multi/b', { 'pyproject.toml': '[tool.bandit]\nskips = []\n', ...files });
    const paths = Object.keys(files).flatMap((f) => [`a/${f}`, `b/${f}`]);
    const { report } = await checkJson(paths, { cwd: join(temp.dir, 'multi') });
    const byFile = new Map<string, string[]>();
    for (const f of report.findings) byFile.set(f.path.replace(/\\/g, '/'), [...(byFile.get(f.path) ?? []), `${f.rule}:${f.line}`]);
    const a = [...byFile].filter(([p]) => /(^|\/)a\/m\d\.py$/.test(p));
    const b = [...byFile].filter(([p]) => /(^|\/)b\/m\d\.py$/.test(p));
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(6);
    for (const [, f] of a) expect(f).toEqual(['B108:1']);
    for (const [, f] of b) expect(f).toEqual(['B108:2']);
  });

  it('a wrong type is said once and the default kept', async () => {
    const root = project('bad', { 'pyproject.toml': '[tool.bandit.hardcoded_tmp_directory]\ntmp_dirs = "/srv/scratch"\n', 'a.py': 'A = "/tmp/a"\n', 'b.py': 'B = "/tmp/b"\n' });
    const { result, report } = await checkJson(['a.py', 'b.py'], { cwd: root });
    expect(pairs(report.findings)).toEqual(['B108:1', 'B108:1']);
    expect(result.stderr.match(/tmp_dirs must be a list of strings; the default is kept/g)).toHaveLength(1);
  });
});

describe('bandit 1.9.4 and the tree-sitter rules agree under the same plugin settings', () => {
  it('same findings on the same file and pyproject', async () => {
    requireBandits();
    const root = project('agree', { 'pyproject.toml': PYPROJECT, 'app.py': APP });
    const [cmd, ...args] = bandit19Command();
    // bandit exits 1 when it finds something: its JSON is on stdout either way.
    const out = await promisify(execFile)(cmd, [...args, '-q', '-c', 'pyproject.toml', '-f', 'json', 'app.py'], { cwd: root }).catch((e: { stdout: string }) => e);
    const bandit = (JSON.parse(out.stdout) as { results: { test_id: string; line_number: number }[] }).results.map((r) => ({ rule: r.test_id, line: r.line_number, engine: 'bandit' }));
    expect(pairs(bandit)).toEqual(WITH_CONFIG);
    const { report } = await checkJson(['app.py'], { cwd: root });
    expect(pairs(report.findings)).toEqual(pairs(bandit));
  });
});
