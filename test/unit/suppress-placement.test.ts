/**
 * Where the suppress action puts its comment and how it merges it
 * (server/src/suppress/comment.ts, lines.ts, placement.ts), in process.
 * The LSP side is test/lsp/code-actions.test.ts; the proof against the
 * real bandit is test/bandit/suppress-roundtrip.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';
import { checkText } from '../../server/src/batch/file.js';
import { plainCommandWords } from '../../server/src/fixes/quickfix.js';
import { buildComment, parseComment } from '../../server/src/suppress/comment.js';
import { lineSlot } from '../../server/src/suppress/lines.js';
import { parseNosec } from '../../server/src/suppress/nosec.js';
import { addToComment, placeSuppression, type Justification } from '../../server/src/suppress/placement.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const P: Justification = { kind: 'placeholder', text: 'justification required' };
const R: Justification = { kind: 'reason', text: 'accepted risk: reviewed' };

function withDoc<T>(text: string, fn: (doc: PythonDocument) => T): T {
  const doc = new PythonDocument('file:///virtual/p.py', 1, text, engine.parser, engine.analysis('/virtual/p.py'));
  try {
    return fn(doc);
  } finally {
    doc.dispose();
  }
}

/** The text after suppressing the visible finding(s) of `rules`, or the reason it cannot be done. */
function suppress(text: string, rules: string[], j: Justification = P): { text: string; line: number; everyVersion: boolean } | string {
  return withDoc(text, (doc) => {
    const all = doc.findings();
    const targets = all.filter((f) => !f.suppressed && rules.includes(f.rule));
    expect(targets.map((t) => t.rule).sort(), text).toEqual([...rules].sort());
    const r = placeSuppression({ doc: doc.textDocument, tree: doc.syntaxTree, findings: all }, targets, j, 'justification required');
    if (!r.ok) return r.reason;
    const e = r.placement.edit;
    return { text: text.slice(0, e.start) + e.text + text.slice(e.end), line: r.placement.line, everyVersion: r.placement.everyVersion };
  });
}

describe('reading a comment', () => {
  it("the justification of `# nosec ...  # pysec: ignore[...]  # why` is `why`", () => {
    expect(parseNosec('# nosec B602  # pysec: ignore[PS501]  # demo only')?.justification).toBe('demo only');
    expect(parseNosec('# nosec B602  # demo only')?.justification).toBe('demo only');
    expect(parseNosec('# nosec B602')?.justification).toBeNull();
  });

  it('a suppressed finding keeps its justification for the report (check --format json), from either marker', () => {
    const text = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, x=eval(y))  # nosec B307  # pysec: ignore[PS501]  # demo only\n';
    const r = checkText(engine, '/virtual/j.py', text);
    const s = r.findings.filter((f) => f.rule === 'B307' || f.rule === 'PS501').map((f) => [f.rule, f.suppressed?.kind, f.suppressed?.justification]);
    expect(s.sort()).toEqual([
      ['B307', 'nosec', 'demo only'],
      ['PS501', 'pysec-ignore', 'demo only'],
    ]);
  });

  it('takes a comment apart: lead, ids bandit reads, stray words, lost ids, ours, justification', () => {
    const c = parseComment('# type: ignore  # nosec B101,B602 eval words  # pysec: ignore[PS501]  # why not');
    expect(c).toMatchObject({ lead: '# type: ignore', nosecIds: ['B602', 'eval'], strayWords: ['words'], lostIds: ['B101'], ignoreIds: ['PS501'], justification: 'why not' });
    expect(parseComment('# just a note').lead).toBe('# just a note');
    expect(parseComment('# nosec').nosecIds).toEqual([]);
  });

  it('writes the one canonical form', () => {
    expect(buildComment({ lead: '# noqa: E501', nosec: ['B602', 'B607'], ignore: ['PS501'], justification: 'why' }).text).toBe('# noqa: E501  # nosec B602, B607  # pysec: ignore[PS501]  # why');
    expect(buildComment({ lead: '# noqa', nosec: [], ignore: [], justification: 'why' }).text).toBe('# noqa');
  });
});

