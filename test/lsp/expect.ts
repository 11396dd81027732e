/**
 * Expected findings, stated inside fixture files.
 *
 *   subprocess.call("ls", shell=True)  # expect: B602, B607
 *
 * A comment containing `expect:` followed by rule ids, separated by commas
 * (spaces optional), means "exactly these findings start on THIS line": the
 * line the comment is on, counted 0-based in `line` (as LSP does) and 1-based
 * in `lineNumber` (as `check` and editors do). An id listed twice means two
 * findings of that rule on the line. The comment may follow other text in
 * the same comment, e.g. `# nosec B101  # expect: B307`.
 *
 * For a finding on a line that cannot carry a comment (the first line of a
 * triple-quoted string), a comment line of its own may say
 * `# expect-next-line: B608`, or `# expect-line+N: B608` for N lines below.
 *
 * Only unsuppressed findings are expected: a `# nosec`-silenced finding is
 * not published over LSP (and `check` lists it with `suppressed: true`).
 */
export interface Expectation {
  rule: string;
  /** 0-based line. */
  line: number;
  /** 1-based line. */
  lineNumber: number;
}

const EXPECT = /#[^\n]*?\bexpect(?:-next-line|-line\+(\d+))?:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)/;

export function fixtureExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((l, i) => {
    const m = EXPECT.exec(l);
    if (!m) return;
    let line = i;
    if (/expect-next-line:/.test(m[0])) line = i + 1;
    else if (m[1] !== undefined) line = i + Number(m[1]);
    for (const rule of m[2].split(',').map((s) => s.trim())) out.push({ rule, line, lineNumber: line + 1 });
  });
  return out.sort(compareKeys);
}

/** `B307@12` keys (1-based lines), sorted: compare two of these lists for a multiset equality. */
export function expectationKeys(e: readonly { rule: string; lineNumber: number }[]): string[] {
  return e.map((x) => `${x.rule}@${x.lineNumber}`).sort();
}

function compareKeys(a: Expectation, b: Expectation): number {
  return a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
