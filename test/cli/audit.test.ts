/**
 * `check` audits the manifests under its paths (issue 15): on the fixture
 * project (requirements.txt, pyproject.toml, poetry.lock, uv.lock) with the
 * fixture database as a folder and as a zip, exactly the expected
 * (package, version, advisory) findings; a pin raised to the fixed version
 * clears its finding; `# pysec: ignore[ID]` silences exactly that advisory;
 * without a database, one line says how to get one and the exit status is
 * the code's.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lsp/client.js';
import { runCli, type JsonFinding, type JsonReport } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/audit');
const DB = join(FIXTURE, 'db');
const TMP = mkdtempSync(join(tmpdir(), 'pysec-audit-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
/** No database in the user cache: an empty cache folder of our own. */
const ENV = { ...process.env, XDG_CACHE_HOME: join(TMP, 'cache') };

async function check(cwd: string, args: string[]): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const r = await runCli(['check', '--no-bandit', '--format', 'json', ...args], { cwd, env: ENV });
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    throw new Error(`no JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 2000)}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

const key = (f: JsonFinding) => [f.path, f.line, f.rule, f.package, f.version ?? f.specifier, f.advisory, f.suppressed ? 'suppressed' : 'open'].join(' ');

const EXPECTED = [
  'poetry.lock 12 PS601 django 3.2.12 GHSA-2gwj-7jmv-h26r open',
  'pyproject.toml 6 PS601 pyyaml 5.3.1 PYSEC-2021-142 open',
  'requirements.txt 2 PS601 requests 2.19.0 GHSA-x84v-xcm2-53pg open',
  'requirements.txt 3 PS602 urllib3 >=1.24 GHSA-mh33-7rrq-662w open',
  'requirements.txt 4 PS601 flask 2.2.4 GHSA-m2qf-hxjv-5gpq suppressed',
  'requirements.txt 5 PS601 jinja2 2.10 PYSEC-2019-217 open',
  'uv.lock 13 PS601 pillow 9.0.0 GHSA-8vj2-vxx3-667w open',
];

/** A copy of the fixture project to edit. */
function copyProject(name: string): string {
  const to = join(TMP, name);
  cpSync(join(FIXTURE, 'project'), to, { recursive: true });
  return to;
}

function zipOf(dir: string): string {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p);
    }
  };
  walk(dir);
  const out = join(TMP, 'advisories.zip');
  writeFileSync(out, zipSync(files));
  return out;
}

describe('check --advisories on the fixture project', () => {
  it('lists exactly the expected (package, version, advisory) findings, from the folder and from a zip', async () => {
    const cwd = join(FIXTURE, 'project');
    for (const db of [DB, zipOf(DB)]) {
      const { code, report, stderr } = await check(cwd, ['--advisories', db, '.']);
      const deps = report.findings.filter((f) => f.rule.startsWith('PS6'));
      expect(deps.map(key).sort()).toEqual([...EXPECTED].sort());
      expect(report.findings.length).toBe(deps.length);
      expect(code).toBe(1);
      // The malformed record is skipped and said; the withdrawn and the npm ones are not findings.
      expect(stderr).toContain('1 record that did not parse');
    }
  });

  it('gives each PS6xx finding its package keys and the grading', async () => {
    const { report } = await check(join(FIXTURE, 'project'), ['--advisories', DB, '.']);
    const requests = report.findings.find((f) => f.package === 'requests')!;
    expect(requests).toMatchObject({ rule: 'PS601', name: 'vulnerable_dependency', engine: 'audit', cwe: 1395, owasp: 'A06', version: '2.19.0', specifier: '==2.19.0', advisory: 'GHSA-x84v-xcm2-53pg', aliases: ['CVE-2018-18074', 'PYSEC-2018-28'], fixedIn: '2.20.0', risk: 'High', severity: 'HIGH', column: 1, endColumn: 17 });
    expect(requests.message).toBe('requests 2.19.0 is affected by GHSA-x84v-xcm2-53pg (CVE-2018-18074): Insufficiently Protected Credentials in Requests. Fixed in 2.20.0.');
    const urllib3 = report.findings.find((f) => f.package === 'urllib3')!;
    expect(urllib3).toMatchObject({ rule: 'PS602', version: null, fixedIn: '1.24.2', confidence: 'MEDIUM', risk: 'Medium' });
    // CVSS 9.8 is Critical; Pillow is not imported by app.py: one step lower.
    expect(report.findings.find((f) => f.package === 'django')).toMatchObject({ risk: 'Critical', severity: 'HIGH' });
    const pillow = report.findings.find((f) => f.package === 'pillow')!;
    expect(pillow.risk).toBe('High');
    expect(pillow.message).toContain('Not imported by this project');
    expect(report.findings.find((f) => f.package === 'flask')).toMatchObject({ suppressed: true, justification: 'only behind our own proxy, which never caches' });
  });

  it('a pin raised to the fixed version has no finding', async () => {
    const dir = copyProject('fixed');
    const req = join(dir, 'requirements.txt');
    writeFileSync(req, readFileSync(req, 'utf8').replace('requests==2.19.0', 'requests==2.20.0').replace('urllib3>=1.24', 'urllib3>=1.24.2'));
    const { report } = await check(dir, ['--advisories', DB, '.']);
    const keys = report.findings.map(key);
    expect(keys.filter((k) => k.includes('requests') || k.includes('urllib3'))).toEqual([]);
    expect(keys.length).toBe(EXPECTED.length - 2);
  });

  it('# pysec: ignore[ID] silences exactly that advisory; an id that matches nothing is PSN006', async () => {
    const dir = copyProject('ignored');
    const req = join(dir, 'requirements.txt');
    writeFileSync(
      req,
      readFileSync(req, 'utf8')
        .replace('requests==2.19.0', 'requests==2.19.0  # pysec: ignore[GHSA-x84v-xcm2-53pg]  # redirects are never followed here')
        .replace('urllib3>=1.24', 'urllib3>=1.24  # pysec: ignore[GHSA-aaaa-bbbb-cccc]  # wrong id'),
    );
    const { report } = await check(dir, ['--advisories', DB, '.']);
    const requests = report.findings.find((f) => f.package === 'requests')!;
    expect(requests.suppressed).toBe(true);
    expect(requests.justification).toBe('redirects are never followed here');
    expect(report.findings.find((f) => f.package === 'urllib3')!.suppressed).toBe(false);
    expect(report.findings.filter((f) => f.rule === 'PSN006').map((f) => [f.path, f.line])).toEqual([['requirements.txt', 3]]);
    expect(report.findings.filter((f) => f.suppressed).map((f) => f.package).sort()).toEqual(['flask', 'requests']);
  });
});

describe('the dependency rules are selected as any rule', () => {
  it('[tool.pysec] rules.ignore turns PS602 off, by id or by name', async () => {
    for (const name of ['PS602', 'dependency_allows_vulnerable']) {
      const dir = copyProject(`ignore-${name}`);
      writeFileSync(join(dir, 'pyproject.toml'), `${readFileSync(join(dir, 'pyproject.toml'), 'utf8')}\n[tool.pysec.rules]\nignore = ["${name}"]\n`);
      const { report, stderr } = await check(dir, ['--advisories', DB, '.']);
      expect(report.findings.map((f) => f.rule).sort(), stderr).toEqual(['PS601', 'PS601', 'PS601', 'PS601', 'PS601', 'PS601']);
    }
  });
});

describe('check without a database, and --no-audit', () => {
  it('says once how to get a database, and the exit status is the code\'s', async () => {
    const { code, report, stderr } = await check(join(FIXTURE, 'project'), ['.']);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    const lines = stderr.split('\n').filter((l) => l.includes('advisories update'));
    expect(lines.length).toBe(1);
    expect(lines[0]).toContain(join(TMP, 'cache', 'pysec-lsp', 'advisories'));
  });

  it('--no-audit: no audit, nothing said', async () => {
    const { code, report, stderr } = await check(join(FIXTURE, 'project'), ['--no-audit', '--advisories', DB, '.']);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('no manifest under the paths: nothing said', async () => {
    const dir = join(TMP, 'code-only');
    cpSync(join(FIXTURE, 'project', 'app.py'), join(dir, 'app.py'), { recursive: true });
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.pysec]\n');
    const { stderr } = await check(dir, ['.']);
    expect(stderr).toBe('');
  });

  it('--advisories naming nothing is a usage error', async () => {
    const r = await runCli(['check', '--no-bandit', '--advisories', join(TMP, 'nothing-here'), '.'], { cwd: join(FIXTURE, 'project'), env: ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--advisories');
  });
});
