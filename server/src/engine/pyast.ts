import type { Node } from 'web-tree-sitter';
import { literalValue, type PyValue } from './literal.js';
import { memo, parentOf } from './memo.js';
import type { AliasView } from './history.js';
import { unparen } from './parens.js';

// Its readers take it from here, with the rest of the tree's Python reading.
export { unparen };

/**
 * bandit's questions about the syntax tree, one function each, asked of
 * tree-sitter nodes the way bandit asks them of Python's `ast`: a name's
 * qualified name through the file's aliases, a call's arguments (positional,
 * keyword, by position: `get_call_arg_at_position`), its called name, a
 * node's ast parent, an assignment's targets and value. What a node's value
 * is (a literal's) is literal.ts's, a string literal's decoding
 * pystring.ts's, its `repr` pyrepr.ts's; what the file imported is
 * FileContext's (context.ts). Those modules ask `unparen` of this one and
 * this one asks `literalValue` of literal.ts: the imports go both ways, and
 * are used inside function bodies only (no module reads another while it
 * loads).
 */

/** A name or attribute chain as written with nothing else in it (`os.path.join`): no blank, comment or parenthesis. */
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/**
 * Words a chain's text may hold that are not plain identifiers in the tree
 * (`True.x`, keywords the grammar may take as names or not): such a chain
 * is read from the tree, as before.
 */
const NOT_IDENTIFIERS = new Set(
  'False None True and as assert async await break class continue def del elif else except exec finally for from global if import in is lambda nonlocal not or pass print raise return try while with yield'.split(' '),
);

export function qualifiedName(node: Node, aliases: AliasView): string {
  // A plain chain is read from its text, one call into the tree rather than
  // several per part; the same names resolve the same way, part by part.
  const type = node.type;
  if (type === 'identifier' || type === 'attribute') {
    const text = node.text;
    if (DOTTED.test(text)) {
      const parts = text.split('.');
      if (!parts.some((p) => NOT_IDENTIFIERS.has(p))) {
        let q = aliases.get(parts[0]) ?? parts[0];
        for (let i = 1; i < parts.length; i++) {
          q = `${q}.${parts[i]}`;
          q = aliases.get(q) ?? q;
        }
        return q;
      }
    }
  }
  return treeQualifiedName(node, aliases);
}

/** `qualifiedName` read from the tree, part by part (exported for the test that compares the two). */
export function treeQualifiedName(node: Node, aliases: AliasView): string {
  const n = unparen(node);
  if (n.type === 'identifier') return aliases.get(n.text) ?? n.text;
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text ?? '';
    const name = `${obj ? treeQualifiedName(obj, aliases) : ''}.${attr}`;
    return aliases.get(name) ?? name;
  }
  return '';
}

/** The simple (last) part of a qualified name, as bandit's `call_function_name`. */
export function shortName(qualname: string): string {
  const i = qualname.lastIndexOf('.');
  return i < 0 ? qualname : qualname.slice(i + 1);
}

/** A call's positional arguments (not keywords, not `*args`/`**kwargs`). */
export function positionalArgs(call: Node): Node[] {
  return memo(call, 'positionalArgs', positionalArgsUncached);
}

function positionalArgsUncached(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return [];
  return args.namedChildren.filter(
    (c): c is Node =>
      c !== null &&
      c.type !== 'keyword_argument' &&
      c.type !== 'comment' &&
      c.type !== 'dictionary_splat' &&
      c.type !== 'list_splat',
  );
}

/** Python's `call.args` includes `*args` entries (as `Starred`), but not `**kw`. */
export function astArgs(call: Node): Node[] {
  return memo(call, 'astArgs', astArgsUncached);
}

function astArgsUncached(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args) return [];
  if (args.type === 'generator_expression') return [args];
  return args.namedChildren.filter(
    (c): c is Node => c !== null && c.type !== 'keyword_argument' && c.type !== 'comment' && c.type !== 'dictionary_splat',
  );
}

/** A call's keyword arguments by name (memoised: treat the map as read-only). */
export function keywordArgs(call: Node): Map<string, Node> {
  return memo(call, 'keywordArgs', keywordArgsUncached);
}

function keywordArgsUncached(call: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return out;
  for (const c of args.namedChildren) {
    if (c?.type !== 'keyword_argument') continue;
    const name = c.childForFieldName('name')?.text;
    const value = c.childForFieldName('value');
    if (name && value) out.set(name, value);
  }
  return out;
}

export function keywordArg(call: Node, name: string): Node | undefined {
  return keywordArgs(call).get(name);
}

/**
 * bandit's `call_keywords[name]`: an attribute's last name (`ssl.CERT_NONE`
 * → "CERT_NONE"), else the literal value.
 */
export function keywordValue(call: Node, name: string): PyValue {
  const v = keywordArg(call, name);
  if (!v) return undefined;
  return argValue(v);
}

/** bandit's treatment of an argument: `.attr` for attributes, else the literal. */
export function argValue(node: Node): PyValue {
  const n = unparen(node);
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text;
  return literalValue(n);
}

