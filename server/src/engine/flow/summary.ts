import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import { memo, parentOf } from '../memo.js';
import { fingerprint } from './fingerprint.js';
import { frameworkParams, paramsOf, type Param } from './sources.js';
import { Analysis, MAX_DEPTH, type Env, type ProjectIndex, type Resolver } from './state.js';
import { joinEnvs, runBlock } from './stmt.js';
import { join, konst, mapLeaves, cleaned, stepped, UNKNOWN, type Value } from './value.js';

/**
 * Scopes and their summaries. A scope is a def (or the module's own
 * statements); its analysis runs once and is cached twice: per tree (the
 * node's id, for the run) and across edits by the def's text and place,
 * its file's imports, the module-level names it read and the summaries of
 * the calls it followed — so an edit re-analyses the edited def, and a def
 * whose callee's summary changed, and nothing else. A def's summary is what
 * it returns with its parameters left as parameters (`unknown` marked
 * `param: i`): a call substitutes its arguments.
 */

/** One file as the layer sees it. */
export interface FileScope {
  root: Node;
  ctx: FileContext;
  /** Null: the file being asked about; else the project file's path (its steps name it). */
  file: string | null;
  project?: ProjectIndex;
  /** The dotted name it was imported by, for a project module (its defs are found again by it). */
  module?: string;
}

interface Entry {
  analysis: Analysis;
  imports: string;
}

/** Scopes whose cached analysis is being checked (a cycle of calls holds by assumption). */
const validating = new Set<string>();

/** Across edits: scope key → analysis. Bounded; the oldest go first. */
const cache = new Map<string, Entry>();
const CACHE_LIMIT = 4000;
/** Scopes being analysed now (a recursive call is not followed). */
const active: string[] = [];

function importsSignature(ctx: FileContext): string {
  return memoSig.get(ctx) ?? (memoSig.set(ctx, ctx.imports.map((i) => `${i.aliases.map((x) => x.join('=')).join(',')};${i.modules.join(',')}`).join('|')), memoSig.get(ctx)!);
}
const memoSig = new WeakMap<FileContext, string>();

/**
 * A scope's key: its file, its text (which changes with any edit inside it)
 * and what decides how its calls resolve — its class's name, the text of
 * the def it is nested in. Not its place: a def that an edit above only
 * moved keeps its analysis, rebased (`rebase`).
 */
function scopeKey(scope: Node, file: string | null): string {
  return memo(scope, 'flowKey', (s) => {
    if (s.type === 'module') return `${file ?? ''}\u0000module\u0000${s.tree.rootNode.text}`;
    const outermost = outermostDef(s);
    const cls = enclosingClass(s)?.childForFieldName('name')?.text ?? '';
    // Decorators decide what a framework passes the parameters (`@app.route("/<int:x>")`).
    const parent = parentOf(s);
    const own = parent?.type === 'decorated_definition' ? parent.text : s.text;
    return `${file ?? ''}\u0000${cls}\u0000${outermost.id === s.id ? '' : outermost.text}\u0000${own}`;
  });
}

/** The outermost def around a def (itself at module or class level). */
function outermostDef(def: Node): Node {
  let out = def;
  for (let p = parentOf(def); p; p = parentOf(p)) if (p.type === 'function_definition') out = p;
  return out;
}

/**
 * A value read from an analysis made where the scope stood before (an edit
 * above moved it): the steps inside the moved def shifted to where they are now.
 */
export function rebase(v: Value, a: Analysis, scope: Node): Value {
  const dOffset = scope.startIndex - a.base.start;
  const dRow = scope.startPosition.row - a.base.row;
  if (dOffset === 0 && dRow === 0) return v;
  const start = a.baseFrom;
  const end = a.base.end;
  return mapLeaves(v, (leaf) => {
    if (leaf.t !== 'taint') return leaf;
    let moved = false;
    const path = leaf.path.map((s) => {
      if (s.file !== a.file || s.span.start < start || s.span.end > end) return s;
      moved = true;
      return { ...s, span: { start: s.span.start + dOffset, end: s.span.end + dOffset }, line: s.line + dRow };
    });
    return moved ? { ...leaf, path } : leaf;
  });
}