describe('merging into the comment already there', () => {
  it('adds the id to an existing # nosec, keeping its justification', () => {
    expect(addToComment('# nosec B101  # tests only', ['B307'], P, 'justification required')).toEqual({ text: '# nosec B101, B307  # tests only', tabStop: null });
    expect(addToComment('# nosec B101  # tests only', ['B307'], R, 'justification required')).toMatchObject({ text: '# nosec B101, B307  # tests only; B307: accepted risk: reviewed' });
    // The placeholder is no justification: a reason replaces it.
    expect(addToComment('# nosec B101  # justification required', ['B307'], R, 'justification required')).toMatchObject({ text: '# nosec B101, B307  # accepted risk: reviewed' });
    expect(addToComment('# nosec B101', ['B307'], P, 'justification required')).toMatchObject({ text: '# nosec B101, B307  # justification required', tabStop: [22, 44] });
  });

  it('keeps other comments first, where their tools look', () => {
    expect(addToComment('# type: ignore[arg-type]', ['B307'], P, 'j')).toMatchObject({ text: '# type: ignore[arg-type]  # nosec B307  # justification required' });
    expect(addToComment('# pysec: ignore[PS501]  # demo', ['B106'], P, 'j')).toMatchObject({ text: '# nosec B106  # pysec: ignore[PS501]  # demo' });
    expect(addToComment('# nosec B106  # demo', ['PS501'], P, 'j')).toMatchObject({ text: '# nosec B106  # pysec: ignore[PS501]  # demo' });
  });

  it('refuses to narrow a blanket # nosec or to rewrite joined ids (the hygiene fixes do that first)', () => {
    expect(addToComment('# nosec', ['B307'], P, 'j')).toHaveProperty('refused');
    expect(addToComment('# nosec PS501', ['B307'], P, 'j')).toHaveProperty('refused');
    expect(addToComment('# nosec B101,B602', ['B307'], P, 'j')).toHaveProperty('refused');
  });
});

describe('which lines can carry a comment', () => {
  const slots = (text: string) => withDoc(text, (doc) => text.split('\n').slice(0, -1).map((_, i) => { const s = lineSlot(doc.textDocument, doc.syntaxTree, i); return s.ok ? 'ok' : s.reason; }));

  it('not a line that ends inside a string, continues with a backslash, or is blank', () => {
    expect(slots('q = """a\nb""" + x\ny = 1 + \\\n    2\n\nz = f"""{\neval(y)\n}"""\n')).toEqual([
      'it ends inside a string',
      'ok',
      'it continues with a backslash',
      'ok',
      'it is blank',
      'it ends inside a string',
      'it ends inside a string',
      'ok',
    ]);
  });

  it('a line whose string closes at its end, or at the end of the file, is fine', () => {
    expect(slots('q = "SELECT"\nr = """a\n"""\n')).toEqual(['ok', 'it ends inside a string', 'ok']);
    expect(withDoc('eval("x")', (doc) => lineSlot(doc.textDocument, doc.syntaxTree, 0).ok)).toBe(true);
  });
});

describe('placing the comment', () => {
  it('on the issue line when it can carry it (every version reads it)', () => {
    expect(suppress('import subprocess  # nosec B404  # ok\nsubprocess.call(\n    cmd,\n    shell=True,\n)\n', ['B602'])).toEqual({
      text: 'import subprocess  # nosec B404  # ok\nsubprocess.call(\n    cmd,\n    shell=True,  # nosec B602  # justification required\n)\n',
      line: 3,
      everyVersion: true,
    });
  });

  it("else on the node's first line (every version reads it, for a call)", () => {
    expect(suppress('import subprocess  # nosec B404  # ok\nsubprocess.check_output("""ping\n  """ + h, shell=True)\n', ['B602'])).toMatchObject({ line: 2, everyVersion: true });
    // The issue line (the shell= value's) ends inside a string; the call's first line does not.
    expect(suppress('import subprocess  # nosec B404  # ok\nsubprocess.check_output(cmd,\n    shell="""sh\n""")\n', ['B602'])).toMatchObject({ line: 1, everyVersion: true });
  });

  it('else on another line of the statement, which only bandit ≥ 1.7.5 reads', () => {
    const r = suppress('def q(c, uid):\n    c.execute("""SELECT *\n      FROM t WHERE id = %s""" % uid)\n', ['B608']);
    expect(r).toMatchObject({ line: 2, everyVersion: false });
  });

  it("never where it would change another finding's suppression (bandit reads the first # nosec of a statement)", () => {
    const text = 'import subprocess  # nosec B404  # ok\nx = eval(subprocess.call(cmd, shell=True),\n         y)  # nosec B307  # ok\n';
    expect(suppress(text, ['B602'])).toMatch(/change how bandit reads another finding's suppression/);
  });

  it('says why when no line can carry it', () => {
    expect(suppress('def f(y):\n    return f"""{\neval(y)\n}"""\n', ['B307'])).toBe('no line can carry the comment (line 3: it ends inside a string)');
  });

  it('one comment for several findings of a line, bandit ids and ours', () => {
    const text = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, x=eval(y))\n';
    expect(suppress(text, ['PS501', 'B307'])).toMatchObject({ text: text.replace('eval(y))\n', 'eval(y))  # nosec B307  # pysec: ignore[PS501]  # justification required\n') });
  });
});

describe('splitting a constant shell command', () => {
  it('plain words only', () => {
    expect(plainCommandWords('ls -l  /var/log')).toEqual(['ls', '-l', '/var/log']);
    expect(plainCommandWords('git log --format=%H')).toEqual(['git', 'log', '--format=%H']);
    for (const cmd of ['', 'ls *.py', 'ls ~', 'cd /tmp', 'echo hi', 'A=1 make', 'ls | wc', 'ls > out', "echo 'x'", 'ls $HOME', 'ls `pwd`', 'a && b', 'ls\nrm', 'ls {a,b}']) {
      expect(plainCommandWords(cmd), cmd).toBeNull();
    }
  });
});
