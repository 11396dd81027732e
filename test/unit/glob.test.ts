/**
 * The glob matchers (glob/nfa.ts): Python's `fnmatch` as bandit reads
 * excludes and skips, answered as Python 3.11 answers (the expected values
 * below were printed by `fnmatch.fnmatch` itself), and both dialects in
 * time linear in the path on patterns that make a backtracking regex stall.
 */
import { describe, expect, it } from 'vitest';
import { fnmatch } from '../../server/src/glob/fnmatch.js';
import { matchesGlob } from '../../server/src/config/glob.js';
import { isExcluded } from '../../server/src/config/exclude.js';
import { isExcluded as banditExcluded, type ProjectBanditConfig } from '../../server/src/bandit/project-config.js';

/** [pattern, name, fnmatch.fnmatch(name, pattern)] from Python 3.11. */
const PYTHON: [string, string, boolean][] = [["*a*a*a*a*a*a*a*a*a*a*Q", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false], ["*a*a*a*a*a*a*a*a*a*a*Q", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaQ", true], ["*/tests/*", "./pkg/tests/test_a.py", true], ["*/tests/*", "tests/test_a.py", false], ["tests", "tests", true], ["*.py", "a/b.py", true], ["?.py", "a.py", true], ["?.py", "ab.py", false], ["[abc].py", "b.py", true], ["[!abc].py", "b.py", false], ["[!abc].py", "d.py", true], ["[!]", "!", false], ["[!]", "x", false], ["[!]", "[!]", true], ["[!]]", "x", true], ["[!]]", "]", false], ["[]]", "]", true], ["[]a]", "a", true], ["[z-a]", "m", false], ["[z-a]", "z", false], ["[a-c-e]", "-", true], ["[a-c-e]", "d", false], ["[a-c-e]", "e", true], ["[a-]", "-", true], ["[-a]", "-", true], ["[!a-c]", "b", false], ["[!a-c]", "/", true], ["[\\]", "\\", true], ["[\\-a]", "Z", false], ["[\\-a]", "^", true], ["[^a]", "^", true], ["[^a]", "b", false], ["[[a]", "[", true], ["[&&a]", "&", true], ["[a", "[a", true], ["[a", "a", false], ["a[", "a[", true], ["*", "", true], ["", "", true], ["", "x", false], ["a*", "A", false], ["A*", "a", false], ["*\n*", "x\ny", true], [".*", "ab", false], [".*", ".b", true], ["(a|b)", "(a|b)", true], ["a+", "aa", false], ["*[!x]", "xx", false], ["*[!x]", "xy", true], ["***a", "ba", true], ["é?", "éü", true], ["[é-ü]", "ö", true], ["**/x", "a/b/x", true], ["a?c", "a/c", true], ["[z-a-c]", "b", false], ["[z-a-c]", "-", true], ["[c-a-z]", "y", false], ["[a-z-]", "-", true], ["[!-]", "-", false], ["[!-]", "a", true], ["[--0]", "/", true], ["[a-b-c-d]", "c", true], ["[a-b-c-d]", "-", true], ["x[!a-]y", "x-y", false], ["x[!a-]y", "xby", true], ["😀?", "😀😀", true], ["[😀]", "😀", true]];

describe('fnmatch as Python 3.11 on POSIX', () => {
  it.each(PYTHON)('fnmatch(%j, %j)', (pattern, name, expected) => {
    expect(fnmatch(name, pattern)).toBe(expected);
  });
});

describe('no pattern stalls the matcher', () => {
  // A backtracking translation took over 60 s on the first of these; the
  // automaton takes well under a millisecond. The time-out is the bound.
  const stars = '*a'.repeat(30) + '*Q';
  const name = 'a'.repeat(5000);

  it('fnmatch: stars against a long name', { timeout: 10_000 }, () => {
    expect(fnmatch(name, stars)).toBe(false);
    expect(fnmatch(name + 'Q', stars)).toBe(true);
  });

  it('pysec.exclude globs: stars, ** and braces against a long path', { timeout: 10_000 }, () => {
    expect(matchesGlob(name, stars)).toBe(false);
    expect(matchesGlob(name + 'Q', stars)).toBe(true);
    const deep = Array.from({ length: 2000 }, () => 'a').join('/');
    expect(matchesGlob(deep, '**/'.repeat(20) + '*a*a*a*a*Q')).toBe(false);
    expect(matchesGlob(deep, '{**/a,**/*a*a*}'.repeat(1) + '/**/b')).toBe(false);
    expect(matchesGlob(deep + '/b', '**/a/**/b')).toBe(true);
  });

  it("bandit's exclude_dirs and pysec.exclude on a folder of 40 a's", { timeout: 10_000 }, () => {
    const cfg: ProjectBanditConfig = { root: '/p', skips: [], tests: [], excludeDirs: ['*a*a*a*a*a*a*a*a*a*a*Q'], pluginParams: new Map(), pluginKey: '', files: [], problems: [] };
    const file = `/p/${'a'.repeat(40)}/x.py`;
    for (let i = 0; i < 1000; i++) expect(banditExcluded(cfg, file)).toBe(false);
    for (let i = 0; i < 1000; i++) expect(isExcluded(file, '/p', ['*a*a*a*a*a*a*Q'])).toBe(false);
  });
});
