/**
 * The grading pass (grading/pass.ts, grading/merged.ts) over real trees:
 * which argument each rule's sink names, what the flow layer is asked, and
 * bandit's findings graded like their tree-sitter twins. The flow layer is
 * stood in for by a `reachOf` that answers from a table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { checkText } from '../../server/src/batch/file.js';
import { Engine } from '../../server/src/engine/engine.js';
import { collectFacts } from '../../server/src/engine/analyzer.js';
import { FileContext } from '../../server/src/engine/context.js';
import type { Reach, SinkKind } from '../../server/src/engine/flow/types.js';
import type { Finding } from '../../server/src/findings/finding.js';
import { gradeFindings, TRACED_PER_FILE } from '../../server/src/grading/pass.js';
import { gradingInWords } from '../../server/src/grading/words.js';
import { gradeByParsing, mergeGraded } from '../../server/src/grading/merged.js';
import type { ReachOf } from '../../server/src/grading/reach.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load();
});

const step = (note: string) => ({ file: null, span: { start: 0, end: 1 }, line: 0, column: 0, note });
const PATH: Reach = { kind: 'untrusted', trust: 'request', path: [step("request.form['c'] (form field 'c')"), step('reaches the sink')] };

/** Answers by the argument's text: `tainted` is untrusted, `clean` sanitised, a literal constant, else unknown; records what was asked. */
function table(asked: [string, SinkKind][]): ReachOf {
  return (expr: Node, kind: SinkKind) => {
    asked.push([expr.text, kind]);
    if (expr.text.includes('tainted')) return PATH;
    if (expr.text.includes('clean')) return { kind: 'sanitised', by: 'shlex.quote' };
    if (/^[["'\d]/.test(expr.text)) return { kind: 'constant' };
    return { kind: 'unknown' };
  };
}

/** The tree-sitter findings of `text`, graded again with `reachOf` (from their ungraded form). */
function graded(text: string, reachOf: ReachOf, path = '/app/m.py'): Finding[] {
  const tree = engine.parser.parse(text)!;
  try {
    const analysis = engine.analysis(path);
    analysis.full(tree);
    const ctx = new FileContext(analysis.imports, path, analysis.settings);
    return gradeFindings(analysis.findings, { tree, ctx, path, rules: engine.ruleset.byId, reachOf });
  } finally {
    tree.delete();
  }
}

const brief = (fs: Finding[]) => fs.map((f) => [f.rule, f.risk, f.reach ?? null, f.flow ? f.flow.length : null]);

describe('the sink argument each rule names', () => {
  it('exec/eval: the first argument, code', () => {
    const asked: [string, SinkKind][] = [];
    const fs = graded('exec(tainted)\neval("1+1")\neval(other)\n', table(asked));
    expect(brief(fs)).toEqual([
      ['B102', 'Critical', 'untrusted', 2],
      ['B307', 'Low', 'constant', null],
      ['B307', 'High', 'unknown', null],
    ]);
    expect(asked).toEqual([
      ['tainted', 'code'],
      ['"1+1"', 'code'],
      ['other', 'code'],
    ]);
    expect(fs[0].flow![0].note).toBe("request.form['c'] (form field 'c')");
  });

  it('subprocess shell=True: the first argument, whatever the finding highlights', () => {
    const asked: [string, SinkKind][] = [];
    const fs = graded('import subprocess\nsubprocess.run(tainted, shell=True)\nsubprocess.run(clean, shell=True)\nsubprocess.run(cmd,\n    shell=True)\n', table(asked));
    expect(brief(fs.filter((f) => f.rule === 'B602'))).toEqual([
      ['B602', 'Critical', 'untrusted', 2],
      ['B602', 'Low', 'sanitised', null],
      ['B602', 'High', 'unknown', null],
    ]);
    expect(asked).toEqual([
      ['tainted', 'command'],
      ['clean', 'command'],
      ['cmd', 'command'],
    ]);
  });

  it('Django extra(): every argument, the worst answer', () => {
    const asked: [string, SinkKind][] = [];
    const fs = graded('User.objects.extra(select={"a": "1"}, where=[tainted])\nUser.objects.extra(where=[clean], tables=["t"])\n', table(asked));
    expect(brief(fs.filter((f) => f.rule === 'B610'))).toEqual([
      ['B610', 'Critical', 'untrusted', 2],
      ['B610', 'Low', 'sanitised', null],
    ]);
    expect(asked.map(([, k]) => k)).toEqual(['sql', 'sql', 'sql', 'sql']);
  });

  it('a keyword where the position is empty: yaml.load(stream=...)', () => {
    const asked: [string, SinkKind][] = [];
    const fs = graded('import yaml\nyaml.load(stream=tainted)\n', table(asked));
    expect(brief(fs.filter((f) => f.rule === 'B506'))).toEqual([['B506', 'Critical', 'untrusted', 2]]);
    expect(asked).toEqual([['tainted', 'deserialisation']]);
  });

  it('a call with no argument at the sink is not asked: the default, at most High', () => {
    const asked: [string, SinkKind][] = [];
    const fs = graded('import pickle\npickle.loads()\n', table(asked));
    expect(brief(fs.filter((f) => f.rule === 'B301'))).toEqual([['B301', 'High', null, null]]);
    expect(asked).toEqual([]);
  });

  it('a rule without a sink: never asked, never above High, risk otherwise its own', () => {
    const asked: [string, SinkKind][] = [];
    const fs = graded('import requests\nrequests.get(tainted, verify=False)\nassert tainted\n', table(asked));
    expect(brief(fs).filter(([r]) => r === 'B501' || r === 'B101')).toEqual([
      ['B501', 'High', null, null],
      ['B101', 'Low', null, null],
    ].sort((a, b) => (a[0]! < b[0]! ? 1 : -1)));
    expect(asked).toEqual([]);
  });
});

describe('constants without a flow layer (constantsOnly)', () => {
  it('exec("print(1)") is Low, exec(x) High: checkText grades in the worker', () => {
    const r = checkText(engine, '/app/m.py', 'exec("print(1)")\nexec(x)\nexec("a" + "b" % (1, 2))\nexec(f"{x}")\n');
    expect(brief(r.findings)).toEqual([
      ['B102', 'Low', 'constant', null],
      ['B102', 'High', 'unknown', null],
      ['B102', 'Low', 'constant', null],
      ['B102', 'High', 'unknown', null],
    ]);
  });
});

describe('hardcoded credentials and test code', () => {
  it('a placeholder is Low, a real-looking secret Critical, test code Low', () => {
    const text = 'SECRET_KEY = "dev"\nDB_PASSWORD = "Zx81!qP0-LmN"\nconnect(password="changeme")\ndef f(token="xxxxxxxx"): pass\n';
    expect(brief(checkText(engine, '/app/settings.py', text).findings)).toEqual([
      ['B105', 'Low', null, null],
      ['B105', 'Critical', null, null],
      ['B106', 'Low', null, null],
      ['B107', 'Low', null, null],
    ]);
    expect(checkText(engine, '/app/tests/conftest.py', 'SECRET_KEY = "test key"\nAPI_TOKEN = "Zx81!qP0-LmN"\n').findings.map((f) => f.risk)).toEqual(['Low', 'Low']);
  });
});

describe('weak hashes and random whose value is a secret', () => {
  it.each([
    ['token = hashlib.md5(x).hexdigest()', 'High'],
    ['cache_key = hashlib.md5(url.encode()).hexdigest()', 'Medium'],
    ['digest = hashlib.md5(password.encode()).hexdigest()', 'High'],
    ['resp.set_cookie("session", hashlib.md5(x).hexdigest())', 'High'],
    ['d = {"api_key": hashlib.md5(x).hexdigest()}', 'High'],
    ['make(reset_token=str(random.random()))', 'High'],
    ['n = random.randint(1, 6)', 'Medium'],
    ['def new_session_id():\n    return "%x" % random.getrandbits(64)', 'High'],
  ])('%s: %s', (line, want) => {
    const fs = checkText(engine, '/app/m.py', `import hashlib, random\n${line}\n`).findings.filter((f) => ['B303', 'B324', 'B311'].includes(f.rule));
    expect(fs.length).toBeGreaterThan(0);
    for (const f of fs) expect([f.rule, f.risk]).toEqual([f.rule, want]);
  });
});

describe("bandit's findings", () => {
  const bandit = (over: Partial<Finding>): Finding => ({
    rule: 'B102',
    name: 'exec_used',
    severity: 'MEDIUM',
    confidence: 'HIGH',
    cwe: 78,
    owasp: 'A03',
    risk: 'Critical',
    message: 'Use of exec detected.',
    range: { start: 0, end: 16 },
    anchor: { start: 0, end: 16 },
    root: { start: 0, end: 16 },
    engine: 'bandit',
    docs: 'https://bandit.readthedocs.io/',
    suppressed: null,
    ...over,
  });

  it("take their tree-sitter twin's grade; one without a twin is graded on the tree", () => {
    const text = 'exec("print(1)")\nexec(code)\n';
    const ts = checkText(engine, '/app/m.py', text).findings;
    const lineOf = (o: number) => text.slice(0, o).split('\n').length - 1;
    const rest: Finding[][] = [];
    const merged = mergeGraded(ts.slice(0, 1), [bandit({}), bandit({ range: { start: 17, end: 27 }, anchor: { start: 17, end: 27 }, root: { start: 17, end: 27 } })], lineOf, (fs) => {
      rest.push([...fs]);
      return gradeByParsing(engine, '/app/m.py', text, fs);
    });
    expect(merged.map((f) => [f.engine, f.risk, f.reach, f.message])).toEqual([
      ['bandit', 'Low', 'constant', 'Use of exec detected.'],
      ['bandit', 'High', 'unknown', 'Use of exec detected.'],
    ]);
    expect(rest.map((fs) => fs.length)).toEqual([1]);
  });

  it('graded on a parsed tree with its ranges of whole lines (bandit 1.6: no end column)', () => {
    const text = 'import os\nos.system("ls")\n';
    const f = bandit({ rule: 'B605', range: { start: 10, end: 25 }, anchor: { start: 10, end: 25 }, root: { start: 10, end: 25 } });
    expect(gradeByParsing(engine, '/app/m.py', text, [f]).map((g) => [g.risk, g.reach])).toEqual([['Low', 'constant']]);
  });

  it('change only risk, flow and reach', () => {
    const text = 'exec(code)\n';
    const f = bandit({ range: { start: 0, end: 10 } });
    const [g] = gradeByParsing(engine, '/app/m.py', text, [f]);
    const { risk, flow, reach, ...rest } = g;
    const { risk: _r, ...before } = f;
    expect(rest).toEqual(before);
    expect([risk, flow, reach]).toEqual(['High', null, 'unknown']);
  });
});

describe('facts for a parsed tree', () => {
  it('collectFacts gives the imports the context resolves names with', () => {
    const tree = engine.parser.parse('from subprocess import run as r\nr("ls", shell=True)\n')!;
    try {
      const facts = collectFacts(engine.ruleset, tree.rootNode, null);
      expect(facts.imports.length).toBe(1);
    } finally {
      tree.delete();
    }
  });
});

describe('the flow layer is asked about a bounded number of findings per file', () => {
  it(`the first ${TRACED_PER_FILE} findings at a sink are traced; the rest keep the default risk and say they were not traced`, () => {
    const n = TRACED_PER_FILE + 500;
    const asked: [string, SinkKind][] = [];
    // A sink-less finding first (B101 assert): it does not count.
    const fs = graded('assert x\n' + 'eval(tainted)\n'.repeat(n), table(asked));
    expect(asked.length).toBe(TRACED_PER_FILE);
    const evals = fs.filter((f) => f.rule === 'B307');
    expect(evals.length).toBe(n);
    expect(brief(evals.slice(0, TRACED_PER_FILE)).every(([, risk, reach]) => risk === 'Critical' && reach === 'untrusted')).toBe(true);
    const rest = evals.slice(TRACED_PER_FILE);
    expect(new Set(rest.map((f) => JSON.stringify(brief([f])[0])))).toEqual(new Set([JSON.stringify(['B307', 'High', 'unknown', null])]));
    expect(gradingInWords(rest[0])).toBe('What reaches this sink could not be traced (graded at most High): check where its input comes from.');
  });
});
