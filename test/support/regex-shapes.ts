/**
 * The regular expressions of the server's sources, found with the
 * TypeScript parser, and a reading of each one's shape that names the
 * shapes a backtracking engine can take super-linear time on:
 *
 *  - `nested`: an unbounded repeat of something that itself holds an
 *    unbounded repeat, or of alternatives that can start with the same
 *    character (`(a+)+`, `(a|ab)*`): a run splits in exponentially many ways;
 *  - `adjacent`: two unbounded repeats that can take the same characters,
 *    with nothing but optional items between them (`\s*.*`, `\s+(\w*)\s+`):
 *    quadratic in a run of those characters when what follows fails;
 *  - `rescan`: an unanchored search (or `^` under the `m` flag) whose
 *    unbounded repeat can run over the places later tries start from and is
 *    followed by something that can fail (`a.*b` on `aaaa…`, `^\s*x` with
 *    `m` on blank lines): every try rescans the same run.
 *
 * It is a lint (a sample of characters stands for each character set), not
 * a proof: a pattern it flags that is linear all the same goes on the test's
 * allow-list with the reason.
 */
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface FoundRegex {
  file: string;
  line: number;
  /** The literal's pattern, or the `new RegExp(...)` call's text. */
  source: string;
  flags: string;
  constructed: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every regex literal and `new RegExp(...)`/`RegExp(...)` call under `dir`. */
export function collectRegexes(dir: string, root: string): FoundRegex[] {
  const out: FoundRegex[] = [];
  for (const file of tsFiles(dir)) {
    const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const rel = relative(root, file);
    const visit = (node: ts.Node): void => {
      const line = () => src.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText();
        const end = text.lastIndexOf('/');
        out.push({ file: rel, line: line(), source: text.slice(1, end), flags: text.slice(end + 1), constructed: false });
      } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText() === 'RegExp') {
        out.push({ file: rel, line: line(), source: node.getText(), flags: '', constructed: true });
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Parsing (the syntax of JavaScript regexes, as far as shapes go)

type Node =
  | { t: 'char'; chars: Set<number> }
  | { t: 'assert'; kind: string; body?: Node }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'group'; body: Node }
  | { t: 'quant'; min: number; max: number; body: Node };

/** The characters a set is tested on: ASCII, Latin-1, Latin Extended-A, and the other blanks and line breaks. */
const SAMPLES: number[] = [
  ...Array.from({ length: 0x180 }, (_, i) => i),
  0x1680, 0x2000, 0x2005, 0x200a, 0x200b, 0x2028, 0x2029, 0x202a, 0x202f, 0x205f, 0x2066, 0x212a, 0x3000, 0xfeff, 0x1f600,
];

function sampleSet(atom: string, flags: string): Set<number> {
  const re = new RegExp(`^(?:${atom})$`, flags.replace(/[gym]/g, ''));
  return new Set(SAMPLES.filter((c) => re.test(String.fromCodePoint(c))));
}

class Parser {
  i = 0;
  constructor(
    private readonly s: string,
    private readonly flags: string,
  ) {}

  parse(): Node {
    const n = this.alt();
    if (this.i < this.s.length) throw new Error(`cannot read ${this.s} at ${this.i}`);
    return n;
  }

  private alt(): Node {
    const options = [this.seq()];
    while (this.s[this.i] === '|') {
      this.i++;
      options.push(this.seq());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  }

  private seq(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      let atom = this.atom();
      atom = this.quantifier(atom);
      items.push(atom);
    }
    return { t: 'seq', items };
  }

  private quantifier(atom: Node): Node {
    const s = this.s;
    let min: number;
    let max: number;
    const c = s[this.i];
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (s[this.i] === '?') this.i++;
    return { t: 'quant', min, max, body: atom };
  }

  private atom(): Node {
    const s = this.s;
    const c = s[this.i];
    if (c === '(') {
      this.i++;
      let kind = '';
      if (s.startsWith('?:', this.i)) this.i += 2;
      else if (s.startsWith('?=', this.i) || s.startsWith('?!', this.i)) {
        kind = s.slice(this.i, this.i + 2);
        this.i += 2;
      } else if (s.startsWith('?<=', this.i) || s.startsWith('?<!', this.i)) {
        kind = s.slice(this.i, this.i + 3);
        this.i += 3;
      } else if (s.startsWith('?<', this.i)) this.i = s.indexOf('>', this.i) + 1;
      const body = this.alt();
      if (s[this.i] !== ')') throw new Error(`unclosed group in ${s}`);
      this.i++;
      return kind ? { t: 'assert', kind, body } : { t: 'group', body };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'assert', kind: c };
    }
    if (c === '[') {
      // In JavaScript a `]` right after `[` or `[^` ends the class (`[]` none, `[^]` any).
      let j = this.i + 1;
      if (s[j] === '^') j++;
      while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? 2 : 1;
      const atom = s.slice(this.i, j + 1);
      this.i = j + 1;
      return { t: 'char', chars: sampleSet(atom, this.flags) };
    }
    if (c === '\\') {
      const m = /^\\(?:[bB]|x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|c[A-Za-z]|k<[^>]+>|[1-9]\d*|[pP]\{[^}]+\}|[\s\S])/.exec(s.slice(this.i))!;
      this.i += m[0].length;
      if (m[0] === '\\b' || m[0] === '\\B') return { t: 'assert', kind: m[0] };
      if (/^\\(?:[1-9]|k<)/.test(m[0])) return { t: 'quant', min: 0, max: Infinity, body: { t: 'char', chars: new Set(SAMPLES) } }; // a back-reference: anything
      return { t: 'char', chars: sampleSet(m[0], this.flags) };
    }
    // A literal character (a code point).
    const cp = s.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return { t: 'char', chars: sampleSet(ch === '{' || ch === '}' || ch === ']' ? `\\${ch}` : ch, this.flags) };
  }
}

