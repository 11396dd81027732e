/**
 * Every rule fixture through `check --no-bandit --format json <fixture>…`
 * gives exactly the findings its `# expect:` comments state; and every rule
 * in queries/ has a fixture that shows it firing.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkJson, type CliResult, type JsonReport } from '../support/cli.js';
import { fixtureFiles, fixtureName, fixtureRule, readRules } from '../support/fixtures.js';
import { expectationKeys, fixtureExpectations } from '../lsp/expect.js';

const files = fixtureFiles();

let report: JsonReport;
let result: CliResult;

beforeAll(async () => {
  // One run, each fixture named as a file of its own on the command line.
  if (files.length) ({ report, result } = await checkJson(files));
});

describe('rule fixtures through check', () => {
  it('check runs over all fixtures without errors', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(report.errors).toEqual([]);
    const anyExpected = files.some((f) => fixtureExpectations(readFileSync(f, 'utf8')).length > 0);
    expect(result.code).toBe(anyExpected ? 1 : 0);
  });

  it.each(files.map((f) => [fixtureName(f), f]))('%s gives exactly its expected findings', (_name, file) => {
    const expected = expectationKeys(fixtureExpectations(readFileSync(file, 'utf8')));
    const got = expectationKeys(report.findings.filter((f) => f.path === file && !f.suppressed).map((f) => ({ rule: f.rule, lineNumber: f.line })));
    expect(got, `${fixtureName(file)}: check (rule@line) vs # expect: comments`).toEqual(expected);
  });
});

describe('fixture coverage', () => {
  it('every rule in queries/ has a fixture that expects it at least once', () => {
    // A dependency rule (PS601, PS602) reads manifests, not Python: its fixtures are test/fixtures/audit/ (test/cli/audit.test.ts).
    const rules = [...readRules().values()].filter((r) => r.kind !== 'dependency').map((r) => r.id);
    const expectedByRule = new Map<string, number>();
    const fixturesByRule = new Map<string, string[]>();
    for (const f of files) {
      const rule = fixtureRule(f);
      if (rule) fixturesByRule.set(rule, [...(fixturesByRule.get(rule) ?? []), fixtureName(f)]);
      for (const e of fixtureExpectations(readFileSync(f, 'utf8'))) {
        if (e.rule === rule) expectedByRule.set(rule, (expectedByRule.get(rule) ?? 0) + 1);
      }
    }
    const missing = rules.filter((r) => !fixturesByRule.has(r));
    const neverFlagged = rules.filter((r) => fixturesByRule.has(r) && !expectedByRule.get(r));
    expect({ missing, neverFlagged }, 'rules without a fixture test/fixtures/rules/<ID>.py, or whose fixture never expects the rule').toEqual({
      missing: [],
      neverFlagged: [],
    });
  });

  it('every fixture is named for a rule that exists', () => {
    const rules = readRules();
    const orphans = files.map((f) => [fixtureName(f), fixtureRule(f)] as const).filter(([, r]) => r === null || !rules.has(r));
    expect(orphans.map(([n]) => n)).toEqual([]);
  });
});
