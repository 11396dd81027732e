/**
 * `check` follows attack paths across the project's files (issue 14): a
 * view in app.py passes request data through a helper of helpers.py to a
 * shell; the JSON's `flow` has a step in helpers.py named by its path. The
 * must-not case: the helper quotes its argument (`shlex.quote`), and the
 * same finding is Low. On the worker threads too (enough files for the pool).
 */
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../support/cli.js';
import { tempProjects } from '../support/temp-projects.js';
import { APP, HELPERS, QUOTING } from '../support/two-module-app.js';

const { project } = tempProjects('pysec-check-project-');



async function check(root: string): Promise<JsonReport> {
  const r = await runCli(['check', '--no-bandit', '--format', 'json', '.'], { cwd: root });
  expect(r.code, r.stderr).toBe(1);
  return JSON.parse(r.stdout) as JsonReport;
}

const shell = (r: JsonReport) => r.findings.find((f) => f.path === 'app.py' && f.rule === 'B602');

describe('check: attack paths across files', () => {
  it('request data through helpers.build() into a shell: Critical, with a step in helpers.py', async () => {
    const root = project('wrapper', { 'app.py': APP, 'helpers.py': HELPERS });
    const f = shell(await check(root))!;
    expect(f.line).toBe(10);
    expect(f.risk).toBe('Critical');
    const flow = f.flow!;
    expect(flow[0]).toEqual({ path: 'app.py', line: 9, column: 25, note: expect.stringContaining("query parameter 'dir'") });
    expect(flow[1]).toEqual({ path: 'helpers.py', line: 1, column: 11, note: 'parameter arg of build() in helpers' });
    expect(flow[2]).toEqual({ path: 'app.py', line: 9, column: 11, note: 'through helpers.build() on line 9' });
    expect(flow[flow.length - 1]).toEqual({ path: 'app.py', line: 10, column: 20, note: 'reaches subprocess.run()' });
  });

  it('must not: the helper quotes its argument (shlex.quote), the same finding is Low without a path', async () => {
    const root = project('quoting', { 'app.py': APP, 'helpers.py': QUOTING });
    const f = shell(await check(root))!;
    expect(f.line).toBe(10);
    expect(f.risk).toBe('Low');
    expect(f.flow).toBeNull();
  });

  it('in the worker threads: a package module (from app.util import build), a dozen files', async () => {
    const files: Record<string, string> = {
      'web/__init__.py': '',
      'web/util.py': HELPERS,
      'web/views.py': APP.replace('import helpers', 'from web.util import build').replace('helpers.build(', 'build('),
    };
    for (let i = 0; i < 12; i++) files[`web/m${i}.py`] = `x${i} = ${i}\n`;
    const root = project('package', files);
    const report = await check(root);
    const f = report.findings.find((x) => x.path === 'web/views.py' && x.rule === 'B602')!;
    expect(f.risk).toBe('Critical');
    expect(f.flow?.map((s) => s.path)).toContain('web/util.py');
    expect(f.flow?.find((s) => s.path === 'web/util.py')).toEqual({ path: 'web/util.py', line: 1, column: 11, note: 'parameter arg of build() in web.util' });
  });
});
