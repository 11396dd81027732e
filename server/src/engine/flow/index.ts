/**
 * The data-flow layer: "what reaches this argument?"
 *
 *     reachOf(expr, sink, ctx, project?) → Reach
 *
 * - `expr`: the sink's argument as a tree-sitter node (a call's argument, a
 *   keyword argument or its value, the right-hand side of `session[k] = x`…),
 *   in a tree the caller keeps alive for the call.
 * - `sink`: what the sink does with it (types.ts `SinkKind`): sanitisers are
 *   per kind (`html.escape` cleans `html` only, `shlex.quote` `command` only).
 * - `ctx`: the engine's FileContext of that tree (imports and aliases).
 * - `project` (optional): the workspace's other modules (`ProjectIndex`,
 *   state.ts), for calls into the project's own imported functions.
 *
 * The answer (types.ts `Reach`): `untrusted` with its path (the source
 * first, then each step — "assigned to cmd", "through wrap() on line 9",
 * "passed to run() on line 20" — and the sink's argument last, "reaches
 * os.system()"), `constant` (only constants, folded), `sanitised` (`by`:
 * the sanitiser or guard, or "a parameterised query"), or `unknown`.
 * Steps in another file name it; `file: null` is the asked file.
 *
 * Also: `analysisOf`/`ownerScope` (summary.ts) for a scope's values,
 * `sinkSafety` (below) for sink calls whose own form is safe, the value
 * lattice (value.ts) and the sources and sanitisers tables. Analyses are
 * cached per def across edits (summary.ts); no state needs resetting.
 *
 * The layer knows tree-sitter nodes and the FileContext; it knows no rule,
 * no LSP, no finding beyond the FlowStep type.
 */
import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import { memo, parentOf } from '../memo.js';
import { ofType } from '../of-type.js';
import { evalExpr } from './expr.js';
import { paramsOf, stepAt } from './sources.js';
import { Analysis, type ProjectIndex } from './state.js';
import { analysisOf, finalEnv, ownerScope, rebase, resolverFor, type FileScope } from './summary.js';
import type { Reach, SinkKind } from './types.js';
import { fileMayReadRequest, importHeads, requestOwners, scanTree } from './request-gate.js';
import { altsOf, cleaned, join, mapLeaves, reachOfValue, stepped, type Value } from './value.js';
import { FLOW_OFF } from '../../flow-switch.js';
import { literalValue } from './literal-ask.js';

export type { Reach, SinkKind, FlowStep, Trust } from './types.js';
export { CRITICAL_SINKS } from './types.js';
export type { ProjectIndex, ProjectModule } from './state.js';
export { analysisOf, ownerScope } from './summary.js';

/** The project a caller that passes none is asked about (`withProject`). */
let ambient: ProjectIndex | undefined;

/**
 * Runs `fn` with `project` as the project of every `reachOf` that names
 * none: the rules ask the layer during a file's analysis without knowing
 * the project; the file's owner (the document, the check worker) knows it.
 * One analysis per def then serves the rules and the grading alike.
 */
export function withProject<T>(project: ProjectIndex | undefined, fn: () => T): T {
  const before = ambient;
  ambient = project;
  try {
    return fn();
  } finally {
    ambient = before;
  }
}

/**
 * The value at a sink's argument (a keyword argument's value), resolved
 * through the callers of its scope; 'dead' where the constants prove the
 * code never runs, undefined where the layer cannot tell.
 */
function valueReaching(expr: Node, ctx: FileContext, project: ProjectIndex | undefined): { node: Node; value: Value | 'dead' | undefined } {
  const node = argumentValue(expr);
  const fs: FileScope = { root: node.tree.rootNode, ctx, file: null, project };
  const v = valueAt(node, fs);
  return { node, value: v === 'dead' || v === undefined ? v : throughCallers(v, ownerScope(node), fs, 0) };
}

/**
 * Whether request data may reach anything in `node`'s file (request-gate.ts):
 * false only where `reachOf` could never answer untrusted with `trust:
 * 'request'`, so that a rule that reports request data only need not ask.
 * Per run of the rules (their FileContext) and project.
 */
export function requestMayReach(node: Node, ctx: FileContext, given?: ProjectIndex): boolean {
  if (FLOW_OFF) return false;
  const project = given ?? ambient;
  const hit = gates.get(ctx);
  if (hit && hit.project === project) return hit.open;
  let scan = ctx.gateScan;
  if (!scan || (project && !scan.chainsRead)) {
    scan = memo(node.tree.rootNode, `flowRequestScan:${project ? 'p' : ''}`, (r) => scanTree(r, project ? importHeads(ctx) : null, requestOwners(ctx)));
    ctx.gateScan = scan;
  }
  const open = fileMayReadRequest(scan, ctx, project, ctx.filename);
  gates.set(ctx, { project, open });
  return open;
}
const gates = new WeakMap<FileContext, { project: ProjectIndex | undefined; open: boolean }>();

