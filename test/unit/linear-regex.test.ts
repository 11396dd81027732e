/**
 * Every regular expression in the server's sources is linear in its input,
 * checked twice:
 *  - a lint over the sources (test/support/regex-shapes.ts) that flags the
 *    shapes a backtracking engine is slow on (nested or adjacent unbounded
 *    repeats over the same characters, unanchored tries that rescan one
 *    run), with the allow-list below for the ones proven linear;
 *  - every regex run on adversarial inputs of 100 kB (repeats of its own
 *    literal pieces and characters, with a character that fails the match
 *    at the end), under a time-out that only a super-linear pattern reaches
 *    (a linear one takes milliseconds; the ones this replaced took minutes).
 * A `new RegExp(...)` is not read by the lint: each is listed with what
 * makes it linear and where it is exercised on a hostile input.
 */
import { describe, expect, it } from 'vitest';
import { collectRegexes, dangerousShapes, literalPieces, sampleCharacters } from '../support/regex-shapes.js';
import { parsePysecIgnore } from '../../server/src/suppress/nosec.js';
import { looksLikeSql } from '../../server/src/engine/checks/bandit/injection_sql.js';
import { int, mulberry32 } from '../support/random.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const ALL = collectRegexes(`${ROOT}server/src`, ROOT);

/**
 * Flagged by the lint, linear all the same: file, the pattern as written,
 * and why. Keep each reason a proof, not a hope.
 */
const ALLOWED: { file: string; source: string; kind: 'linear' | 'bounded'; why: string }[] = [
  {
    file: 'server/src/transport/framing.ts',
    source: String.raw`Content-Length:[ \t]*\d+\r\n(?:[!#$%&'*+.^_` + '`' + String.raw`|~0-9A-Za-z-]+:[^\r\n]*\r\n)*\r\n`,
    kind: 'linear',
    why: 'a try that begins inside the run has to begin with `Content-Length:` there, and the header lines between are delimited by CRLF, which the run cannot cross: each header line is read by at most the tries that begin in it',
  },
  // Bounded: super-linear in general, applied only to inputs of a fixed small size (not run on 100 kB below).
  {
    file: 'server/src/engine/frameworks.ts',
    source: String.raw`^(?:\w+_)?settings(?:_\w+)?\.py$`,
    kind: 'bounded',
    why: 'applied to a file name: at most 255 bytes (NAME_MAX)',
  },
];

/** `new RegExp(...)` sites: what makes each linear, and the test that runs it on a hostile input. */
const CONSTRUCTED: { file: string; why: string }[] = [
  {
    file: 'server/src/engine/checks/support/secrets.ts',
    why: 'RE_CANDIDATES: alternatives of fixed words between `^`/`_` and `_`/`$`; no repeat (B105 on a 100 kB name: test/lsp/hostile.test.ts)',
  },
  {
    file: 'server/src/engine/checks/bandit/injection_sql.ts',
    why: 'the pieces of SIMPLE_SQL_RE (a keyword and one blank, searched left to right once each; test/lsp/hostile.test.ts)',
  },
  {
    file: 'server/src/engine/flow/request-gate.ts',
    why: 'chainRe: a lookbehind, an alternation of escaped import heads, then repeats that each begin with a `.` no other piece matches; whitespace and `\\` around it are disjoint from the name after (test/unit/flow/request-gate.test.ts, 100 kB of chains and dots)',
  },
  {
    file: 'server/src/engine/checks/ps/scoped.ts',
    why: 'sinkGate: whole words of an alternation of escaped names (the sinks, the import aliases bound to them), no repeat; a pre-filter tested once per def',
  },
];

