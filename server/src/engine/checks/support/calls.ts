import type { Node } from 'web-tree-sitter';
import { PyBytes, PyDict, type PyValue } from '../../literal.js';
import { argValue, astArgs, keywordArg, keywordArgs, keywordValue, unparen } from '../../pyast.js';
import { memo, parentOf } from '../../memo.js';

/**
 * The parts of bandit's `Context` (bandit/core/context.py) about a call that
 * the plugin ports share, read off tree-sitter nodes. A value is what
 * bandit's `_get_literal_value` makes of a node (an attribute: its last
 * name), `undefined` standing for Python's None (anything not literal).
 * And where a keyword argument's issue goes (`keywordHit`).
 */

/** bandit's `call_args`: each positional argument (a `*x` too, as None) by its attr name or literal value. */
export function callArgs(call: Node): PyValue[] {
  return memo(call, 'banditCallArgs', (c) => astArgs(c).map((a) => (unparen(a).type === 'list_splat' ? undefined : argValue(a))));
}

/** bandit's `call_args_count`. */
export function callArgsCount(call: Node): number {
  return astArgs(call).length;
}


/** Whether `name=` is among the call's keywords (bandit's `name in context.call_keywords`). */
export function hasKeyword(call: Node, name: string): boolean {
  return keywordArgs(call).has(name);
}

/**
 * bandit's `check_call_arg_value(name, values)`: undefined (Python's None)
 * when the keyword is absent or its value is not a literal, else whether the
 * value equals one of `values` (`values` undefined: compares with None,
 * which a present literal never is).
 */
export function checkCallArgValue(call: Node, name: string, values?: PyValue | PyValue[]): boolean | undefined {
  const v = keywordValue(call, name);
  if (v === undefined) return undefined;
  const list = Array.isArray(values) ? values : [values];
  return list.some((x) => pyEquals(v, x));
}


/** Python's `==` between two literal values as bandit holds them (numbers, strings; containers never equal here). */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (a instanceof PyBytes && b instanceof PyBytes) return a.value === b.value;
  return false;
}

/** Python's truth value of a literal value (`undefined` is None: false). */
export function pyTruthy(v: PyValue): boolean {
  if (v === undefined) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyBytes) return v.value.length > 0;
  if (v instanceof PyDict) return v.keys.length > 0;
  return v.length > 0;
}

/** `str()` of a literal value as Python prints it inside an f-string (lists and tuples approximated). */
export function pyStr(v: PyValue): string {
  if (v === undefined) return 'None';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof PyBytes) return `b'${v.value}'`;
  if (v instanceof PyDict) return '{...}';
  return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyStr(x))).join(', ')}]`;
}

/** The statements of a `block` (or `module`), comments left out: Python's `body`. */

/**
 * Where a keyword argument's issue goes: bandit reports the value's line
 * (`get_lineno_for_call_arg`); the whole `name=value` is highlighted when
 * it starts on that line.
 */
export function keywordHit(call: Node, name: string): Node | undefined {
  const arg = keywordArg(call, name);
  if (!arg) return undefined;
  const value = unparen(arg);
  const kw = parentOf(arg);
  return kw?.type === 'keyword_argument' && kw.startPosition.row === value.startPosition.row ? kw : value;
}