export function parseRegex(source: string, flags: string): Node {
  return new Parser(source, flags).parse();
}

// ---------------------------------------------------------------------------
// Properties

const union = (a: Set<number>, b: Set<number>) => new Set([...a, ...b]);
const overlaps = (a: Set<number>, b: Set<number>) => [...a].some((c) => b.has(c));
const EMPTY = new Set<number>();

function nullable(n: Node): boolean {
  switch (n.t) {
    case 'char':
      return false;
    case 'assert':
      return true;
    case 'seq':
      return n.items.every(nullable);
    case 'alt':
      return n.options.some(nullable);
    case 'group':
      return nullable(n.body);
    case 'quant':
      return n.min === 0 || nullable(n.body);
  }
}

/** Every character `n` can consume. */
function chars(n: Node): Set<number> {
  switch (n.t) {
    case 'char':
      return n.chars;
    case 'assert':
      return EMPTY;
    case 'seq':
      return n.items.reduce((a, x) => union(a, chars(x)), EMPTY);
    case 'alt':
      return n.options.reduce((a, x) => union(a, chars(x)), EMPTY);
    case 'group':
    case 'quant':
      return chars(n.body);
  }
}

/** The characters `n` can start with. */
function first(n: Node): Set<number> {
  switch (n.t) {
    case 'char':
      return n.chars;
    case 'assert':
      return EMPTY;
    case 'seq': {
      let out = EMPTY;
      for (const x of n.items) {
        out = union(out, first(x));
        if (!nullable(x)) break;
      }
      return out;
    }
    case 'alt':
      return n.options.reduce((a, x) => union(a, first(x)), EMPTY);
    case 'group':
    case 'quant':
      return first(n.body);
  }
}

function hasUnbounded(n: Node): boolean {
  switch (n.t) {
    case 'char':
      return false;
    case 'assert':
      return n.body ? hasUnbounded(n.body) : false;
    case 'seq':
      return n.items.some(hasUnbounded);
    case 'alt':
      return n.options.some(hasUnbounded);
    case 'group':
      return hasUnbounded(n.body);
    case 'quant':
      return n.max === Infinity || hasUnbounded(n.body);
  }
}

/** Whether `n` can always match (the empty string, at any place): nothing in it can fail. */
function alwaysMatches(n: Node): boolean {
  switch (n.t) {
    case 'char':
    case 'assert':
      return false;
    case 'seq':
      return n.items.every(alwaysMatches);
    case 'alt':
      return n.options.some(alwaysMatches);
    case 'group':
      return alwaysMatches(n.body);
    case 'quant':
      return n.min === 0 || alwaysMatches(n.body);
  }
}

