/**
 * The shell-injection and SQL rules (B602–B605, B607, B608) against what
 * bandit 1.9.4 reports, one small snippet at a time. The expectations were
 * produced by running bandit 1.9.4 (Python 3.11) on each snippet; `HH` is
 * severity HIGH / confidence HIGH, `ML` MEDIUM / LOW, and so on. The rule
 * fixtures cover realistic code; these pin down bandit's corner cases
 * (has_shell's truthiness, the literal-command severity, partial paths,
 * how B608 assembles a statement and when it trusts it more).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../server/src/batch/file.js';
import { Engine } from '../../server/src/engine/engine.js';

const OURS = new Set(['B602', 'B603', 'B604', 'B605', 'B607', 'B608']);

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

function run(text: string): { rule: string; line: number; level: string }[] {
  const r = checkText(engine, '/virtual/snippet.py', text);
  return r.findings
    .filter((f) => OURS.has(f.rule) && !f.suppressed)
    .map((f) => ({ rule: f.rule, line: r.doc.positionAt(f.range.start).line + 1, level: f.severity[0] + f.confidence[0] }));
}

function summary(text: string): string {
  return run(text)
    .map((f) => `${f.rule}:${f.level}`)
    .sort()
    .join(' ');
}

/** One line each: [snippet, bandit 1.9.4's findings for our ids]. */
const ONE_LINERS: [string, string][] = [
  ["subprocess.run(cmd, shell=True)", 'B602:HH'],
  ["subprocess.run(\"/bin/ls\", shell=True)", 'B602:LH'],
  ["subprocess.run(b\"/bin/ls\", shell=True)", 'B602:HH'],
  ["subprocess.run((\"/bin/ls\"), shell=True)", 'B602:LH'],
  ["subprocess.run(\"/bin/\" \"ls\", shell=True)", 'B602:LH'],
  ["subprocess.run(f\"/bin/ls {d}\", shell=True)", 'B602:HH'],
  ["subprocess.run(\"/bin/ls \" + d, shell=True)", 'B602:HH'],
  ["subprocess.run(*argv, shell=True)", 'B602:HH'],
  ["subprocess.run(args=cmd, shell=True)", ''],
  ["subprocess.run(cmd, shell=False)", 'B603:LH'],
  ["subprocess.run(cmd, shell=None)", 'B603:LH'],
  ["subprocess.run(cmd, shell=0)", 'B603:LH'],
  ["subprocess.run(cmd, shell=0.0)", 'B603:LH'],
  ["subprocess.run(cmd, shell=0j)", 'B603:LH'],
  ["subprocess.run(cmd, shell=0x0)", 'B603:LH'],
  ["subprocess.run(cmd, shell=1)", 'B602:HH'],
  ["subprocess.run(cmd, shell=2.5)", 'B602:HH'],
  ["subprocess.run(cmd, shell=1j)", 'B602:HH'],
  ["subprocess.run(cmd, shell=-1)", 'B602:HH'],
  ["subprocess.run(cmd, shell=\"\")", 'B603:LH'],
  ["subprocess.run(cmd, shell=\"\" \"\")", 'B603:LH'],
  ["subprocess.run(cmd, shell=\"False\")", 'B602:HH'],
  ["subprocess.run(cmd, shell=b\"\")", 'B603:LH'],
  ["subprocess.run(cmd, shell=b\"0\")", 'B602:HH'],
  ["subprocess.run(cmd, shell=f\"\")", 'B602:HH'],
  ["subprocess.run(cmd, shell=[])", 'B603:LH'],
  ["subprocess.run(cmd, shell=[0])", 'B602:HH'],
  ["subprocess.run(cmd, shell={})", 'B603:LH'],
  ["subprocess.run(cmd, shell={**opts})", 'B602:HH'],
  ["subprocess.run(cmd, shell=())", 'B602:HH'],
  ["subprocess.run(cmd, shell=set())", 'B602:HH'],
  ["subprocess.run(cmd, shell=...)", 'B602:HH'],
  ["subprocess.run(cmd, shell=(False))", 'B603:LH'],
  ["subprocess.run(cmd, shell=flag)", 'B602:HH'],
  ["subprocess.run(cmd, shell=not flag)", 'B602:HH'],
  ["subprocess.run(cmd, **{\"shell\": True})", 'B603:LH'],
  ["subprocess.run(cmd)", 'B603:LH'],
  ["subprocess.run()", 'B603:LH'],
  ["subprocess.Popen([\"ls\", \"-l\"])", 'B603:LH B607:LH'],
  ["subprocess.Popen([])", 'B603:LH'],
  ["subprocess.Popen([\"\"])", 'B603:LH B607:LH'],
  ["subprocess.Popen([b\"ls\"])", 'B603:LH'],
  ["subprocess.Popen([(\"ls\")])", 'B603:LH B607:LH'],
  ["subprocess.Popen([*argv])", 'B603:LH'],
  ["subprocess.Popen((\"ls\", \"-l\"))", 'B603:LH'],
  ["subprocess.Popen(\"./run.sh\")", 'B603:LH'],
  ["subprocess.Popen(\"../run.sh\")", 'B603:LH'],
  ["subprocess.Popen(\"C:\\\\run.exe\")", 'B603:LH'],
  ["subprocess.Popen(\"c:run.exe\")", 'B603:LH'],
  ["subprocess.Popen(\"1:run.exe\")", 'B603:LH B607:LH'],
  ["subprocess.Popen(\"\\\\\\\\server\\\\run.exe\")", 'B603:LH'],
  ["os.system(\"ls\")", 'B605:LH B607:LH'],
  ["os.system(\"/bin/ls\")", 'B605:LH'],
  ["os.system(cmd)", 'B605:HH'],
  ["os.system(b\"/bin/ls\")", 'B605:HH'],
  ["os.system()", ''],
  ["os.popen(\"/bin/ls\" % x)", 'B605:HH'],
  ["os.popen4(cmd)", 'B605:HH'],
  ["os.execvp(\"ls\", [\"ls\"])", 'B607:LH'],
  ["os.spawnlp(os.P_WAIT, \"ls\", \"ls\")", ''],
  ["os.startfile(\"doc.txt\")", 'B607:LH'],
  ["commands.getoutput(\"/bin/ls\")", 'B605:LH'],
  ["popen2.Popen3(cmd)", 'B605:HH'],
  ["subprocess.getstatusoutput(\"ls\")", 'B605:LH B607:LH'],
  ["helper(cmd, shell=True)", 'B604:ML'],
  ["helper(cmd, shell=0)", ''],
  ["obj.method(shell=flag)", 'B604:ML'],
  ["os.system(\"/bin/ls\", shell=True)", 'B604:ML B605:LH'],
  ["q = \"SELECT a FROM t WHERE b = %s\" % v", 'B608:ML'],
  ["q = \"select a\\nfrom t where b = %s\" % v", 'B608:ML'],
  ["q = \"DELETE  FROM t WHERE %s\" % v", 'B608:ML'],
  ["q = \"INSERT INTO t VALUES(%s)\" % v", 'B608:ML'],
  ["q = \"INSERT INTO t (a) VALUES ('%s')\" % v", 'B608:ML'],
  ["q = \"UPDATE t SET a = %s\" % v", 'B608:ML'],
  ["q = \"SELECT a FROM t WHERE b = {}\".format(v)", 'B608:ML'],
  ["q = \"SELECT a FROM t WHERE b = :b\".replace(\":b\", v)", 'B608:ML'],
  ["q = f\"SELECT a FROM t WHERE b = {v}\"", 'B608:ML'],
  ["q = \"SELECT a \" + \"FROM t WHERE b = \" + v", ''],
  ["q = \"SELECT a FROM \" + t + \" WHERE b = 1\"", 'B608:ML'],
  ["q = v + \"SELECT a FROM t\"", 'B608:ML'],
  ["q = (\"SELECT a \" + v) + \" FROM t\"", 'B608:ML'],
  ["q = b\"SELECT a FROM t WHERE b = %s\" % v", ''],
  ["q = \"SELECT a FROM t\"", ''],
  ["q = \"Select from the list below: %s\" % v", 'B608:ML'],
  ["c.execute(\"SELECT a FROM t WHERE b = %s\" % v)", 'B608:MM'],
  ["c.executemany(\"SELECT a FROM t WHERE b = %s\" % v, rows)", 'B608:MM'],
  ["execute(\"SELECT a FROM t WHERE b = %s\" % v)", 'B608:MM'],
  ["c.execute(q=\"SELECT a FROM t WHERE b = %s\" % v)", 'B608:ML'],
  ["c.execute(\"SELECT a FROM t WHERE b = {}\".format(v))", 'B608:MM'],
  ["c.execute(\"SELECT a FROM t WHERE b = :b\".replace(\":b\", v))", 'B608:ML'],
  ["c.execute(f\"SELECT a FROM t WHERE b = {v}\")", 'B608:MM'],
  ["c.execute(f\"{v} FROM t\" f\"SELECT {w} \")", ''],
  ["c.execute(f\"SELECT {{a}} FROM t\")", 'B608:MM'],
  ["c.execute(f\"{v}\")", ''],
  ["c.execute((\"SELECT a FROM t WHERE b = %s\" % v).strip())", 'B608:ML'],
  ["c.run(\"SELECT a FROM t WHERE b = %s\" % v)", 'B608:ML'],
  ["c.execute(\"SELECT a FROM t WHERE b = %s\", (v,))", ''],
];

