import type { Node, Tree } from 'web-tree-sitter';
import type { Span } from '../findings/finding.js';

/**
 * Widening a changed range to what the rules need to see again: the
 * enclosing statement. A rule's verdict on a node may depend on its
 * statement (the assignment a string sits in, the call an argument belongs
 * to), never on a sibling statement: imports, the one file-wide fact, are
 * tracked separately.
 */
export const SIMPLE_STATEMENTS: ReadonlySet<string> = new Set([
  'expression_statement',
  'return_statement',
  'delete_statement',
  'raise_statement',
  'pass_statement',
  'break_statement',
  'continue_statement',
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'assert_statement',
  'global_statement',
  'nonlocal_statement',
  'exec_statement',
  'print_statement',
  'type_alias_statement',
]);

/** Statements and clauses with a header followed by a body. */
export const COMPOUND: ReadonlySet<string> = new Set([
  'if_statement',
  'for_statement',
  'while_statement',
  'try_statement',
  'with_statement',
  'function_definition',
  'class_definition',
  'decorated_definition',
  'match_statement',
  'elif_clause',
  'else_clause',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'case_clause',
]);

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
export function widen(tree: Tree, range: Span): Span {
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
  // Between statements: the statements the range touches. A module or
  // block may have hundreds (a class's methods): rather than read them all
  // (`children` makes an object of each, and each end is a call into
  // wasm), a binary search finds the first that ends at or after the range
  // starts and the last that starts at or before it ends. Children come in
  // text order and never overlap, so both their starts and their ends
  // ascend, and the first and the last hold the least start and the
  // greatest end of those between.
  const count = node.childCount;
  const first = firstIndex(count, (i) => node.child(i)!.endIndex >= range.start);
  const last = firstIndex(count, (i) => node.child(i)!.startIndex > range.end) - 1;
  if (first > last) return { start: range.start, end: range.end };
  return { start: Math.min(range.start, node.child(first)!.startIndex), end: Math.max(range.end, node.child(last)!.endIndex) };
}

/** The least index below `count` for which `holds` (false, then true, as the index grows) is true; `count` if none. */
function firstIndex(count: number, holds: (i: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cover(node: { startIndex: number; endIndex: number }, range: Span): Span {
  return { start: Math.min(node.startIndex, range.start), end: Math.max(node.endIndex, range.end) };
}

/** Sorted, with overlapping or touching ranges merged. */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + 1) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
