/**
 * The report model from in-memory files (no CLI): how suppressions are
 * judged (placeholder, bare, unused), the top three (one per rule), and
 * the good practices (only code counts, not strings or comments; an
 * f-string query is not a parameterized one).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../server/src/batch/file.js';
import { Engine } from '../../server/src/engine/engine.js';
import { buildReport, type ReportInput } from '../../server/src/report/model.js';
import { PracticeScanner } from '../../server/src/report/positives.js';
import { suppressionComments, type SuppressionComment } from '../../server/src/report/suppressions.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

function input(files: Record<string, string>): ReportInput {
  const results = Object.entries(files).map(([path, text]) => checkText(engine, `/app/${path}`, text));
  const comments = new Map<string, SuppressionComment[]>();
  const scanner = new PracticeScanner(engine.parser.language!);
  for (const r of results) {
    const tree = engine.parser.parse(r.text)!;
    comments.set(r.path, suppressionComments(r.doc, tree));
    scanner.scan(tree, r.path.slice('/app/'.length), r.text);
    tree.delete();
  }
  const positives = scanner.result();
  scanner.dispose();
  return {
    application: 'app',
    base: '/app',
    scope: ['.'],
    date: new Date('2026-01-02T03:04:05Z'),
    results,
    errors: [],
    frameworks: [],
    positives,
    comments,
    remediation: (id) => engine.ruleset.byId.get(id)?.remediation,
    ruleInfo: () => undefined,
    bandit: { ran: false, reason: 'test' },
    toolVersion: '0.0.0',
    rulesLoaded: 1,
    placeholder: 'justification required',
  };
}

describe('buildReport', () => {
  it('judges each suppression comment: justified, placeholder, missing, bare, unused', () => {
    const m = buildReport(
      input({
        'a.py': [
          'import subprocess',
          'eval(input())  # nosec B307 # input is a constant in tests',
          'eval(input())  # nosec B307 # justification required',
          'eval(input())  # nosec',
          'x = 1  # nosec B602 # nothing here',
          'y = 2  # pysec: ignore[PS001]',
          '',
        ].join('\n'),
      }),
    );
    expect(m.date).toBe('2026-01-02');
    expect(m.suppressions.map((s) => [s.line, s.silences, s.justified, s.problems])).toEqual([
      [2, ['B307'], true, []],
      [3, ['B307'], false, ['placeholder justification']],
      [4, ['B307'], false, ['no justification', 'bare # nosec silences every check on the line']],
      [5, [], true, ['silences nothing in this review']],
      [6, [], false, ['no justification', 'silences nothing in this review']],
    ]);
    expect(m.unjustified).toBe(3);
    // The suppressed findings point at their comment.
    expect(m.suppressed.map((s) => [s.rule, s.line, m.suppressions[s.suppression].line])).toEqual([
      ['B307', 2, 2],
      ['B307', 3, 3],
      ['B307', 4, 4],
    ]);
    expect(m.findings.map((f) => f.rule)).toEqual(['B404']);
  });

  it('numbers findings most serious first and takes one per rule for the top three', () => {
    const m = buildReport(
      input({
        'b.py': 'import subprocess\nx = input()\neval(x)\neval(x)\nsubprocess.call(x, shell=True)\n',
      }),
    );
    expect(m.findings.map((f) => [f.id, f.rule, f.risk])).toEqual([
      ['F-001', 'B307', 'Critical'],
      ['F-002', 'B307', 'Critical'],
      ['F-003', 'B602', 'Critical'],
      ['F-004', 'B404', 'Low'],
    ]);
    expect(m.top.map((f) => f.id)).toEqual(['F-001', 'F-003', 'F-004']);
    expect(m.nextSteps.map((s) => [s.horizon, s.items.map((i) => i.ids)])).toEqual([
      ['Immediately', [['F-001', 'F-002'], ['F-003']]],
      ['When convenient', [['F-004']]],
    ]);
    expect(m.byOwasp).toEqual([{ id: 'A03', name: 'Injection', count: 4 }]);
    expect(m.byFile.map((g) => [g.path, g.findings.length])).toEqual([['b.py', 4]]);
  });
});

describe('good practices', () => {
  it('counts code, not strings or comments; an f-string query is not parameterized', () => {
    const m = buildReport(
      input({
        'c.py': [
          'import os, yaml',
          'doc = "yaml.safe_load(x) and cursor.execute(q, [v])"',
          '# yaml.safe_load(data)',
          'cur.execute(f"SELECT {v}", [v])',
          'cur.execute("SELECT %s" % v, [v])',
          'API_KEY = "literal"',
          '',
        ].join('\n'),
      }),
    );
    expect(m.positives.map((p) => p.id)).toEqual(['no-eval']);
  });

  it('records evidence with file, line and code', () => {
    const m = buildReport(input({ 'd.py': 'import os\nimport yaml\nSECRET_KEY = os.environ["K"]\ncfg = yaml.safe_load(open("c").read())\n' }));
    expect(m.positives.map((p) => [p.id, p.evidence])).toEqual([
      ['yaml-safe-load', [{ path: 'd.py', line: 4, code: 'cfg = yaml.safe_load(open("c").read())' }]],
      ['secrets-from-environment', [{ path: 'd.py', line: 3, code: 'SECRET_KEY = os.environ["K"]' }]],
      ['no-eval', []],
    ]);
  });
});
