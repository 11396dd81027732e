import type { Node, Tree } from 'web-tree-sitter';
import type { Span } from '../findings/finding.js';
import { COMPOUND, SIMPLE_STATEMENTS } from './widen.js';

/**
 * Narrowing a large re-run range to the statements that really changed.
 *
 * A character typed into indentation (`    #` → `  x  #`) ends a class
 * early: tree-sitter re-parents everything after it, and `getChangedRanges`
 * reports the rest of the class (100 kB of `_pydecimal.py`) as changed,
 * although each method's own text and shape is what it was. The rules'
 * verdict on a node depends on its statement only (widen.ts), so the
 * findings inside a statement that is the same node as before — same type,
 * same span, as many descendants, no syntax error in it, no edit touching
 * it — are still right, wherever it now hangs, as long as it belongs to
 * the same def: the flow rules (checks/ps/scoped.ts) judge a def as a whole,
 * and the call rules a call outside any def on its own statement,
 * so a statement that a broken `def` line leaves at module level (or that a
 * new `def` line takes in) is re-run. Such statements are cut out of the
 * range; what remains (headers, the statements that changed, the gaps
 * between) is re-run.
 *
 * The holes are open: the pieces keep the statements' first and last
 * offsets, so that a node starting or ending where a kept statement does
 * (the statement itself, a block of one statement, the enclosing
 * definition) touches a piece and is re-run. Only findings strictly inside
 * a kept statement are kept.
 *
 * This runs on the slowest keystrokes, over a hundred statements each, and
 * every property of a node is a call into wasm: `parent`, `previousSibling`
 * and `nextSibling` in particular descend from the root each time. So
 * nothing here walks up. The new tree is walked down once, each holder
 * knowing its enclosing def and its parent's children; the old tree is
 * searched down from the path of the statement found before (kept with its
 * spans, types and enclosing defs), which, as the statements come in text
 * order, is mostly the next one's path but for its last step. Each
 * property is read once. test/unit/carry-reference.test.ts holds this to
 * the first, plain version (test/support/narrow-reference.ts).
 */

/** Below this many characters a range is re-run as is: narrowing would cost more than it saves. */
export const NARROW_ABOVE = 2048;

/** Nodes whose children are statements or hold them: searched for statements to keep. */
const HOLDERS = new Set(['module', 'block', 'ERROR', ...COMPOUND]);

function touchesAny(s: Span, spans: readonly Span[]): boolean {
  return spans.some((e) => e.start <= s.end && e.end >= s.start);
}

/**
 * The old tree (edited, so in the new coordinates already), searched for
 * a statement by its span and type. The path from the root to the last
 * node found is kept, with each node's span, type and enclosing def: the
 * next search (the statements come in text order) climbs it only as far
 * as it must, without a call into wasm, and descends from there.
 *
 * Not with a TreeCursor: web-tree-sitter 0.25's `gotoFirstChildForIndex`
 * reads its goal from the wrong place in the transfer buffer (and reports
 * success as false), and stepping through siblings one call at a time
 * costs more than `firstChildForIndex`'s scan in wasm.
 */