/** What reaches `expr` at a sink of kind `sink`. */
export function reachOf(expr: Node, sink: SinkKind, ctx: FileContext, given?: ProjectIndex): Reach {
  if (FLOW_OFF) return { kind: 'unknown' };
  // A literal needs no analysis of its def (literal-ask.ts), unless the sink's own form may make it sanitised.
  const arg = argumentValue(expr);
  const literal = sinkSafety(arg, sink, ctx) ? undefined : literalValue(arg, ctx);
  if (literal) return reachOfValue(literal, sink);
  const { node, value: resolved } = valueReaching(expr, ctx, given ?? ambient);
  if (resolved === 'dead') return { kind: 'constant' };
  if (resolved === undefined) return { kind: 'unknown' };
  const safe = sinkSafety(node, sink, ctx);
  const r = reachOfValue(resolved, sink);
  if (safe && (safe.always || r.kind === 'constant')) return { kind: 'sanitised', by: safe.by };
    // The sink's argument always closes the path, even where it is the source itself (`exec(request.form["c"])`: two steps).
  if (r.kind === 'untrusted') return { ...r, path: [...r.path, stepAt(node, sinkNote(node))] };
  return r;
}

/**
 * What reaches one element of a sequence at a sink: the program of an argv
 * (`subprocess.run(cmd)` with `cmd = ["git", "log", ref]` → element 0,
 * "git"). A string (or anything not a sequence of known items) is taken
 * whole: without a shell, a string argv is the program itself. The path,
 * when untrusted, ends at the sink's argument as `reachOf`'s does.
 */
export function reachOfElement(expr: Node, index: number, sink: SinkKind, ctx: FileContext, project?: ProjectIndex): Reach {
  if (FLOW_OFF) return { kind: 'unknown' };
  const literal = literalValue(argumentValue(expr), ctx);
  if (literal) return reachOfValue(elementAt(literal, index), sink);
  const { node, value: resolved } = valueReaching(expr, ctx, project);
  if (resolved === 'dead') return { kind: 'constant' };
  if (resolved === undefined) return { kind: 'unknown' };
  const r = reachOfValue(elementAt(resolved, index), sink);
  if (r.kind === 'untrusted') return { ...r, path: [...r.path, stepAt(node, sinkNote(node))] };
  return r;
}

/** Element `index` of a sequence value (each alternative's); anything else whole. */
function elementAt(v: Value, index: number): Value {
  return join(...altsOf(v).map((x) => (x.t === 'seq' && x.items && index < x.items.length ? x.items[index] : x)));
}

/** A sink's argument as its value's node: a keyword argument's value. */
function argumentValue(expr: Node): Node {
  return expr.type === 'keyword_argument' ? (expr.childForFieldName('value') ?? expr) : expr;
}

/** An expression's value in its scope; 'dead' when no path reaches its statement. */
function valueAt(node: Node, fs: FileScope): Value | 'dead' | undefined {
  const scope = ownerScope(node);
  const a = analysisOf(scope, fs);
  if (a.gaveUp) return undefined;
  const recorded = a.valueOf(node, scope.startIndex);
  if (recorded) return rebase(recorded, a, scope);
  const stmt = statementOf(node, scope);
  if (stmt && !a.wasReached(stmt, scope.startIndex) && stmt.type !== 'function_definition' && stmt.type !== 'decorated_definition') return 'dead';
  // A lambda's body, a decorator, a default: evaluated with the scope's final names.
  // On a scratch analysis: the cached one's places are its own tree's.
  const env = new Map([...finalEnv(a)].map(([k, x]) => [k, rebase(x, a, scope)]));
  return evalExpr(node, env, new Analysis(scope, fs.ctx, fs.file, resolverFor(fs, scope.type === 'module'), a.outer));
}

/** The statement holding a node, in its scope. */
function statementOf(node: Node, scope: Node): Node | null {
  let prev = node;
  for (let p = parentOf(node); p; p = parentOf(p)) {
    if (p.type === 'block' || p.type === 'module') return prev;
    if (p.id === scope.id) return null;
    prev = p;
  }
  return null;
}

