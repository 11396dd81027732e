import { BoundedCache, Glob, type CharTest, type GlobItem } from '../glob/nfa.js';

/**
 * Glob patterns for `pysec.exclude`, run by the non-backtracking matcher
 * (glob/nfa.ts: time is the path's length times the pattern's). Paths use `/`.
 *
 *   `*`    any run of characters except `/`     `?`  one character except `/`
 *   `**`   any number of whole path segments    `[abc]`, `[a-z]`, `[!abc]`
 *   `{a,b}` either alternative (nesting allowed)  `\x` a literal `x`
 */

const NOT_SLASH: CharTest = (c) => c !== '/';
const ANY: CharTest = () => true;
const literal = (ch: string): GlobItem => ({ kind: 'char', test: (c) => c === ch });

/** `[...]`'s body (without the brackets and the `!`/`^`): characters and `a-b` ranges, as a regex class reads them. */
function classTest(body: string[], negate: boolean): CharTest {
  const singles = new Set<string>();
  const ranges: [number, number][] = [];
  for (let p = 0; p < body.length; p++) {
    if (body[p + 1] === '-' && p + 2 < body.length) {
      ranges.push([body[p].codePointAt(0)!, body[p + 2].codePointAt(0)!]);
      p += 2;
    } else singles.add(body[p]);
  }
  const inSet = (c: string) => singles.has(c) || ranges.some(([lo, hi]) => c.codePointAt(0)! >= lo && c.codePointAt(0)! <= hi);
  // A negated class never takes a `/` (it stays inside one segment).
  return negate ? (c) => c !== '/' && !inSet(c) : inSet;
}

function compile(glob: string[], i: number, closers: string): { items: GlobItem[]; i: number } {
  const items: GlobItem[] = [];
  while (i < glob.length) {
    const c = glob[i];
    if (closers.includes(c)) break;
    if (c === '\\' && i + 1 < glob.length) {
      items.push(literal(glob[i + 1]));
      i += 2;
    } else if (c === '*') {
      let j = i;
      while (glob[j] === '*') j++;
      const starts = i === 0 || glob[i - 1] === '/';
      const ends = j === glob.length || glob[j] === '/' || closers.includes(glob[j]);
      if (j - i >= 2 && starts && ends) {
        if (glob[j] === '/') {
          // `**/`: zero or more directories.
          items.push({ kind: 'repeat', body: [{ kind: 'star', test: NOT_SLASH }, literal('/')] });
          j++;
        } else items.push({ kind: 'star', test: ANY }); // trailing `**`: everything below
      } else items.push({ kind: 'star', test: NOT_SLASH });
      i = j;
    } else if (c === '?') {
      items.push({ kind: 'char', test: NOT_SLASH });
      i++;
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        items.push(literal('['));
        i++;
      } else {
        let body = glob.slice(i + 1, end);
        const negate = body[0] === '!' || body[0] === '^';
        if (negate) body = body.slice(1);
        items.push({ kind: 'char', test: classTest(body, negate) });
        i = end + 1;
      }
    } else if (c === '{') {
      const options: GlobItem[][] = [];
      let j = i + 1;
      let closed = false;
      while (j <= glob.length) {
        const part = compile(glob, j, ',}');
        options.push(part.items);
        j = part.i;
        if (glob[j] === ',') j++;
        else {
          closed = glob[j] === '}';
          j++;
          break;
        }
      }
      if (!closed) {
        items.push(literal('{'));
        i++;
      } else {
        items.push({ kind: 'alt', options });
        i = j;
      }
    } else {
      items.push(literal(c));
      i++;
    }
  }
  return { items, i };
}

/** A glob as matcher items over a `/`-separated path (anchored at both ends). */
export function globItems(pattern: string): GlobItem[] {
  const glob = [...pattern];
  const items: GlobItem[] = [];
  let i = 0;
  // A stray closer at top level is a literal.
  while (i < glob.length) {
    const part = compile(glob, i, '');
    items.push(...part.items);
    i = part.i;
    if (i < glob.length) {
      items.push(literal(glob[i]));
      i++;
    }
  }
  return items;
}

const globs = new BoundedCache<Glob>(1000);
const answers = new BoundedCache<boolean>();

export function matchesGlob(path: string, glob: string): boolean {
  return answers.get(`${glob}\0${path}`, () => globs.get(glob, () => new Glob(globItems(glob))).matches(path));
}
