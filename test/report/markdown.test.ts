/**
 * The markdown report carries workspace text (file names, quoted code,
 * justifications, messages that quote a value) as text: nothing from the
 * workspace becomes HTML, a link, an image or emphasis when the report is
 * rendered (issue 20). Read with CommonMark's rules: outside code spans no
 * `<` and no unescaped `[`, `*`, `_` or backtick; code spans closed by the
 * fence they opened with.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, mdText, stepIds } from '../../server/src/report/markdown.js';
import { runCli } from '../support/cli.js';

/** The text outside code spans, and the spans' contents (CommonMark: a span ends at the next run of exactly its fence's length). */
function splitCodeSpans(md: string): { outside: string; spans: string[] } {
  let outside = '';
  const spans: string[] = [];
  let i = 0;
  while (i < md.length) {
    if (md[i] === '\\') {
      outside += md.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (md[i] !== '`') {
      outside += md[i++];
      continue;
    }
    let n = 0;
    while (md[i + n] === '`') n++;
    const fence = '`'.repeat(n);
    let j = i + n;
    let close = -1;
    while (j < md.length) {
      const at = md.indexOf(fence, j);
      if (at < 0) break;
      if (md[at + n] !== '`' && md[at - 1] !== '`') {
        close = at;
        break;
      }
      j = at + 1;
      while (md[j] === '`') j++;
    }
    if (close < 0) {
      // An unclosed fence is literal text: a report must never have one.
      outside += fence;
      i += n;
      continue;
    }
    spans.push(md.slice(i + n, close));
    i = close + n;
  }
  return { outside, spans };
}

describe('mdText and code', () => {
  it('escape markup and HTML, keep the text', () => {
    expect(mdText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(mdText('[click](javascript:alert(1)) ![i](http://x/y.png)')).toBe('\\[click\\](javascript:alert(1)) !\\[i\\](http://x/y.png)');
    expect(mdText('__init__.py *a* `b` a|b ~~s~~ \\ &amp;')).toBe('\\_\\_init\\_\\_.py \\*a\\* \\`b\\` a\\|b \\~\\~s\\~\\~ \\\\ &amp;amp;');
    expect(mdText('two\nlines\r\nand\rmore')).toBe('two lines and more');
  });

  it('fence code with one backtick more than its longest run', () => {
    expect(code('x')).toBe('`x`');
    expect(code('a ` b')).toBe('``a ` b``');
    expect(code('a `` b ``` c')).toBe('````a `` b ``` c````');
    expect(code('`x`')).toBe('`` `x` ``');
    expect(code('</code><h1>')).toBe('`</code><h1>`');
    for (const s of ['a ` b', '``', '`x', 'x`', ' `` ']) {
      const { outside, spans } = splitCodeSpans(code(s));
      expect(outside, s).toBe('');
      expect(spans, s).toHaveLength(1);
    }
  });
});

describe('report --format markdown on a hostile workspace', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pysec-report-md-'));
    const app = join(dir, '<img src=x onerror=alert(1)>');
    mkdirSync(app);
    writeFileSync(join(app, '__init__.py'), '');
    writeFileSync(
      join(app, 'views_[x](javascript:alert(1)).py'),
      [
        'import hashlib',
        'password = "[click](javascript:alert(1))<script>alert(1)</script>"',
        'eval(x)  # nosec B307  # </code><h1>pwned</h1> ![i](http://evil/x.png) `` ` ``',
        'hashlib.md5(b"`x`")  # nosec',
        'exec("``` <b>bold</b>")',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('nothing from the workspace becomes markup: no HTML, links, images or emphasis outside code spans', async () => {
    const r = await runCli(['report', '--no-bandit', '--format', 'markdown', dir]);
    expect(r.stderr).toBe('');
    const md = r.stdout;
    // The hostile texts are there (so the test reads what it should)…
    expect(md).toContain('Reviewed and Suppressed');
    expect(md).toMatch(/pwned/);
    expect(md).toMatch(/onerror=alert\(1\)/);
    expect(md).toMatch(/B105/);
    // …and outside code spans none of them is markup.
    const { outside, spans } = splitCodeSpans(md);
    expect(outside).not.toContain('<');
    expect(outside).not.toMatch(/(?<!\\)\[/);
    expect(outside).not.toMatch(/(?<!\\)_/);
    // Emphasis only as the report's own bold labels.
    expect(outside.replace(/\*\*(Application:|Date:|Framework\(s\):|Scope:|Engines:|Dependencies:|UNJUSTIFIED|Partial review\.|\d+ suppressions? ha(?:s|ve) no justification\.|(?:Critical|High|Medium|Low): [A-Za-z ]+ in )\*\*/g, '')).not.toMatch(/(?<!\\)\*/);
    // Every code span stays on its line (a span that swallowed a row would have a line break).
    for (const s of spans) expect(s).not.toContain('\n');
    // Table rows keep their columns: the technical table has 8 cells per row.
    const lines = md.split('\n');
    const start = lines.indexOf('## Technical Findings');
    const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    const rows = lines.slice(start + 1, end).filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(2 + 2);
    for (const row of rows) {
      const cells = splitCodeSpans(row.slice(1, -1)).outside.split(/(?<!\\)\|/);
      expect(cells, row).toHaveLength(8);
    }
  });
});

describe('report --format html on the same hostile workspace', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pysec-report-html-hostile-'));
    const app = join(dir, '<img src=x onerror=alert(1)>');
    mkdirSync(app);
    writeFileSync(join(app, `${'deep_'.repeat(40)}views.py`), ['password = "<script>alert(1)</script>' + 'x'.repeat(300) + '"', 'eval(x)  # nosec B307  # </code><h1>pwned</h1>', 'exec("<b>bold</b>")', ''].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every workspace text escaped in the groups, the index, the cut values and the suppressions', async () => {
    const r = await runCli(['report', '--no-bandit', '--format', 'html', dir]);
    expect(r.code).toBe(0);
    const html = r.stdout;
    // The texts are there, escaped (the long password cut, all of it on expand)…
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/code&gt;&lt;h1&gt;pwned&lt;/h1&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;' + 'x'.repeat(300));
    expect(html).toMatch(/<details class="long"><summary>/);
    // …and never markup.
    expect(html).not.toMatch(/<img|<script|<h1>pwned|<b>bold/i);
  });
});

describe('a review that could not read everything says so at the top (issue 20)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pysec-report-partial-'));
    writeFileSync(join(dir, 'broken.py'), 'x = 1\ndef f(:\n    pass\n');
    writeFileSync(join(dir, 'latin.py'), Buffer.from([0x73, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['markdown', 'html'] as const) {
    it(`${format}: the warning before the Risk Summary, no clean "Nothing to fix", both files listed`, async () => {
      const r = await runCli(['report', '--no-bandit', '--format', format, dir]);
      expect(r.code).toBe(0);
      const warning = r.stdout.indexOf('Not everything was reviewed: 2 files could not be read, parsed or checked in full');
      expect(warning).toBeGreaterThan(0);
      expect(warning).toBeLessThan(r.stdout.indexOf('Risk Summary'));
      expect(r.stdout).toContain('Nothing to fix in what was reviewed; first make the files not reviewed readable and valid Python, and review again.');
      expect(r.stdout).not.toContain('Nothing to fix: keep the review running');
      expect(r.stdout).toContain('syntax error at line 2, column 7');
      expect(r.stdout).toContain('latin.py');
      // The HTML lists them at the top too, in a warning of its own.
      if (format === 'html') expect(r.stdout.indexOf('<section id="files-not-reviewed" class="warning"><h2>Files not reviewed</h2>')).toBeGreaterThan(0);
      if (format === 'html') expect(r.stdout.indexOf('latin.py')).toBeLessThan(r.stdout.indexOf('Risk Summary'));
    });
  }
});

describe('next steps', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `F-${String(i + 1).padStart(3, '0')}`);
  it('Low as a count, Critical every id, the others at most 12 ids and the rest counted (as the HTML report)', () => {
    expect(stepIds('Low', ids(1500))).toBe('1,500 findings');
    expect(stepIds('Low', ids(1))).toBe('1 finding');
    expect(stepIds('Critical', ids(20))).toBe(ids(20).join(', '));
    expect(stepIds('Medium', ids(12))).toBe(ids(12).join(', '));
    expect(stepIds('High', ids(30))).toBe(`${ids(12).join(', ')} and 18 more`);
  });

  it('a report of many Low findings names them by count, not by a paragraph of ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pysec-md-steps-'));
    try {
      writeFileSync(join(dir, 'checks.py'), Array.from({ length: 40 }, (_, i) => `assert x${i}`).join('\n') + '\n');
      const r = await runCli(['report', '--no-bandit', '--format', 'markdown', dir]);
      expect(r.code).toBe(0);
      const steps = r.stdout.slice(r.stdout.indexOf('## Recommended Next Steps'), r.stdout.indexOf('## Technical Findings'));
      expect(steps).toMatch(/^- 40 findings \(B101\): /m);
      expect(steps).not.toContain('F-001');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
