import { memo } from './memo.js';
import { unparen } from './parens.js';
import { stringLiteral, stringPrefix } from './pystring.js';
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

/**
 * The id of an implicit concatenation's first string part: the part that
 * stands for the whole constant. Memoised per concatenation, since each of
 * its parts is matched and asks; listing the parts for each would cost n²
 * on the long ones (pydoc_data/topics.py has hundreds of parts per string).
 */
export function firstStringPartId(concatenation: Node): number | undefined {
  return memo(concatenation, 'firstStringPart', (c) => c.namedChildren.find((x) => x?.type === 'string')?.id);
}


export function literalValue(node: Node | null | undefined): PyValue {
  if (!node) return undefined;
  const n = unparen(node);
  if (!isSequence(n)) return scalarValue(n);
  // Nested lists, tuples and sets with an explicit stack: a literal may
  // nest as deep as the file is long (20,000 levels), the call stack not.
  const root: PyValue[] = [];
  const stack: { items: Node[]; next: number; out: PyValue[] }[] = [{ items: listElements(n), next: 0, out: root }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const c = unparen(top.items[top.next++]);
    if (isSequence(c)) {
      const out: PyValue[] = [];
      top.out.push(out);
      stack.push({ items: listElements(c), next: 0, out });
    } else top.out.push(scalarValue(c));
  }
  return root;
}

function isSequence(n: Node): boolean {
  return n.type === 'list' || n.type === 'tuple' || n.type === 'set';
}

/** A literal that is not a list, tuple or set (those hold others: `literalValue`). */
function scalarValue(n: Node): PyValue {
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


/**
 * Whether a number literal's text (`0`, `0x0`, `0.0`, `0e9`, `0j`, `1_0`)
 * is zero, i.e. false in Python. Complex literals are judged by their
 * imaginary part, the only part a literal has.
 */
export function isZeroNumber(text: string): boolean {
  let t = text.replace(/_/g, '').toLowerCase();
  if (t.endsWith('j')) t = t.slice(0, -1);
  if (t.endsWith('l')) t = t.slice(0, -1);
  if (/^0[xob]/.test(t)) return /^0[xob]0*$/.test(t);
  if (/^[0-9]+$/.test(t)) return /^0+$/.test(t);
  const v = Number(t);
  return !Number.isNaN(v) && v === 0;
}

/** The elements of a list/tuple/set display (`*x` included, comments left out), as Python's `elts`. */
export function listElements(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}


/** Python's `int(text)` for an integer literal, exactly (big integers included). */
export function parseBigInteger(text: string): bigint | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  if (t.endsWith('j') || t.endsWith('l')) return undefined;
  try {
    if (/^0[xob]/.test(t)) return BigInt(t);
    if (/^[0-9]+$/.test(t)) return BigInt(t);
  } catch {
    /* not an integer */
  }
  return undefined;
}

/** Python's `ast.Constant`: a literal string or bytes (not an f-string), number, True/False/None, `...`. */
export function isAstConstant(node: Node): boolean {
  const n = unparen(node);
  switch (n.type) {
    case 'string':
    case 'concatenated_string': {
      const parts = n.type === 'string' ? [n] : n.namedChildren.filter((c): c is Node => c?.type === 'string');
      return parts.every((p) => !/[ft]/i.test(stringPrefix(p.child(0)?.text ?? '')));
    }
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
    case 'ellipsis':
      return true;
    default:
      return false;
  }
}