/** The characters `n` can end with. */
function last(n: Node): Set<number> {
  switch (n.t) {
    case 'char':
      return n.chars;
    case 'assert':
      return EMPTY;
    case 'seq': {
      let out = EMPTY;
      for (let k = n.items.length - 1; k >= 0; k--) {
        out = union(out, last(n.items[k]));
        if (!nullable(n.items[k])) break;
      }
      return out;
    }
    case 'alt':
      return n.options.reduce((a, x) => union(a, last(x)), EMPTY);
    case 'group':
    case 'quant':
      return last(n.body);
  }
}

/**
 * An unbounded repeat's characters (`run`) at one end of a pattern, and the
 * characters of the fixed items between it and that end (`passed`): `_\w+`
 * begins with the run of `\w` once the `_` is passed (the `_` may be the
 * run's own, if what comes before it can take a `_` too).
 */
interface Run {
  run: Set<number>;
  passed: Set<number>[];
}

function runs(n: Node, atStart: boolean): Run[] {
  switch (n.t) {
    case 'char':
    case 'assert':
      return [];
    case 'seq': {
      const out: Run[] = [];
      const passed: Set<number>[] = [];
      const items = atStart ? n.items : [...n.items].reverse();
      for (const x of items) {
        for (const r of runs(x, atStart)) out.push({ run: r.run, passed: [...passed, ...r.passed] });
        if (nullable(x)) continue;
        if (x.t !== 'char') break;
        passed.push(x.chars);
      }
      return out;
    }
    case 'alt':
      return n.options.flatMap((x) => runs(x, atStart));
    case 'group':
      return runs(n.body, atStart);
    case 'quant':
      if (n.max !== Infinity) return runs(n.body, atStart);
      // A repeat of more than one character begins (ends) each time with its first (last) one.
      return [{ run: chars(n.body), passed: n.body.t === 'char' ? [] : [atStart ? first(n.body) : last(n.body)] }, ...runs(n.body, atStart)];
  }
}

/** Two runs that can take the same characters, with everything between them takeable by both: which one takes what is ambiguous. */
function ambiguous(a: Run, b: Run, between: Set<number>[]): boolean {
  if (!overlaps(a.run, b.run)) return false;
  return [...a.passed, ...between, ...b.passed].every((p) => overlaps(p, a.run) && overlaps(p, b.run));
}

const LINE_BREAKS = new Set([0x0a, 0x0d, 0x2028, 0x2029]);

/**
 * The characters at which a try can begin, past the first place: `first`,
 * but a `^` (an alternative such as `(?:^|\/)`) begins only at the start
 * (with the `m` flag: after a line break) rather than being skipped.
 */
function startSet(n: Node, multiline: boolean): { set: Set<number>; nullable: boolean } {
  switch (n.t) {
    case 'char':
      return { set: n.chars, nullable: false };
    case 'assert':
      return n.kind === '^' ? { set: multiline ? LINE_BREAKS : EMPTY, nullable: false } : { set: EMPTY, nullable: true };
    case 'seq': {
      let out = EMPTY;
      for (const x of n.items) {
        const s = startSet(x, multiline);
        out = union(out, s.set);
        if (!s.nullable) return { set: out, nullable: false };
      }
      return { set: out, nullable: true };
    }
    case 'alt': {
      const parts = n.options.map((x) => startSet(x, multiline));
      return { set: parts.reduce((a, p) => union(a, p.set), EMPTY), nullable: parts.some((p) => p.nullable) };
    }
    case 'group':
      return startSet(n.body, multiline);
    case 'quant': {
      const s = startSet(n.body, multiline);
      return { set: s.set, nullable: n.min === 0 || s.nullable };
    }
  }
}

export type Shape = 'nested' | 'adjacent' | 'rescan';

/**
 * The dangerous shapes `source` has (none: an empty list). Backtracking
 * costs only when something after the repeats can fail: a shape followed
 * by nothing but optional items (`\s*([^#]+)?#?`) is not one.
 */
