/**
 * The first, plain implementation of `narrow` (server/src/engine/carry.ts,
 * which explains what it does and why), kept as the reference its faster
 * successor must agree with exactly: it finds the old statement with
 * `descendantForIndex` and walks `parent`, `previousSibling` and
 * `nextSibling`, each of which descends from the root in wasm.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { Span } from '../../server/src/findings/finding.js';
import { COMPOUND, SIMPLE_STATEMENTS } from '../../server/src/engine/widen.js';

/** Nodes whose children are statements or hold them: searched for statements to keep. */
const HOLDERS = new Set(['module', 'block', 'ERROR', ...COMPOUND]);

function touchesAny(s: Span, spans: readonly Span[]): boolean {
  return spans.some((e) => e.start <= s.end && e.end >= s.start);
}

/**
 * Whether the old tree (edited, so in the new coordinates already) has the
 * same statement here: same type and span, as many descendants, no syntax
 * error in either. `span` and `type` are the node's, read once by the
 * caller: every property of a node is a call into wasm.
 */
function sameInOld(node: Node, span: Span, type: string, old: Tree): boolean {
  if (node.hasError || node.isMissing) return false;
  let o: Node | null = old.rootNode.descendantForIndex(span.start, span.end);
  let oType = o?.type;
  while (o && o.startIndex === span.start && oType !== type && o.endIndex === span.end) {
    o = o.parent;
    oType = o?.type;
  }
  if (!o || oType !== type || o.startIndex !== span.start || o.endIndex !== span.end) return false;
  if (o.hasError || o.isMissing) return false;
  if (o.descendantCount !== node.descendantCount) return false;
  return ownerDefStart(o) === ownerDefStart(node);
}

/** Where the innermost `def` holding a node starts, -1 outside any (the old tree is edited into the new coordinates). */
function ownerDefStart(node: Node): number {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition') return p.startIndex;
  return -1;
}

/**
 * Whether no other code shares the first or last line of `children[i]`
 * (a comment after it may): a PS rule is silenced by a bandit finding on
 * the same line (analyzer.ts, `silence`), and both must be computed in one
 * run — which a kept statement beside re-run code on its line would break
 * (`a = SHA.new(d)hashlib.sha256(pw)` while typing).
 */
function aloneOnItsLines(holder: Node, children: readonly (Node | null)[], i: number): boolean {
  const c = children[i]!;
  const prev = i > 0 ? children[i - 1] : holder.type === 'module' ? null : holder.previousSibling;
  if (prev && prev.endPosition.row >= c.startPosition.row) return false;
  const next = i + 1 < children.length ? children[i + 1] : holder.type === 'module' ? null : holder.nextSibling;
  return !next || next.type === 'comment' || next.startPosition.row > c.endPosition.row;
}

/**
 * `range` minus the statements inside it that are unchanged since `old`
 * (see above), as sorted pieces. `edits` are the edited spans in the new
 * coordinates: a statement touching one is never kept.
 */
export function narrowReference(tree: Tree, old: Tree, range: Span, edits: readonly Span[]): Span[] {
  const kept: Span[] = [];
  const visit = (holder: Node): void => {
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
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (!c || c.startIndex > range.end) continue;
      const span = { start: c.startIndex, end: c.endIndex };
      if (span.end < range.start) continue;
      const type = c.type;
      const inside = span.start > range.start && span.end < range.end;
      if (type === 'comment' && inside && !touchesAny(span, edits)) continue;
      if (
        inside &&
        !touchesAny(span, edits) &&
        (SIMPLE_STATEMENTS.has(type) || COMPOUND.has(type)) &&
        span.end - span.start > 1 &&
        sameInOld(c, span, type, old) &&
        aloneOnItsLines(holder, children, i)
      ) {
        if (run) run.end = span.end;
        else run = span;
        continue;
      }
      close();
      if (HOLDERS.has(type)) visit(c);
    }
    close();
  };
  visit(tree.rootNode);
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
