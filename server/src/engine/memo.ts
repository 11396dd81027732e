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

/**
 * The last tree asked about and its memo: a run asks hundreds of thousands
 * of times about one tree, and this spares the WeakMap lookup each time.
 * `forgetMemo` lets go of both.
 */
let lastTree: Tree | undefined;
let lastMemo: Map<string, Map<number, unknown>> | undefined;

function memoOf(tree: Tree): Map<string, Map<number, unknown>> {
  if (lastTree === tree && lastMemo) return lastMemo;
  let byKind = memos.get(tree);
  if (!byKind) {
    byKind = new Map();
    memos.set(tree, byKind);
  }
  lastTree = tree;
  lastMemo = byKind;
  return byKind;
}

export function memo<T>(node: Node, kind: string, compute: (node: Node) => T): T {
  const byKind = memoOf(node.tree);
  let byId = byKind.get(kind) as Map<number, T> | undefined;
  if (!byId) {
    byId = new Map();
    byKind.set(kind, byId);
  }
  // One lookup for the usual hit; `has` only for a stored undefined.
  const v = byId.get(node.id);
  if (v !== undefined || byId.has(node.id)) return v as T;
  const computed = compute(node);
  byId.set(node.id, computed);
  return computed;
}

/** Records `parent` as `node`'s parent (a query captured both), so that `parentOf` need not look it up. */
export function seedParent(node: Node, parent: Node): void {
  const byKind = memoOf(node.tree);
  let byId = byKind.get('parent');
  if (!byId) byKind.set('parent', (byId = new Map()));
  if (!byId.has(node.id)) byId.set(node.id, parent);
}

/** `node.parent`, memoised. */
export function parentOf(node: Node): Node | null {
  return memo(node, 'parent', parentUncached);
}

/**
 * The ancestors of the node whose parent was last looked up, root first,
 * per tree. tree-sitter finds a parent by walking down from the root, as
 * many steps as the node is deep: a rule asking the parent of each of
 * 20,000 nested strings paid 20,000² steps. Nodes are asked about in text
 * order, mostly, so the walk starts instead from the deepest ancestor
 * the last one shares with this one.
 */
const paths = new WeakMap<Tree, Node[]>();

function parentUncached(node: Node): Node | null {
  const start = node.startIndex;
  const end = node.endIndex;
  const path = paths.get(node.tree);
  // A zero-width node (a missing token) has no ancestor told apart by its span: tree-sitter's own walk.
  if (start === end) return node.parent;
  if (!path) return rootWalk(node);
  // The deepest node of the path whose span strictly holds this one's: an
  // ancestor (spans nest), so tree-sitter's walk from the root passes it.
  let lo = 0;
  let hi = path.length - 1;
  if (!holds(path[0], start, end)) return rootWalk(node);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (holds(path[mid], start, end)) lo = mid;
    else hi = mid - 1;
  }
  path.length = lo + 1;
  return walkFrom(path, node);
}

function holds(a: Node, start: number, end: number): boolean {
  return a.startIndex <= start && end <= a.endIndex && (a.startIndex < start || end < a.endIndex);
}

function rootWalk(node: Node): Node | null {
  const root = node.tree.rootNode;
  if (root.id === node.id) return null;
  const path = [root];
  paths.set(node.tree, path);
  return walkFrom(path, node);
}

/** tree-sitter's walk down to `node`'s parent from the last node of `path` (an ancestor), extending the path. */
function walkFrom(path: Node[], node: Node): Node | null {
  let at = path[path.length - 1];
  for (;;) {
    const next = at.childWithDescendant(node);
    if (!next) return node.parent;
    if (next.id === node.id) return at;
    seedParent(next, at);
    path.push(next);
    at = next;
  }
}

/**
 * Drops a tree's memo. A rule run calls it when done: the next run is on
 * another tree (every edit makes a new one), and an open document's memo
 * would otherwise hold a JS object for most of its nodes for as long as it
 * stays open (megabytes per large document).
 */
export function forgetMemo(tree: Tree): void {
  memos.delete(tree);
  paths.delete(tree);
  if (lastTree === tree) {
    lastTree = undefined;
    lastMemo = undefined;
  }
}
