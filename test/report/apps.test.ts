/**
 * `pysec-lsp report` on the three fixture apps (test/fixtures/apps): every
 * section of the review checklist's report, with the counts the apps'
 * vulnerabilities, good practices and suppressions call for. Tree-sitter
 * engine only (--no-bandit), so the counts do not depend on a bandit version.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const APPS = 'test/fixtures/apps';

interface Expected {
  framework: string;
  counts: [number, number, number, number];
  files: number;
  suppressions: number;
  unjustified: number;
  positives: string[];
  /** A finding each: rule, file (relative to the app), line, risk. */
  findings: [string, string, number, string][];
  suppressed: [string, number, string, string | null][];
  /** Findings at injection sinks whose input was not traced ("Partial review"): rule, file, line. */
  untraced: [string, string, number][];
}

const EXPECTED: Record<string, Expected> = {
  flask: {
    framework: 'Flask',
    // PS301 at app.py:36 is Critical: its template concatenates `name`, assigned from request.args two lines up.
    // views.py holds handlers in pairs (test/cli/apps-risk.test.ts): each vulnerable one graded by its path,
    // its safe twin's bandit finding Low (B602 with shlex.quote); its eval() ends "No eval or exec".
    // Its argv pair: B603 High (request data among convert's arguments), the twin's B603 Low (int()-cleaned).
    counts: [8, 12, 3, 13],
    files: 3,
    suppressions: 2,
    unjustified: 1,
    positives: ['YAML is read with yaml.safe_load', 'SQL queries are parameterized', 'Secrets are read from the environment', 'Programs are started with an argument list'],
    findings: [
      ['B608', 'app.py', 22, 'Critical'],
      ['B602', 'app.py', 42, 'Critical'],
      // pickle.loads(blob) of a parameter no caller is seen for: no path, so not above High.
      ['B301', 'tasks.py', 10, 'High'],
      ['B602', 'views.py', 36, 'Critical'],
      ['B602', 'views.py', 43, 'Low'],
      ['PS302', 'views.py', 103, 'High'],
      ['PS305', 'views.py', 177, 'Medium'],
      ['PS301', 'app.py', 36, 'Critical'],
      ['PS001', 'app.py', 47, 'High'],
      ['B201', 'app.py', 56, 'High'],
      ['B301', 'tasks.py', 10, 'High'],
      ['B501', 'tasks.py', 14, 'High'],
    ],
    suppressed: [
      ['tasks.py', 18, 'B603', 'fixed argument list, no user input'],
      ['tasks.py', 22, 'B324', null],
    ],
    untraced: [['B301', 'tasks.py', 10]],
  },
  django: {
    framework: 'Django',
    // shop/flows.py holds views in pairs (test/cli/apps-risk.test.ts); its yaml.safe_load twin adds that practice.
    // Its argv pair: B603 High (a git ref from the query), the twin's B603 Low (constant refs).
    counts: [8, 8, 7, 7],
    files: 4,
    suppressions: 2,
    unjustified: 1,
    // The argv pair's twins start git with a list: "Programs are started with an argument list".
    positives: ['YAML is read with yaml.safe_load', 'SQL queries are parameterized', 'Secrets are read from the environment', 'Passwords go through a password hasher', 'Programs are started with an argument list', 'Views and routes require authentication'],
    findings: [
      ['B506', 'shop/flows.py', 69, 'Critical'],
      // "django-insecure-…" (Django's generated key) is a real random key, not a placeholder: Critical in application code.
      ['B105', 'shop/settings.py', 4, 'Critical'],
      ['PS508', 'shop/flows.py', 169, 'High'],
      ['PS401', 'shop/flows.py', 154, 'Medium'],
      ['B608', 'shop/views.py', 17, 'Critical'],
      ['B307', 'shop/views.py', 38, 'Critical'],
      ['PS502', 'shop/settings.py', 5, 'Medium'],
      ['PS503', 'shop/settings.py', 6, 'Medium'],
      ['PS901', 'shop/views.py', 32, 'Low'],
    ],
    suppressed: [
      ['shop/views.py', 42, 'B101', 'staff-only debug view, disabled in production settings'],
      ['shop/views.py', 47, 'B324', null],
    ],
    untraced: [],
  },
  fastapi: {
    framework: 'FastAPI',
    // PS001 at main.py:33: `httpx.get(url)` with the route parameter `url: str`.
    // routes.py holds routes in pairs (test/cli/apps-risk.test.ts). Its argv pair: B603 High and its twin's Low;
    // the redirect twin (/go-safe, constant targets only) is no PS101 finding at all since PS101 is a flow rule.
    counts: [6, 10, 4, 7],
    files: 2,
    suppressions: 3,
    unjustified: 1,
    positives: ['Secrets are read from the environment', 'Tokens come from the secrets module', 'Programs are started with an argument list', 'Views and routes require authentication'],
    findings: [
      ['B307', 'main.py', 50, 'Critical'],
      ['PS701', 'main.py', 23, 'High'],
      ['PS001', 'main.py', 33, 'High'],
      ['PS501', 'main.py', 12, 'Medium'],
      ['B301', 'routes.py', 69, 'Critical'],
      ['B301', 'routes.py', 75, 'Low'],
      ['PS802', 'routes.py', 196, 'High'],
    ],
    suppressed: [
      ['main.py', 43, 'B311', 'A/B test bucket, not a secret'],
      ['main.py', 44, 'PS504', 'UI preference cookie, not a session'],
    ],
    untraced: [],
  },
};

