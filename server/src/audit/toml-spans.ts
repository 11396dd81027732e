import type { Span } from '../findings/finding.js';

/**
 * Where each string of a TOML document is written: smol-toml gives the
 * values, this scanner their places, by the same path (`['project',
 * 'dependencies', 2]`, `['package', 4, 'version']`). It reads the token
 * structure only (tables, array tables, keys, arrays, inline tables,
 * strings, comments) and trusts the parser for validity: on anything it
 * does not expect it moves one character on, so it always ends.
 */

export type TomlPath = readonly (string | number)[];

export interface TomlString {
  path: TomlPath;
  value: string;
  /** The token, quotes included. */
  span: Span;
}

export interface TomlComment {
  text: string;
  start: number;
}

export interface TomlSpans {
  /** Each string value by its path. */
  values: Map<string, TomlString>;
  /** Each key by the path it names (its last part's token). */
  keys: Map<string, TomlString>;
  /** Comments, in order. */
  comments: TomlComment[];
}

export const pathKey = (path: TomlPath): string => path.join('\u0000');

type Frame = { kind: 'array'; path: (string | number)[]; index: number } | { kind: 'inline'; path: (string | number)[] };

const isBare = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '-';
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\', e: '\x1b' };

export function scanToml(text: string): TomlSpans {
  const values = new Map<string, TomlString>();
  const keys = new Map<string, TomlString>();
  const comments: TomlComment[] = [];
  const n = text.length;
  let i = 0;

  const skip = (newlines: boolean) => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) i++;
      else if (c === '#') {
        let e = text.indexOf('\n', i);
        if (e < 0) e = n;
        comments.push({ text: text.slice(i, e).replace(/\r$/, ''), start: i });
        i = e;
      } else break;
    }
  };

  /** A string token at `i` (any of the four kinds): its value and span; i moves past it. */
  const readString = (): { value: string; span: Span } => {
    const start = i;
    const q = text[i];
    const multi = text.startsWith(q + q + q, i);
    i += multi ? 3 : 1;
    if (multi && text[i] === '\n') i++;
    else if (multi && text.startsWith('\r\n', i)) i += 2;
    let value = '';
    while (i < n) {
      const c = text[i];
      if (c === q && (!multi || text.startsWith(q + q + q, i))) {
        if (multi) {
          // Up to two quotes may end the content before the closing three.
          let extra = 0;
          while (extra < 2 && text[i + 3 + extra] === q) extra++;
          value += q.repeat(extra);
          i += 3 + extra;
        } else i++;
        return { value, span: { start, end: i } };
      }
      if (!multi && c === '\n') break;
      if (q === '"' && c === '\\') {
        const e = text[i + 1];
        if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          const cp = Number.parseInt(text.slice(i + 2, i + 2 + len), 16);
          value += Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
          i += 2 + len;
        } else if (multi && (e === '\n' || e === ' ' || e === '\t' || e === '\r')) {
          // A line-ending backslash trims the blanks and newlines after it.
          i++;
          while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
        } else {
          value += ESCAPES[e] ?? e ?? '';
          i += 2;
        }
        continue;
      }
      value += c;
      i++;
    }
    return { value, span: { start, end: i } };
  };

  /** `a.b."c"` up to (not including) `=` or `]`: each part with its token. */
  const readKeyPath = (): { parts: string[]; last: TomlString | null } => {
    const parts: string[] = [];
    let last: TomlString | null = null;
    for (;;) {
      skip(false);
      const c = text[i];
      if (c === '"' || c === "'") {
        const s = readString();
        parts.push(s.value);
        last = { path: [], value: s.value, span: s.span };
      } else if (c !== undefined && isBare(c)) {
        const start = i;
        while (i < n && isBare(text[i])) i++;
        parts.push(text.slice(start, i));
        last = { path: [], value: text.slice(start, i), span: { start, end: i } };
      } else break;
      skip(false);
      if (text[i] !== '.') break;
      i++;
    }
    return { parts, last };
  };

  let table: (string | number)[] = [];
  const counts = new Map<string, number>();
  const stack: Frame[] = [];

  const startValue = (path: (string | number)[]) => {
    skip(false);
    const c = text[i];
    if (c === '"' || c === "'") {
      const s = readString();
      values.set(pathKey(path), { path, value: s.value, span: s.span });
    } else if (c === '[') {
      i++;
      stack.push({ kind: 'array', path, index: 0 });
    } else if (c === '{') {
      i++;
      stack.push({ kind: 'inline', path });
    } else {
      const start = i;
      while (i < n && !' \t\r\n,]}#'.includes(text[i])) i++;
      if (i === start) i++;
    }
  };

  const keyed = (base: (string | number)[]) => {
    const { parts, last } = readKeyPath();
    skip(false);
    if (!parts.length || text[i] !== '=') {
      i++;
      return;
    }
    i++;
    const path = [...base, ...parts];
    if (last) keys.set(pathKey(path), { ...last, path });
    startValue(path);
  };

  while (i < n) {
    const top = stack[stack.length - 1];
    if (!top) {
      skip(true);
      if (i >= n) break;
      if (text[i] === '[') {
        const arrayTable = text[i + 1] === '[';
        i += arrayTable ? 2 : 1;
        const { parts } = readKeyPath();
        const resolved: (string | number)[] = [];
        parts.forEach((p, k) => {
          resolved.push(p);
          const key = pathKey(resolved);
          if (arrayTable && k === parts.length - 1) {
            const idx = (counts.get(key) ?? -1) + 1;
            counts.set(key, idx);
            resolved.push(idx);
          } else if (counts.has(key)) resolved.push(counts.get(key)!);
        });
        table = resolved;
        while (i < n && text[i] !== '\n' && text[i] !== '#') i++;
        continue;
      }
      keyed(table);
      continue;
    }
    skip(true);
    if (i >= n) break;
    const c = text[i];
    if (top.kind === 'array') {
      if (c === ']') {
        i++;
        stack.pop();
      } else if (c === ',') {
        i++;
        top.index++;
      } else startValue([...top.path, top.index]);
    } else if (c === '}') {
      i++;
      stack.pop();
    } else if (c === ',') i++;
    else keyed(top.path);
  }
  return { values, keys, comments };
}

/** The comment on the same line as `offset`, after it (`"x==1",  # pysec: ignore[...]`), or null. */
export function commentAfter(text: string, spans: TomlSpans, offset: number): TomlComment | null {
  let eol = text.indexOf('\n', offset);
  if (eol < 0) eol = text.length;
  // Comments are in order: the first one past `offset` decides.
  let lo = 0;
  let hi = spans.comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans.comments[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  const c = spans.comments[lo];
  return c && c.start < eol ? c : null;
}
