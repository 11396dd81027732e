import type { Node } from 'web-tree-sitter';
import { firstStringPartId } from '../../literal.js';
import { banditParent, isExprStatement } from '../../pyast.js';
import { strConstants } from '../../pystring.js';
import { memo, parentOf } from '../../memo.js';

/**
 * The `str` constants bandit's `visit_Str` runs the string tests on (B104,
 * B105, B108).
 */

/** One `str` constant bandit's `visit_Str` runs the string tests on. */
export interface StrVisit {
  value: string;
  /** The constant (an f-string's literal parts: the f-string), bandit's issue line. */
  node: Node;
  /** The node whose lines are the context's `linerange` (the ast parent's). */
  anchor: Node;
  /** The ast parent of a whole constant; null for a part of an f-string. */
  parent: Node | null;
  /** Which literal part of its f-string (0 for a whole constant): bandit reports each. */
  occurrence: number;
}

/**
 * The str constants of a matched `string` that bandit tests. An implicit
 * concatenation is one constant (or one JoinedStr), handled from its first
 * part; a string that is a statement of its own (a docstring) is skipped,
 * as bandit skips constants whose parent is `Expr`.
 */
/** Memoised: B104, B105 and B108 visit the same strings. */
export function strVisits(matched: Node): StrVisit[] {
  return memo(matched, 'strVisits', strVisitsUncached);
}

function strVisitsUncached(matched: Node): StrVisit[] {
  let node = matched;
  const outer = parentOf(matched);
  if (outer?.type === 'concatenated_string') {
    // The concatenation is one constant: seen once, from its first part.
    if (firstStringPartId(outer) !== matched.id) return [];
    node = outer;
  }
  const consts = strConstants(node);
  if (consts.length === 0) return [];
  if (consts[0].joined) return consts.map((c, occurrence) => ({ value: c.value, node, anchor: node, parent: null, occurrence }));
  const parent = banditParent(node);
  if (!parent) return [];
  if (isExprStatement(parent)) return [];
  return [{ value: consts[0].value, node, anchor: anchorOf(parent), parent, occurrence: 0 }];
}

/** A nested expression's ast parent inside an f-string is its `FormattedValue`, on the f-string's lines. */
function anchorOf(parent: Node): Node {
  if (parent.type !== 'interpolation') return parent;
  let n: Node | null = parent;
  while (n && n.type !== 'string') n = parentOf(n);
  if (n && parentOf(n)?.type === 'concatenated_string') n = parentOf(n);
  return n ?? parent;
}