describe('one-line snippets agree with bandit 1.9.4', () => {
  it.each(ONE_LINERS)('%s', (snippet, want) => {
    expect(summary(snippet + '\n')).toBe(want);
  });
});

/** Multi-line snippets: [snippet, [rule, line, level] as bandit 1.9.4 reports them]. */
const MULTI_LINE: [string, [string, number, string][]][] = [
  // B602/B603/B604 sit on the line of the shell= value (ast drops parentheses).
  ['subprocess.call(\n    cmd,\n    shell=True,\n)\n', [['B602', 3, 'HH']]],
  ['subprocess.call(cmd,\n    shell=(\n        True))\n', [['B602', 3, 'HH']]],
  ['subprocess.call(["/bin/ls"],\n    shell=False)\n', [['B603', 2, 'LH']]],
  ['subprocess.call(\n    ["/bin/ls"],\n)\n', [['B603', 1, 'LH']]],
  ['helper(\n    cmd, shell=1)\n', [['B604', 2, 'ML']]],
  // B605/B607 on the call's first line.
  ['os.system(\n    "ls")\n', [['B605', 1, 'LH'], ['B607', 1, 'LH']]],
  // B608: the string's first line; an f-string's constants carry the JoinedStr's position.
  ['q = (\n    """SELECT *\n    FROM t WHERE a = %s""" % v)\n', [['B608', 2, 'ML']]],
  ['c.execute(\n    "SELECT * "\n    "FROM t "\n    f"WHERE a = {v}")\n', [['B608', 2, 'MM']]],
  ['c.execute(\n    f"{v}"\n    "SELECT * FROM t")\n', [['B608', 2, 'MM']]],
  ['q = "SELECT " + a + " FROM " + b\n', [['B608', 1, 'ML']]],
  [
    'q = ["DELETE FROM t WHERE %s" % y,\n     "INSERT INTO t VALUES(%s)" % z]\n',
    [
      ['B608', 1, 'ML'],
      ['B608', 2, 'ML'],
    ],
  ],
];

