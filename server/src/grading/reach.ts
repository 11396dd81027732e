import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../engine/context.js';
import type { ProjectIndex } from '../engine/flow/state.js';
import type { Reach, SinkKind } from '../engine/flow/types.js';
import { isConstantExpr } from '../engine/flow/literal-ask.js';

export { isConstantExpr };

/** The flow layer's question (engine/flow): what reaches `expr`, an argument of a `kind` sink; `project`: the project's other modules, for paths across files. */
export type ReachOf = (expr: Node, kind: SinkKind, ctx: FileContext, project?: ProjectIndex) => Reach;

/**
 * The answer without data flow: `constant` for a literal (engine/flow
 * literal-ask.ts `isConstantExpr`: numbers, strings that are no f-strings,
 * True/False/None, and tuples, lists and `+`/`%` of them), `unknown` for
 * anything else. What the grading asks when no flow layer is given.
 */
export const constantsOnly: ReachOf = (expr) => (isConstantExpr(expr) ? { kind: 'constant' } : { kind: 'unknown' });