/** The innermost def that owns a node (lambdas belong to theirs), or the module. */
export function ownerScope(node: Node): Node {
  for (let p = parentOf(node); p; p = parentOf(p)) if (p.type === 'function_definition') return p;
  return node.tree.rootNode;
}

/** The analysis of a scope, from a cache when it still holds. */
export function analysisOf(scope: Node, fs: FileScope): Analysis {
  const key = scopeKey(scope, fs.file);
  return memo(scope, `flowAnalysis:${fs.file ?? ''}`, () => {
    const hit = cache.get(key);
    if (hit && validating.has(key)) return hit.analysis;
    let holds = false;
    if (hit && hit.imports === importsSignature(fs.ctx)) {
      validating.add(key);
      try {
        holds = stillHolds(hit.analysis, fs);
      } finally {
        validating.delete(key);
      }
    }
    if (hit && holds) {
      // Fresh again: to the end of the eviction order.
      cache.delete(key);
      cache.set(key, hit);
      return hit.analysis;
    }
    const a = analyse(scope, fs, key);
    if (!a.gaveUp || a.size > 0) {
      cache.set(key, { analysis: a, imports: importsSignature(fs.ctx) });
      while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    }
    return a;
  });
}

function stillHolds(a: Analysis, fs: FileScope): boolean {
  for (const d of a.deps) {
    if (d.kind === 'global') {
      const now = globalValue(d.name, fs);
      if (fingerprint(now) !== fingerprint(d.value)) return false;
    } else {
      // The callee found again where it was (this file, or the project module named so), unchanged, its summary the same.
      const tfs = d.module === null ? fs : projectModule(`${d.module}.${d.path.join('.')}`, fs)?.fs;
      const def = tfs && defsIn(tfs, d.path);
      if (!tfs || def?.type !== 'function_definition' || scopeKey(def, tfs.file) !== d.key) return false;
      if (fingerprint(summaryOf(analysisOf(def, tfs), def)) !== d.fingerprint) return false;
    }
  }
  return true;
}

/** What a def returns, its parameters left as parameters, where the def stands now. */
function summaryOf(a: Analysis, def: Node): Value {
  return rebase(join(...a.returns), a, def);
}

function analyse(scope: Node, fs: FileScope, key: string): Analysis {
  const isModule = scope.type === 'module';
  const outerScope = isModule ? null : ownerScope(scope);
  const outer = outerScope && outerScope.type === 'function_definition' ? finalEnv(analysisOf(outerScope, fs)) : null;
  const a = new Analysis(scope, fs.ctx, fs.file, resolverFor(fs, isModule), outer);
  active.push(key);
  try {
    const env: Env = new Map();
    if (!isModule) {
      const given = frameworkParams(scope, fs.ctx, fs.file);
      paramsOf(scope).forEach((p, i) => env.set(p.name, given.get(p.name) ?? { t: 'unknown', clean: null, param: i }));
      const end = runBlock(scope.childForFieldName('body'), env, a);
      if (end) {
        a.exits.push(end);
        a.returns.push(konst(null));
      }
    } else {
      const end = runBlock(scope, env, a);
      if (end) a.exits.push(end);
    }
  } finally {
    active.pop();
  }
  return a;
}

/** The names at the end of a scope (joined over its returns). */
export function finalEnv(a: Analysis): Env {
  return joinEnvs(a.exits) ?? new Map();
}

/** A module-level name's value: what the module's statements leave in it. */
function globalValue(name: string, fs: FileScope): Value | undefined {
  const root = fs.root;
  const key = scopeKey(root, fs.file);
  if (active.includes(key)) return undefined;
  return finalEnv(analysisOf(root, fs)).get(name);
}

// ------------------------------------------------------------ calls

/** Top-level defs and classes of a module by name (the last definition wins, as at run time). */
function moduleDefs(root: Node): Map<string, Node> {
  return memo(root, 'flowDefs', (r) => {
    const out = new Map<string, Node>();
    for (const c of r.namedChildren) {
      const d = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
      if (d && (d.type === 'function_definition' || d.type === 'class_definition')) {
        const name = d.childForFieldName('name')?.text;
        if (name) out.set(name, d);
      }
    }
    return out;
  });
}

