/**
 * The report's dependency audit (issue 15): the JSON `dependencies` block,
 * the header line and the "Vulnerable Dependencies" table in markdown and
 * HTML, SARIF results with the package keys, over the fixture project.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lsp/client.js';
import { runCli } from '../support/cli.js';

const PROJECT = join(REPO_ROOT, 'test/fixtures/audit/project');
const DB = join(REPO_ROOT, 'test/fixtures/audit/db');
const TMP = mkdtempSync(join(tmpdir(), 'pysec-audit-report-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const ENV = { ...process.env, XDG_CACHE_HOME: join(TMP, 'cache') };

async function report(format: string, args: string[] = ['--advisories', DB]): Promise<string> {
  const r = await runCli(['report', '--no-bandit', '--format', format, ...args, '.'], { cwd: PROJECT, env: ENV });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('the report audits the dependencies', () => {
  it('JSON: a dependencies block, and the PS6xx findings counted with the rest', async () => {
    const m = JSON.parse(await report('json'));
    expect(m.dependencies).toMatchObject({ status: 'findings', reason: null, findings: 6, suppressed: 1 });
    expect(m.dependencies.manifests.sort()).toEqual(['poetry.lock', 'pyproject.toml', 'requirements.txt', 'uv.lock']);
    expect(m.dependencies.database).toMatchObject({ date: '2024-05-01T00:00:00.000Z', advisories: 7, stale: true });
    expect(m.dependencies.vulnerable.map((v: { package: string; advisory: string; id: string | null }) => `${v.package} ${v.advisory} ${v.id === null ? 'suppressed' : 'open'}`).sort()).toEqual([
      'django GHSA-2gwj-7jmv-h26r open',
      'flask GHSA-m2qf-hxjv-5gpq suppressed',
      'jinja2 PYSEC-2019-217 open',
      'pillow GHSA-8vj2-vxx3-667w open',
      'pyyaml PYSEC-2021-142 open',
      'requests GHSA-x84v-xcm2-53pg open',
      'urllib3 GHSA-mh33-7rrq-662w open',
    ]);
    expect(m.total).toBe(6);
    expect(m.summary.find((s: { risk: string }) => s.risk === 'Critical').count).toBe(1);
    const requests = m.findings.find((f: { package?: string }) => f.package === 'requests');
    expect(requests).toMatchObject({ rule: 'PS601', version: '2.19.0', advisory: 'GHSA-x84v-xcm2-53pg', fixedIn: '2.20.0', path: 'requirements.txt', line: 2 });
    // The suppression on the requirement line is reviewed like the code's.
    expect(m.suppressions).toEqual([expect.objectContaining({ path: 'requirements.txt', line: 4, kind: 'pysec-ignore', silences: ['PS601'], justified: true })]);
    // Python files are counted as such.
    expect(m.scope.files).toBe(1);
  });

  it('markdown: the header line and the table', async () => {
    const md = await report('markdown');
    expect(md).toContain('- **Dependencies:** 4 manifests and lock files read against the advisory database of 2024-05-01');
    expect(md).toContain('## Vulnerable Dependencies');
    expect(md).toContain('| F-001 | Critical | django | 3.2.12 | GHSA-2gwj-7jmv-h26r, CVE-2022-28346 | 3.2.13 | `poetry.lock:12` |');
  });

  it('HTML: its own section', async () => {
    const html = await report('html');
    expect(html).toContain('<section id="vulnerable-dependencies">');
    expect(html).toContain('<td>requests</td><td>2.19.0</td>');
    expect(html).toMatch(/<dd id="dependencies-status">[^<]*6 vulnerable dependencies/);
  });

  it('SARIF: results with the package keys', async () => {
    const sarif = JSON.parse(await report('sarif'));
    const results = sarif.runs[0].results as { ruleId: string; properties?: { package?: string; advisory?: string } }[];
    const deps = results.filter((r) => r.ruleId.startsWith('PS6') && r.properties?.package);
    expect(deps.map((r) => r.properties?.advisory).sort()).toContain('GHSA-x84v-xcm2-53pg');
    expect(deps.length).toBe(6);
  });

  it('without a database: not audited, said in the header', async () => {
    const md = await report('markdown', []);
    expect(md).toContain('not audited (4 manifests and lock files read): no advisory database');
    expect(md).not.toContain('## Vulnerable Dependencies');
    const json = JSON.parse(await report('json', ['--no-audit']));
    expect(json.dependencies).toMatchObject({ status: 'not-run', reason: '--no-audit' });
  });
});
