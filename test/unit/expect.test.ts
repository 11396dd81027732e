/** The `# expect:` reader the fixture tests rely on. */
import { describe, expect, it } from 'vitest';
import { expectationKeys, fixtureExpectations } from '../lsp/expect.js';

describe('fixtureExpectations', () => {
  it('reads trailing comments: 0-based line and 1-based lineNumber', () => {
    const text = 'import subprocess  # expect: B404\n\nsubprocess.call("ls", shell=True)  # expect: B602, B607\n';
    expect(fixtureExpectations(text)).toEqual([
      { rule: 'B404', line: 0, lineNumber: 1 },
      { rule: 'B602', line: 2, lineNumber: 3 },
      { rule: 'B607', line: 2, lineNumber: 3 },
    ]);
  });

  it('an id listed twice means two findings; ids without spaces and PS ids work', () => {
    expect(expectationKeys(fixtureExpectations('f(eval(a), eval(b))  # expect: B307,B307\napp.add(x)  # expect: PS501\n'))).toEqual([
      'B307@1',
      'B307@1',
      'PS501@2',
    ]);
  });

  it('reads expect: after a nosec and its justification', () => {
    expect(expectationKeys(fixtureExpectations('eval(x)  # nosec B101  # wrong id  # expect: B307\n'))).toEqual(['B307@1']);
  });

  it('expect-next-line and expect-line+N point below the comment', () => {
    const text = '# expect-next-line: B608\nq = """SELECT *\nFROM t WHERE a = %s""" % x\n# expect-line+2: B105\n\npassword = """hunter2\n"""\n';
    expect(expectationKeys(fixtureExpectations(text))).toEqual(['B105@6', 'B608@2']);
  });

  it('lines without expect comments, and prose mentioning expect, add nothing', () => {
    expect(fixtureExpectations('eval(x)  # no expectation here\n# we expect nothing\nx = 1\n')).toEqual([]);
  });

  it('CRLF line endings count lines the same way', () => {
    expect(expectationKeys(fixtureExpectations('a = 1\r\neval(x)  # expect: B307\r\n'))).toEqual(['B307@2']);
  });
});
