import type { Node } from 'web-tree-sitter';
import { listElements, parseBigInteger } from './literal.js';
import { unparen } from './pyast.js';
import { stringLiteral } from './pystring.js';

/**
 * Python's `repr` and `str` of the values bandit puts in its messages
 * (B103's mode, B202's members, B105's password), emulated: floats with
 * the shortest round-trip digits, strings and bytes with Python's quoting
 * and escapes, literal containers item by item.
 */

/** Python's `repr(float)`: shortest round-trip digits, exponent outside 1e-4 ≤ |x| < 1e16. */
export function pyFloatRepr(x: number, addDot0 = true): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return (Object.is(x, -0) ? '-0' : '0') + (addDot0 ? '.0' : '');
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  let out: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
    else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length) + (addDot0 ? '.0' : '');
    else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  } else {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return (neg ? '-' : '') + out;
}

/**
 * The quote Python's repr picks (single, unless the text holds a single
 * quote and no double one) and the text between the quotes: backslash,
 * the quote, `\n` `\r` `\t` escaped, and the code points `escape`
 * selects as `\xNN`, `\uNNNN` or `\UNNNNNNNN` (str and bytes differ only
 * in which).
 */
function quoted(s: string, prefix: string, escape: (ch: string, c: number) => boolean): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = prefix + quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (!escape(ch, c)) out += ch;
    else if (c < 0x100) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + quote;
}

/** What `str.isprintable()` rejects: Python's "Other" and "Separator" categories, the ASCII space aside. */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** Python's `repr(str)`: every character `isprintable()` rejects escaped. */
export function pyStrRepr(s: string): string {
  return quoted(s, '', (ch) => ch !== ' ' && NOT_PRINTABLE.test(ch));
}

/** Python's `repr(bytes)` (`b'...'`, one char per byte): every byte outside printable ASCII as `\xNN`. */
export function pyBytesRepr(s: string): string {
  return quoted(s, 'b', (_, c) => c < 0x20 || c >= 0x7f);
}

/**
 * `str(node.value)` for an `ast.Constant` (a plain or bytes string, a
 * number, True/False/None, `...`): how bandit prints a constant in a message
 * (`f"{value}"`). Undefined when the node is not a constant.
 */
export function pyConstantStr(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'string':
    case 'concatenated_string': {
      const s = stringLiteral(n);
      if (!s) return undefined;
      return s.bytes ? pyBytesRepr(s.value) : s.value;
    }
    case 'integer': {
      const t = n.text.replace(/_/g, '');
      if (/[jJ]$/.test(t)) return pyFloatRepr(Number(t.slice(0, -1)), false) + 'j';
      return parseBigInteger(t)?.toString();
    }
    case 'float': {
      const t = n.text.replace(/_/g, '');
      if (/[jJ]$/.test(t)) return pyFloatRepr(Number(t.slice(0, -1)), false) + 'j';
      return pyFloatRepr(Number(t));
    }
    case 'true':
      return 'True';
    case 'false':
      return 'False';
    case 'none':
      return 'None';
    case 'ellipsis':
      return 'Ellipsis';
    default:
      return undefined;
  }
}

/**
 * `repr()` of what bandit's `_get_literal_value` makes of a node (True,
 * False and None become strings, a name its identifier, anything else not
 * literal None). Undefined where Python's output cannot be reproduced (a
 * dict holds ast nodes; a set's order is the hash's).
 */
export function pyLiteralRepr(node: Node): string | undefined {
  const n = unparen(node);
  if (!isSequence(n)) return scalarRepr(n);
  // Nested containers with an explicit stack (a literal may nest 20,000
  // deep): each frame gathers its items' reprs, then joins them into its own.
  type Frame = { node: Node; items: Node[]; next: number; reprs: string[] };
  const frame = (c: Node): Frame => ({ node: c, items: listElements(c), next: 0, reprs: [] });
  const stack: Frame[] = [frame(n)];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top.next < top.items.length) {
      const c = unparen(top.items[top.next++]);
      if (isSequence(c)) stack.push(frame(c));
      else {
        const r = scalarRepr(c);
        if (r === undefined) return undefined;
        top.reprs.push(r);
      }
      continue;
    }
    stack.pop();
    const r = containerRepr(top.node.type, top.reprs);
    if (r === undefined) return undefined;
    if (stack.length === 0) return r;
    stack[stack.length - 1].reprs.push(r);
  }
}

function isSequence(n: Node): boolean {
  return n.type === 'list' || n.type === 'tuple' || n.type === 'set';
}

function containerRepr(type: string, items: string[]): string | undefined {
  if (type === 'list') return `[${items.join(', ')}]`;
  if (type === 'tuple') return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  return items.length > 1 ? undefined : `{${items.join(', ')}}`;
}

/** `pyLiteralRepr` of anything but a list, tuple or set. */
function scalarRepr(n: Node): string | undefined {
  switch (n.type) {
    case 'string':
    case 'concatenated_string': {
      const s = stringLiteral(n);
      if (!s) return 'None';
      return s.bytes ? pyBytesRepr(s.value) : pyStrRepr(s.value);
    }
    case 'true':
      return "'True'";
    case 'false':
      return "'False'";
    case 'none':
      return "'None'";
    case 'identifier':
      return pyStrRepr(n.text);
    case 'integer':
    case 'float':
    case 'ellipsis':
      return pyConstantStr(n);
    case 'dictionary':
      return undefined;
    default:
      return 'None';
  }
}
