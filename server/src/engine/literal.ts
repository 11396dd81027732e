import type { Node } from 'web-tree-sitter';

/**
 * Python literals the way bandit's `Context._get_literal_value` sees them,
 * read off tree-sitter nodes instead of Python's `ast`.
 *
 * bandit turns `True`, `False` and `None` into the strings "True", "False"
 * and "None", and a bare name into its identifier: checks compare against
 * those strings, so we do the same.
 */
export type PyValue =
  | string
  | number
  | PyBytes
  | PyValue[]
  | PyDict
  | undefined;

export class PyBytes {
  constructor(readonly value: string) {}
}

export class PyDict {
  constructor(readonly keys: Node[], readonly values: Node[]) {}
}

/** Strips redundant parentheses, which Python's ast does not keep. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) {
    const inner = n.namedChild(0);
    if (!inner || inner.type === 'comment') break;
    n = inner;
  }
  return n;
}

export function literalValue(node: Node | null | undefined): PyValue {
  if (!node) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'string':
    case 'concatenated_string': {
      const s = stringLiteral(n);
      if (!s) return undefined;
      return s.bytes ? new PyBytes(s.value) : s.value;
    }
    case 'integer':
      return parseInteger(n.text);
    case 'float':
      return Number(n.text.replace(/_/g, '').replace(/[jJ]$/, ''));
    case 'true':
      return 'True';
    case 'false':
      return 'False';
    case 'none':
      return 'None';
    case 'identifier':
      return n.text;
    case 'list':
    case 'tuple':
    case 'set':
      return n.namedChildren.filter((c) => c && c.type !== 'comment').map((c) => literalValue(c!));
    case 'dictionary': {
      const keys: Node[] = [];
      const values: Node[] = [];
      for (const pair of n.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const k = pair.childForFieldName('key');
        const v = pair.childForFieldName('value');
        if (k && v) {
          keys.push(k);
          values.push(v);
        }
      }
      return new PyDict(keys, values);
    }
    default:
      return undefined;
  }
}

export function parseInteger(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  if (t.endsWith('j') || t.endsWith('l')) return undefined;
  let v: number;
  if (t.startsWith('0x')) v = parseInt(t.slice(2), 16);
  else if (t.startsWith('0o')) v = parseInt(t.slice(2), 8);
  else if (t.startsWith('0b')) v = parseInt(t.slice(2), 2);
  else v = parseInt(t, 10);
  return Number.isNaN(v) ? undefined : v;
}

export interface StringLiteral {
  value: string;
  bytes: boolean;
}

/**
 * The value of a constant string (or an implicit concatenation of them).
 * f-strings are `JoinedStr` in Python's ast, not constants: null for them,
 * as for anything that is not a string at all.
 */
export function stringLiteral(node: Node): StringLiteral | null {
  const n = unparen(node);
  if (n.type === 'concatenated_string') {
    let value = '';
    let bytes: boolean | undefined;
    for (const part of n.namedChildren) {
      if (!part || part.type === 'comment') continue;
      const s = stringLiteral(part);
      if (!s) return null;
      bytes ??= s.bytes;
      value += s.value;
    }
    return { value, bytes: bytes ?? false };
  }
  if (n.type !== 'string') return null;
  const start = n.child(0);
  if (!start || start.type !== 'string_start') return null;
  const prefix = start.text.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('f') || prefix.includes('t')) return null;
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  let value = '';
  for (let i = 1; i < n.childCount; i++) {
    const c = n.child(i)!;
    if (c.type === 'string_content') value += raw ? c.text : decodeEscapes(c.text);
    else if (c.type === 'escape_sequence') value += raw ? c.text : decodeEscapes(c.text);
    else if (c.type === 'interpolation') return null;
  }
  return { value, bytes };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes Python's backslash escapes (`\N{...}` is kept as written). */
export function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\r?\n|.)/gs, (m, e: string) => {
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e];
    if (e === '\r\n') return '';
    const c = e[0];
    if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/[0-7]/.test(c)) return String.fromCodePoint(parseInt(e, 8));
    return m;
  });
}