export function dangerousShapes(source: string, flags: string): Shape[] {
  const root = parseRegex(source, flags);
  const found = new Set<Shape>();
  const multiline = flags.includes('m');
  const sticky = flags.includes('y');
  // Each top-level alternative begins its tries where it can (`^x*a|y`: x* is tried once).
  let begin = EMPTY;
  const canFail = (rest: Node[]) => !rest.every(alwaysMatches);
  // A leading `(?<!X)`: no try begins right after an X.
  const items0 = root.t === 'seq' ? root.items : [];
  const blocked = items0[0]?.t === 'assert' && items0[0].kind === '?<!' && items0[0].body ? chars(items0[0].body) : EMPTY;
  const walk = (n: Node, rest: Node[]): void => {
    switch (n.t) {
      case 'quant':
        if (n.max === Infinity && canFail(rest)) {
          // A run one iteration can end with and the next begin with: split in many ways.
          if (runs(n.body, false).some((r) => overlaps(r.run, first(n.body)) && r.passed.every((p) => overlaps(p, r.run)))) found.add('nested');
          const alts = n.body.t === 'group' && n.body.body.t === 'alt' ? n.body.body.options : n.body.t === 'alt' ? n.body.options : [];
          for (let a = 0; a < alts.length; a++) for (let b = a + 1; b < alts.length; b++) if (overlaps(first(alts[a]), first(alts[b]))) found.add('nested');
          // A try that begins inside this run (unanchored, or `^` with `m` across lines) rescans it.
          const run = new Set([...chars(n.body)].filter((c) => !blocked.has(c)));
          if (!sticky && overlaps(run, begin)) found.add('rescan');
        }
        walk(n.body, rest);
        return;
      case 'seq':
        for (let a = 0; a < n.items.length; a++) {
          const tails = runs(n.items[a], false);
          if (tails.length === 0) continue;
          // Past optional items, and past fixed characters (`.*a.*`: which `a` is the `a`?).
          const between: Set<number>[] = [];
          for (let b = a + 1; b < n.items.length; b++) {
            const leads = runs(n.items[b], true);
            if (tails.some((t) => leads.some((l) => ambiguous(t, l, between))) && canFail([...n.items.slice(b + 1), ...rest])) found.add('adjacent');
            if (nullable(n.items[b])) continue;
            if (n.items[b].t !== 'char') break;
            between.push((n.items[b] as { chars: Set<number> }).chars);
          }
        }
        n.items.forEach((x, k) => walk(x, [...n.items.slice(k + 1), ...rest]));
        return;
      case 'alt':
        n.options.forEach((x) => walk(x, rest));
        return;
      case 'group':
        walk(n.body, rest);
        return;
      case 'assert':
        // A lookaround fails the try when its own pattern fails: its rest is its own.
        if (n.body) walk(n.body, []);
        return;
      case 'char':
        return;
    }
  };
  for (const alternative of root.t === 'alt' ? root.options : [root]) {
    begin = startSet(alternative, multiline).set;
    walk(alternative, []);
  }
  return [...found];
}

/** Literal runs of the pattern (`select`, `pysec:`): the pieces adversarial inputs repeat. */
export function literalPieces(source: string): string[] {
  const pieces = source
    .replace(/\\[dDwWsSbB]|\[(?:\\.|[^\]\\])*\]|\\[pP]\{[^}]*\}/g, '\u0000')
    .replace(/\\(.)/g, '$1')
    .split(/[\u0000()|*+?{}^$.]+/)
    .map((p) => p.replace(/[[\]]/g, ''))
    .filter((p) => p.length > 0);
  return [...new Set(pieces)].slice(0, 12);
}

/** One character of each set the pattern uses (what repeats of a class can be made of). */
export function sampleCharacters(source: string, flags: string): string[] {
  const out = new Set<string>();
  const walk = (n: Node): void => {
    if (n.t === 'char') {
      const s = [...n.chars];
      // A set's first member, and one it misses (the character that makes a match fail).
      if (s.length) out.add(String.fromCodePoint(s[0]));
      if (s.length) out.add(String.fromCodePoint(s[s.length - 1]));
    } else if (n.t === 'seq') n.items.forEach(walk);
    else if (n.t === 'alt') n.options.forEach(walk);
    else if (n.t === 'group' || n.t === 'quant') walk(n.body);
    else if (n.t === 'assert' && n.body) walk(n.body);
  };
  walk(parseRegex(source, flags));
  return [...out].slice(0, 24);
}
