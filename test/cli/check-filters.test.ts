/**
 * `check --severity-level/--confidence-level` (bandit's thresholds),
 * `--exit-zero`, and `--baseline FILE` (findings absent from an earlier
 * JSON report, matched on file, rule and text, not line, as bandit's
 * baseline does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJson, runCli, type JsonReport } from '../support/cli.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pysec-check-filters-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// B307 eval: MEDIUM/HIGH; B602 shell=True: HIGH/HIGH; B404 import subprocess: LOW/HIGH; B608 SQL: MEDIUM/MEDIUM (or LOW).
const MIXED = ['import subprocess', 'x = input()', 'eval(x)', 'subprocess.call(x, shell=True)', 'cur.execute("SELECT * FROM t WHERE id = %s" % x)', ''].join('\n');

function write(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

async function json(args: string[]): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const r = await runCli(['check', '--no-bandit', '--format', 'json', ...args], { cwd: tmp });
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

const rules = (r: JsonReport) => r.findings.map((f) => f.rule);

describe('check --severity-level / --confidence-level', () => {
  it('keeps findings at or above the thresholds', async () => {
    const file = write('mixed.py', MIXED);
    const all = await json([file]);
    expect(rules(all.report)).toEqual(['B404', 'B307', 'B602', 'B608']);
    const high = await json(['--severity-level', 'high', file]);
    expect(rules(high.report)).toEqual(['B602']);
    expect(high.code).toBe(1);
    const medium = await json(['--severity-level', 'medium', file]);
    expect(rules(medium.report)).toEqual(['B307', 'B602', 'B608']);
    const sure = await json(['--confidence-level', 'high', file]);
    expect(rules(sure.report)).toEqual(['B404', 'B307', 'B602']);
    const both = await json(['--severity-level', 'MEDIUM', '--confidence-level', 'high', file]);
    expect(rules(both.report)).toEqual(['B307', 'B602']);
    expect(rules((await json(['--severity-level', 'all', '--confidence-level', 'low', file])).report)).toEqual(rules(all.report));
  });

  it('exits 0 when the thresholds leave nothing', async () => {
    const file = write('low.py', 'import subprocess\n');
    const r = await json(['--severity-level', 'medium', file]);
    expect(r.report.findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('rejects an unknown level with exit 2', async () => {
    const r = await runCli(['check', '--no-bandit', '--severity-level', 'severe', '.'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--severity-level must be all, low, medium or high, not "severe"');
  });
});

describe('check --exit-zero', () => {
  it('prints the findings and exits 0', async () => {
    const file = write('exit-zero.py', 'eval(input())\n');
    const r = await runCli(['check', '--no-bandit', '--exit-zero', file], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('B307');
    expect(r.stdout).toContain('Found 1 finding.');
    expect((await runCli(['check', '--no-bandit', file], { cwd: tmp })).code).toBe(1);
  });
});

describe('check --baseline', () => {
  it('reports only new findings; a finding that moved lines is still known', async () => {
    const file = write('app.py', 'x = input()\neval(x)\n');
    const before = await runCli(['check', '--no-bandit', '--format', 'json', 'app.py'], { cwd: tmp });
    const baseline = write('baseline.json', before.stdout);

    // The known eval moves down three lines; a new shell=True call appears.
    write('app.py', 'import os\n\n\nx = input()\neval(x)\nos.system(x)\n');
    const r = await json(['--baseline', baseline, 'app.py']);
    expect(r.report.findings.map((f) => [f.rule, f.line])).toEqual([['B605', 6]]);
    expect(r.code).toBe(1);

    // Nothing new: exit 0.
    write('app.py', '\n\nx = input()\n\neval(x)\n');
    const same = await json(['--baseline', baseline, 'app.py']);
    expect(same.report.findings).toEqual([]);
    expect(same.code).toBe(0);
  });

  it('counts: one known eval does not hide a second identical one', async () => {
    write('twice.py', 'x = input()\neval(x)\n');
    const baseline = write('twice.json', (await runCli(['check', '--no-bandit', '--format', 'json', 'twice.py'], { cwd: tmp })).stdout);
    write('twice.py', 'x = input()\neval(x)\neval(x)\n');
    const r = await json(['--baseline', baseline, 'twice.py']);
    expect(r.report.findings.map((f) => [f.rule, f.line])).toEqual([['B307', 3]]);
  });

  it('a finding in another file or of another rule is new', async () => {
    write('one.py', 'eval(input())\n');
    const baseline = write('one.json', (await runCli(['check', '--no-bandit', '--format', 'json', 'one.py'], { cwd: tmp })).stdout);
    write('two.py', 'eval(input())\n');
    const r = await json(['--baseline', baseline, 'one.py', 'two.py']);
    expect(r.report.findings.map((f) => f.path)).toEqual(['two.py']);
  });

  it('takes a `report --format json` as the baseline too (matching its code lines)', async () => {
    write('rep.py', 'x = input()\neval(x)\n');
    const rep = await runCli(['report', '--no-bandit', '--format', 'json', 'rep.py'], { cwd: tmp });
    expect(rep.code).toBe(0);
    const baseline = write('rep-baseline.json', rep.stdout);
    write('rep.py', '# moved\nx = input()\neval(x)\neval(x + "1")\n');
    const r = await json(['--baseline', baseline, 'rep.py']);
    // The moved eval is known; the one on a different line of code is new, although rule and text are the same.
    expect(r.report.findings.map((f) => [f.rule, f.line])).toEqual([['B307', 4]]);
  });

  it('says what is wrong with an unreadable or foreign baseline (exit 2)', async () => {
    write('ok.py', 'x = 1\n');
    const missing = await runCli(['check', '--no-bandit', '--baseline', 'nope.json', 'ok.py'], { cwd: tmp });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the baseline nope.json: ENOENT');
    write('garbage.json', '{not json');
    const garbage = await runCli(['check', '--no-bandit', '--baseline', 'garbage.json', 'ok.py'], { cwd: tmp });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('the baseline garbage.json is not JSON');
    write('foreign.json', JSON.stringify({ results: [] }));
    const foreign = await runCli(['check', '--no-bandit', '--baseline', 'foreign.json', 'ok.py'], { cwd: tmp });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('the baseline foreign.json is not a pysec-lsp JSON report (findings:');
  });
});

describe('check keeps its contract', () => {
  it('check --format json still prints exactly {version, findings, errors}', async () => {
    const file = write('contract.py', 'eval(input())\n');
    const { report } = await checkJson([file]);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'errors']);
  });
});