/** bandit's `get_call_arg_at_position(i)`: `getattr(arg, "attr", None) or literal`, None past the end. */
export function callArgAt(call: Node, i: number): PyValue {
  const args = astArgs(call);
  if (i >= args.length) return undefined;
  const a = unparen(args[i]);
  if (a.type === 'list_splat') return undefined;
  return argValue(a);
}

/**
 * The node standing for `node._bandit_parent` (the parent in Python's ast):
 * parentheses are skipped (the ast keeps none), and a positional argument's
 * parent is its `call` (tree-sitter puts an `argument_list` between them;
 * a class's bases are an `argument_list` too, whose parent is the class).
 * A keyword argument's value has the `keyword_argument` as parent, as ast's
 * `keyword`. Null at the root.
 */
export function astParent(node: Node): Node | null {
  return memo(node, 'astParent', astParentUncached);
}

function astParentUncached(node: Node): Node | null {
  let p = parentOf(node);
  while (p && p.type === 'parenthesized_expression' && p.namedChildren.filter((c) => c?.type !== 'comment').length === 1) {
    p = parentOf(p);
  }
  if (p && p.type === 'argument_list' && parentOf(p)) return parentOf(p);
  return p;
}

/**
 * bandit's `get_called_name`: `x.f(...)` → "f", `f(...)` → "f", anything
 * else → "" (the last name of what a call calls, as written). Memoised: the
 * rules ask it of many calls, some of every call in a def.
 */
export function calledName(call: Node): string {
  return memo(call, 'calledName', calledNameUncached);
}

function calledNameUncached(call: Node): string {
  const fn = call.childForFieldName('function');
  if (!fn) return '';
  const f = unparen(fn);
  if (f.type === 'attribute') return f.childForFieldName('attribute')?.text ?? '';
  if (f.type === 'identifier') return f.text;
  return '';
}

/**
 * The node standing for an expression's parent in Python's ast (bandit's
 * `_bandit_parent`), found through the nodes tree-sitter has and Python's
 * ast has not: parentheses, a call's `argument_list` (→ the call), a dict's
 * `pair` (→ the dict), an annotation's `type`. A chained assignment is one
 * `Assign` in Python: its outermost `assignment`. Default parameter values
 * belong to `arguments` in Python, approximated by the parameter list.
 * `expression_statement` is `Expr` when it holds one expression (else the
 * tuple it spans). Never looks past the enclosing statement. Like
 * `astParent`, more faithful for dict entries and assignment chains (the
 * Str tests B104/B105/B108 need them).
 */
export function banditParent(node: Node): Node | null {
  return memo(node, 'banditParent', banditParentUncached);
}

function banditParentUncached(node: Node): Node | null {
  let p = parentOf(node);
  while (p) {
    switch (p.type) {
      case 'parenthesized_expression':
      case 'type':
        p = parentOf(p);
        continue;
      case 'tuple_pattern':
        // `(x) = ...`: a parenthesised target, not a tuple.
        if (isParenthesisedTarget(p)) {
          p = parentOf(p);
          continue;
        }
        return p;
      case 'argument_list':
      case 'pair':
      case 'default_parameter':
      case 'typed_default_parameter':
        return parentOf(p);
      case 'assignment': {
        let a = p;
        for (let up = parentOf(a); up?.type === 'assignment' && up.childForFieldName('right')?.id === a.id; up = parentOf(a)) a = up;
        return a;
      }
      default:
        return p;
    }
  }
  return null;
}

/** A `tuple_pattern` that is only parentheses around one target (no comma): Python drops them. */
export function isParenthesisedTarget(node: Node): boolean {
  return node.type === 'tuple_pattern' && node.namedChildren.filter((c) => c && c.type !== 'comment').length === 1 && !node.children.some((c) => c?.type === ',');
}

/** A target without the parentheses Python's ast drops (`(x)` → `x`). */
export function unparenTarget(node: Node): Node {
  let n = unparen(node);
  while (isParenthesisedTarget(n)) n = unparen(n.namedChildren.find((c) => c && c.type !== 'comment')!);
  return n;
}

/** Whether `stmt` is Python's `Expr` statement: one expression on its own (a docstring, a bare call). */
export function isExprStatement(stmt: Node): boolean {
  return stmt.type === 'expression_statement' && stmt.namedChildren.filter((c) => c && c.type !== 'comment').length === 1;
}

/** A Python `Assign` (an `assignment` with no annotation): its targets, outermost first. */
export function assignTargets(assign: Node): Node[] {
  const out: Node[] = [];
  let a: Node | null = assign;
  while (a?.type === 'assignment') {
    const left = a.childForFieldName('left');
    if (left) out.push(left);
    a = a.childForFieldName('right');
  }
  return out;
}

/** A Python `Assign`'s value: the innermost right-hand side of an assignment chain. */
export function assignValue(assign: Node): Node | null {
  let a: Node | null = assign;
  while (a?.type === 'assignment') {
    const right = a.childForFieldName('right');
    if (right?.type !== 'assignment') return right;
    a = right;
  }
  return null;
}

/** Whether an `assignment` is Python's `Assign` (not `AnnAssign`: no `: type`). */
export function isPlainAssign(node: Node | null): node is Node {
  return node?.type === 'assignment' && !node.childForFieldName('type') && !!node.childForFieldName('right');
}
