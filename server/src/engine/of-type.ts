import type { Node } from 'web-tree-sitter';
import { memo } from './memo.js';

/**
 * A tree's nodes of some types, found once per tree: the flow rules ask for
 * the calls (assignments, returns) of nearly every def of a file and the
 * flow layer for all of its calls, and each `descendantsOfType` walks the
 * subtree in wasm and builds a JS object per node found. With the places
 * read once, a def's own nodes are a slice of the file's by position.
 */
export interface OfType {
  /** In text order (tree-sitter's pre-order: starts never decrease). */
  nodes: Node[];
  starts: number[];
  ends: number[];
}

/** Every node of `types` in `node`'s tree, with their places (per tree). */
export function ofType(node: Node, types: readonly string[]): OfType {
  return memo(node.tree.rootNode, `ofType:${types.join(',')}`, (root): OfType => {
    const nodes = root.descendantsOfType([...types]).filter((n): n is Node => !!n);
    return { nodes, starts: nodes.map((n) => n.startIndex), ends: nodes.map((n) => n.endIndex) };
  });
}

/** The index of the first node starting at or after `start`. */
export function firstFrom(of: OfType, start: number): number {
  let lo = 0;
  let hi = of.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (of.starts[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
