/**
 * Glob patterns for `pysec.exclude`, compiled to regular expressions (no
 * dependency, no experimental Node API). Paths use `/`.
 *
 *   `*`    any run of characters except `/`     `?`  one character except `/`
 *   `**`   any number of whole path segments    `[abc]`, `[a-z]`, `[!abc]`
 *   `{a,b}` either alternative (nesting allowed)  `\x` a literal `x`
 */

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function compile(glob: string, i: number, closers: string): { re: string; i: number } {
  let re = '';
  while (i < glob.length) {
    const c = glob[i];
    if (closers.includes(c)) break;
    if (c === '\\' && i + 1 < glob.length) {
      re += escape(glob[i + 1]);
      i += 2;
    } else if (c === '*') {
      let j = i;
      while (glob[j] === '*') j++;
      const starts = i === 0 || glob[i - 1] === '/';
      const ends = j === glob.length || glob[j] === '/' || closers.includes(glob[j]);
      if (j - i >= 2 && starts && ends) {
        if (glob[j] === '/') {
          re += '(?:[^/]*/)*'; // `**/`: zero or more directories
          j++;
        } else re += '.*'; // trailing `**`: everything below
      } else re += '[^/]*';
      i = j;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        i++;
      } else {
        let body = glob.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^/' : ''}${body.replace(/[\\\]]/g, (m) => `\\${m}`)}]`;
        i = end + 1;
      }
    } else if (c === '{') {
      const alts: string[] = [];
      let j = i + 1;
      let closed = false;
      while (j <= glob.length) {
        const part = compile(glob, j, ',}');
        alts.push(part.re);
        j = part.i;
        if (glob[j] === ',') j++;
        else {
          closed = glob[j] === '}';
          j++;
          break;
        }
      }
      if (!closed) {
        re += '\\{';
        i++;
      } else {
        re += `(?:${alts.join('|')})`;
        i = j;
      }
    } else {
      re += escape(c);
      i++;
    }
  }
  return { re, i };
}

/** A glob as an anchored regular expression over a `/`-separated path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  // A stray closer at top level is a literal.
  while (i < glob.length) {
    const part = compile(glob, i, '');
    re += part.re;
    i = part.i;
    if (i < glob.length) {
      re += escape(glob[i]);
      i++;
    }
  }
  return new RegExp(`^${re}$`);
}

const cache = new Map<string, RegExp>();

export function matchesGlob(path: string, glob: string): boolean {
  let re = cache.get(glob);
  if (!re) {
    re = globToRegExp(glob);
    if (cache.size > 1000) cache.clear();
    cache.set(glob, re);
  }
  return re.test(path);
}
