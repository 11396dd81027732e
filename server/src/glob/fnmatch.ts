import { BoundedCache, Glob, type CharTest, type GlobItem } from './nfa.js';

/**
 * Python's `fnmatch.fnmatch` on POSIX (case-sensitive; `*` crosses `/`), as
 * bandit matches `exclude_dirs`, `.bandit`'s `exclude` and B101's `skips`:
 * `*` any run, `?` one character, `[seq]`, `[!seq]` with ranges as Python
 * 3.11's `fnmatch.translate` reads them (an empty range such as `[z-a]`
 * never matches, `[!]` matches any one character), everything else literal.
 * Run by the non-backtracking matcher (nfa.ts); answers cached per pattern
 * and name.
 */

const ANY: CharTest = () => true;
const NEVER: CharTest = () => false;

/** The set a `[...]` spells: Python's `stuff`, then read as `re` reads a class. */
function classTest(pat: string[], i: number, j: number): CharTest {
  // `translate`, step by step: `pat[i:j]` is between the brackets.
  let stuff: string;
  const slice = (a: number, b: number) => pat.slice(a, b).join('');
  const esc = (s: string) => s.replace(/\\/g, '\\\\');
  if (!pat.slice(i, j).includes('-')) stuff = esc(slice(i, j));
  else {
    const chunks: string[] = [];
    let k = pat[i] === '!' ? i + 2 : i + 1;
    for (;;) {
      k = pat.indexOf('-', k);
      if (k < 0 || k >= j) break;
      chunks.push(slice(i, k));
      i = k + 1;
      k = k + 3;
    }
    const chunk = slice(i, j);
    if (chunk) chunks.push(chunk);
    else chunks[chunks.length - 1] += '-';
    for (let m = chunks.length - 1; m > 0; m--) {
      const a = [...chunks[m - 1]];
      const b = [...chunks[m]];
      if (a[a.length - 1] > b[0]) {
        chunks[m - 1] = a.slice(0, -1).join('') + b.slice(1).join('');
        chunks.splice(m, 1);
      }
    }
    stuff = chunks.map((s) => esc(s).replace(/-/g, '\\-')).join('-');
  }
  stuff = stuff.replace(/[&~|]/g, '\\$&');
  if (!stuff) return NEVER;
  if (stuff === '!') return ANY;
  let negate = false;
  let body = [...stuff];
  if (body[0] === '!') {
    negate = true;
    body = body.slice(1);
  } else if (body[0] === '^' || body[0] === '[') body = ['\\', ...body];
  // `re`'s class syntax as `stuff` can hold it: `\x` is a literal x, `a-b` a range.
  const singles = new Set<string>();
  const ranges: [number, number][] = [];
  let p = 0;
  const next = (): string => (body[p] === '\\' ? ((p += 2), body[p - 1] ?? '\\') : body[p++]);
  while (p < body.length) {
    const a = next();
    if (body[p] === '-' && p + 1 < body.length) {
      p++;
      const b = next();
      ranges.push([a.codePointAt(0)!, b.codePointAt(0)!]);
    } else singles.add(a);
  }
  const inSet = (c: string) => singles.has(c) || ranges.some(([lo, hi]) => c.codePointAt(0)! >= lo && c.codePointAt(0)! <= hi);
  return negate ? (c) => !inSet(c) : inSet;
}

/** `fnmatch.translate`'s reading of a pattern, as matcher items. */
export function fnmatchItems(pattern: string): GlobItem[] {
  const pat = [...pattern];
  const n = pat.length;
  const items: GlobItem[] = [];
  let i = 0;
  while (i < n) {
    const c = pat[i++];
    if (c === '*') {
      if (items[items.length - 1]?.kind !== 'star') items.push({ kind: 'star', test: ANY });
    } else if (c === '?') items.push({ kind: 'char', test: ANY });
    else if (c === '[') {
      let j = i;
      if (j < n && pat[j] === '!') j++;
      if (j < n && pat[j] === ']') j++;
      while (j < n && pat[j] !== ']') j++;
      if (j >= n) items.push({ kind: 'char', test: (x) => x === '[' });
      else {
        items.push({ kind: 'char', test: classTest(pat, i, j) });
        i = j + 1;
      }
    } else items.push({ kind: 'char', test: (x) => x === c });
  }
  return items;
}

const globs = new BoundedCache<Glob>(1000);
const answers = new BoundedCache<boolean>();

/** `fnmatch.fnmatch(name, pattern)` on POSIX. */
export function fnmatch(name: string, pattern: string): boolean {
  return answers.get(`${pattern}\0${name}`, () => globs.get(pattern, () => new Glob(fnmatchItems(pattern))).matches(name));
}