/** "reaches os.system()": the sink as the last step names it. */
function sinkNote(node: Node): string {
  let p = parentOf(node);
  if (p?.type === 'keyword_argument') p = parentOf(p);
  if (p?.type === 'argument_list') {
    const call = parentOf(p);
    const fn = call?.childForFieldName('function')?.text.replace(/\s+/g, '');
    if (fn) return `reaches ${fn.length > 40 ? `${fn.slice(0, 37)}...` : fn}()`;
  }
  if (p?.type === 'assignment') {
    const left = p.childForFieldName('left')?.text.replace(/\s+/g, ' ');
    if (left) return `is stored in ${left.length > 40 ? `${left.slice(0, 37)}...` : left}`;
  }
  if (p?.type === 'return_statement') return 'is returned as the response';
  return 'reaches the sink';
}

// ------------------------------------------------------------ callers

/** Calls in a file by the name they call: `f(...)` under `f`, `self.f(...)`/`cls.f(...)` under `.f`. */
function callsByName(root: Node): Map<string, Node[]> {
  return memo(root, 'flowCallsByName', (r) => {
    const out = new Map<string, Node[]>();
    for (const c of ofType(r, CALL).nodes) {
      const key = c ? callKey(c) : null;
      if (!c || !key) continue;
      const list = out.get(key);
      if (list) list.push(c);
      else out.set(key, [c]);
    }
    return out;
  });
}

function callKey(c: Node): string | null {
  const fn = c.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    if (obj?.type === 'identifier' && (obj.text === 'self' || obj.text === 'cls')) return `.${fn.childForFieldName('attribute')?.text}`;
  }
  return null;
}

/** Occurrences of a def's name looked at one by one before the file's calls are listed all at once instead. */
const NAMED_LOOKS = 64;

/**
 * The calls of one key (`callsByName`'s list for it, the same calls in the
 * same order) found from the name's occurrences in the text: a def's
 * callers are asked for in most files the grading asks about, and listing
 * every call of a long file built a node per call (a sixth of the grading's
 * time on the standard library). A name written more often than NAMED_LOOKS
 * times takes the list of them all.
 */
function callsNamed(root: Node, key: string): Node[] {
  return memo(root, `flowCallsNamed:${key}`, (r) => {
    const name = key.startsWith('.') ? key.slice(1) : key;
    if (!name) return [];
    // The module node's text starts where its first statement does (a file may open with blank lines).
    const text = r.text;
    const from = r.startIndex;
    const out: Node[] = [];
    let looks = 0;
    for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length)) {
      if (++looks > NAMED_LOOKS) return callsByName(r).get(key) ?? [];
      const at = from + i;
      const id = r.descendantForIndex(at, at + name.length);
      if (id?.type !== 'identifier' || id.startIndex !== at || id.endIndex !== at + name.length) continue;
      // The call whose callee this name is: `name(...)`, or `self.name(...)` / `cls.name(...)`.
      let callee = id;
      if (key.startsWith('.')) {
        const attr = parentOf(id);
        if (attr?.type !== 'attribute' || attr.childForFieldName('attribute')?.id !== id.id) continue;
        callee = attr;
      }
      const call = parentOf(callee);
      if (call?.type !== 'call' || call.childForFieldName('function')?.id !== callee.id || callKey(call) !== key) continue;
      out.push(call);
    }
    return out;
  });
}

const CALL = ['call'];
const MAX_CALLER_DEPTH = 2;
/** Call sites looked at per parameter: a helper called from everywhere is judged by its first callers. */
const MAX_CALLERS = 8;

/**
 * A def's parameters in `v` replaced by what its callers in the file pass:
 * when one of them passes untrusted data, the path runs through that call
 * ("passed to run() on line 20"); when every caller passes constants or
 * cleaned values and the def is private (`_name`, or nested), that is what
 * reaches; otherwise a parameter stays unknown (someone else may call it).
 */