/** A class's methods by name. */
function classMethods(cls: Node): Map<string, Node> {
  return memo(cls, 'flowMethods', (c) => {
    const out = new Map<string, Node>();
    for (const s of c.childForFieldName('body')?.namedChildren ?? []) {
      const d = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
      if (d?.type === 'function_definition') {
        const name = d.childForFieldName('name')?.text;
        if (name) out.set(name, d);
      }
    }
    return out;
  });
}

function enclosingClass(node: Node): Node | null {
  for (let p = parentOf(node); p; p = parentOf(p)) if (p.type === 'class_definition') return p;
  return null;
}

interface Target {
  def: Node;
  fs: FileScope;
  /** Parameters the call does not pass (`self`). */
  skip: number;
}

/** A project module by the dotted name an import gave, and the rest of the name (`pkg.mod.f` → pkg.mod, f). */
function projectModule(qualified: string, fs: FileScope): { fs: FileScope; rest: string[] } | undefined {
  if (!fs.project) return undefined;
  const parts = qualified.split('.');
  const from = fs.file ?? fs.ctx.filename;
  for (let i = parts.length - 1; i >= 1; i--) {
    const m = fs.project.module(parts.slice(0, i).join('.'), from);
    if (m) return { fs: { root: m.root, ctx: m.ctx, file: m.file, project: fs.project, module: parts.slice(0, i).join('.') }, rest: parts.slice(i) };
  }
  return undefined;
}

function defsIn(fs: FileScope, rest: string[]): Node | undefined {
  let d = moduleDefs(fs.root).get(rest[0]);
  if (d && rest.length === 2 && d.type === 'class_definition') d = classMethods(d).get(rest[1]);
  return rest.length <= 2 ? d : undefined;
}

function targetsOf(call: Node, env: Env, a: Analysis, fs: FileScope): Target[] {
  const fn = call.childForFieldName('function');
  if (!fn) return [];
  if (fn.type === 'identifier') {
    if (env.has(fn.text) || a.outer?.has(fn.text)) return [];
    const local = moduleDefs(fs.root).get(fn.text);
    const imported = fs.ctx.importBinding(fn.text, call.startIndex);
    if (local && (!imported || imported.fact.start < local.startIndex)) return local.type === 'function_definition' ? [{ def: local, fs, skip: 0 }] : constructor(local, fs);
    if (imported) {
      const m = projectModule(imported.qualified, fs);
      const d = m && defsIn(m.fs, m.rest);
      if (d && m) return d.type === 'function_definition' ? [{ def: d, fs: m.fs, skip: 0 }] : constructor(d, m.fs);
    }
    return [];
  }
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    const name = fn.childForFieldName('attribute')?.text ?? '';
    if (obj?.type === 'identifier' && (obj.text === 'self' || obj.text === 'cls')) {
      const cls = enclosingClass(a.scope);
      const m = cls ? classMethods(cls).get(name) : undefined;
      return m ? [{ def: m, fs, skip: 1 }] : [];
    }
    if (obj && (obj.type === 'identifier' || obj.type === 'attribute') && !env.has(obj.text.split('.')[0])) {
      const q = a.ctx.qualname(call);
      const m = projectModule(q, fs);
      const d = m && defsIn(m.fs, m.rest);
      if (d?.type === 'function_definition' && m) return [{ def: d, fs: m.fs, skip: 0 }];
      if (obj.type === 'identifier') {
        const cls = moduleDefs(fs.root).get(obj.text);
        const sm = cls?.type === 'class_definition' ? classMethods(cls).get(name) : undefined;
        if (sm) return [{ def: sm, fs, skip: 0 }];
      }
    }
    return [];
  }
  if (fn.type === 'call' && fn.childForFieldName('function')?.text === 'getattr') {
    // `getattr(module, name)(...)`: any def or class of that module (the union of its candidates).
    const first = fn.childForFieldName('arguments')?.namedChildren.find((c) => !!c && c.type !== 'comment');
    if (first?.type !== 'identifier') return [];
    const imported = fs.ctx.importBinding(first.text, call.startIndex)?.qualified ?? (fs.ctx.importsAt(call.startIndex).has(first.text) ? first.text : null);
    const m = imported && fs.project?.module(imported, fs.file ?? fs.ctx.filename);
    const mfs: FileScope | undefined = m && imported ? { root: m.root, ctx: m.ctx, file: m.file, project: fs.project, module: imported } : undefined;
    const cls = !m ? moduleDefs(fs.root).get(first.text) : undefined;
    if (mfs) return [...moduleDefs(mfs.root).values()].flatMap((d) => (d.type === 'function_definition' ? [{ def: d, fs: mfs, skip: 0 }] : constructor(d, mfs)));
    if (cls?.type === 'class_definition') return [...classMethods(cls).values()].map((d) => ({ def: d, fs, skip: 1 }));
  }
  return [];
}

