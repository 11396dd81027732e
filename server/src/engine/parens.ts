import type { Node } from 'web-tree-sitter';

// Apart from pyast.ts so that the literal and string readers, which
// pyast.ts uses, can take it without importing pyast.ts back.

/** Strips redundant parentheses, which Python's ast does not keep (comments inside them too). */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = n.namedChildren.filter((c) => c !== null && c.type !== 'comment');
    if (inner.length !== 1 || !inner[0]) break;
    n = inner[0];
  }
  return n;
}