describe('the regex lint', () => {
  it('finds the regexes (a sanity count)', () => {
    expect(ALL.length).toBeGreaterThan(100);
  });

  it('flags the shapes this server had, and which took seconds to minutes', () => {
    const WS = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;
    const old: [string, string][] = [
      [String.raw`^\s*\[tool\.bandit[\].]`, 'm'],
      [String.raw`#\s*pysec:\s*ignore\[([^\]]*)\]\s*(?:#\s*(.*))?$`, ''],
      [String.raw`^\s*from\s+(\.*[\w.]*)\s+import\b`, ''],
      [String.raw`^([!#$%&'*+.^_|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$`, ''],
      [`(select${WS}[^]*from${WS}|delete${WS}+from${WS}|insert${WS}+into${WS}[^]*values(?:${WS}|\\()|update${WS}[^]*set${WS})`, 'iu'],
      [String.raw`\b(?:eval|get)\b(?=(?:[\s)\\]|#[^\n]*\n)*\()`, 'g'],
      [String.raw`^(?:.*a.*a.*Q)$`, 's'],
      [String.raw`^[^/]*a[^/]*a[^/]*Q$`, ''],
      ['(a+)+$', ''],
      ['(a|a)*$', ''],
      [String.raw`\/+$`, ''],
      [String.raw`^(?:\w+_)?settings(?:_\w+)?\.py$`, ''],
    ];
    for (const [source, flags] of old) expect(dangerousShapes(source, flags), source).not.toEqual([]);
  });

  it('passes shapes that are linear', () => {
    const linear: [string, string][] = [
      [String.raw`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$`, ''],
      [String.raw`#\s*nosec:?\s*([^#]+)?#?`, ''],
      [String.raw`^[^\S\n\r\u2028\u2029]*\[tool\.bandit[\].]`, 'm'],
      ['^[^/]*/[^/]*$', ''],
      [String.raw`(?<!\d)(\d+)\.(\d+)\.(\d+)`, ''],
      [String.raw`^\s*from\s+(?:([\w.]+)\s+|\s)import\b`, ''],
    ];
    for (const [source, flags] of linear) expect(dangerousShapes(source, flags), source).toEqual([]);
  });

  it('no regex in server/src has a dangerous shape, unless proven linear above', () => {
    const flagged = ALL.filter((r) => !r.constructed)
      .map((r) => ({ ...r, shapes: dangerousShapes(r.source, r.flags) }))
      .filter((r) => r.shapes.length > 0 && !ALLOWED.some((a) => a.file === r.file && a.source === r.source))
      .map((r) => `${r.file}:${r.line} /${r.source}/${r.flags}: ${r.shapes.join(', ')}`);
    expect(flagged).toEqual([]);
  });

  it('every allow-listed pattern still exists (the list says nothing stale)', () => {
    for (const a of ALLOWED) expect(ALL.some((r) => r.file === a.file && r.source === a.source), `${a.file} ${a.source}`).toBe(true);
  });

  it('every new RegExp(...) is listed with its reason', () => {
    const sites = [...new Set(ALL.filter((r) => r.constructed).map((r) => r.file))].sort();
    expect(sites).toEqual(CONSTRUCTED.map((c) => c.file).sort());
  });
});

const SIZE = 100_000;

/** Inputs that make a backtracking pattern slow: its pieces and characters repeated, each run ended by one that fails. */
function adversarial(source: string, flags: string): string[] {
  const pieces = literalPieces(source).slice(0, 4);
  const chars = [...new Set([...sampleCharacters(source, flags).slice(0, 6), ' ', '\n', 'a', '#'])];
  const out: string[] = [];
  const fill = (unit: string) => unit.repeat(Math.max(1, Math.floor(SIZE / unit.length)));
  for (const c of chars) out.push(fill(c) + '!', fill(c) + '\u2028');
  for (const p of pieces) {
    out.push(fill(p) + '!');
    for (const c of chars.slice(0, 4)) out.push(fill(p + c) + '\u2028', p + fill(c) + '!');
  }
  return out;
}

