import type { Node, TreeCursor } from 'web-tree-sitter';
import { memo, parentOf } from '../memo.js';
import { analysisKey, importsSignature, rebase, type FileScope } from './keys.js';
import { fingerprint } from './fingerprint.js';
import { frameworkParams, paramsOf, stepAt } from './sources.js';
import { argumentsFor, defsIn, enclosingClass, projectModule, substitute, targetsOf } from './resolve.js';
import { Analysis, MAX_DEPTH, type Env, type Resolver } from './state.js';
import { cutOrSettled, deferMember, inFrame, onStack, settle, stackDepth, type Member } from './cycles.js';
import { evalExpr } from './expr.js';
import { joinEnvs, runBlock } from './stmt.js';
import { join, konst, mapLeaves, stepped, type Value } from './value.js';

/**
 * Scopes and their summaries. A scope is a def (or the module's own
 * statements); its analysis runs once and is cached twice: per tree (the
 * node's id, for the run) and across edits by the def's text and place,
 * its file's imports, the module-level names it read and the summaries of
 * the calls it followed — so an edit re-analyses the edited def, and a def
 * whose callee's summary changed, and nothing else. A def's summary is what
 * it returns with its parameters left as parameters (`unknown` marked
 * `param: i`): a call substitutes its arguments.
 *
 * An analysis is the same whichever def was asked about first: recursion is
 * cut where cycles.ts decides (the same place for every order), and what a
 * def reads of its module's names comes from the module's names analysis,
 * which follows none of the file's defs (so that a def called from the top
 * level and reading a global is not in a cycle with the module).
 */

interface Entry {
  analysis: Analysis;
  imports: string;
}

/** Across edits: scope key → analysis. Bounded; the oldest go first. */
const cache = new Map<string, Entry>();
// An entry keeps values and places only (Analysis.release lets go of the scope, the file's
// context and the resolver, which held the tree's JS objects and memo: ~100 kB an entry before).
// 1,000 hold the defs of several edited files; the bench's 50 open documents measured 361 MB
// with 1,000 allowed, 380 MB with 200 before the release.
const CACHE_LIMIT = 1000;

/** A module's names analysis (its statements, the calls into its own defs not followed) is kept under its own key. */
const NAMES = '\u0000names';

/**
 * Per tree: a scope's kept analysis; `byDepth`, ones truncated for depth,
 * by the depth they were made at (what they followed depends on it alone):
 * a def reached on many paths at one depth is analysed once per depth.
 */
interface Box {
  kept?: Analysis;
  byDepth?: Map<number, Analysis>;
}

export { rebase, type FileScope } from './keys.js';

/** The innermost def that owns a node (lambdas belong to theirs), or the module. */
export function ownerScope(node: Node): Node {
  for (let p = parentOf(node); p; p = parentOf(p)) if (p.type === 'function_definition') return p;
  return node.tree.rootNode;
}

/** The analysis of a scope, from a cache when it still holds. */
export function analysisOf(scope: Node, fs: FileScope): Analysis {
  return analysisFor(scope, fs, false);
}

/**
 * A scope's analysis; `names`, for a module: its names analysis, where a
 * call into a def of the file is not followed. A def reads the module's
 * names from that one, so no def's analysis depends on the module's, which
 * follows the calls into the defs (`if __name__ == "__main__": main()`):
 * else every def reading a global and called from the top level would be
 * in one recursive cycle with the module.
 *
 * Only an analysis that holds whatever was asked first is kept (per tree
 * and across edits): not one made while a callee it met was on the stack
 * (a recursive cycle's member, analysed again when the cycle's head
 * completes: cycles.ts), nor one truncated for depth (kept for the tree
 * only, and used only at the depth it was made at).
 */
