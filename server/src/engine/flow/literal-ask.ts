import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import { isAstConstant } from '../literal.js';
import { memo } from '../memo.js';
import { ofType } from '../of-type.js';
import { unparen } from '../pyast.js';
import { evalExpr } from './expr.js';
import { Analysis, type Resolver } from './state.js';
import { MAX_NESTING } from './stmt.js';
import type { Value } from './value.js';

/**
 * A sink's argument that is a literal (`exec("print(1)")`, `["git", "log"]`)
 * answered without analysing its def. Its value is the same wherever it
 * stands: the def's analysis would record that same value (or find its
 * statement dead, which answers `constant` too) — only a def whose analysis
 * gives up (nesting past MAX_NESTING: unknown) answers otherwise, and a
 * sink whose own form is safe (index.ts `sinkSafety`) answers `sanitised`
 * where the statement runs. The caller leaves both to the analysis. On the
 * standard library a literal at a sink cost up to 200 ms (cgi.py's
 * `exec("...")` in a closure of a long test function: the closure's def,
 * then the function around it with every call it makes).
 */

/** Nodes looked at before `isConstantExpr` gives up (a literal list of thousands of strings is not worth more). */
const CONSTANT_NODE_LIMIT = 256;

/**
 * A literal: numbers, strings that are no f-strings, True/False/None, and
 * tuples, lists and `+`/`%` of them. Iterative: no recursion as deep as the
 * input.
 */
export function isConstantExpr(expr: Node): boolean {
  const stack: Node[] = [expr];
  let seen = 0;
  while (stack.length) {
    if (++seen > CONSTANT_NODE_LIMIT) return false;
    const n = unparen(stack.pop()!);
    if (isAstConstant(n)) continue;
    switch (n.type) {
      case 'tuple':
      case 'list':
        for (const c of n.namedChildren) if (c && c.type !== 'comment') stack.push(c);
        continue;
      case 'binary_operator': {
        const op = n.childForFieldName('operator')?.type;
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        if ((op !== '+' && op !== '%') || !l || !r) return false;
        stack.push(l, r);
        continue;
      }
      default:
        return false;
    }
  }
  return true;
}

/** A literal's value: what the analysis of its def records for it (no name, call or scope is read). Undefined when `node` is no literal. */
export function literalValue(node: Node, ctx: FileContext): Value | undefined {
  if (!isConstantExpr(node) || mayGiveUp(node)) return undefined;
  const root = node.tree.rootNode;
  return evalExpr(node, new Map(), new Analysis(root, ctx, null, NO_RESOLVER, null));
}

const NO_RESOLVER: Resolver = { global: () => undefined, callDef: () => undefined };

/**
 * Whether some def of the file may nest blocks deeper than the analysis
 * goes (stmt.ts MAX_NESTING: it gives up, and every value of the def is
 * unknown). Each level of the analysis's nesting enters a `block` node, so
 * blocks nested no deeper than that in the whole file settle it. Per tree,
 * over the file's blocks in text order (engine/of-type.ts).
 */
function mayGiveUp(node: Node): boolean {
  return memo(node.tree.rootNode, 'flowMayGiveUp', (root) => {
    const blocks = ofType(root, BLOCK);
    const ends: number[] = [];
    for (let i = 0; i < blocks.nodes.length; i++) {
      const end = blocks.ends[i];
      // Spans nest: the blocks still open around this one are those ending at or after its end.
      // (A zero-width block at another's end counts as inside it: too deep rather than too shallow.)
      while (ends.length && ends[ends.length - 1] < end) ends.pop();
      ends.push(end);
      if (ends.length >= MAX_NESTING - 8) return true;
    }
    return false;
  });
}

const BLOCK = ['block'];