function throughCallers(v: Value, scope: Node, fs: FileScope, depth: number): Value {
  if (scope.type !== 'function_definition' || depth >= MAX_CALLER_DEPTH || !hasParam(v)) return v;
  const name = scope.childForFieldName('name')?.text ?? '';
  const params = paramsOf(scope);
  const method = params[0] && (params[0].name === 'self' || params[0].name === 'cls') && ownerScope(scope).type !== 'function_definition';
  const calls = callsNamed(fs.root, method ? `.${name}` : name);
  const isPrivate = name.startsWith('_') || ownerScope(scope).type === 'function_definition';
  // Per tree, def and depth: every rule's site in the def and every graded finding there ask the same callers.
  const byParam = memo(scope, `flowCallers:${fs.project ? 'p' : ''}:${depth}`, (): Map<number, Value | null> => new Map());
  const forParam = (i: number): Value | null => {
    if (byParam.has(i)) return byParam.get(i)!;
    const p = params[i];
    const found: Value[] = [];
    let looked = 0;
    for (const call of calls) {
      if (call.startIndex >= scope.startIndex && call.endIndex <= scope.endIndex) continue;
      if (looked++ >= MAX_CALLERS) break;
      const arg = argumentNode(call, p?.name ?? '', i - (method ? 1 : 0));
      if (!arg) continue;
      const got = valueAt(arg, fs);
      if (got === 'dead' || got === undefined) continue;
      const up = throughCallers(got, ownerScope(arg), fs, depth + 1);
      found.push(stepped(stepped(up, stepAt(arg, `passed to ${name}() on line ${call.startPosition.row + 1}`)), stepAt(p.node, `parameter ${p.name} of ${name}()`)));
    }
    const joined = found.length ? join(...found) : null;
    const untrusted = joined && altsOf(joined).some((x) => reachOfValue(x, 'code').kind === 'untrusted' || hasTaintLeaf(x));
    const out = joined && (untrusted || (isPrivate && calls.length > 0)) ? joined : null;
    byParam.set(i, out);
    return out;
  };
  return mapLeaves(v, (leaf) => {
    if (leaf.t !== 'unknown' || leaf.param === undefined) return leaf;
    const r = forParam(leaf.param);
    if (!r) return leaf;
    let out = r;
    for (const [k, by] of leaf.clean ?? []) out = cleaned(out, [k], by);
    return out;
  });
}

function hasParam(v: Value): boolean {
  let found = false;
  mapLeaves(v, (leaf) => {
    if (leaf.t === 'unknown' && leaf.param !== undefined) found = true;
    return leaf;
  });
  return found;
}

function hasTaintLeaf(v: Value): boolean {
  let found = false;
  mapLeaves(v, (leaf) => {
    if (leaf.t === 'taint') found = true;
    return leaf;
  });
  return found;
}

/** The argument a call passes for a parameter (by keyword, else by position). */
function argumentNode(call: Node, name: string, index: number): Node | null {
  const args = call.childForFieldName('arguments');
  if (args?.type !== 'argument_list') return null;
  let pos = 0;
  for (const c of args.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'keyword_argument') {
      if (c.childForFieldName('name')?.text === name) return c.childForFieldName('value');
      continue;
    }
    if (c.type === 'list_splat' || c.type === 'dictionary_splat') return null;
    if (pos++ === index) return c;
  }
  return null;
}

// ------------------------------------------------------------ sinks whose own form is safe

const SAFE_YAML_LOADERS = /(?:^|\.)(?:SafeLoader|CSafeLoader|BaseLoader|CBaseLoader)$/;

/**
 * A sink call whose form makes its argument harmless whatever reaches it:
 * `cursor.execute(sql, params)` with the query itself constant (the
 * parameters are passed apart), `yaml.safe_load(x)` / `yaml.load(x,
 * Loader=SafeLoader)`, defusedxml's parsers, lxml's `xpath(query, var=x)`
 * with the query constant. `always`: safe even for untrusted input.
 */
export function sinkSafety(expr: Node, sink: SinkKind, ctx: FileContext): { by: string; always: boolean } | undefined {
  let p = parentOf(expr);
  if (p?.type === 'keyword_argument') p = parentOf(p);
  if (p?.type !== 'argument_list') return undefined;
  const call = parentOf(p);
  if (call?.type !== 'call') return undefined;
  const q = ctx.qualname(call);
  const args = p.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const positional = args.filter((c) => c.type !== 'keyword_argument');
  if (sink === 'sql' && positional[0]?.id === expr.id && (positional.length >= 2 || args.some((c) => c.type === 'keyword_argument' && /^(?:params|parameters|args|vars)$/.test(c.childForFieldName('name')?.text ?? '')))) {
    return { by: 'a parameterised query', always: false };
  }
  if (sink === 'deserialisation') {
    if (/^yaml\.(?:safe_load|safe_load_all)$/.test(q)) return { by: q, always: true };
    if (/^yaml\.(?:load|load_all)$/.test(q)) {
      const loader = args.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'Loader')?.childForFieldName('value') ?? positional[1];
      if (loader && SAFE_YAML_LOADERS.test(loader.text)) return { by: `yaml.load with ${loader.text}`, always: true };
    }
  }
  if ((sink === 'xml' || sink === 'deserialisation') && q.startsWith('defusedxml.')) return { by: q, always: true };
  if (sink === 'xpath' && positional[0]?.id === expr.id && args.some((c) => c.type === 'keyword_argument')) return { by: 'XPath variables', always: false };
  return undefined;
}