function analysisFor(scope: Node, fs: FileScope, names: boolean): Analysis {
  const isNames = names && scope.type === 'module';
  const key = analysisKey(scope, fs) + (isNames ? NAMES : '');
  const box = memo(scope, `flowAnalysis:${fs.project ? 'p' : ''}:${fs.file ?? ''}:${isNames ? 'n' : ''}`, (): Box => ({}));
  if (box.kept) return box.kept;
  const truncated = box.byDepth?.get(stackDepth());
  if (truncated) return truncated;
  if (scope.type === 'module' && !isNames) {
    // A module whose statements call none of its defs: its names analysis is the whole one.
    const n = analysisFor(scope, fs, true);
    if (!n.innerCut && memo(scope, `flowAnalysis:${fs.project ? 'p' : ''}:${fs.file ?? ''}:n`, (): Box => ({})).kept === n) return (box.kept = n);
  }
  const hit = cache.get(key);
  if (hit && hit.imports === importsSignature(fs.ctx) && stackDepth() <= MAX_DEPTH) {
    // Checking goes down the calls as analysing does: it counts against the same depth, and a
    // check that met a scope on the stack (a cycle) does not hold (the analysis redoes the cycle).
    const checked = inFrame(key, () => stillHolds(hit.analysis, fs));
    if (checked.value && checked.status === 'done') {
      // Fresh again: to the end of the eviction order.
      cache.delete(key);
      cache.set(key, hit);
      return (box.kept = hit.analysis);
    }
  }
  const redo = () => analyse(scope, fs, isNames);
  const keep = (a: Analysis) => store(a, key, box, fs);
  const r = inFrame(key, redo);
  if (r.status === 'member') {
    deferMember({ key, low: r.low, redo, keep });
    return r.value;
  }
  if (r.status === 'head') return settle([{ key, low: r.low, redo, keep }, ...(r.members as Member<Analysis>[])]).get(key)!;
  keep(r.value);
  return r.value;
}

/** Keeps an analysis that holds whatever was asked first. */
function store(a: Analysis, key: string, box: Box, fs: FileScope): void {
  if (!a.truncated && (!a.gaveUp || a.size > 0)) {
    cache.set(key, { analysis: a, imports: importsSignature(fs.ctx) });
    while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  if (!a.truncated) box.kept = a;
  else (box.byDepth ??= new Map()).set(stackDepth(), a);
}

/**
 * A callee's analysis, or undefined where the call is cut: the callee is
 * on the stack, in a cycle still open, or a later member of the cycle
 * being settled (cycles.ts).
 */
function follow(def: Node, fs: FileScope): Analysis | undefined {
  const c = cutOrSettled<Analysis>(analysisKey(def, fs));
  if (c.cut) return undefined;
  return c.settled ?? analysisFor(def, fs, false);
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
      if (!tfs || def?.type !== 'function_definition') return false;
      // A call left unfollowed in a cycle holds while the callee's text does.
      if (d.kind === 'cut') {
        if (analysisKey(def, tfs) !== d.key) return false;
        continue;
      }
      const callee = follow(def, tfs);
      if (!callee || summaryPrint(summaryOf(callee, def), def, tfs.file !== fs.file) !== d.fingerprint) return false;
    }
  }
  return true;
}

/**
 * A callee's summary as a dependency remembers it; for a def of another
 * module with its place too: the path steps into its parameters (whose
 * place an edit above the def moves, and the caller's cache would not).
 */
function summaryPrint(ret: Value, def: Node, across: boolean): string {
  return across ? `${fingerprint(ret)}@${def.startIndex}` : fingerprint(ret);
}

/** What a def returns, its parameters left as parameters, where the def stands now. */
function summaryOf(a: Analysis, def: Node): Value {
  return rebase(join(...a.returns), a, def);
}

function analyse(scope: Node, fs: FileScope, names: boolean): Analysis {
  const isModule = scope.type === 'module';
  const outerScope = isModule ? null : ownerScope(scope);
  // A closure reads its def's final names (none where that def is on the stack: a cycle, settled as one).
  const outerAnalysis = outerScope && outerScope.type === 'function_definition' ? follow(outerScope, fs) : undefined;
  const a = new Analysis(scope, fs.ctx, fs.file, resolverFor(fs, isModule, names), outerAnalysis ? finalEnv(outerAnalysis) : null);
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
    a.release();
  }
  return a;
}

