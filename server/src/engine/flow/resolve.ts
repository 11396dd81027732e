import type { Node } from 'web-tree-sitter';
import { memo, parentOf } from '../memo.js';
import type { Param } from './sources.js';
import { importHeads } from './request-gate.js';
import { mayDefineFunction } from './def-names.js';
import type { Analysis, Env } from './state.js';
import type { FileScope } from './summary.js';
import { cleaned, konst, mapLeaves, UNKNOWN, type Value } from './value.js';

/**
 * Which def a call calls: a function of the module, an imported function
 * of a project module (through the ProjectIndex), `self.m()`/`cls.m()` in
 * the class, `Class.m()`, `module.f()`, and `getattr(module, name)()` as
 * every def of that module. And how a call's arguments become the callee's
 * parameters (positions, keywords, defaults, `*args`, `**kwargs`).
 */


/** Top-level defs and classes of a module by name (the last definition wins, as at run time). */
export function moduleDefs(root: Node): Map<string, Node> {
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
export function classMethods(cls: Node): Map<string, Node> {
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

export function enclosingClass(node: Node): Node | null {
  for (let p = parentOf(node); p; p = parentOf(p)) if (p.type === 'class_definition') return p;
  return null;
}

export interface Target {
  def: Node;
  fs: FileScope;
  /** Parameters the call does not pass (`self`). */
  skip: number;
}

/**
 * A project module by the dotted name an import gave, and the rest of the
 * name (`pkg.mod.f` → pkg.mod, f). One import away: the module's own calls
 * into further modules are not followed (its FileScope has no project), so
 * a def's analysis never parses the project's import graph transitively
 * (a module's top-level names, a callee's callees: unresolved calls there).
 */
export function projectModule(qualified: string, fs: FileScope): { fs: FileScope; rest: string[] } | undefined {
  if (!fs.project) return undefined;
  const parts = qualified.split('.');
  const from = fs.file ?? fs.ctx.filename;
  for (let i = parts.length - 1; i >= 1; i--) {
    if (fs.project.mayDefine && !fs.project.mayDefine(parts.slice(0, i).join('.'), from, parts[i])) continue;
    // The module's top-level name itself (not `Class.method`) is followed only as a function: without a
    // `def` of that name in the text, it is no call target (def-names.ts), and the module is not parsed for it.
    if (i === parts.length - 1 && fs.project.moduleSource) {
      const src = fs.project.moduleSource(parts.slice(0, i).join('.'), from);
      if (src && !mayDefineFunctionIn(src.file, src.text, parts[i])) return undefined;
    }
    const m = fs.project.module(parts.slice(0, i).join('.'), from);
    if (m) return { fs: { root: m.root, ctx: m.ctx, file: m.file, module: parts.slice(0, i).join('.') }, rest: parts.slice(i) };
  }
  return undefined;
}

/** `mayDefineFunction`'s answers by file, for the text they were read from: asked for every call into the module. */
const functionNames = new Map<string, { text: string; names: Map<string, boolean> }>();

function mayDefineFunctionIn(file: string, text: string, name: string): boolean {
  let known = functionNames.get(file);
  if (!known || known.text !== text) {
    known = { text, names: new Map() };
    functionNames.set(file, known);
    while (functionNames.size > 256) functionNames.delete(functionNames.keys().next().value!);
  }
  let yes = known.names.get(name);
  if (yes === undefined) known.names.set(name, (yes = mayDefineFunction(text, name)));
  return yes;
}

export function defsIn(fs: FileScope, rest: string[]): Node | undefined {
  let d = moduleDefs(fs.root).get(rest[0]);
  if (d && rest.length === 2 && d.type === 'class_definition') d = classMethods(d).get(rest[1]);
  return rest.length <= 2 ? d : undefined;
}

export function targetsOf(call: Node, env: Env, a: Analysis, fs: FileScope): Target[] {
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
    const head = obj ? obj.text.split('.')[0] : '';
    if (obj && (obj.type === 'identifier' || obj.type === 'attribute') && !env.has(head)) {
      // Into a project module only through a name an import binds (`helpers.f()` after `import
      // helpers`): a name bound otherwise is no module (and the request gate, request-gate.ts,
      // looks for the modules a file may call into among its imports).
      const m = importHeads(a.ctx).has(head) ? projectModule(a.ctx.qualname(call), fs) : undefined;
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
    const mfs: FileScope | undefined = m && imported ? { root: m.root, ctx: m.ctx, file: m.file, module: imported } : undefined;
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
export function argumentsFor(params: Param[], skip: number, args: readonly Value[], kwargs: ReadonlyMap<string, Value>): Value[] {
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

