/**
 * Suppression hygiene (server/src/suppress/hygiene.ts): for each check,
 * what it flags, what it must not flag, and what its fix writes. bandit
 * 1.9's reading of each comment is the reference (the comments in the
 * cases say what bandit makes of them).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';
import { suppressionHygiene, type HygieneIssue, type HygieneOptions } from '../../server/src/suppress/hygiene.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const PLACEHOLDER = 'justification required';
const REASONS = ['false positive: input is not user-controlled', 'accepted risk: reviewed'];

function check(text: string, opts: Partial<HygieneOptions> = {}): { issues: HygieneIssue[]; fix: (issue: HygieneIssue, i?: number) => string } {
  const doc = new PythonDocument('file:///virtual/h.py', 1, text, engine.parser, engine.analysis('/virtual/h.py'));
  try {
    const issues = suppressionHygiene(doc.textDocument, doc.syntaxTree, doc.findings(), {
      placeholder: PLACEHOLDER,
      reasons: REASONS,
      covers: (rule) => engine.ruleset.byId.has(rule),
      pysecRules: new Set([...engine.ruleset.byId.keys()].filter((id) => id.startsWith('PS'))),
      ...opts,
    });
    const fix = (issue: HygieneIssue, i = 0) => {
      const e = issue.fixes[i].edit;
      return text.slice(0, e.start) + e.text + text.slice(e.end);
    };
    return { issues, fix };
  } finally {
    doc.dispose();
  }
}

const codes = (issues: HygieneIssue[]) => issues.map((i) => i.code).sort();
const one = (issues: HygieneIssue[], code: string) => {
  const found = issues.filter((i) => i.code === code);
  expect(found, `${code} in ${JSON.stringify(issues.map((i) => [i.code, i.message]))}`).toHaveLength(1);
  return found[0];
};

describe('PSN001 bare # nosec', () => {
  it('flags a bare # nosec, names the ids it silences and offers them', () => {
    const { issues, fix } = check('eval(x)  # nosec\n');
    const i = one(issues, 'PSN001');
    expect(i.severity).toBe('warning');
    expect(i.message).toMatch(/every bandit test on this line/);
    expect(i.message).toContain('`B307`');
    expect(fix(i)).toBe('eval(x)  # nosec B307  # justification required\n');
    expect(i.fixes[0].edit.tabStop).toBeDefined();
  });

  it('keeps the justification, and lists every finding of the line (ours as # pysec: ignore)', () => {
    expect(check('eval(x)  #nosec  # reviewed by sec team\n').fix(one(check('eval(x)  #nosec  # reviewed by sec team\n').issues, 'PSN001'))).toBe(
      'eval(x)  # nosec B307  # reviewed by sec team\n',
    );
    const two = 'import subprocess\nsubprocess.run(cmd, shell=True); eval(cmd)  # nosec\n';
    expect(check(two).fix(one(check(two).issues, 'PSN001'))).toBe('import subprocess\nsubprocess.run(cmd, shell=True); eval(cmd)  # nosec B602, B307  # justification required\n');
    const cors = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # nosec\n';
    expect(check(cors).fix(one(check(cors).issues, 'PSN001'))).toBe(cors.replace('# nosec', '# pysec: ignore[PS501]  # justification required'));
  });

  it('does not flag ids, test names, a "# nosec" inside a string, or an uppercase NOSEC bandit ignores', () => {
    for (const text of ['eval(x)  # nosec B307  # ok\n', 'eval(x)  # nosec: eval  # ok\n', 'eval("# nosec")\n', 'eval(x)  # NOSEC\n', 'x = "# nosec"\n']) {
      expect(codes(check(text).issues).filter((c) => c === 'PSN001'), text).toEqual([]);
    }
  });
});

describe('PSN002 unknown ids', () => {
  it('a # nosec whose ids bandit knows none of fails open: warning, with the ids found there as the fix', () => {
    for (const [text, fixed] of [
      ['eval(x)  # nosec B999\n', 'eval(x)  # nosec B307  # justification required\n'],
      ['eval(x)  # nosec this is fine\n', 'eval(x)  # nosec B307  # this is fine\n'],
      // bandit reads "nosecurity" as "nosec" followed by the word "urity".
      ['eval(x)  # nosecurity review done\n', 'eval(x)  # nosec B307  # urity review done\n'],
    ]) {
      const { issues, fix } = check(text);
      const i = one(issues, 'PSN002');
      expect(i.severity).toBe('warning');
      expect(i.message).toMatch(/fails open/);
      expect(fix(i)).toBe(fixed);
    }
  });

  it('# nosec PS501 is blanket to bandit: the fix writes # pysec: ignore[PS501]', () => {
    const text = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # nosec PS501\n';
    const { issues, fix } = check(text);
    const i = one(issues, 'PSN002');
    expect(i.message).toContain('# pysec: ignore[PS501]');
    expect(fix(i)).toBe(text.replace('# nosec PS501', '# pysec: ignore[PS501]  # justification required'));
  });

  it('an unknown id beside known ones is information: bandit ignores it', () => {
    const { issues, fix } = check('eval(x)  # nosec B307, B999  # ok\n');
    const i = one(issues, 'PSN002');
    expect(i.severity).toBe('information');
    expect(fix(i)).toBe('eval(x)  # nosec B307  # ok\n');
    const ours = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, x=eval(y))  # nosec B307, PS501  # ok\n';
    const r = check(ours);
    expect(r.fix(one(r.issues, 'PSN002'))).toBe(ours.replace('# nosec B307, PS501  # ok', '# nosec B307  # pysec: ignore[PS501]  # ok'));
  });

  it('an id pysec does not know in # pysec: ignore[...]', () => {
    const { issues, fix } = check('x = 1  # pysec: ignore[PS999]  # ok\n', { covers: () => false });
    const i = one(issues, 'PSN002');
    expect(i.message).toMatch(/no rule `PS999`/);
    expect(fix(i)).toBe('x = 1\n');
  });

  it('does not flag known ids or test names', () => {
    for (const text of ['eval(x)  # nosec B307  # ok\n', 'eval(x)  # nosec: eval, B101  # ok\n', 'assert eval(x)  # nosec assert_used, eval  # ok\n']) {
      expect(codes(check(text).issues).filter((c) => c === 'PSN002'), text).toEqual([]);
    }
  });
});

describe('PSN003 ids joined without a space', () => {
  it('flags B602,B307: bandit 1.7–1.9 reads only the last; the fix separates them', () => {
    const text = 'import subprocess\nsubprocess.run(cmd, shell=True); eval(cmd)  # nosec B602,B307  # ok\n';
    const { issues, fix } = check(text);
    const i = one(issues, 'PSN003');
    expect(i.severity).toBe('warning');
    expect(i.message).toContain('`B602` is not suppressed');
    expect(fix(i)).toBe(text.replace('B602,B307', 'B602, B307'));
  });

  it('does not flag ids separated by a comma and a space, or by a space', () => {
    for (const text of ['import subprocess\nsubprocess.run(cmd, shell=True); eval(cmd)  # nosec B602, B307  # ok\n', 'import subprocess\nsubprocess.run(cmd, shell=True); eval(cmd)  # nosec B602 B307  # ok\n']) {
      expect(codes(check(text).issues).filter((c) => c === 'PSN003'), text).toEqual([]);
    }
  });
});

describe('PSN004 words between the ids and the second #', () => {
  it('flags the words, and moves them after a second #', () => {
    const { issues, fix } = check('eval(x)  # nosec B307 input is a constant\n');
    const i = one(issues, 'PSN004');
    expect(i.message).toMatch(/as test names/);
    expect(fix(i)).toBe('eval(x)  # nosec B307  # input is a constant\n');
    // Not also "no justification": the words are meant as one.
    expect(codes(issues)).toEqual(['PSN004']);
  });

  it('keeps an existing justification after the moved words', () => {
    const { issues, fix } = check('eval(x)  # nosec B307 constant  # see review 12\n');
    expect(fix(one(issues, 'PSN004'))).toBe('eval(x)  # nosec B307  # constant; see review 12\n');
  });

  it('does not flag a justification after a second #', () => {
    expect(codes(check('eval(x)  # nosec B307  # input is a constant\n').issues)).toEqual([]);
  });
});

describe('PSN005 no justification, or the placeholder', () => {
  it('flags a missing or empty justification, with the preset reasons and a placeholder as fixes', () => {
    for (const text of ['eval(x)  # nosec B307\n', 'eval(x)  # nosec B307  #\n']) {
      const { issues, fix } = check(text);
      const i = one(issues, 'PSN005');
      expect(i.message).toMatch(/no justification/);
      expect(i.fixes.map((f) => f.title)).toEqual([`pysec: justify: ${REASONS[0]}`, `pysec: justify: ${REASONS[1]}`, 'pysec: add a justification']);
      expect(fix(i, 1)).toBe('eval(x)  # nosec B307  # accepted risk: reviewed\n');
      expect(fix(i, 2)).toBe('eval(x)  # nosec B307  # justification required\n');
      expect(i.fixes[2].edit.tabStop).toBeDefined();
    }
  });

  it('flags the placeholder until a real reason replaces it (for # pysec: ignore too)', () => {
    const { issues, fix } = check('eval(x)  # nosec B307  # justification required\n');
    const i = one(issues, 'PSN005');
    expect(i.message).toMatch(/placeholder/);
    expect(fix(i, 0)).toBe('eval(x)  # nosec B307  # false positive: input is not user-controlled\n');
    const cors = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # pysec: ignore[PS501]\n';
    one(check(cors).issues, 'PSN005');
  });

  it('does not flag a real justification; the placeholder follows the setting', () => {
    expect(codes(check('eval(x)  # nosec B307  # input is a constant\n').issues)).toEqual([]);
    expect(codes(check('eval(x)  # nosec B307  # justification required\n', { placeholder: 'TODO: justify' }).issues)).toEqual([]);
    one(check('eval(x)  # nosec B307  # TODO: justify\n', { placeholder: 'TODO: justify' }).issues, 'PSN005');
  });
});

describe('PSN006 a suppression that silences nothing', () => {
  it('flags an id with no finding, faded, with a fix that removes it (keeping other comments)', () => {
    const r1 = check('x = 1  # nosec B307  # ok\n');
    const i = one(r1.issues, 'PSN006');
    expect(i.unnecessary).toBe(true);
    expect(r1.fix(i)).toBe('x = 1\n');
    const r2 = check('eval(x)  # nosec B307, B101  # ok\n');
    expect(r2.fix(one(r2.issues, 'PSN006'))).toBe('eval(x)  # nosec B307  # ok\n');
    const r3 = check('x = 1  # type: ignore  # nosec B307  # ok\n');
    expect(r3.fix(one(r3.issues, 'PSN006'))).toBe('x = 1  # type: ignore\n');
    const r4 = check('x = 1  # pysec: ignore[PS501]  # ok\n');
    expect(r4.fix(one(r4.issues, 'PSN006'))).toBe('x = 1\n');
  });

  it('reads the range as bandit does: a # nosec after the first one of a statement is unused', () => {
    const text = 'import subprocess  # nosec B404  # ok\nsubprocess.call(cmd,  # nosec B101  # x\n    shell=True,\n    )  # nosec B602  # y\n';
    const { issues } = check(text);
    const unused = issues.filter((i) => i.code === 'PSN006').map((i) => [i.line, i.message]);
    expect(unused).toHaveLength(2);
    expect(unused[0][0]).toBe(1);
    expect(unused[0][1]).toContain('`B101`');
    expect(unused[1][0]).toBe(3);
    expect(unused[1][1]).toContain('`B602`');
  });

  it('flags a bare # nosec that silences nothing only when every bandit test is covered', () => {
    expect(codes(check('x = 1  # nosec\n').issues)).toEqual(['PSN001', 'PSN005']);
    const r = check('x = 1  # nosec\n', { covers: () => true });
    expect(codes(r.issues)).toEqual(['PSN001', 'PSN005', 'PSN006']);
    expect(r.fix(one(r.issues, 'PSN006'))).toBe('x = 1\n');
  });

  it('does not flag used ids, ids on any line bandit reads, or rules no engine that ran could report', () => {
    expect(codes(check('eval(x)  # nosec B307  # ok\n').issues)).toEqual([]);
    expect(codes(check('import subprocess  # nosec B404  # ok\nsubprocess.call(cmd,  # nosec B602  # ok\n    shell=True)\n').issues)).toEqual([]);
    expect(codes(check('import subprocess  # nosec B404  # ok\nsubprocess.call(cmd,\n    shell=True)  # nosec B602  # ok\n').issues)).toEqual([]);
    expect(codes(check('x = 1  # nosec B307  # ok\n', { covers: (rule) => rule !== 'B307' }).issues)).toEqual([]);
  });
});

describe('PSN007 a bandit id in # pysec: ignore', () => {
  it('flags it: bandit does not read that comment; the fix moves it to # nosec', () => {
    const { issues, fix } = check('eval(x)  # pysec: ignore[B307]  # ok\n');
    const i = one(issues, 'PSN007');
    expect(i.message).toMatch(/bandit does not read/);
    expect(fix(i)).toBe('eval(x)  # nosec B307  # ok\n');
  });

  it('does not flag our own ids there', () => {
    const cors = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # pysec: ignore[PS501]  # demo\n';
    expect(codes(check(cors).issues)).toEqual([]);
  });
});

describe('hygiene in general', () => {
  it('says nothing about a file without suppression comments, or about the comments the actions write', () => {
    expect(check('import os\neval(x)\n').issues).toEqual([]);
    expect(codes(check('eval(x)  # nosec B307  # accepted risk: reviewed\n').issues)).toEqual([]);
    const cors = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, x=eval(y))  # nosec B307  # pysec: ignore[PS501]  # demo only\n';
    expect(codes(check(cors).issues)).toEqual([]);
  });
});

describe('the marker words a document keeps through edits (PythonDocument.mayHaveSuppressions)', () => {
  it('after each edit, says what a search of the whole text says: words typed in, made by a deletion joining text, deleted again', () => {
    const doc = new PythonDocument('file:///virtual/m.py', 1, 'x = 1\ny = 2  # no sec\n', engine.parser, engine.analysis('/virtual/m.py'));
    try {
      const steps: { at: number; del: number; text: string }[] = [
        { at: 0, del: 0, text: 'z = 2\n' }, // no marker anywhere
        { at: 23, del: 1, text: '' }, // "# no sec" -> "# nosec": a deletion joins the word
        { at: 23, del: 0, text: ' ' }, // and splits it again
        { at: 0, del: 0, text: 'os.system(a)  # nos' }, // half a word
        { at: 19, del: 0, text: 'ec\n' }, // completed at the edit's edge
        { at: 16, del: 5, text: '' }, // deleted
        { at: 0, del: 0, text: '# pysec: ignore[PS101] reviewed\n' },
        { at: 2, del: 5, text: 'nosec' }, // replaced by the other word
        { at: 0, del: 32, text: '' }, // all gone
      ];
      let text = doc.textDocument.getText();
      let version = 1;
      const seen: boolean[] = [];
      for (const s of steps) {
        const start = doc.textDocument.positionAt(s.at);
        const end = doc.textDocument.positionAt(s.at + s.del);
        doc.applyChanges([{ range: { start, end }, text: s.text }], ++version, 'utf-16');
        text = text.slice(0, s.at) + s.text + text.slice(s.at + s.del);
        expect(doc.textDocument.getText()).toBe(text);
        const expected = /#\s*(?:nosec|pysec:\s*ignore)/.test(text);
        expect(doc.mayHaveSuppressions(), JSON.stringify(text)).toBe(expected);
        seen.push(expected);
      }
      // The steps did make and remove suppression comments.
      expect(seen).toContain(true);
      expect(seen).toContain(false);
    } finally {
      doc.dispose();
    }
  });
});