/** The names at the end of a scope (joined over its returns). */
export function finalEnv(a: Analysis): Env {
  return joinEnvs(a.exits) ?? new Map();
}

/**
 * A module-level name's value: what the module's statements leave in it.
 * The module's names are kept apart from the module's analysis, by the
 * module's text without its defs' bodies (which the module's statements
 * never run): a keystroke inside a def finds them cached. Only names free
 * of untrusted steps are shared that way (a step's place may have moved);
 * otherwise the module is analysed again for its text.
 */
function globalValue(name: string, fs: FileScope): Value | undefined {
  const root = fs.root;
  if (fs.file !== null) return assignedGlobal(name, fs);
  if (onStack(analysisKey(root, fs) + NAMES)) return undefined;
  return moduleNames(root, fs).get(name);
}

/**
 * A module-level name of another project module (one a path went into): the
 * value of its last plain top-level assignment (`ALLOWED = {"a", "b"}`,
 * `CMD = os.environ["CMD"]`), evaluated alone — not the module's whole
 * top level, which costs as much as analysing that file. A name bound
 * otherwise (in an `if`, a loop, by `global`) is unknown there.
 */
function assignedGlobal(name: string, fs: FileScope): Value | undefined {
  const rights = memo(fs.root, 'flowAssignedGlobals', (r) => {
    const out = new Map<string, Node>();
    for (const st of r.namedChildren) {
      const asg = st?.type === 'expression_statement' ? st.namedChildren[0] : null;
      const left = asg?.type === 'assignment' ? asg.childForFieldName('left') : null;
      const right = asg?.childForFieldName('right');
      if (left?.type === 'identifier' && right) out.set(left.text, right);
    }
    return out;
  });
  const right = rights.get(name);
  if (!right) return undefined;
  return memo(right, `flowAssignedGlobal:${fs.file}`, (n) => {
    const none: Resolver = { global: () => undefined, callDef: () => undefined };
    return evalExpr(n, new Map(), new Analysis(fs.root, fs.ctx, fs.file, none, null));
  });
}

const namesCache = new Map<string, Env>();

function moduleNames(root: Node, fs: FileScope): Env {
  return memo(root, `flowNames:${fs.project ? 'p' : ''}:${fs.file ?? ''}`, () => {
    const skeleton = `${fs.project ? 'p' : ''}\u0000${fs.file ?? `\u0001${fs.ctx.filename}`}\u0000${importsSignature(fs.ctx)}\u0000${withoutBodies(root)}`;
    const hit = namesCache.get(skeleton);
    if (hit) return hit;
    const env = finalEnv(analysisFor(root, fs, true));
    const steps = [...env.values()].some((v) => hasSteps(v));
    if (!steps) {
      namesCache.set(skeleton, env);
      while (namesCache.size > 64) namesCache.delete(namesCache.keys().next().value!);
    }
    return env;
  });
}

function hasSteps(v: Value): boolean {
  let found = false;
  mapLeaves(v, (leaf) => {
    if (leaf.t === 'taint') found = true;
    return leaf;
  });
  return found;
}

/**
 * Nodes that hold statements outside any def (the only places a def stands in a tree without
 * syntax errors): what `withoutBodies` walks into. A def it does not reach (in an ERROR node)
 * keeps its body in the text: a key only more particular, never one shared by a different module.
 */
const HOLDS_STATEMENTS = new Set([
  'module', 'block', 'class_definition', 'decorated_definition', 'if_statement', 'elif_clause', 'else_clause', 'for_statement', 'while_statement',
  'try_statement', 'except_clause', 'except_group_clause', 'finally_clause', 'with_statement', 'match_statement', 'case_clause',
]);

/**
 * The module's text with every def's body left out (the outermost ones: nested defs are inside
 * them). A cursor over the statements outside the defs' bodies, not a walk of the whole tree
 * (every expression of the file: 40% of the names' cost on the standard library).
 */
