import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../engine/context.js';
import type { ProjectIndex } from '../engine/flow/state.js';
import type { Reach, SinkKind } from '../engine/flow/types.js';
import { isAstConstant } from '../engine/literal.js';
import { unparen } from '../engine/pyast.js';

/** The flow layer's question (engine/flow): what reaches `expr`, an argument of a `kind` sink; `project`: the project's other modules, for paths across files. */
export type ReachOf = (expr: Node, kind: SinkKind, ctx: FileContext, project?: ProjectIndex) => Reach;

/** Nodes looked at before `constantsOnly` gives up (a literal list of thousands of strings is not worth more). */
const CONSTANT_NODE_LIMIT = 256;

/**
 * The answer without data flow: `constant` for a literal (numbers, strings
 * that are no f-strings, True/False/None, and tuples, lists and `+`/`%` of
 * them), `unknown` for anything else. What the grading asks when no flow
 * layer is given. Iterative: no recursion as deep as the input.
 */
export const constantsOnly: ReachOf = (expr) => (isConstantExpr(expr) ? { kind: 'constant' } : { kind: 'unknown' });

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
