import { parentOf } from '../../memo.js';
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

/** bandit's SIMPLE_SQL_RE (IGNORECASE | DOTALL: `[^]` is DOTALL's `.`). */
const SIMPLE_SQL_RE = new RegExp(
  `(select${WS}[^]*from${WS}|delete${WS}+from${WS}|insert${WS}+into${WS}[^]*values(?:${WS}|\\()|update${WS}[^]*set${WS})`,
  'iu',
);

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

/** `utils.concat_string(node, stop=parent)`: the chain's root and the str parts joined by spaces. */
function concatString(node: Node, stop: Node): { root: Node; statement: string } {
  const bits: (Node | null)[] = [node];
  const get = (n: Node): void => {
    if (n.id === stop.id) return;
    for (const field of ['left', 'right']) {
      const child = n.childForFieldName(field);
      const c = child ? unparen(child) : null;
      if (c && c.type === 'binary_operator') {
        get(c);
        bits.push(null);
      } else bits.push(c);
    }
  };
  let root = node;
  for (let p = astParent(root); p && p.type === 'binary_operator'; p = astParent(root)) root = p;
  if (root.type === 'binary_operator') get(root);
  const statement = bits
    .filter((b): b is Node => b !== null && isStr(b))
    .map((b) => stringLiteral(b)!.value)
    .join(' ');
  return { root, statement };
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
  if (!SIMPLE_SQL_RE.test(statement)) return null;
  return {
    node: unit,
    anchor,
    confidence: isExecuteCall(wrapper) && !strReplace ? 'MEDIUM' : 'LOW',
  };
};

export const CHECKS: Record<string, Check> = {
  hardcoded_sql_expressions: hardcodedSqlExpressions,
};
