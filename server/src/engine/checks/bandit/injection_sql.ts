import { memo, parentOf } from '../../memo.js';
import type { Node } from 'web-tree-sitter';
import { firstStringPartId } from '../../literal.js';
import { astParent, calledName, unparen } from '../../pyast.js';
import { isFString, joinedStrText, stringLiteral } from '../../pystring.js';
import type { Check } from '../../rule.js';

/**
 * B608 hardcoded_sql_expressions (bandit/plugins/injection_sql.py).
 *
 * bandit visits every `str` constant (a `Constant` whose parent is not an
 * expression statement) and builds a "statement" from how the string is
 * used:
 *  - in a `BinOp` chain (`%`, `+`, any operator): `utils.concat_string`;
 *  - as the object of `.format` / `.replace`: the string itself;
 *  - as a part of an f-string (`JoinedStr`): all its constant parts, once.
 * A statement that looks like SQL is reported (MEDIUM severity), with
 * MEDIUM confidence when the expression is a positional argument of a
 * call named `execute`/`executemany` (LOW for `.replace`), else LOW. The
 * issue is on the string's first line (for an f-string, the JoinedStr's:
 * Python 3.11 gives its constant parts the JoinedStr's position).
 */

/** Python's `\s` for str patterns (str.isspace): JS's `\s` has no \x1c-\x1f or \x85, and has \ufeff. */
const WS = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;

/**
 * bandit's SIMPLE_SQL_RE (IGNORECASE | DOTALL), searched as
 *   (select\s.*from\s|delete\s+from\s|insert\s+into\s.*values(\s|\()|update\s.*set\s)
 * but in time linear in the string: `a\s.*b\s` is found iff `b\s` occurs
 * after the end of the first `a\s`; the regex itself rescanned the rest of
 * the string from every `select ` in it. Each piece is a keyword and blanks.
 */
const SQL_RE = {
  delete: new RegExp(`delete${WS}+from${WS}`, 'iu'),
  pairs: [
    [new RegExp(`select${WS}`, 'iu'), new RegExp(`from${WS}`, 'giu')],
    [new RegExp(`insert${WS}+into${WS}`, 'iu'), new RegExp(`values(?:${WS}|\\()`, 'giu')],
    [new RegExp(`update${WS}`, 'iu'), new RegExp(`set${WS}`, 'giu')],
  ] as const,
};

export function looksLikeSql(statement: string): boolean {
  if (SQL_RE.delete.test(statement)) return true;
  for (const [head, tail] of SQL_RE.pairs) {
    const h = head.exec(statement);
    if (!h) continue;
    tail.lastIndex = h.index + h[0].length;
    if (tail.test(statement)) return true;
  }
  return false;
}

/** One `str` constant of Python's ast: a plain string, or an implicit concatenation (first part stands for it). */
function strUnit(node: Node): Node | null {
  const p = parentOf(node);
  if (p && p.type === 'concatenated_string') {
    return firstStringPartId(p) === node.id ? p : null;
  }
  return node;
}

function isStr(node: Node): boolean {
  const s = stringLiteral(node);
  return s !== null && !s.bytes;
}

/**
 * One `BinOp` chain, read once (bandit reads it again for each of its
 * strings, which is quadratic in its length and, recursive, as deep as it):
 * the str operands' values in bandit's order (left before right, the
 * chain's nested `BinOp`s walked in place), and for each `BinOp` of the
 * chain the range of those values its subtree holds.
 */
interface SqlChain {
  root: Node;
  strs: string[];
  ranges: Map<number, readonly [number, number]>;
  /** The id of the chain's first str operand (it stands for the chain read whole). */
  firstStr: number | undefined;
  /** Set when the chain is too long to read once per string (`WHOLE_CHAIN`): its statement, read once. */
  whole?: string;
}

/**
 * Past this many characters read (the chain's str operands times their
 * total length), each string's statement is not built apart: the chain is
 * read once as a whole and reported, if it looks like SQL, on its first
 * string. Chains of up to a thousand short parts are read as bandit does.
 */
const WHOLE_CHAIN = 1 << 20;

