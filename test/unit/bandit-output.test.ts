/** bandit's JSON from 1.6 to 1.9, validated, and turned into findings on the text bandit read. */
import { describe, expect, it } from 'vitest';
import { banditFindings } from '../../server/src/bandit/convert.js';
import { parseVersion, atLeast } from '../../server/src/bandit/discover.js';
import { parseBanditOutput, parseBanditOutputInSlices } from '../../server/src/bandit/output.js';

const r16 = {
  code: '',
  filename: '<stdin>',
  issue_confidence: 'HIGH',
  issue_severity: 'MEDIUM',
  issue_text: 'Use of possibly insecure function - consider using safer ast.literal_eval.',
  line_number: 2,
  line_range: [2],
  more_info: 'https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b307-eval',
  test_id: 'B307',
  test_name: 'blacklist',
};
const r19 = { ...r16, col_offset: 13, end_col_offset: 20, issue_cwe: { id: 78, link: 'https://cwe.mitre.org/data/definitions/78.html' } };
const TEXT = 'import os\nx = "😀é"; y = eval(z)\n';

describe('bandit output', () => {
  it('accepts every version’s shape, with log lines before the report', () => {
    for (const r of [r16, r19]) {
      const out = parseBanditOutput(`[main]\tINFO\tprofile include tests: None\n${JSON.stringify({ errors: [], results: [r] })}`);
      expect('report' in out && out.report.results[0].test_id).toBe('B307');
    }
  });

  it('reports what is wrong with output it cannot use', () => {
    expect(parseBanditOutput('')).toEqual({ error: 'bandit printed nothing' });
    expect('error' in parseBanditOutput('Traceback (most recent call last):')).toBe(true);
    expect((parseBanditOutput('{"results": [') as { error: string }).error).toMatch(/malformed JSON/);
    expect((parseBanditOutput('{"results": [{"test_id": 3}]}') as { error: string }).error).toMatch(/unexpected shape/);
  });

  it('converts byte columns (1.7.1+) to UTF-16 offsets, and falls back to the line for 1.6', () => {
    const [f19] = banditFindings([parseOne(r19)], TEXT, new Map());
    // `eval` sits after an emoji (4 bytes, 2 code units) and é (2 bytes, 1 unit): byte 18 is unit 15.
    const r = { ...r19, col_offset: 18, end_col_offset: 25 };
    const [g] = banditFindings([parseOne(r)], TEXT, new Map());
    expect(TEXT.slice(g.range.start, g.range.end)).toBe('eval(z)');
    expect(f19.cwe).toBe(78);
    expect(f19.engine).toBe('bandit');
    const [f16] = banditFindings([parseOne(r16)], TEXT, new Map());
    expect(f16.range.start).toBe(TEXT.indexOf('x ='));
    expect(f16.cwe).toBeNull();
    // The anchor covers bandit's whole line range: an edit on those lines drops the finding.
    expect(TEXT.slice(f16.anchor.start, f16.anchor.end)).toBe('x = "😀é"; y = eval(z)');
  });

  it('reads versions the way each prints them', () => {
    expect(parseVersion('bandit 1.6.2\n  python version = 3.11.2')?.text).toBe('1.6.2');
    expect(parseVersion('__main__.py 1.9.4\n  python version = 3.11.2')?.text).toBe('1.9.4');
    expect(parseVersion('no version here')).toBeUndefined();
    const v = parseVersion('bandit 1.7.3')!;
    expect([atLeast(v, 1, 7, 3), atLeast(v, 1, 7, 5), atLeast(v, 1, 6, 9)]).toEqual([true, false, true]);
  });
});

function parseOne(r: object) {
  const out = parseBanditOutput(JSON.stringify({ results: [r] }));
  if (!('report' in out)) throw new Error(out.error);
  return out.report.results[0];
}

describe('parseBanditOutputInSlices (the server\'s: the results validated a slice at a time)', () => {
  const result = (i: number) => ({
    filename: '<stdin>',
    issue_confidence: 'HIGH',
    issue_severity: 'MEDIUM',
    issue_text: `finding ${i}`,
    line_number: i + 1,
    line_range: [i + 1],
    test_id: 'B307',
    test_name: 'blacklist',
  });
  it('gives what parseBanditOutput gives, valid or not, with the same messages', async () => {
    const many = JSON.stringify({ errors: [{ filename: 'x.py', reason: 'syntax error' }], results: Array.from({ length: 1000 }, (_, i) => result(i)) });
    const bad = JSON.stringify({ results: [...Array.from({ length: 600 }, (_, i) => result(i)), { ...result(600), line_number: 'x' }] });
    for (const text of [many, bad, '', 'Traceback', '{"results": [', '{"results": [{"test_id": 3}]}', '{"errors": 3, "results": []}']) {
      expect(await parseBanditOutputInSlices(text, 100)).toEqual(parseBanditOutput(text));
    }
    expect(((await parseBanditOutputInSlices(bad, 100)) as { error: string }).error).toMatch(/results\.600\.line_number/);
    expect(((await parseBanditOutputInSlices(many, 100)) as { report: { results: unknown[] } }).report.results).toHaveLength(1000);
  });

  it('yields to the event loop between slices (a small report does not)', async () => {
    const run = async (n: number) => {
      let other = false;
      setImmediate(() => (other = true));
      await parseBanditOutputInSlices(JSON.stringify({ results: Array.from({ length: n }, (_, i) => result(i)) }), 100);
      return other;
    };
    // Work queued before the parse ran before it finished: the parse gave way.
    expect(await run(1000)).toBe(true);
    expect(await run(50)).toBe(false);
  });
});