function withoutBodies(root: Node): string {
  const text = root.text;
  // The module node's text starts where it does (a file may open with blank lines).
  const from = root.startIndex;
  let out = '';
  let at = 0;
  const cursor = root.walk();
  try {
    let depth = 0;
    let more = cursor.gotoFirstChild();
    if (more) depth++;
    while (more) {
      const type = cursor.nodeType;
      if (type === 'function_definition') {
        const body = bodyOf(cursor);
        if (body) {
          out += text.slice(at, body.start - from);
          at = body.end - from;
        }
      } else if (HOLDS_STATEMENTS.has(type) && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      // Next: a sibling, else the next one up (the root's own children are the last level).
      while (!cursor.gotoNextSibling()) {
        if (depth <= 1 || !cursor.gotoParent()) {
          more = false;
          break;
        }
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
  return out + text.slice(at);
}

/** The span of the body of the def the cursor is on; the cursor is back on the def after. */
function bodyOf(cursor: TreeCursor): { start: number; end: number } | undefined {
  if (!cursor.gotoFirstChild()) return undefined;
  let body: { start: number; end: number } | undefined;
  do {
    if (cursor.currentFieldName === 'body') {
      body = { start: cursor.startIndex, end: cursor.endIndex };
      break;
    }
  } while (cursor.gotoNextSibling());
  cursor.gotoParent();
  return body;
}

/** `names`: a module's names analysis, which follows no call into a def of its own file (`analysisFor`). */
export function resolverFor(fs: FileScope, isModule: boolean, names = false): Resolver {
  return {
    global(name, a) {
      if (isModule) return undefined;
      const v = globalValue(name, fs);
      if (!a.deps.some((d) => d.kind === 'global' && d.name === name)) a.deps.push({ kind: 'global', name, value: v });
      return v;
    },
    callDef(call, env, args, kwargs, a) {
      const targets = targetsOf(call, env, a, fs);
      if (targets.length === 0) return undefined;
      if (names && targets.some((t) => t.fs.root.tree === fs.root.tree)) {
        a.innerCut = true;
        return undefined;
      }
      if (stackDepth() > MAX_DEPTH) {
        a.truncated = true;
        return undefined;
      }
      const out: Value[] = [];
      const name = call.childForFieldName('function')?.text.replace(/\s+/g, '') ?? 'the call';
      const note = `through ${name.length > 40 ? `${name.slice(0, 37)}...` : name}() on line ${call.startPosition.row + 1}`;
      for (const t of targets) {
        const key = analysisKey(t.def, t.fs);
        const cls = enclosingClass(t.def)?.childForFieldName('name')?.text;
        const defName = t.def.childForFieldName('name')?.text ?? '';
        const module = t.fs === fs ? null : (t.fs.module ?? null);
        const path = cls ? [cls, defName] : [defName];
        const calleeAnalysis = follow(t.def, t.fs);
        if (!calleeAnalysis) {
          // Recursion: the call is unresolved (cycles.ts decides where, the same whatever was asked first).
          a.deps.push({ kind: 'cut', module, path, key });
          return undefined;
        }
        if (calleeAnalysis.truncated) a.truncated = true;
        const ret = summaryOf(calleeAnalysis, t.def);
        a.deps.push({ kind: 'call', module, path, key, fingerprint: summaryPrint(ret, t.def, t.fs.file !== fs.file) });
        const params = paramsOf(t.def);
        // Into another module, the path says where it went there (the callee's parameter, in its file), then comes back through the call.
        const across = t.fs.file !== fs.file;
        const actual = argumentsFor(params, t.skip, args, kwargs).map((v, i) =>
          across && params[i] ? stepped(v, stepAt(params[i].node, `parameter ${params[i].name} of ${defName}() in ${t.fs.module ?? 'another module'}`, t.fs.file)) : stepped(v, a.step(call, note)),
        );
        out.push(stepped(substitute(ret, actual), a.step(call, note)));
      }
      return join(...out);
    },
  };
}