describe('multi-line snippets: the line bandit reports', () => {
  it.each(MULTI_LINE)('%j', (snippet, want) => {
    const got = run(snippet).map((f) => [f.rule, f.line, f.level]);
    expect(got.sort()).toEqual([...want].sort());
  });
});

describe('severity, confidence and messages per case', () => {
  it('B602 and B605 use the LOW message for a constant command and the HIGH one otherwise (graded: Low for the constant, High for an untraced name)', () => {
    const r = checkText(engine, '/virtual/m.py', 'subprocess.run("/bin/ls", shell=True)\nsubprocess.run(c, shell=True)\nos.system("/bin/ls")\nos.system(c)\n');
    const byLine = r.findings.map((f) => [r.doc.positionAt(f.range.start).line + 1, f.rule, f.severity, f.risk, f.message]);
    expect(byLine).toEqual([
      [1, 'B602', 'LOW', 'Low', 'subprocess call with shell=True seems safe, but may be changed in the future, consider rewriting without shell'],
      [2, 'B602', 'HIGH', 'High', 'subprocess call with shell=True identified, security issue.'],
      [3, 'B605', 'LOW', 'Low', 'Starting a process with a shell: Seems safe, but may be changed in the future, consider rewriting without shell'],
      [4, 'B605', 'HIGH', 'High', 'Starting a process with a shell, possible injection detected, security issue.'],
    ]);
  });

  it('a nosec on any line of the call silences B602 reported on the shell= line', () => {
    const r = checkText(engine, '/virtual/n.py', 'subprocess.call(cmd,  # nosec B602\n    shell=True)\n');
    expect(r.findings.filter((f) => f.rule === 'B602').map((f) => f.suppressed !== null)).toEqual([true]);
  });
});

describe('B608 on `+` chains: each chain read once, the strings bandit 1.9.4 reports', () => {
  /** [snippet, the columns of bandit 1.9.4's B608 findings on line 1 (all ML)]. */
  const CHAINS: [string, number[]][] = [
    ['q = "a " + ("SELECT b " + c) + " FROM t"\n', [12]],
    ['q = ("x" + "SELECT ") + (v + " FROM t")\n', [11]],
    ['q = "SELECT " + v + " FROM " + w + " WHERE " + "a"\n', [4]],
    ['cursor.execute("SELECT " + ("a, " + (b + (" FROM " + t))))\n', []],
    ['q = "UPDATE t " + ("SET a = " + v) % w + " WHERE x"\n', []],
    ['q = ("DELETE" + " FROM ") * 2 + v\n', []],
    ['q = "x" + ("y" + ("from " + ("select " + v)))\n', [29]],
    ['q = "from " + v + "select " + w + " from t"\n', [4, 18]],
  ];
  it.each(CHAINS)('%s', (snippet, columns) => {
    const r = checkText(engine, '/virtual/chain.py', snippet);
    const got = r.findings.filter((f) => f.rule === 'B608').map((f) => [r.doc.positionAt(f.range.start).character, f.severity[0] + f.confidence[0]]);
    expect(got).toEqual(columns.map((c) => [c, 'ML']));
  });

  it('a chain too long to read once per string (3,000 parts) is read whole and reported once, on its first string', () => {
    // bandit 1.9.4 itself fails on this chain (RecursionError in utils.concat_string, once per string).
    const parts = Array.from({ length: 1500 }, (_, i) => `v${i}`).join(' + "," + ');
    const r = checkText(engine, '/virtual/long.py', `q = "select a " + ${parts} + " from t"\ncursor.execute(q)\n`);
    const got = r.findings.filter((f) => f.rule === 'B608').map((f) => [r.doc.positionAt(f.range.start).character, f.severity[0] + f.confidence[0]]);
    expect(got).toEqual([[4, 'ML']]);
  });
});
