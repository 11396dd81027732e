import type { Node } from 'web-tree-sitter';
import { assignTargets, assignValue } from '../pyast.js';
import { evalExpr, constAlts } from './expr.js';
import { refine } from './guards.js';
import type { Analysis, Env } from './state.js';
import { bindTarget } from './targets.js';
import { binary } from './fold.js';
import { combine } from './expr.js';
import { elementOf, join, konst, sameValue, truthOf, UNKNOWN, type Value } from './value.js';

/**
 * Statements: one scope's body run over environments. A branch the
 * constants decide runs alone; otherwise the branches run on copies and
 * join (a name is untrusted after the `if` when either branch made it so).
 * A branch that returns, raises, aborts or breaks does not fall through, so
 * a guard (`if ".." in name: abort(400)`) holds below it. Loops run until
 * their names stop changing (a few rounds). Statement nesting recurses, to a
 * cap (MAX_NESTING) beyond which the scope gives up (unknown): Python
 * itself refuses such files.
 */
export const MAX_NESTING = 50;
const LOOP_ROUNDS = 3;
/** Calls after which the statement's path ends. */
const TERMINATORS = new Set(['abort', 'flask.abort', 'sys.exit', 'exit', 'quit', 'os._exit', 'os.abort', 'werkzeug.exceptions.abort']);

export function joinEnvs(envs: readonly (Env | null)[]): Env | null {
  const live = envs.filter((e): e is Env => !!e);
  if (live.length === 0) return null;
  if (live.length === 1) return live[0];
  const out: Env = new Map();
  const names = new Set<string>();
  for (const e of live) for (const k of e.keys()) names.add(k);
  for (const k of names) {
    const vs = live.map((e) => e.get(k)).filter((v): v is Value => !!v);
    out.set(k, vs.length === 1 ? vs[0] : join(...vs));
  }
  return out;
}

function sameEnv(a: Env | null, b: Env | null): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || !sameValue(v, w)) return false;
  }
  return true;
}

const body = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');

export function runBlock(block: Node | null, env: Env, a: Analysis, nesting = 0): Env | null {
  if (!block) return env;
  if (nesting > MAX_NESTING) {
    a.gaveUp = true;
    return env;
  }
  let cur: Env | null = env;
  const stmts = block.type === 'block' || block.type === 'module' ? body(block) : [block];
  for (const s of stmts) {
    if (!cur) break;
    cur = runStatement(s, cur, a, nesting);
  }
  return cur;
}

function runStatement(s: Node, env: Env, a: Analysis, nesting: number): Env | null {
  a.markReached(s);
  switch (s.type) {
    case 'expression_statement': {
      let cur: Env | null = env;
      for (const c of body(s)) {
        if (!cur) break;
        cur = expressionStatement(c, cur, a);
      }
      return cur;
    }
    case 'return_statement': {
      const v = body(s)[0];
      a.returns.push(v ? evalExpr(v, env, a) : konst(null));
      a.exits.push(env);
      return null;
    }
    case 'raise_statement':
      for (const c of body(s)) evalExpr(c, env, a);
      return null;
    case 'break_statement':
      a.loops[a.loops.length - 1]?.breaks.push(env);
      return null;
    case 'continue_statement':
      a.loops[a.loops.length - 1]?.continues.push(env);
      return null;
    case 'if_statement':
      return ifStatement(s, env, a, nesting);
    case 'for_statement':
    case 'while_statement':
      return loop(s, env, a, nesting);
    case 'try_statement':
      return tryStatement(s, env, a, nesting);
    case 'with_statement': {
      for (const item of s.descendantsOfType('with_item')) {
        const v = item?.childForFieldName('value');
        if (!v) continue;
        if (v.type === 'as_pattern') {
          const expr = body(v)[0];
          const value = expr ? evalExpr(expr, env, a) : UNKNOWN;
          const target = v.childForFieldName('alias')?.namedChildren.find((c) => !!c);
          if (target) bindTarget(target, value, env, a);
        } else evalExpr(v, env, a);
      }
      return runBlock(s.childForFieldName('body'), env, a, nesting + 1);
    }
    case 'match_statement':
      return matchStatement(s, env, a, nesting);
    case 'assert_statement': {
      const cond = body(s)[0];
      if (!cond) return env;
      const t = truthOf(evalExpr(cond, env, a));
      if (t === false) return null;
      refine(env, cond, true, a);
      return env;
    }
    case 'delete_statement':
      for (const t of body(s)) for (const id of t.type === 'identifier' ? [t] : t.type === 'expression_list' ? body(t) : []) if (id.type === 'identifier') env.delete(id.text);
      return env;
    case 'block':
      return runBlock(s, env, a, nesting + 1);
    case 'class_definition':
    case 'decorated_definition': {
      // A class body runs where it stands, in a namespace of its own (its methods are scopes of their own).
      const cls = s.type === 'class_definition' ? s : s.childForFieldName('definition');
      if (cls?.type === 'class_definition') {
        a.markReached(cls);
        runBlock(cls.childForFieldName('body'), new Map(env), a, nesting + 1);
      }
      return env;
    }
    default:
      // defs, classes (their own scopes), imports (the FileContext's), pass, global…
      return env;
  }
}

