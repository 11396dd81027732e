import type { Node, Tree } from 'web-tree-sitter';

/**
 * Where a file stops being Python: the offset of tree-sitter's first ERROR
 * or MISSING node in source order, or undefined for a tree without one. bandit gives
 * up on such a file; the tree-sitter rules still review the valid parts,
 * so `check` lists the file among the ones not reviewed in full.
 * Iterative, with a cursor: no recursion as deep as the input.
 */
export function firstSyntaxError(tree: Tree): number | undefined {
  if (!tree.rootNode.hasError) return undefined;
  const cursor = tree.walk();
  try {
    for (;;) {
      const node: Node = cursor.currentNode;
      if (node.isError || node.isMissing) return node.startIndex;
      // Only subtrees holding an error are entered; the first one found in source order is the answer.
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return undefined;
      }
    }
  } finally {
    cursor.delete();
  }
}