const RISKS = ['Critical', 'High', 'Medium', 'Low'];
const SECTIONS = ['## Risk Summary', '## Top 3 Findings', '## What Is Working Well', '## Recommended Next Steps', '## Technical Findings', '## Reviewed and Suppressed', '## Engines'];

/** The rows of the markdown table that follows `heading`. */
function table(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const at = lines.indexOf(heading);
  expect(at, `${heading} missing`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = at + 1; i < lines.length && !lines[i].startsWith('## '); i++) {
    if (!lines[i].startsWith('|') || /^\|[-:|]+\|$/.test(lines[i])) continue;
    rows.push(lines[i].slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows.slice(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'pysec-report-apps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(Object.entries(EXPECTED))('report on the %s app', (app, x) => {
  const dir = `${APPS}/${app}`;

  it('markdown: every section, in the checklist order, with the right counts', async () => {
    const r = await runCli(['report', '--no-bandit', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith(`# Security review: ${app}\n`)).toBe(true);
    expect(md).toMatch(/- \*\*Date:\*\* \d{4}-\d{2}-\d{2}\n/);
    expect(md).toContain(`- **Framework(s):** ${x.framework} (`);
    expect(md).toContain(`- **Scope:** \`${dir}\` — ${x.files} Python file${x.files === 1 ? '' : 's'} reviewed`);
    const positions = SECTIONS.map((s) => md.indexOf(`\n${s}\n`));
    for (const [i, p] of positions.entries()) expect(p, SECTIONS[i]).toBeGreaterThan(0);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    // Risk summary: counts and the checklist's business impact.
    const summary = table(md, '## Risk Summary');
    expect(summary.map((row) => [row[0], Number(row[1])])).toEqual(RISKS.map((risk, i) => [risk, x.counts[i]]));
    expect(summary[0][2]).toBe('immediate risk of breach or compromise');
    expect(summary[3][2]).toBe('a defense-in-depth improvement');
    expect(md).toContain(`Informational: ${x.positives.length} good practice${x.positives.length === 1 ? '' : 's'} already in place`);

    // Top 3: the most serious first, in plain words.
    const top = md.slice(md.indexOf('## Top 3 Findings'), md.indexOf('## What Is Working Well'));
    const total = x.counts.reduce((a, b) => a + b, 0);
    expect(top.match(/^\d\. \*\*/gm)?.length).toBe(Math.min(3, total));
    expect(top).toContain(`1. **${x.findings[0][3]}:`);
    // Each Critical in the top three says its attack path in one sentence, from the request to the sink.
    // (a hardcoded secret's path is its exposure in the repository).
    for (const item of top.split('\n').filter((l) => /^\d\. \*\*Critical:/.test(l))) {
      expect(item).toMatch(/ Attack path: (.*(query parameter|request parameter|form field).*, then reaches .*\(\)[^.]* on line \d+\.|The secret is written in the source on line \d+: anyone who can read the repository, or a copy of it, can use it\.) How to fix:/);
    }
    expect(top.split('\n').filter((l) => /^\d\. \*\*Critical:/.test(l)).length).toBe(Math.min(3, x.counts[0]));

    // A review with injection sinks whose input could not be traced says so, and lists them.
    const partial = md.slice(md.indexOf('## Risk Summary'), md.indexOf('## Top 3 Findings'));
    if (x.untraced.length) {
      expect(partial).toContain('**Partial review.** The input of');
      for (const [rule, file, line] of x.untraced) expect(partial).toMatch(new RegExp(`^- F-\\d{3} \`${dir}/${file}:${line}\` \\(${rule}, \\w+ sink\\)$`, 'm'));
      expect(partial.match(/^- F-/gm)?.length).toBe(x.untraced.length);
    } else expect(partial).not.toContain('Partial review');

    // Working well: each expected practice with evidence.
    const well = md.slice(md.indexOf('## What Is Working Well'), md.indexOf('## Recommended Next Steps'));
    for (const p of x.positives) expect(well).toContain(`**${p}`);
    expect(well.match(/^- \*\*/gm)?.length).toBe(x.positives.length);
    expect(well).toContain('Evidence: ');

    // Next steps: one heading per risk level that has findings.
    const steps = md.slice(md.indexOf('## Recommended Next Steps'), md.indexOf('## Technical Findings'));
    if (x.counts[0]) expect(steps).toContain('### Immediately (Critical)');
    if (x.counts[1]) expect(steps).toContain('### Short term (High)');
    else expect(steps).not.toContain('(High)');
    if (x.counts[2]) expect(steps).toContain('### Medium term (Medium)');

    // Technical findings: F-001… most serious first, with OWASP, file, line, description, remediation.
    const rows = table(md, '## Technical Findings');
    expect(rows).toHaveLength(total);
    expect(rows.map((row) => row[0])).toEqual(rows.map((_, i) => `F-${String(i + 1).padStart(3, '0')}`));
    expect(rows.map((row) => RISKS.indexOf(row[1]))).toEqual(rows.map((row) => RISKS.indexOf(row[1])).sort((a, b) => a - b));
    for (const [rule, file, line, risk] of x.findings) {
      const row = rows.find((rr) => rr[5].startsWith(rule) && rr[3] === `\`${dir}/${file}\`` && Number(rr[4]) === line);
      expect(row, `${rule} at ${file}:${line}`).toBeDefined();
      expect(row![1]).toBe(risk);
      expect(row![2]).toMatch(/^A\d\d:2021 /);
      expect(row![6].length).toBeGreaterThan(10);
      expect(row![7].length).toBeGreaterThan(10);
    }

    // Reviewed and suppressed: every comment, its justification, the unjustified called out.
    const sup = table(md, '## Reviewed and Suppressed');
    expect(sup).toHaveLength(x.suppressions);
    for (const [file, line, rule, why] of x.suppressed) {
      const row = sup.find((rr) => rr[0] === `\`${dir}/${file}\`` && Number(rr[1]) === line);
      expect(row, `suppression at ${file}:${line}`).toBeDefined();
      expect(row![3]).toBe(rule);
      expect(row![4]).toBe(why ?? '(none)');
      expect(row![5]).toEqual(why ? 'reviewed' : expect.stringContaining('**UNJUSTIFIED**'));
    }
    expect(sup.filter((rr) => rr[5].includes('UNJUSTIFIED')).length).toBe(x.unjustified);
    expect(md).toContain(`${x.suppressions} suppression${x.suppressions === 1 ? '' : 's'} reviewed below (${x.unjustified} without a justification)`);

    // Engines: bandit did not run, and why.
    expect(md).toContain('- bandit: bandit did not run: --no-bandit was given');
    expect(md).toMatch(/- pysec-lsp tree-sitter rules: ran, version \d+\.\d+\.\d+ \(\d+ rules\)/);
  });

  it('json: the same model, usable as a baseline', async () => {
    const out = join(tmp, `${app}.json`);
    const r = await runCli(['report', '--no-bandit', '--format', 'json', '--output', out, dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote ${out}`);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.kind).toBe('pysec-lsp-report');
    expect(j.summary.map((s: { count: number }) => s.count)).toEqual(x.counts);
    expect(j.findings).toHaveLength(x.counts.reduce((a, b) => a + b, 0));
    expect(j.frameworks.map((f: { name: string }) => f.name)).toEqual([x.framework]);
    expect(j.suppressions).toHaveLength(x.suppressions);
    expect(j.unjustified).toBe(x.unjustified);
    expect(j.engines[1]).toEqual({ name: 'bandit', ran: false, version: null, detail: 'bandit did not run: --no-bandit was given' });
    for (const f of j.findings) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['id', 'risk', 'rule', 'owasp', 'path', 'line', 'description', 'remediation', 'code']));
      expect(f.excerpt.some((l: { hit: boolean; line: number }) => l.hit && l.line === f.line)).toBe(true);
    }
  });
});

describe('report CLI', () => {
  it('rejects an unknown format and a missing path with exit 2', async () => {
    const bad = await runCli(['report', '--format', 'pdf', `${APPS}/flask`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of markdown, json, sarif, html, not "pdf"');
    const missing = await runCli(['report', '--no-bandit', `${APPS}/nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no such file or folder: ${APPS}/nope`);
  });

  it('--output into a folder that does not exist: exit 2 and why', async () => {
    const out = join(tmp, 'no', 'such', 'report.md');
    const r = await runCli(['report', '--no-bandit', '--output', out, `${APPS}/fastapi`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${out}: ENOENT`);
    expect(r.stdout).toBe('');
  });

  it('runs the real bandit unless --no-bandit, and records its version', async () => {
    const r = await runCli(['report', '--format', 'json', `${APPS}/flask`], { timeoutMs: 180_000 });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.engines[1].name).toBe('bandit');
    expect(j.engines[1].ran).toBe(true);
    expect(j.engines[1].version).toMatch(/^1\.\d+\.\d+$/);
    // bandit's own findings are merged in: its wording, engine "bandit".
    expect(j.findings.some((f: { engine: string }) => f.engine === 'bandit')).toBe(true);
  }, 200_000);

  it('says that bandit did not run when none is on PATH', async () => {
    const r = await runCli(['report', '--format', 'markdown', `${APPS}/fastapi`], { env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- bandit: bandit did not run: bandit was not found (on PATH)');
    expect(r.stderr).toContain('bandit was not found');
  });
});