function expressionStatement(c: Node, env: Env, a: Analysis): Env | null {
  if (c.type === 'assignment') {
    const value = assignValue(c);
    if (!value) return env;
    const v = evalExpr(value, env, a);
    for (const t of assignTargets(c)) {
      targetOperands(t, env, a);
      bindTarget(t, v, env, a);
    }
    return env;
  }
  if (c.type === 'augmented_assignment') {
    const left = c.childForFieldName('left');
    const right = c.childForFieldName('right');
    if (!left || !right) return env;
    const old = evalExpr(left, env, a);
    const r = evalExpr(right, env, a);
    const op = (c.childForFieldName('operator')?.type ?? '+=').slice(0, -1);
    let v: Value;
    if (old.t === 'seq' && op === '+') v = old.items && r.t === 'seq' && r.items && !r.elem && !old.elem ? { ...old, items: [...old.items, ...r.items] } : { t: 'seq', kind: old.kind, items: null, elem: join(elementOf(old), elementOf(r)) };
    else v = combine([old, r], ([x, y]) => binary(op, x, y));
    bindTarget(left, v, env, a);
    return env;
  }
  const v = evalExpr(c, env, a);
  if (c.type === 'call' && TERMINATORS.has(a.ctx.qualname(c))) return null;
  void v;
  return env;
}

/** A target's own expressions evaluated before the binding (`d[key] = v` reads `key`). */
function targetOperands(t: Node, env: Env, a: Analysis): void {
  if (t.type === 'subscript') {
    for (const s of t.childrenForFieldName('subscript')) if (s) evalExpr(s, env, a);
  } else if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'list_pattern') {
    for (const c of body(t)) targetOperands(c, env, a);
  }
}

function ifStatement(s: Node, env: Env, a: Analysis, nesting: number): Env | null {
  const results: (Env | null)[] = [];
  let cur: Env | null = env;
  const clauses: { cond: Node | null; block: Node | null }[] = [{ cond: s.childForFieldName('condition'), block: s.childForFieldName('consequence') }];
  let otherwise: Node | null = null;
  for (const alt of s.childrenForFieldName('alternative')) {
    if (alt?.type === 'elif_clause') clauses.push({ cond: alt.childForFieldName('condition'), block: alt.childForFieldName('consequence') });
    else if (alt?.type === 'else_clause') otherwise = alt.childForFieldName('body');
  }
  for (const { cond, block } of clauses) {
    if (!cur || !cond) break;
    const t = truthOf(evalExpr(cond, cur, a));
    if (t !== false) {
      const branch = new Map(cur);
      refine(branch, cond, true, a);
      results.push(runBlock(block, branch, a, nesting + 1));
    }
    if (t === true) {
      cur = null;
      break;
    }
    const rest: Env = new Map(cur);
    refine(rest, cond, false, a);
    cur = rest;
  }
  if (cur) results.push(otherwise ? runBlock(otherwise, cur, a, nesting + 1) : cur);
  return joinEnvs(results);
}

function loop(s: Node, env: Env, a: Analysis, nesting: number): Env | null {
  const isFor = s.type === 'for_statement';
  const left = s.childForFieldName('left');
  const right = s.childForFieldName('right');
  const cond = s.childForFieldName('condition');
  const iter = isFor && right ? evalExpr(right, env, a) : UNKNOWN;
  const frame = { breaks: [] as Env[], continues: [] as Env[] };
  a.loops.push(frame);
  let head: Env = env;
  let exits: (Env | null)[] = [];
  // A loop over a known non-empty sequence runs its body at least once.
  const mustRun = isFor && iter.t === 'seq' && !!iter.items && !iter.elem && iter.items.length > 0;
  try {
    for (let round = 0; round < LOOP_ROUNDS; round++) {
      frame.breaks = [];
      frame.continues = [];
      const t = isFor ? (iter.t === 'seq' && iter.items && !iter.elem && iter.items.length === 0 ? false : undefined) : cond ? truthOf(evalExpr(cond, head, a)) : undefined;
      // `while True:` leaves only through `break`; a loop over nothing or `while False:` never runs its body.
      exits = t === true || (mustRun && round === 0) ? [] : [head];
      if (t === false) break;
      const inner: Env = new Map(head);
      if (isFor && left) bindTarget(left, elementOf(iter), inner, a);
      else if (cond) refine(inner, cond, true, a);
      const end = runBlock(s.childForFieldName('body'), inner, a, nesting + 1);
      const next = joinEnvs(mustRun && round === 0 ? [end, ...frame.continues] : [head, end, ...frame.continues]);
      if (!next) break; // the body never completes: the loop is left through break (or not at all)
      if (sameEnv(next, head)) {
        exits = t === true ? [] : [next];
        break;
      }
      head = next;
      exits = t === true ? [] : [head];
    }
  } finally {
    a.loops.pop();
  }
  const alternative = s.childForFieldName('alternative');
  const normal = joinEnvs(exits);
  const afterElse = normal && alternative ? runBlock(alternative.childForFieldName('body') ?? alternative, new Map(normal), a, nesting + 1) : normal;
  return joinEnvs([afterElse, ...frame.breaks]);
}

