/**
 * `check` grades every finding by its attack path (grading/): the issue's
 * acceptance fixtures, `--min-risk`, and the path in the JSON and the text
 * formats.
 */
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../support/cli.js';
import { tempProjects } from '../support/temp-projects.js';

const { project } = tempProjects('pysec-check-grading-');

const APP = [
  'from flask import Flask, request',
  'app = Flask(__name__)',
  'SECRET_KEY = "dev"',
  'API_TOKEN = "9f8Zq-41xLpV-7TnW2"',
  '',
  '@app.route("/run", methods=["POST"])',
  'def run():',
  '    exec(request.form["c"])',
  '    exec("print(1)")',
  '    return "ok"',
  '',
].join('\n');

const FILES = {
  'app.py': APP,
  'tests/conftest.py': 'SECRET_KEY = "test key"\nDB_PASSWORD = "9f8Zq-41xLpV-7TnW2"\n',
};

async function check(root: string, args: string[] = []): Promise<{ code: number | null; report: JsonReport }> {
  const r = await runCli(['check', '--no-bandit', '--format', 'json', ...args, '.'], { cwd: root });
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport };
}

const graded = (r: JsonReport) => r.findings.filter((f) => f.engine !== 'hygiene').map((f) => `${f.path}:${f.line} ${f.rule} ${f.risk}`);

describe('check: the grading fixtures', () => {
  it('placeholders and test code Low, a real-looking secret Critical, exec of a constant Low, exec of request data Critical', async () => {
    const root = project('fixtures', FILES);
    const { report } = await check(root);
    expect(graded(report)).toEqual([
      'app.py:3 B105 Low',
      'app.py:4 B105 Critical',
      'app.py:8 B102 Critical',
      'app.py:9 B102 Low',
      'tests/conftest.py:1 B105 Low',
      'tests/conftest.py:2 B105 Low',
    ]);
  });

  it('exec(request.form["c"]) carries its two-step path: the form field, then exec()', async () => {
    const root = project('path', FILES);
    const { report } = await check(root);
    const exec = report.findings.find((f) => f.rule === 'B102' && f.line === 8)!;
    expect(exec.flow).toEqual([
      { path: 'app.py', line: 8, column: 10, note: expect.stringContaining('form field') },
      { path: 'app.py', line: 8, column: 10, note: 'reaches exec()' },
    ]);
    for (const f of report.findings.filter((x) => x !== exec)) expect(f.flow).toBeNull();
  });

  it('--min-risk keeps the findings of that graded risk or worse, and never drops hygiene findings', async () => {
    const root = project('min', { ...FILES, 'h.py': 'eval("1")  # nosec\n' });
    const high = await check(root, ['--min-risk', 'high']);
    expect(graded(high.report)).toEqual(['app.py:4 B105 Critical', 'app.py:8 B102 Critical']);
    const critical = await check(root, ['--min-risk', 'CRITICAL']);
    expect(graded(critical.report)).toEqual(graded(high.report));
    // The bare nosec's hygiene finding stays whatever the risk threshold.
    const low = await check(root, ['--min-risk', 'low']);
    expect(low.report.findings.filter((f) => f.engine === 'hygiene').length).toBeGreaterThan(0);
    expect(critical.report.findings.filter((f) => f.engine !== 'hygiene').length).toBe(2);
    expect((await check(root, ['--min-risk', 'critical'])).report.findings.filter((f) => f.engine === 'hygiene').map((f) => f.rule)).toEqual(
      low.report.findings.filter((f) => f.engine === 'hygiene').map((f) => f.rule),
    );
  });

  it('--min-risk rejects an unknown risk with exit 2', async () => {
    const root = project('bad', { 'a.py': 'x = 1\n' });
    const r = await runCli(['check', '--no-bandit', '--min-risk', 'severe', '.'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--min-risk must be low, medium, high or critical');
  });

  it('the text format prints the source after the message', async () => {
    const root = project('text', FILES);
    const r = await runCli(['check', '--no-bandit', '.'], { cwd: root });
    const line = r.stdout.split('\n').find((l) => l.startsWith('app.py:8:'))!;
    expect(line).toMatch(/^app\.py:8:5: B102 \[MEDIUM\/HIGH\] Use of exec detected\. \(from request\.form\["c"\] \(form field 'c'\), line 8\)$/);
    expect(r.stdout.split('\n').find((l) => l.startsWith('app.py:9:'))).toBe('app.py:9:5: B102 [MEDIUM/HIGH] Use of exec detected.');
  });
});
