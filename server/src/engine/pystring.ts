import type { Node } from 'web-tree-sitter';
import { memo } from './memo.js';
import { unparen } from './parens.js';

/**
 * Python's string literals as its ast holds them, read off tree-sitter's
 * `string` nodes: prefixes, quotes and escapes decoded (`stringLiteral`,
 * `plainStr`), f-strings told apart and their constant parts (`isFString`,
 * `joinedStrText`, `strConstants`), as bandit's string tests see them.
 */

/** A `string_start` token's prefix letters (`rb"""` → `rb`): the quotes after them dropped by a loop, not a `['"]+$` regex. */
export function stringPrefix(start: string): string {
  let end = start.length;
  while (end > 0 && (start[end - 1] === '"' || start[end - 1] === "'")) end--;
  return start.slice(0, end);
}

/** A node's text, memoised: a string's is read by several helpers (`isFString`, `stringLiteral`), each read a call into wasm. */
export function nodeText(node: Node): string {
  return memo(node, 'text', readText);
}

const readText = (node: Node): string => node.text;

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
  return memo(node, 'stringLiteral', stringLiteralUncached);
}

function stringLiteralUncached(node: Node): StringLiteral | null {
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
  const fast = n.hasError ? undefined : plainStringFromText(nodeText(n));
  if (fast !== undefined) return fast;
  const start = n.child(0);
  if (!start || start.type !== 'string_start') return null;
  const prefix = stringPrefix(start.text).toLowerCase();
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

/**
 * A string literal's value read from its text alone, which is one call into
 * the tree instead of one per part: `prefix quote body quote` with no
 * backslash in the body, which is then the value (raw or not). undefined
 * for anything else (escapes, an f-string or t-string, no closing quote
 * after a syntax error, an unknown prefix): then the parts are read one by
 * one.
 */
function plainStringFromText(text: string): StringLiteral | undefined {
  if (text.includes('\\')) return undefined;
  const m = /^([a-zA-Z]{0,2})('''|"""|'|")/.exec(text);
  if (!m) return undefined;
  const prefix = m[1].toLowerCase();
  if (!/^(?:r|u|b|br|rb)?$/.test(prefix)) return undefined;
  const quote = m[2];
  const open = m[0].length;
  if (text.length < open + quote.length || !text.endsWith(quote)) return undefined;
  return { value: text.slice(open, text.length - quote.length), bytes: prefix.includes('b') };
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

/** Whether a `string` node is an f-string (a `JoinedStr` in Python's ast). */
export function isFString(node: Node): boolean {
  return memo(node, 'isFString', isFStringUncached);
}

function isFStringUncached(node: Node): boolean {
  // An f-string's text starts with its prefix (its `string_start` is its
  // first child): no `f` there, no f-string, without reading the children.
  if (!/^[a-zA-Z]*[fF]/.test(nodeText(node))) return false;
  if (node.type !== 'string') return false;
  const start = node.child(0);
  return !!start && start.type === 'string_start' && /f/i.test(stringPrefix(start.text));
}

/**
 * The constant text of a `JoinedStr`: an f-string, or an implicit
 * concatenation with at least one f-string part, read as Python's ast holds
 * it (the `Constant` parts joined, `{{`/`}}` unescaped, a debug `{x=}`
 * contributing its `x=` text). Null when `node` is no JoinedStr. Format
 * specs (`{x:...}`) are left out: they are separate JoinedStrs in the ast.
 */
export function joinedStrText(node: Node): string | null {
  const n = unparen(node);
  const parts = n.type === 'concatenated_string' ? n.namedChildren.filter((c): c is Node => c?.type === 'string') : n.type === 'string' ? [n] : [];
  if (!parts.some(isFString)) return null;
  let out = '';
  for (const part of parts) {
    if (!isFString(part)) {
      out += stringLiteral(part)?.value ?? '';
      continue;
    }
    const raw = /r/i.test(part.child(0)!.text);
    for (const c of part.children) {
      if (!c) continue;
      if (c.type === 'string_content') out += fstringContent(c, raw);
      else if (c.type === 'interpolation') out += debugText(c);
    }
  }
  return out;
}

function fstringContent(content: Node, raw: boolean): string {
  // Copy the text, turning the `{{`/`}}` children into one brace.
  let out = '';
  let at = content.startIndex;
  const text = content.text;
  const base = content.startIndex;
  for (const c of content.children) {
    if (!c || c.type !== 'escape_interpolation') continue;
    out += text.slice(at - base, c.startIndex - base) + c.text[0];
    at = c.endIndex;
  }
  out += text.slice(at - base);
  return raw ? out : decodeEscapes(out);
}

/** `{expr=}` puts `expr=` (spaces kept) into the JoinedStr as a constant. */
function debugText(interp: Node): string {
  const kids = interp.children.filter((c): c is Node => c !== null);
  const eq = kids.findIndex((c) => c.type === '=');
  if (eq < 0) return '';
  const open = kids[0];
  const next = kids[eq + 1];
  const full = interp.text;
  const base = interp.startIndex;
  return full.slice(open.endIndex - base, (next ? next.startIndex : interp.endIndex) - base);
}

/**
 * The value of a constant `str` (not bytes, not an f-string): what bandit
 * tests with `isinstance(n, ast.Constant) and isinstance(n.value, str)`.
 */
export function plainStr(node: Node | null | undefined): string | null {
  if (!node) return null;
  const s = stringLiteral(node);
  return s && !s.bytes ? s.value : null;
}

/** One `str` constant of a string expression, as Python's ast holds it. */
export interface StrConstant {
  value: string;
  /** A literal part of an f-string (`JoinedStr.values`), not a whole constant. */
  joined: boolean;
}

/**
 * The `str` constants bandit's `visit_Str` meets in a string expression
 * (`string` or `concatenated_string`): one for a plain string or implicit
 * concatenation; for an f-string, which Python parses as a `JoinedStr`, one
 * per run of literal text between replacement fields (runs merge across
 * concatenated parts), then the literal runs of each format spec. Bytes give
 * none: bandit visits them as `Bytes`, which the string checks ignore.
 */
/** Memoised (several string rules ask): treat the list as read-only. */
export function strConstants(node: Node): StrConstant[] {
  return memo(node, 'strConstants', strConstantsUncached);
}

function strConstantsUncached(node: Node): StrConstant[] {
  const n = unparen(node);
  const parts = n.type === 'concatenated_string' ? n.namedChildren.filter((c): c is Node => c?.type === 'string') : n.type === 'string' ? [n] : [];
  if (parts.length === 0) return [];
  if (!parts.some(isFString)) {
    const v = plainStr(n);
    return v === null ? [] : [{ value: v, joined: false }];
  }
  const out: StrConstant[] = [];
  const specs: StrConstant[] = [];
  let run = '';
  const flush = () => {
    if (run !== '') out.push({ value: run, joined: true });
    run = '';
  };
  for (const part of parts) {
    if (!isFString(part)) {
      run += plainStr(part) ?? '';
      continue;
    }
    const raw = (part.child(0)?.text ?? '').toLowerCase().includes('r');
    for (let i = 1; i < part.childCount; i++) {
      const c = part.child(i)!;
      if (c.type === 'string_content' || c.type === 'escape_sequence') run += fstringText(c, raw);
      else if (c.type === 'interpolation') {
        flush();
        formatSpecConstants(c, specs);
      }
    }
  }
  flush();
  return [...out, ...specs];
}

/** Literal text of an f-string piece: escapes decoded (unless raw), `{{`/`}}` halved. */
function fstringText(c: Node, raw: boolean): string {
  let value = '';
  let at = c.startIndex;
  const text = c.text;
  const piece = (end: number) => {
    const t = text.slice(at - c.startIndex, end - c.startIndex);
    value += raw ? t : decodeEscapes(t);
  };
  for (const e of c.children) {
    if (e?.type !== 'escape_interpolation') continue;
    piece(e.startIndex);
    value += e.text.charAt(0);
    at = e.endIndex;
  }
  piece(c.endIndex);
  return value;
}

/** A replacement field's format spec is a `JoinedStr` too: its literal runs, depth first. */
function formatSpecConstants(field: Node, out: StrConstant[]): void {
  const spec = field.childForFieldName('format_specifier') ?? field.namedChildren.find((c) => c?.type === 'format_specifier');
  if (!spec) return;
  let run = '';
  let at = spec.startIndex;
  const nested: Node[] = [];
  for (const c of spec.children) {
    if (!c) continue;
    if (c.type === ':' && at === spec.startIndex) {
      at = c.endIndex;
      continue;
    }
    if (c.type === 'format_expression' || c.type === 'interpolation') {
      run += spec.text.slice(at - spec.startIndex, c.startIndex - spec.startIndex);
      if (run !== '') out.push({ value: run, joined: true });
      run = '';
      at = c.endIndex;
      nested.push(c);
    }
  }
  run += spec.text.slice(at - spec.startIndex);
  if (run !== '') out.push({ value: run, joined: true });
  for (const c of nested) formatSpecConstants(c, out);
}