function tryStatement(s: Node, env: Env, a: Analysis, nesting: number): Env | null {
  const start = new Map(env);
  const afterBody = runBlock(s.childForFieldName('body'), env, a, nesting + 1);
  const outcomes: (Env | null)[] = [];
  let elseClause: Node | null = null;
  let finallyClause: Node | null = null;
  const handlerStart = joinEnvs([start, afterBody]) ?? start;
  for (const c of body(s)) {
    if (c.type === 'except_clause' || c.type === 'except_group_clause') {
      const h: Env = new Map(handlerStart);
      const value = c.namedChildren.find((x) => x?.type === 'as_pattern');
      const alias = value?.childForFieldName('alias')?.namedChildren.find((x) => !!x);
      if (alias) bindTarget(alias, UNKNOWN, h, a, false);
      const block = c.namedChildren.find((x) => x?.type === 'block') ?? null;
      outcomes.push(runBlock(block, h, a, nesting + 1));
    } else if (c.type === 'else_clause') elseClause = c.childForFieldName('body');
    else if (c.type === 'finally_clause') finallyClause = c.namedChildren.find((x) => x?.type === 'block') ?? null;
  }
  outcomes.unshift(afterBody && elseClause ? runBlock(elseClause, afterBody, a, nesting + 1) : afterBody);
  const joined = joinEnvs(outcomes);
  if (!finallyClause) return joined;
  const fin = runBlock(finallyClause, new Map(joined ?? handlerStart), a, nesting + 1);
  return joined ? fin : null;
}

/** Whether a case pattern matches the subject: true, false, or undefined (may). Binds its captures. */
function caseMatches(pattern: Node, subject: Value, env: Env, a: Analysis): boolean | undefined {
  const kids = body(pattern);
  if (pattern.type === 'case_pattern' && kids.length === 0) return true; // `_`
  const p = pattern.type === 'case_pattern' && kids.length === 1 ? kids[0] : pattern;
  if (p.type === 'dotted_name' && body(p).length === 1) {
    bindTarget(body(p)[0], subject, env, a);
    return true;
  }
  if (p.type === 'as_pattern') {
    const inner = body(p)[0];
    const alias = p.childForFieldName('alias')?.namedChildren.find((x) => !!x) ?? body(p)[1];
    const m = inner ? caseMatches(inner, subject, env, a) : undefined;
    if (alias?.type === 'identifier') bindTarget(alias, subject, env, a);
    return m;
  }
  if (p.type === 'union_pattern') {
    const ms = body(p).map((x) => caseMatches(x, subject, env, a));
    return ms.some((m) => m === true) ? true : ms.every((m) => m === false) ? false : undefined;
  }
  if (p.type === 'string' || p.type === 'integer' || p.type === 'float' || p.type === 'true' || p.type === 'false' || p.type === 'none' || p.type === 'concatenated_string' || p.type === 'unary_operator') {
    const lit = constAlts(evalExpr(p, env, a));
    const sub = constAlts(subject);
    if (!lit || lit.length !== 1 || !sub) return undefined;
    const hits = sub.map((x) => x === lit[0]);
    return hits.every((h) => h) ? true : hits.every((h) => !h) ? false : undefined;
  }
  // Class, sequence, mapping and value patterns: may match; their captures hold parts of the subject.
  for (const id of p.descendantsOfType('identifier')) {
    const parent = id?.parent;
    if (id && parent?.type === 'dotted_name' && parent.namedChildCount === 1 && parent.parent?.type === 'case_pattern') bindTarget(id, elementOf(subject), env, a, false);
  }
  return undefined;
}

function matchStatement(s: Node, env: Env, a: Analysis, nesting: number): Env | null {
  const subjectNode = s.childForFieldName('subject');
  const subject = subjectNode ? evalExpr(subjectNode, env, a) : UNKNOWN;
  const results: (Env | null)[] = [];
  let cur: Env | null = env;
  const block = s.childForFieldName('body');
  for (const c of block ? body(block) : []) {
    if (!cur || c.type !== 'case_clause') continue;
    const branch: Env = new Map(cur);
    const patterns = body(c).filter((x) => x.type === 'case_pattern');
    const ms = patterns.map((p) => caseMatches(p, subject, branch, a));
    const m = ms.length === 0 ? undefined : ms.some((x) => x === true) ? true : ms.every((x) => x === false) ? false : undefined;
    const guard = c.childForFieldName('guard');
    let gt: boolean | undefined = true;
    if (guard && m !== false) {
      const g = guard.type === 'if_clause' ? body(guard)[0] : guard;
      gt = g ? truthOf(evalExpr(g, branch, a)) : undefined;
      if (g && gt !== false) refine(branch, g, true, a);
    }
    if (m !== false && gt !== false) results.push(runBlock(c.childForFieldName('consequence'), branch, a, nesting + 1));
    if (m === true && gt === true) cur = null;
  }
  if (cur) results.push(cur);
  return joinEnvs(results);
}
