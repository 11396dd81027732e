import type { Node, Tree } from 'web-tree-sitter';

/**
 * Reading a tree's source text without joining more of it than asked.
 *
 * `node.text` is web-tree-sitter's `getText`: the tree's source function
 * called from the node's start until it has handed out the node's length,
 * the pieces joined. An open document's source hands out its pieces
 * (documents/text.ts), so the module's text is the whole file joined: over
 * 128 kB that is a fresh large-object string, ~1.4 ms on the bench's
 * `_pydecimal.py`. A keystroke's rules read a span of the module (the
 * request gate) or search it for single characters (B613): these do so
 * here, piece by piece. A source made from one string (`check`) hands out
 * the rest of the string in one piece: the same as `node.text`.
 */

type Source = (index: number) => string;

function sourceOf(tree: Tree): Source | undefined {
  const source = (tree as unknown as { textCallback?: unknown }).textCallback;
  return typeof source === 'function' ? (source as Source) : undefined;
}

/** Calls `visit` with the source's pieces from `start` to `end` (the last one cut there) until it returns true; whether it did. */
function eachPiece(tree: Tree, start: number, end: number, visit: (piece: string) => boolean): boolean | undefined {
  const source = sourceOf(tree);
  if (!source) return undefined;
  for (let at = start; at < end; ) {
    const piece = source(at);
    if (!piece) break;
    if (visit(at + piece.length > end ? piece.slice(0, end - at) : piece)) return true;
    at += piece.length;
  }
  return false;
}

/** The source text from `start` to `end` (offsets within `node`), read as `node.text` is; `node` is the fallback's. */
export function textBetween(node: Node, start: number, end: number): string {
  let out = '';
  const read = eachPiece(node.tree, start, end, (piece) => {
    out += piece;
    return false;
  });
  return read === undefined ? node.text.slice(start - node.startIndex, end - node.startIndex) : out;
}

/**
 * Whether `test` holds for some piece of `node`'s text, the pieces not
 * joined: for a search whose matches are one code unit long (a piece
 * boundary cannot cut one).
 */
export function somePieceOf(node: Node, test: (piece: string) => boolean): boolean {
  return eachPiece(node.tree, node.startIndex, node.endIndex, test) ?? test(node.text);
}
