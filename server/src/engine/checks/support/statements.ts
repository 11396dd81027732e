import type { Node } from 'web-tree-sitter';
import type { Span } from '../../../findings/finding.js';
import { unparen } from '../../pyast.js';
import { memo } from '../../memo.js';
import type { Check } from '../../rule.js';

/**
 * Statement- and def-level facts the bandit ports share: a block's statements, a
 * node's lines as Python's ast spans them, a def's parameters as `ast.arguments`
 * splits them, an `except` clause's type.
 */

export function bodyStatements(block: Node | null | undefined): Node[] {
  if (!block) return [];
  return block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/**
 * The extent Python's ast gives a compound statement or clause: from its
 * start to the end of its last statement. tree-sitter's node may run on over
 * comments that close its block; bandit's line range (`lineno` …
 * `end_lineno`) does not.
 */
export function astSpan(node: Node): Span {
  return memo(node, 'astSpan', astSpanUncached);
}

function astSpanUncached(node: Node): Span {
  return { start: node.startIndex, end: astEnd(node) };
}

/** The end of the last token of a node that is not a comment (down the tail of the tree). */
function astEnd(node: Node): number {
  for (let i = node.childCount - 1; i >= 0; i--) {
    const c = node.child(i);
    if (!c || c.type === 'comment') continue;
    return c.childCount === 0 ? c.endIndex : astEnd(c);
  }
  return node.endIndex;
}

/** From a node's start to the end of its header (the `:` before its block; comments left out). */
export function headerSpan(node: Node): Span {
  let end = node.endIndex;
  for (const c of node.children) {
    if (c?.type === 'block') break;
    if (c && c.type !== 'comment') end = c.endIndex;
  }
  return { start: node.startIndex, end };
}

// ---------------------------------------------------------------- function parameters

export interface Param {
  name: string;
  /** The parameter's node (`a`, `a=1`, `a: int = 1`). */
  node: Node;
  default: Node | null;
}

/**
 * A `def`'s parameters as Python's `ast.arguments` splits them: `posonly`
 * before a `/`, `args` up to `*` / `*args`; `defaults` are the default
 * values of posonly + args together (they belong to the last ones).
 */
export function positionalParams(fn: Node): { posonly: Param[]; args: Param[]; defaults: Node[] } {
  return memo(fn, 'positionalParams', positionalParamsUncached);
}

function positionalParamsUncached(fn: Node): { posonly: Param[]; args: Param[]; defaults: Node[] } {
  const params = fn.childForFieldName('parameters');
  const all: Param[] = [];
  let posonlyCount = 0;
  if (params) {
    for (const p of params.namedChildren) {
      if (!p || p.type === 'comment') continue;
      if (p.type === 'positional_separator') {
        posonlyCount = all.length;
        continue;
      }
      if (p.type === 'keyword_separator' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') break;
      if (p.type === 'typed_parameter') {
        const first = p.namedChildren.find((c) => c !== null && c.type !== 'comment');
        if (!first || first.type === 'list_splat_pattern' || first.type === 'dictionary_splat_pattern') break;
        all.push({ name: first.text, node: p, default: null });
      } else if (p.type === 'identifier') {
        all.push({ name: p.text, node: p, default: null });
      } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        all.push({ name: p.childForFieldName('name')?.text ?? '', node: p, default: p.childForFieldName('value') });
      }
    }
  }
  const defaults = all.filter((p) => p.default).map((p) => p.default!);
  return { posonly: all.slice(0, posonlyCount), args: all.slice(posonlyCount), defaults };
}

/**
 * The text of a def's parameter list, memoised: every name and default the
 * def's parameters hold is in it, so a rule looking for a word among them
 * can rule a def out without reading its parameters one by one.
 */
export function paramsText(fn: Node): string {
  return memo(fn, 'paramsText', (f) => f.childForFieldName('parameters')?.text ?? '');
}

/** Whether a `function_definition` is Python's `FunctionDef` (not `AsyncFunctionDef`, which bandit's FunctionDef tests never see). */
export function isSyncDef(fn: Node): boolean {
  return fn.type === 'function_definition' && fn.child(0)?.type !== 'async';
}

/**
 * What to highlight for an issue bandit puts on a `def` line: `preferred`
 * when it starts on that line, else the function's name, else `def`.
 */
export function defLineNode(fn: Node, preferred: Node | null): Node {
  const row = fn.startPosition.row;
  if (preferred && preferred.startPosition.row === row) return preferred;
  const name = fn.childForFieldName('name');
  if (name && name.startPosition.row === row) return name;
  return fn.child(0) ?? fn;
}

/** The exception type an `except` clause names (`except T as e` → T), or null for a bare `except:`. */
export function exceptType(clause: Node): Node | null {
  for (const c of clause.namedChildren) {
    if (!c || c.type === 'comment' || c.type === 'block') continue;
    if (c.type === 'as_pattern') return c.namedChildren.find((x) => x !== null && x.type !== 'comment') ?? null;
    return c;
  }
  return null;
}

/** bandit's ExceptHandler tests: one statement of `kind` as the whole body, for `except:` / `except Exception` (any type with check_typed_exception). */
export function exceptBodyIs(kind: string): Check {
  return (m, rule) => {
    const clause = m.node;
    const body = bodyStatements(clause.children.find((c) => c?.type === 'block'));
    if (body.length !== 1) return null;
    if (rule.params.check_typed_exception !== true) {
      const t = exceptType(clause);
      if (t && !(unparen(t).type === 'identifier' && unparen(t).text === 'Exception')) return null;
    }
    if (body[0].type !== kind) return null;
    return { node: headerSpan(clause), anchor: astSpan(clause) };
  };
}
