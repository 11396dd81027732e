import type { Node, Tree } from 'web-tree-sitter';

/**
 * Per-tree memo of facts derived from nodes. Every property read on a
 * web-tree-sitter node crosses into wasm and builds new JS objects, and
 * `parent` walks down from the root; twenty rules asking the same question
 * of the same call would pay that twenty times. A tree is never mutated
 * after we keep it (edits go to the old tree, which is then deleted), so
 * (tree, node id) names one node for the memo's life; the memo goes with the
 * tree object.
 */
const memos = new WeakMap<Tree, Map<string, Map<number, unknown>>>();

export function memo<T>(node: Node, kind: string, compute: (node: Node) => T): T {
  let byKind = memos.get(node.tree);
  if (!byKind) {
    byKind = new Map();
    memos.set(node.tree, byKind);
  }
  let byId = byKind.get(kind) as Map<number, T> | undefined;
  if (!byId) {
    byId = new Map();
    byKind.set(kind, byId);
  }
  if (byId.has(node.id)) return byId.get(node.id)!;
  const v = compute(node);
  byId.set(node.id, v);
  return v;
}

/** `node.parent`, memoised. */
export function parentOf(node: Node): Node | null {
  return memo(node, 'parent', (n) => n.parent);
}

/**
 * Drops a tree's memo. A rule run calls it when done: the next run is on
 * another tree (every edit makes a new one), and an open document's memo
 * would otherwise hold a JS object for most of its nodes for as long as it
 * stays open (megabytes per large document).
 */
export function forgetMemo(tree: Tree): void {
  memos.delete(tree);
}
