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
    // Graded by attack path: `input()` is the operator's input, not an attacker's, so eval and the shell are High.
    expect(m.findings.map((f) => [f.id, f.rule, f.risk])).toEqual([
      ['F-001', 'B307', 'High'],
      ['F-002', 'B307', 'High'],
      ['F-003', 'B602', 'High'],
      ['F-004', 'B404', 'Low'],
    ]);
    expect(m.top.map((f) => f.id)).toEqual(['F-001', 'F-003', 'F-004']);
    expect(m.nextSteps.map((s) => [s.horizon, s.items.map((i) => i.ids)])).toEqual([
      ['Short term', [['F-001', 'F-002'], ['F-003']]],
      ['When convenient', [['F-004']]],
    ]);
    expect(m.byOwasp).toEqual([{ id: 'A03', name: 'Injection', count: 4 }]);
    expect(m.byFile.map((g) => [g.path, g.findings.length])).toEqual([['b.py', 4]]);
  });
});

describe('graded by attack path', () => {
  const FLASK = [
    'import pickle',
    'from flask import Flask, request',
    'app = Flask(__name__)',
    '',
    '@app.route("/run", methods=["POST"])',
    'def run():',
    '    code = request.form["c"]',
    '    exec(code)',
    '    exec("print(1)")',
    '    return "ok"',
    '',
    'def restore(blob):',
    '    return pickle.loads(blob)',
    '',
  ].join('\n');
  const withRules = (files: Record<string, string>): ReportInput => ({
    ...input(files),
    ruleInfo: (id) => {
      const r = engine.ruleset.byId.get(id);
      return r && { id: r.id, name: r.name, message: r.message, docs: r.docs, cwe: r.cwe, owasp: r.owasp, risk: r.risk, confidence: r.confidence, ...(r.sink ? { sink: r.sink.kind } : {}), ...(r.credential ? { credential: true } : {}) };
    },
  });

  it('counts, top three and the Critical next steps come from the graded risk, each Critical with its path in one sentence', () => {
    const m = buildReport(withRules({ 'app.py': FLASK }));
    expect(m.findings.map((f) => [f.id, f.rule, f.line, f.risk])).toEqual([
      ['F-001', 'B102', 8, 'Critical'],
      ['F-002', 'B301', 13, 'High'],
      ['F-003', 'B403', 1, 'Low'],
      ['F-004', 'B102', 9, 'Low'],
    ]);
    expect(m.summary.map((s) => s.count)).toEqual([1, 1, 0, 2]);
    const exec = m.findings[0];
    expect(exec.flow?.map((s) => [s.path, s.line, s.note])).toEqual([
      ['app.py', 7, expect.stringContaining("form field 'c'")],
      ['app.py', 7, 'assigned to code'],
      ['app.py', 8, 'reaches exec()'],
    ]);
    // The source is code and is quoted as written (not capitalised).
    expect(exec.attackPath).toBe(`${exec.flow![0].note} on line 7, then assigned to code on line 7, then reaches exec() on line 8.`);
    expect(m.top[0].attackPath).toBe(exec.attackPath);
    expect(m.nextSteps[0]).toEqual({ risk: 'Critical', horizon: 'Immediately', items: [{ ids: ['F-001'], rule: 'B102', text: expect.any(String), paths: [`F-001: ${exec.attackPath}`] }] });
    expect(m.nextSteps[1].items.every((i) => i.paths.length === 0)).toBe(true);
    expect(m.findings.slice(1).map((f) => [f.flow, f.attackPath])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('a sink whose input could not be traced makes the review partial; test code does not', () => {
    const m = buildReport(withRules({ 'app.py': FLASK, 'tests/test_app.py': 'import pickle\ndef t(b):\n    return pickle.loads(b)\n' }));
    expect(m.untraced).toEqual([{ id: 'F-002', rule: 'B301', path: 'app.py', line: 13, sink: 'deserialisation' }]);
    expect(buildReport(withRules({ 'ok.py': 'exec("print(1)")\n' })).untraced).toEqual([]);
  });

  it("a Critical hardcoded secret's path is its exposure in the repository; a placeholder is Low and has none", () => {
    const m = buildReport(withRules({ 'settings.py': 'SECRET_KEY = "dev"\nAPI_TOKEN = "9f8Zq-41xLpV-7TnW2"\n' }));
    expect(m.findings.map((f) => [f.line, f.risk, f.attackPath])).toEqual([
      [2, 'Critical', 'The secret is written in the source on line 2: anyone who can read the repository, or a copy of it, can use it.'],
      [1, 'Low', null],
    ]);
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
