/**
 * The fixture apps (test/fixtures/apps) graded by attack path: `check
 * --format json --min-risk high` on each app lists exactly its vulnerable
 * handlers' findings, each with the path from the request to the sink, and
 * nothing from their safe twins (which differ only in the data flow: a
 * constant, a sanitiser, a guard, a parameterised query).
 *
 * The handlers in pairs live in flask/views.py, django/shop/flows.py and
 * fastapi/routes.py, every vulnerable sink marked `# path: <rule>`; the
 * apps' older files (read by the report tests too) are listed here.
 * A marked finding's risk is the grading's: Critical for an injection or
 * code-execution sink (command, code, SQL, deserialisation, template), High
 * for request data in the arguments of a program run without a shell (argv),
 * otherwise its rule's own risk. Tree-sitter engine only (--no-bandit).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL_SINKS, type SinkKind } from '../../server/src/engine/flow/types.js';
import { runCli, type JsonFinding, type JsonReport } from '../support/cli.js';
import { readRules } from '../support/fixtures.js';
import { REPO_ROOT } from '../lsp/client.js';

const APPS = 'test/fixtures/apps';
const RANK = ['Low', 'Medium', 'High', 'Critical'];

interface App {
  /** The file of handlers in pairs, relative to the app. */
  pairs: string;
  /** The older files' findings of at least Medium risk: file, line, rule, risk, whether a path was traced. */
  others: [string, number, string, string, boolean][];
}

const APPS_UNDER_TEST: Record<string, App> = {
  flask: {
    pairs: 'views.py',
    others: [
      ['app.py', 22, 'B608', 'Critical', true],
      ['app.py', 36, 'PS301', 'Critical', true],
      ['app.py', 42, 'B602', 'Critical', true],
      ['app.py', 47, 'PS001', 'High', true],
      ['app.py', 56, 'B201', 'High', false],
      // pickle.loads(blob) of a parameter no caller is seen for: no path, so High, not Critical.
      ['tasks.py', 10, 'B301', 'High', false],
      ['tasks.py', 14, 'B501', 'High', false],
    ],
  },
  django: {
    pairs: 'shop/flows.py',
    others: [
      ['shop/views.py', 17, 'B608', 'Critical', true],
      ['shop/views.py', 38, 'B307', 'Critical', true],
      // Django's generated "django-insecure-…" key is a real random key in application code: Critical (grading/risk.ts).
      ['shop/settings.py', 4, 'B105', 'Critical', false],
      ['shop/settings.py', 5, 'PS502', 'Medium', false],
      ['shop/settings.py', 6, 'PS503', 'Medium', false],
      // bandit's blacklist of xml.sax.make_parser, in the vulnerable handler and its safe twin alike.
      ['shop/flows.py', 167, 'B317', 'Medium', false],
      ['shop/flows.py', 174, 'B317', 'Medium', false],
    ],
  },
  fastapi: {
    pairs: 'routes.py',
    others: [
      ['main.py', 12, 'PS501', 'Medium', false],
      ['main.py', 23, 'PS701', 'High', false],
      ['main.py', 33, 'PS001', 'High', true],
      ['main.py', 50, 'B307', 'Critical', true],
    ],
  },
};

/** The `# path: <rule>` markers of a file: 1-based line and rule. */
function markers(file: string): { line: number; rule: string }[] {
  const out: { line: number; rule: string }[] = [];
  readFileSync(join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /#\s*path:\s*([A-Z]+\d+)\s*$/.exec(text);
      if (m) out.push({ line: i + 1, rule: m[1] });
    });
  return out;
}

const rules = readRules();
const sinkOf = (rule: string): SinkKind | undefined => (JSON.parse(readFileSync(join(REPO_ROOT, 'queries', `${rule}.json`), 'utf8')) as { sink?: { kind: SinkKind } }).sink?.kind;

/**
 * The risk a marked finding is graded: Critical for a critical sink with its path; High for
 * request data among a program's arguments run without a shell (the pairs' argv handlers: the
 * program itself stays constant, which would be Critical); else the rule's own.
 */
function expectedRisk(rule: string): string {
  const kind = sinkOf(rule);
  if (kind === 'argv') return 'High';
  return kind && CRITICAL_SINKS.has(kind) ? 'Critical' : rules.get(rule)!.risk;
}

