import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { reachOf, requestMayReach as mayReach, type Reach, type SinkKind } from '../../flow/index.js';

/**
 * What reaches a sink's argument, as the flow rules ask it: the data-flow
 * layer's answer (`engine/flow` `reachOf`). One place for the rules to ask,
 * so that what they add to the question (the project's other modules, when
 * the engine has them) is added once.
 */
export function reach(expr: Node, kind: SinkKind, ctx: FileContext): Reach {
  return reachOf(expr, kind, ctx);
}

/** Whether request data may reach anything in `node`'s file (the flow layer's gate, flow/request-gate.ts). */
export function requestMayReach(node: Node, ctx: FileContext): boolean {
  return mayReach(node, ctx);
}