/** A class called: the instance is not followed (an unresolved call: what went in comes out). */
function constructor(_cls: Node, _fs: FileScope): Target[] {
  return [];
}

/** The value each parameter of `def` takes at a call, by position and keyword (`*args`, `**kwargs` collected). */
function argumentsFor(params: Param[], skip: number, args: readonly Value[], kwargs: ReadonlyMap<string, Value>): Value[] {
  const out: Value[] = params.map(() => UNKNOWN);
  const extra: Value[] = [];
  const extraKw = new Map<string, Value>();
  let pos = 0;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (i < skip) continue;
    if (p.splat) continue;
    if (kwargs.has(p.name)) out[i] = kwargs.get(p.name)!;
    else if (pos < args.length) out[i] = args[pos++];
    else out[i] = p.value ? defaultValue(p.value) : UNKNOWN;
  }
  for (; pos < args.length; pos++) extra.push(args[pos]);
  for (const [k, v] of kwargs) if (!params.some((p) => p.name === k)) extraKw.set(k, v);
  params.forEach((p, i) => {
    if (!p.splat) return;
    out[i] = p.node.parent?.type === 'dictionary_splat_pattern' || p.node.parent?.parent?.type === 'dictionary_splat_pattern' ? { t: 'dict', keys: extraKw, rest: null } : { t: 'seq', kind: 'tuple', items: extra, elem: null };
  });
  return out;
}

function defaultValue(node: Node): Value {
  const t = node.type;
  if (t === 'string' || t === 'integer' || t === 'float' || t === 'true' || t === 'false' || t === 'none') {
    return t === 'none' ? konst(null) : t === 'true' ? konst(true) : t === 'false' ? konst(false) : t === 'string' ? { t: 'const', v: undefined } : konst(Number(node.text) || 0);
  }
  return UNKNOWN;
}

/** `v` (a callee's return) with the callee's parameters replaced by the call's arguments. */
export function substitute(v: Value, args: readonly Value[]): Value {
  return mapLeaves(v, (leaf) => {
    if (leaf.t !== 'unknown' || leaf.param === undefined) return leaf;
    const arg = args[leaf.param] ?? UNKNOWN;
    if (!leaf.clean) return arg;
    let out = arg;
    for (const [k, by] of leaf.clean) out = cleaned(out, [k], by);
    return out;
  });
}

export function resolverFor(fs: FileScope, isModule: boolean): Resolver {
  return {
    global(name, a) {
      if (isModule) return undefined;
      const v = globalValue(name, fs);
      a.deps.push({ kind: 'global', name, value: v });
      return v;
    },
    callDef(call, env, args, kwargs, a) {
      if (active.length > MAX_DEPTH) return undefined;
      const targets = targetsOf(call, env, a, fs);
      if (targets.length === 0) return undefined;
      const out: Value[] = [];
      const name = call.childForFieldName('function')?.text.replace(/\s+/g, '') ?? 'the call';
      const note = `through ${name.length > 40 ? `${name.slice(0, 37)}...` : name}() on line ${call.startPosition.row + 1}`;
      for (const t of targets) {
        const key = scopeKey(t.def, t.fs.file);
        if (active.includes(key)) return undefined;
        const ret = summaryOf(analysisOf(t.def, t.fs), t.def);
        const cls = enclosingClass(t.def)?.childForFieldName('name')?.text;
        const defName = t.def.childForFieldName('name')?.text ?? '';
        a.deps.push({ kind: 'call', module: t.fs === fs ? null : (t.fs.module ?? null), path: cls ? [cls, defName] : [defName], key, fingerprint: fingerprint(ret) });
        const params = paramsOf(t.def);
        const actual = argumentsFor(params, t.skip, args, kwargs).map((v) => stepped(v, a.step(call, note)));
        out.push(stepped(substitute(ret, actual), a.step(call, note)));
      }
      return join(...out);
    },
  };
}

