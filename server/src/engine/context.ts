import type { Node } from 'web-tree-sitter';
import type { ImportFact } from './imports.js';
import { ImportHistory, type AliasView, type ImportView } from './history.js';
import { SettingsView, type SettingFact } from './facts.js';
import { detectDocument, type DocumentFrameworks, type Framework } from './frameworks.js';
import { memo, parentOf } from './memo.js';
import { literalValue, unparen, type PyValue } from './literal.js';

/**
 * What a check may know about the file beyond the matched node: the imports
 * seen before a position (bandit's visitor is order-dependent: an alias
 * applies only after its import) and the file's name. Mirrors the parts of
 * bandit's `Context` that checks use.
 */
export class FileContext {
  private importHistory: ImportHistory | undefined;
  /** Resolved call names by node id: every call rule asks for them (one run, one tree). */
  private readonly qualnames = new Map<number, string>();
  private readonly facts = new Map<string, Map<number, unknown>>();
  private detected: DocumentFrameworks | undefined;
  /** What the file's settings assignments say (`facts.ts`): file-wide, like the imports. */
  readonly settings: SettingsView;

  constructor(
    readonly imports: readonly ImportFact[],
    readonly filename: string,
    settings: readonly SettingFact[] = [],
  ) {
    this.settings = new SettingsView(settings);
  }

  private detect(): DocumentFrameworks {
    this.detected ??= detectDocument({ modules: this.imports.flatMap((i) => i.modules), settings: this.settings, filename: this.filename });
    return this.detected;
  }

  /**
   * The web frameworks this file uses (`frameworks.ts`): from all its
   * imports, wherever they are, and its settings assignments. File-wide: a
   * check may rely on it (a change re-runs every rule).
   */
  get frameworks(): ReadonlySet<Framework> {
    return this.detect().frameworks;
  }

  /** A settings module: named `settings.py` (or in `settings/`), or assigning `INSTALLED_APPS`, `SECRET_KEY`, ... */
  get settingsModule(): boolean {
    return this.detect().settingsModule;
  }

  private index(offset: number): number {
    // Last import that starts before `offset`.
    let lo = 0;
    let hi = this.imports.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.imports[mid].start < offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The imports as of each import statement, built once per run (history.ts): no copy per statement. */
  private get history(): ImportHistory {
    this.importHistory ??= new ImportHistory(this.imports);
    return this.importHistory;
  }

  /** bandit's `import_aliases` as it stands when the visitor reaches `offset`. */
  aliasesAt(offset: number): AliasView {
    return this.history.aliasesAt(this.index(offset));
  }

  /** bandit's `imports` set as it stands when the visitor reaches `offset`. */
  importsAt(offset: number): ImportView {
    return this.history.importsAt(this.index(offset));
  }

  /** `is_module_imported_like`: some import so far contains `module`. */
  isModuleImportedLike(module: string, offset: number): boolean {
    return this.history.importedLikeBy(module) <= this.index(offset);
  }

  isModuleImportedExact(module: string, offset: number): boolean {
    return this.importsAt(offset).has(module);
  }

  /**
   * The import statement that, when the visitor reaches `offset`, binds the
   * local name `name` as an alias (`import subprocess as sp`, `from os
   * import system`), and what it binds it to; undefined when no import
   * aliases it (a plain `import subprocess` binds no alias).
   */
  importBinding(name: string, offset: number): { fact: ImportFact; qualified: string } | undefined {
    for (let i = this.index(offset); i >= 0; i--) {
      const fact = this.imports[i];
      for (let j = fact.aliases.length - 1; j >= 0; j--) {
        if (fact.aliases[j][0] === name) return { fact, qualified: fact.aliases[j][1] };
      }
    }
    return undefined;
  }

  /** A per-run memo for facts that depend on the imports as well as the tree. */
  memo<T>(node: Node, kind: string, compute: () => T): T {
    // By kind, then by node id: no key string to build on every ask.
    let byId = this.facts.get(kind) as Map<number, T> | undefined;
    if (!byId) this.facts.set(kind, (byId = new Map()));
    const v = byId.get(node.id);
    if (v !== undefined || byId.has(node.id)) return v as T;
    const computed = compute();
    byId.set(node.id, computed);
    return computed;
  }

  /** bandit's `get_call_name`: the call's qualified name after alias resolution. */
  qualname(call: Node): string {
    let q = this.qualnames.get(call.id);
    if (q === undefined) {
      const fn = call.childForFieldName('function');
      q = fn ? qualifiedName(fn, this.aliasesAt(call.startIndex)) : '';
      this.qualnames.set(call.id, q);
    }
    return q;
  }

  /** bandit's `get_qual_attr`, used for function defaults. */
  qualAttr(node: Node): string {
    const n = unparen(node);
    if (n.type !== 'attribute') return '';
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text ?? '';
    const aliases = this.aliasesAt(n.startIndex);
    let prefix = '';
    if (obj && unparen(obj).type === 'identifier') {
      const id = unparen(obj).text;
      prefix = aliases.get(id) ?? id;
    }
    return `${prefix}.${attr}`;
  }
}

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

/** bandit's `get_called_name`: `x.f(...)` → "f", `f(...)` → "f", anything else → "". */
export function calledName(call: Node): string {
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