async function check(dir: string, minRisk: string): Promise<JsonFinding[]> {
  const r = await runCli(['check', '--no-bandit', '--format', 'json', '--min-risk', minRisk, dir]);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as JsonReport;
  expect(report.errors).toEqual([]);
  // Hygiene entries (suppression comments) are not filtered by risk; suppressed findings are said as such.
  return report.findings.filter((f) => f.engine !== 'hygiene' && !f.suppressed);
}

const key = (file: string, line: number, rule: string, risk: string) => `${file}:${line} ${rule} ${risk}`;

describe.each(Object.entries(APPS_UNDER_TEST))('the %s app graded by attack path', (app, x) => {
  const dir = `${APPS}/${app}`;
  const pairsFile = `${dir}/${x.pairs}`;
  const marked = markers(pairsFile);
  let high: JsonFinding[];
  let medium: JsonFinding[];

  beforeAll(async () => {
    [high, medium] = await Promise.all([check(dir, 'high'), check(dir, 'medium')]);
  });

  it('marks a vulnerable handler for every sink kind the rules know', () => {
    const kinds = new Set(marked.map((m) => sinkOf(m.rule)));
    expect([...kinds].sort()).toEqual(['argv', 'code', 'command', 'deserialisation', 'header', 'html', 'ldap', 'mass-assignment', 'path', 'redirect', 'session', 'sql', 'template', 'url', 'xml', 'xpath']);
  });

  it('--min-risk high lists exactly the vulnerable handlers\' findings', () => {
    const expected = [
      ...marked.filter((m) => RANK.indexOf(expectedRisk(m.rule)) >= RANK.indexOf('High')).map((m) => key(pairsFile, m.line, m.rule, expectedRisk(m.rule))),
      ...x.others.filter(([, , , risk]) => RANK.indexOf(risk) >= RANK.indexOf('High')).map(([file, line, rule, risk]) => key(`${dir}/${file}`, line, rule, risk)),
    ].sort();
    expect(high.map((f) => key(f.path, f.line, f.rule, f.risk!)).sort()).toEqual(expected);
  });

  it('--min-risk medium adds the Medium ones (header, session, redirect): still none from a safe twin', () => {
    const expected = [
      ...marked.map((m) => key(pairsFile, m.line, m.rule, expectedRisk(m.rule))),
      ...x.others.map(([file, line, rule, risk]) => key(`${dir}/${file}`, line, rule, risk)),
    ].sort();
    expect(medium.map((f) => key(f.path, f.line, f.rule, f.risk!)).sort()).toEqual(expected);
  });

  it('each vulnerable handler\'s finding carries its path: from the request, in the handler, to the marked sink', () => {
    for (const m of marked) {
      const f = medium.find((g) => g.path === pairsFile && g.line === m.line && g.rule === m.rule);
      expect(f, `${m.rule} at ${x.pairs}:${m.line}`).toBeDefined();
      const flow = f!.flow;
      expect(flow, `${m.rule} at ${x.pairs}:${m.line}: flow`).not.toBeNull();
      expect(flow!.length).toBeGreaterThanOrEqual(2);
      const [source, ...rest] = flow!;
      const last = rest[rest.length - 1];
      expect(last.line, `${m.rule} at ${x.pairs}:${m.line}: the path ends at the sink`).toBe(m.line);
      expect(source.path).toBe(pairsFile);
      // The source is in the same handler: a few lines above the sink at most.
      expect(source.line).toBeLessThanOrEqual(m.line);
      expect(m.line - source.line).toBeLessThan(6);
      expect(source.note).toMatch(/request|query parameter|form field|JSON body|body|file|header|cookie|parameter/i);
    }
  });

  it('the older files keep their findings, with a path exactly where one was traced', () => {
    for (const [file, line, rule, , traced] of x.others) {
      const f = medium.find((g) => g.path === `${dir}/${file}` && g.line === line && g.rule === rule);
      expect(f, `${rule} at ${file}:${line}`).toBeDefined();
      expect(f!.flow !== null && f!.flow.length > 0, `${rule} at ${file}:${line}: traced`).toBe(traced);
    }
  });
});