describe('every regex on adversarial inputs of 100 kB', () => {
  // Ten seconds for each pattern's inputs: a linear pattern needs milliseconds; a quadratic one on 100 kB, far more.
  const bounded = (r: (typeof ALL)[number]) => ALLOWED.some((a) => a.kind === 'bounded' && a.file === r.file && a.source === r.source);
  it.each(ALL.filter((r) => !r.constructed && !bounded(r)).map((r) => [`${r.file}:${r.line} /${r.source}/${r.flags}`, r] as const))('%s', { timeout: 10_000 }, (_, r) => {
    const re = new RegExp(r.source, r.flags);
    const inputs = adversarial(r.source, r.flags);
    let ran = 0;
    for (const input of inputs) {
      if (re.global) {
        re.lastIndex = 0;
        for (const _m of input.matchAll(re));
      } else re.exec(input);
      ran++;
    }
    expect(ran).toBe(inputs.length);
  });

  it("`# pysec: ignore[` repeated, with and without a closing bracket", { timeout: 10_000 }, () => {
    const unit = '# pysec: ignore[';
    expect(parsePysecIgnore(unit.repeat(SIZE / unit.length))).toBeNull();
    expect(parsePysecIgnore(unit.repeat(SIZE / unit.length) + '] x\u2028')).toBeNull();
    // The regex's answer: only the last one's `\s*` reaches the end (it takes the U+2028); the scan finds that one.
    const repeated = '# pysec: ignore[a] '.repeat(SIZE / 19) + '\u2028';
    expect(parsePysecIgnore(repeated)).toMatchObject({ at: repeated.lastIndexOf('#'), justification: null, list: 'a' });
    expect(parsePysecIgnore(unit.repeat(SIZE / unit.length) + 'PS101]  # why')?.justification).toBe('why');
  });
});

describe('the linear readings answer as the regexes they replaced', () => {
  const WS = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;
  /** bandit's SIMPLE_SQL_RE as it was applied (IGNORECASE | DOTALL). */
  const SIMPLE_SQL_RE = new RegExp(`(select${WS}[^]*from${WS}|delete${WS}+from${WS}|insert${WS}+into${WS}[^]*values(?:${WS}|\\()|update${WS}[^]*set${WS})`, 'iu');
  const PYSEC_IGNORE = /#\s*pysec:\s*ignore\[([^\]]*)\]\s*(?:#\s*(.*))?$/;
  const pysecIgnore = (comment: string) => {
    const m = PYSEC_IGNORE.exec(comment);
    if (!m) return null;
    const ids = new Set(m[1].split(',').map((s) => s.trim()).filter((s) => s !== ''));
    const end = m.index + /^#\s*pysec:\s*ignore\[[^\]]*\]\s*/.exec(m[0])![0].length;
    return { ids, justification: m[2]?.trim() || null, at: m.index, list: m[1], end };
  };
  const texts = (atoms: string[], count: number) => {
    const rng = mulberry32(16);
    return Array.from({ length: count }, () => Array.from({ length: int(rng, 10) }, () => atoms[int(rng, atoms.length)]).join(''));
  };

  it('B608: looksLikeSql is SIMPLE_SQL_RE.test', () => {
    let sql = 0;
    for (const s of texts(['select', 'SELECT', 'from', 'fRom', ' ', '\n', '\u2028', 'x', 'insert', 'into', 'values', '(', 'update', 'set', 'delete', 'ſet', 'selectfrom '], 50_000)) {
      const want = SIMPLE_SQL_RE.test(s);
      if (want) sql++;
      expect(looksLikeSql(s), JSON.stringify(s)).toBe(want);
    }
    expect(sql).toBeGreaterThan(300);
  });

  it('parsePysecIgnore reads a comment as the regex did', () => {
    let found = 0;
    for (const s of texts(['#', ' ', 'pysec:', 'ignore[', ']', 'a', ',', '\u2028', '\n', 'x', '# pysec: ignore[', 'B1', '# pysec:ignore[PS1]'], 50_000)) {
      const want = pysecIgnore(s);
      if (want) found++;
      expect(parsePysecIgnore(s), JSON.stringify(s)).toEqual(want);
    }
    expect(found).toBeGreaterThan(1000);
  });
});