class OldStatements {
  /** The path from the root: each node, its span and type, and where the innermost def holding it starts (-1: none). */
  private readonly nodes: Node[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly types: string[] = [];
  private readonly owners: number[] = [];

  constructor(tree: Tree) {
    const root = tree.rootNode;
    this.push(root, root.startIndex, root.endIndex, root.type, -1);
  }

  /**
   * The node of the old tree that `descendantForIndex(start, end)` and
   * then `parent` would find: the innermost node holding the span, or the
   * first node of `type` above it with the same span; null unless that
   * node has exactly this span and type. With where the innermost def
   * holding it starts (-1 outside any), and whether it has a syntax error.
   */
  find(start: number, end: number, type: string): { node: Node; owner: number; error: boolean } | null {
    const { nodes, starts, ends, types, owners } = this;
    // Up to a node that holds the span: on the one path from the root to
    // the innermost such node, as siblings never overlap (the root stays:
    // descendantForIndex starts from it whether or not it holds the span).
    let top = nodes.length - 1;
    while (top > 0 && !(starts[top] <= start && ends[top] >= end)) {
      this.pop();
      top--;
    }
    // Down: the first child (through hidden nodes) ending after `start` is
    // the only one that can hold the span; zero-width children are passed
    // over, as by descendantForIndex for a span of two characters or more.
    for (;;) {
      const child = nodes[top].firstChildForIndex(start);
      if (!child) break;
      const s = child.startIndex;
      if (s > start) break;
      const e = child.endIndex;
      if (e < end) break;
      const t = child.type;
      this.push(child, s, e, t, types[top] === 'function_definition' ? starts[top] : owners[top]);
      top++;
      // The statement itself, without a syntax error: nothing below it has
      // its span and type (a statement's first child is a keyword, a
      // decorator or an expression, and no expression holds a statement),
      // so it is what the walk up from the innermost node would stop at.
      // Only error recovery could nest one: then the search goes on down.
      if (s === start && e === end && t === type && !child.hasError) return { node: child, owner: owners[top], error: false };
    }
    let k = top;
    while (k >= 0 && starts[k] === start && types[k] !== type && ends[k] === end) k--;
    if (k < 0 || types[k] !== type || starts[k] !== start || ends[k] !== end) return null;
    return { node: nodes[k], owner: owners[k], error: nodes[k].hasError };
  }

  private push(node: Node, start: number, end: number, type: string, owner: number): void {
    this.nodes.push(node);
    this.starts.push(start);
    this.ends.push(end);
    this.types.push(type);
    this.owners.push(owner);
  }

  private pop(): void {
    this.nodes.pop();
    this.starts.pop();
    this.ends.pop();
    this.types.pop();
    this.owners.pop();
  }
}

/**
 * `Node.nextSibling` of `outer[at]` (which ends at `end`, after its start)
 * without its walk down from the root: the next of its parent's children
 * that ends after it does (nextSibling passes over zero-width ones there).
 * `previousSibling` of a node that is not zero-width is simply the child
 * before it.
 */
function nextSibling(outer: readonly (Node | null)[], at: number, end: number): Node | null {
  for (let k = at + 1; k < outer.length; k++) {
    const c = outer[k];
    if (c && c.endIndex > end) return c;
  }
  return null;
}

/**
 * `range` minus the statements inside it that are unchanged since `old`
 * (see above), as sorted pieces. `edits` are the edited spans in the new
 * coordinates: a statement touching one is never kept.
 */
export function narrow(tree: Tree, old: Tree, range: Span, edits: readonly Span[]): Span[] {
  const kept: Span[] = [];
  const olds = new OldStatements(old);

  /**
   * `owner`: where the innermost def holding the holder's children starts
   * (the holder itself, if it is one), -1 outside any. `outer`: the
   * holder's parent's children, the holder at `at` (none for the root),
   * for its siblings.
   */
  const visit = (holder: Node, holderType: string, holderEnd: number, owner: number, outer: readonly (Node | null)[] | null, at: number): void => {
    // Kept siblings with nothing but comments between them are kept as one
    // span: nothing in the gap is matched by a rule (the nodes that span a
    // gap, the holder and its ancestors, also span its ends), and one piece
    // per gap would mean one query per gap.
    let run: Span | null = null;
    const close = () => {
      if (run) kept.push(run);
      run = null;
    };
    const children = holder.children;
    const n = children.length;
    // Each child's end, type and last row, read at most once (the next
    // child's type and the previous one's last row are its neighbours').
    const typeOf: string[] = [];
    const endRowOf: number[] = [];
    const type = (i: number): string => (typeOf[i] ??= children[i]!.type);
    const endRow = (i: number): number => (endRowOf[i] ??= children[i]!.endPosition.row);
    /**
     * Whether no other code shares the first or last line of child `i`
     * (a comment after it may): a PS rule is silenced by a bandit finding
     * on the same line (analyzer.ts, `silence`), and both must be computed
     * in one run — which a kept statement beside re-run code on its line
     * would break (`a = SHA.new(d)hashlib.sha256(pw)` while typing). At
     * the ends of the holder, its own neighbours are the statement's (the
     * holder is not empty: it holds the statement).
     */
    const aloneOnItsLines = (i: number): boolean => {
      const row = children[i]!.startPosition.row;
      if (i > 0) {
        if (children[i - 1] && endRow(i - 1) >= row) return false;
      } else {
        const prev = holderType === 'module' || !outer || at === 0 ? null : outer[at - 1];
        if (prev && prev.endPosition.row >= row) return false;
      }
      if (i + 1 < n) {
        const next = children[i + 1];
        return !next || type(i + 1) === 'comment' || next.startPosition.row > endRow(i);
      }
      const next = holderType === 'module' || !outer ? null : nextSibling(outer, at, holderEnd);
      return !next || next.type === 'comment' || next.startPosition.row > endRow(i);
    };
    // Children that end before the next one starts, at or before the range
    // does, hold nothing inside the range: passed over without a call.
    let first = 0;
    while (first + 1 < n && children[first] && (children[first + 1]?.startIndex ?? Infinity) <= range.start) first++;
    for (let i = first; i < n; i++) {
      const c = children[i];
      if (!c) continue;
      const start = c.startIndex;
      // Children come in text order: none after this one reaches the range.
      if (start > range.end) break;
      const end = c.endIndex;
      if (end < range.start) continue;
      const t = type(i);
      const span = { start, end };
      const inside = start > range.start && end < range.end;
      const untouched = inside && !touchesAny(span, edits);
      if (t === 'comment' && untouched) continue;
      if (untouched && (SIMPLE_STATEMENTS.has(t) || COMPOUND.has(t)) && end - start > 1 && aloneOnItsLines(i) && !c.hasError) {
        // Kept if the old tree has the same statement here: same type and
        // span, in the same def, as many descendants, no syntax error in
        // either (a missing node is one: `hasError` counts it).
        const o = olds.find(start, end, t);
        if (o && o.owner === owner && !o.error && o.node.descendantCount === c.descendantCount) {
          if (run) run.end = end;
          else run = span;
          continue;
        }
      }
      close();
      if (HOLDERS.has(t)) {
        visit(c, t, end, t === 'function_definition' ? start : owner, children, i);
      }
    }
    close();
  };
  const root = tree.rootNode;
  visit(root, root.type, root.endIndex, -1, null, 0);
  if (kept.length === 0) return [range];
  kept.sort((a, b) => a.start - b.start);
  const pieces: Span[] = [];
  let at = range.start;
  for (const k of kept) {
    pieces.push({ start: at, end: k.start });
    at = k.end;
  }
  pieces.push({ start: at, end: range.end });
  return pieces;
}
