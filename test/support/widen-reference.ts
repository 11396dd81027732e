/**
 * The first, plain implementation of `widen` (server/src/engine/widen.ts,
 * which explains what it does and why), kept as the reference its faster
 * successor must agree with exactly: between statements it reads every
 * child of the module or block (`children`), where the successor searches.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { Span } from '../../server/src/findings/finding.js';
import { COMPOUND, SIMPLE_STATEMENTS } from '../../server/src/engine/widen.js';

const CONTAINERS = new Set(['module', 'block']);

function headerEnd(node: Node): number {
  for (const c of node.children) {
    if (!c) continue;
    if (c.type === 'block' || c.type === 'function_definition' || c.type === 'class_definition') return c.startIndex;
  }
  return node.endIndex;
}

/**
 * The statements a changed range touches. Besides the statement that holds
 * the range, the one a token cut by the edit now starts or ends in: when
 * `DB_PA` of `DB_PASSWD = "x"` is replaced by `f()`, the rest of the name,
 * `SWD`, begins exactly where the new text ends — in a statement of its own
 * whose target changed although no text of it lies inside the range.
 */
export function widenReference(tree: Tree, range: Span): Span {
  let out = widenRange(tree, range);
  const edges = [range.end];
  if (range.start > 0) edges.push(range.start - 1);
  for (const p of edges) {
    const s = widenRange(tree, { start: p, end: p });
    out = { start: Math.min(out.start, s.start), end: Math.max(out.end, s.end) };
  }
  return out;
}

function widenRange(tree: Tree, range: Span): Span {
  const root = tree.rootNode;
  let node: Node | null = root.descendantForIndex(range.start, Math.max(range.start, range.end - 1));
  // Each property read is a call into wasm: the type is read once per node.
  let type = node?.type ?? '';
  while (node && !SIMPLE_STATEMENTS.has(type) && !COMPOUND.has(type) && !CONTAINERS.has(type)) {
    node = node.parent;
    type = node?.type ?? '';
  }
  if (!node) return { start: root.startIndex, end: root.endIndex };
  if (SIMPLE_STATEMENTS.has(type)) return cover(node, range);
  if (COMPOUND.has(type)) {
    const end = headerEnd(node);
    if (range.end <= end) return cover({ startIndex: node.startIndex, endIndex: end }, range);
    return cover(node, range);
  }
  // Between statements: the statements the range touches.
  let start = range.start;
  let end = range.end;
  for (const c of node.children) {
    if (!c || c.startIndex > range.end) continue;
    const cEnd = c.endIndex;
    if (cEnd >= range.start) {
      start = Math.min(start, c.startIndex);
      end = Math.max(end, cEnd);
    }
  }
  return { start, end };
}

function cover(node: { startIndex: number; endIndex: number }, range: Span): Span {
  return { start: Math.min(node.startIndex, range.start), end: Math.max(node.endIndex, range.end) };
}
