/**
 * `report --format sarif`: valid SARIF 2.1.0 (checked against the schema
 * that @microsoft/jest-sarif ships, sarif-2.1.0-rtm.5.json, the 2.1.0
 * schema as a draft-04 JSON schema), with rule metadata for GitHub code
 * scanning and suppressions as `inSource` with their justification.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const require = createRequire(import.meta.url);
// CommonJS modules whose exports are also their `default` (a NodeNext default import is the exports object).
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const SCHEMA_PATH = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

type Json = any;

let validate: ReturnType<InstanceType<typeof Ajv>['compile']>;

beforeAll(() => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  expect(schema.title).toContain('2.1.0');
  // strict: false for the schema's own extras; unicodeRegExp: false because its `language` pattern
  // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, a lone `]`) is valid only without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
});

async function sarif(app: string): Promise<Json> {
  const r = await runCli(['report', '--no-bandit', '--format', 'sarif', `test/fixtures/apps/${app}`]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('report --format sarif', () => {
  it.each(['flask', 'django', 'fastapi'])('validates against the SARIF 2.1.0 schema (%s app)', async (app) => {
    const log = await sarif(app);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(log.version).toBe('2.1.0');
  });

  it('carries each traced attack path as a codeFlow: one threadFlow, the source first, the sink last, each with its note', async () => {
    const log = await sarif('flask');
    const results: Json[] = log.runs[0].results;
    const sqli = results.find((r) => r.ruleId === 'B608')!;
    const steps = sqli.codeFlows[0].threadFlows[0].locations.map((l: Json) => [l.location.physicalLocation.artifactLocation.uri, l.location.physicalLocation.region.startLine, l.location.message.text]);
    expect(steps[0]).toEqual(['test/fixtures/apps/flask/app.py', 20, expect.stringContaining("query parameter 'id'")]);
    expect(steps[steps.length - 1]).toEqual(['test/fixtures/apps/flask/app.py', 22, 'reaches cur.execute()']);
    expect(sqli.codeFlows[0].message.text).toMatch(/^request\.args\.get\("id"\) .* on line 20, .*reaches cur\.execute\(\) on line 22\.$/);
    // No path traced, no codeFlows.
    expect(results.find((r) => r.ruleId === 'B201')!.codeFlows).toBeUndefined();
  });

  it('the validator rejects what is not SARIF (the check can fail)', async () => {
    const log = await sarif('fastapi');
    log.runs[0].results[0].level = 'catastrophic';
    delete log.runs[0].tool.driver.name;
    expect(validate(log)).toBe(false);
  });

  it('describes each rule: help text, CWE and OWASP tags, security-severity', async () => {
    const log = await sarif('flask');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('pysec-lsp');
    const rules: Json[] = run.tool.driver.rules;
    const b608 = rules.find((r) => r.id === 'B608');
    expect(b608.properties.tags).toEqual(expect.arrayContaining(['security', 'CWE-89', 'external/cwe/cwe-89', 'OWASP-A03:2021']));
    expect(b608.properties['security-severity']).toBe('9.5');
    expect(b608.help.text).toContain('How to fix:');
    expect(b608.helpUri).toMatch(/^https:\/\//);
    // Every result points at its rule by id and index.
    for (const res of run.results) expect(rules[res.ruleIndex].id).toBe(res.ruleId);
    // Locations relative to %SRCROOT%, which is the folder the report ran in.
    const first = run.results[0].locations[0].physicalLocation;
    expect(first.artifactLocation.uriBaseId).toBe('%SRCROOT%');
    expect(first.artifactLocation.uri).toMatch(/^test\/fixtures\/apps\/flask\/(app|tasks)\.py$/);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toMatch(/^file:\/\/\/.*\/$/);
  });

  it('lists open findings as results and suppressed ones with inSource suppressions and their justification', async () => {
    const log = await sarif('flask');
    const results: Json[] = log.runs[0].results;
    const open = results.filter((r) => !r.suppressions);
    const silenced = results.filter((r) => r.suppressions);
    // app.py and tasks.py's 11, views.py's handlers in pairs (test/cli/apps-risk.test.ts), and the argv pair (a process started without a shell: High and Low).
    expect(open).toHaveLength(36);
    expect(open.filter((r) => r.level === 'error')).toHaveLength(20); // Critical + High
    expect(silenced.map((r) => [r.ruleId, r.locations[0].physicalLocation.region.startLine])).toEqual([
      ['B603', 18],
      ['B324', 22],
    ]);
    const [justified, bare] = silenced.map((r) => r.suppressions[0]);
    expect(justified).toMatchObject({ kind: 'inSource', status: 'accepted', justification: 'fixed argument list, no user input' });
    expect(bare).toMatchObject({ kind: 'inSource', status: 'underReview', justification: 'no justification given' });
  });

  it('says in the run when bandit did not run', async () => {
    const log = await sarif('django');
    const notes = log.runs[0].invocations[0].toolExecutionNotifications.map((n: Json) => n.message.text);
    expect(notes).toContain('bandit did not run: --no-bandit was given');
    expect(log.runs[0].properties.frameworks).toEqual(['Django']);
  });
});