function readChain(root: Node): SqlChain {
  const chain: SqlChain = { root, strs: [], ranges: new Map(), firstStr: undefined };
  // An explicit stack (a long chain nests as deep as it is long): enter a
  // BinOp, its left operand, its right operand, then close its range.
  const stack: { node: Node; from?: number }[] = [{ node: root }];
  while (stack.length) {
    const top = stack.pop()!;
    const n = top.node;
    if (top.from !== undefined) {
      chain.ranges.set(n.id, [top.from, chain.strs.length]);
      memo(n, 'sqlChain', () => chain);
      continue;
    }
    if (n.type === 'binary_operator') {
      stack.push({ node: n, from: chain.strs.length });
      for (const field of ['right', 'left']) {
        const child = n.childForFieldName(field);
        if (child) stack.push({ node: unparen(child) });
      }
    } else if (isStr(n)) {
      chain.firstStr ??= n.id;
      chain.strs.push(stringLiteral(n)!.value);
    }
  }
  let chars = 0;
  for (const s of chain.strs) chars += s.length + 1;
  if (chain.strs.length * chars > WHOLE_CHAIN) chain.whole = chain.strs.join(' ');
  return chain;
}

/** The chain a `BinOp` is part of, read once for all its strings. */
function chainOf(binop: Node): SqlChain {
  return memo(binop, 'sqlChain', (n) => {
    let root = n;
    for (let p = astParent(root); p && p.type === 'binary_operator'; p = astParent(root)) root = p;
    return memo(root, 'sqlChain', readChain);
  });
}

/**
 * `utils.concat_string(node, stop=parent)`: the chain's root and the str
 * parts joined by spaces: `node` first, then every str operand of the chain
 * outside `stop`'s subtree. Null when the chain is read whole and `node` is
 * not its first string (the chain is reported once).
 */
function concatString(node: Node, stop: Node): { root: Node; statement: string } | null {
  const chain = chainOf(stop);
  if (chain.whole !== undefined) return chain.firstStr === node.id ? { root: chain.root, statement: chain.whole } : null;
  const [from, to] = chain.ranges.get(stop.id) ?? [0, 0];
  const bits = [stringLiteral(node)!.value];
  for (let i = 0; i < from; i++) bits.push(chain.strs[i]);
  for (let i = to; i < chain.strs.length; i++) bits.push(chain.strs[i]);
  return { root: chain.root, statement: bits.join(' ') };
}

function isExecuteCall(wrapper: Node | null): boolean {
  if (!wrapper || wrapper.type !== 'call') return false;
  const name = calledName(wrapper);
  return name === 'execute' || name === 'executemany';
}

/** Whether a string unit is a `JoinedStr` (an f-string, or a concatenation with one). */
function isJoinedStr(unit: Node): boolean {
  if (unit.type === 'string') return isFString(unit);
  return unit.namedChildren.some((c) => c !== null && c.type === 'string' && isFString(c));
}

const hardcodedSqlExpressions: Check = (m) => {
  const unit = strUnit(m.node);
  if (!unit) return null;
  const parent = astParent(unit);
  if (!parent) return null;

  let statement: string;
  let wrapper: Node | null;
  let strReplace = false;
  let anchor: Node = parent;

  if (isJoinedStr(unit)) {
    // The constants' parent is the JoinedStr itself; its parent is the wrapper.
    statement = joinedStrText(unit) ?? '';
    wrapper = parent;
    anchor = unit;
  } else if (parent.type === 'binary_operator') {
    if (!isStr(unit)) return null; // bytes: bandit's B608 looks at str only
    const out = concatString(unit, parent);
    if (!out) return null;
    statement = out.statement;
    wrapper = astParent(out.root);
  } else if (parent.type === 'attribute') {
    const attr = parent.childForFieldName('attribute')?.text;
    if (attr !== 'format' && attr !== 'replace') return null;
    const s = stringLiteral(unit);
    if (!s || s.bytes) return null;
    statement = s.value;
    // Str -> Attribute -> (the call of .format) -> wrapper
    const up = astParent(parent);
    wrapper = up ? astParent(up) : null;
    strReplace = attr === 'replace';
  } else {
    // Any other use of a constant: bandit's statement is "", no issue.
    return null;
  }
  if (!looksLikeSql(statement)) return null;
  return {
    node: unit,
    anchor,
    confidence: isExecuteCall(wrapper) && !strReplace ? 'MEDIUM' : 'LOW',
  };
};

export const CHECKS: Record<string, Check> = {
  hardcoded_sql_expressions: hardcodedSqlExpressions,
};
