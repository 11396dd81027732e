import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { isAstConstant, listElements } from '../../literal.js';
import { assignTargets, assignValue, astArgs, isPlainAssign, shortName, unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import { parentOf } from '../../memo.js';
import type { Check, Hit } from '../../rule.js';
import { bodyStatements, isSyncDef, positionalParams } from '../support/statements.js';

/**
 * bandit/plugins/django_xss.py: B703 django_mark_safe.
 */

const MARK_SAFE_NAMES = new Set(['mark_safe', 'SafeText', 'SafeUnicode', 'SafeString', 'SafeBytes']);

/** bandit's plugin failing (AttributeError, IndexError, RecursionError): no issue for that call. */
class PluginFailure extends Error {}

/** A statement's `lineno` (0-based row): a decorated def's is its `def` line. */
function lineOf(stmt: Node): number {
  if (stmt.type === 'decorated_definition') return (stmt.childForFieldName('definition') ?? stmt).startPosition.row;
  return stmt.startPosition.row;
}

/** A scope's statements (Python's `body`). */
function scopeBody(scope: Node): Node[] {
  return scope.type === 'module' ? bodyStatements(scope) : bodyStatements(scope.childForFieldName('body'));
}

/** The names of a `def`'s `args.args` (not positional-only, not keyword-only, not `*args`). */
function argNames(scope: Node): Set<string> {
  if (scope.type !== 'function_definition') return new Set();
  return new Set(positionalParams(scope).args.map((p) => p.name));
}

/** What `DeepAssignation.is_assigned` returns: nothing (false), a node, or a list of nodes. */
type Assigned = false | Node | Node[];

function isTruthyAssigned(a: Assigned): a is Node | Node[] {
  return Array.isArray(a) ? a.length > 0 : a !== false;
}

/** `DeepAssignation.is_assigned_in` */
function assignedIn(items: Node[], name: string): Node[] {
  const out: Node[] = [];
  for (const item of items) {
    const a = assigned(item, name);
    if (!isTruthyAssigned(a)) continue;
    if (Array.isArray(a)) out.push(...a);
    else out.push(a);
  }
  return out;
}

function blockOf(node: Node | null | undefined): Node[] {
  if (!node) return [];
  const block = node.type === 'block' ? node : node.children.find((c) => c?.type === 'block');
  return bodyStatements(block);
}

/** An `if`'s `orelse` from its clause `i` on: an `elif` is a nested If. */
function ifOrElse(clauses: Node[], i: number, name: string): Node[] {
  if (i >= clauses.length) return [];
  const c = clauses[i];
  if (c.type === 'else_clause') return assignedIn(blockOf(c), name);
  return [...assignedIn(blockOf(c), name), ...ifOrElse(clauses, i + 1, name)];
}

/**
 * `DeepAssignation.is_assigned(node)` for the variable `name`: the value
 * assigned to it by a plain assignment (its first target) or an augmented
 * one, the lists collected from compound statements' bodies (a sync `def`'s
 * too), or a `with` statement binding the name.
 */
function assigned(stmt: Node, name: string): Assigned {
  switch (stmt.type) {
    case 'decorated_definition': {
      const def = stmt.childForFieldName('definition');
      return def ? assigned(def, name) : false;
    }
    case 'function_definition':
      return isSyncDef(stmt) ? assignedIn(scopeBody(stmt), name) : false;
    case 'with_statement': {
      if (stmt.child(0)?.type === 'async') return false;
      const clause = stmt.children.find((c) => c?.type === 'with_clause');
      const items = clause ? clause.namedChildren.filter((c): c is Node => c?.type === 'with_item') : [];
      let out: Assigned = false;
      for (const item of items) {
        const v = item.childForFieldName('value');
        const target = v && unparen(v).type === 'as_pattern' ? unparen(v).childForFieldName('alias') : null;
        const t = target ? unparen(target.namedChildren.find((c) => c && c.type !== 'comment') ?? target) : null;
        if (t?.type === 'identifier' && t.text === name) out = stmt;
        else out = assignedIn(blockOf(stmt.childForFieldName('body')), name);
      }
      return out;
    }
    case 'try_statement': {
      const kids = stmt.namedChildren.filter((c): c is Node => c !== null);
      const handlers = kids.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
      if (handlers.some((h) => h.type === 'except_group_clause' || h.children.some((c) => c?.type === '*'))) return false; // TryStar
      const out: Node[] = [];
      out.push(...assignedIn(blockOf(stmt.childForFieldName('body')), name));
      for (const h of handlers) out.push(...assignedIn(blockOf(h), name));
      for (const c of kids) if (c.type === 'else_clause') out.push(...assignedIn(blockOf(c), name));
      for (const c of kids) if (c.type === 'finally_clause') out.push(...assignedIn(blockOf(c), name));
      return out;
    }
    case 'if_statement': {
      const clauses = stmt.namedChildren.filter((c): c is Node => c !== null && (c.type === 'elif_clause' || c.type === 'else_clause'));
      return [...assignedIn(blockOf(stmt.childForFieldName('consequence')), name), ...ifOrElse(clauses, 0, name)];
    }
    case 'for_statement':
    case 'while_statement': {
      if (stmt.child(0)?.type === 'async') return false;
      const alt = stmt.childForFieldName('alternative');
      return [...assignedIn(blockOf(stmt.childForFieldName('body')), name), ...assignedIn(blockOf(alt), name)];
    }
    case 'expression_statement': {
      const kids = stmt.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (kids.length !== 1) return false;
      const e = kids[0];
      if (e.type === 'augmented_assignment') {
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        return left && right && unparen(left).type === 'identifier' && unparen(left).text === name ? unparen(right) : false;
      }
      if (!isPlainAssign(e)) return false;
      const target = unparen(assignTargets(e)[0]);
      const value = assignValue(e);
      if (!value) return false;
      if (target.type === 'identifier') return target.text === name ? unparen(value) : false;
      const v = unparen(value);
      const isTupleTarget = target.type === 'pattern_list' || (target.type === 'tuple_pattern' && target.children.some((c) => c?.type === ','));
      const isTupleValue = v.type === 'expression_list' || v.type === 'tuple';
      if (!isTupleTarget || !isTupleValue) return false;
      const elts = listElements(target);
      const values = listElements(v);
      for (let pos = 0; pos < elts.length; pos++) {
        const e2 = unparen(elts[pos]);
        if (e2.type !== 'identifier') throw new PluginFailure('a tuple target without .id');
        if (e2.text === name) {
          if (pos >= values.length) throw new PluginFailure('tuple index out of range');
          return unparen(values[pos]);
        }
      }
      return false;
    }
    default:
      return false;
  }
}

interface Evaluation {
  scope: Node;
  depth: number;
}

/** `evaluate_var`: whether the name is only ever a constant str before line `until` in the scope's body. */
function evaluateVar(xss: Node, until: number, ev: Evaluation): boolean {
  if (++ev.depth > 400) throw new PluginFailure('recursion');
  try {
    if (xss.type !== 'identifier') return false;
    const name = xss.text;
    if (argNames(ev.scope).has(name)) return false;
    let secure = false;
    for (const stmt of scopeBody(ev.scope)) {
      if (lineOf(stmt) >= until) break;
      const to = assigned(stmt, name);
      if (!isTruthyAssigned(to)) continue;
      if (Array.isArray(to)) {
        let n = 0;
        for (const t of to) {
          if (plainStr(t) !== null) n++;
          else if (unparen(t).type === 'identifier') {
            if (evaluateVar(unparen(t), lineOf(stmt), ev)) n++;
            else break;
          } else break;
        }
        if (n !== to.length) return false;
        secure = true;
      } else if (plainStr(to) !== null) secure = true;
      else if (to.type === 'identifier') secure = evaluateVar(to, to.startPosition.row, ev);
      else if (to.type === 'call') secure = evaluateCall(to, ev);
      else return false;
    }
    return secure;
  } finally {
    ev.depth--;
  }
}

/** `evaluate_call`'s arguments, for a real `"...".format(...)` call or the one `transform2call` makes of `"..." % x`. */
function evaluateFormatArgs(args: Node[], line: number, ev: Evaluation): boolean {
  const list = [...args];
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const a = unparen(list[i]);
    if (plainStr(a) !== null) n++;
    else if (a.type === 'identifier') {
      if (evaluateVar(a, line, ev)) n++;
      else break;
    } else if (a.type === 'call') {
      if (evaluateCall(a, ev)) n++;
      else break;
    } else if (a.type === 'list_splat') {
      const inner = a.namedChildren.find((c) => c && c.type !== 'comment');
      const v = inner ? unparen(inner) : null;
      if (v && (v.type === 'list' || v.type === 'tuple')) {
        list.push(...listElements(v));
        n++;
      } else break;
    } else break;
  }
  return n === list.length;
}

/** `evaluate_call`: a `<constant>.format(...)` without keywords whose arguments are all secure. */
function evaluateCall(call: Node, ev: Evaluation): boolean {
  const fn = call.childForFieldName('function');
  const f = fn ? unparen(fn) : null;
  if (!f || f.type !== 'attribute') return false;
  const obj = f.childForFieldName('object');
  if (!obj || !isAstConstant(obj) || f.childForFieldName('attribute')?.text !== 'format') return false;
  const args = call.childForFieldName('arguments');
  if (args && args.namedChildren.some((c) => c?.type === 'keyword_argument' || c?.type === 'dictionary_splat')) return false;
  return evaluateFormatArgs(astArgs(call), call.startPosition.row, ev);
}

/** `check_risk`: whether bandit judges the first argument of a mark_safe call insecure. */
function insecure(call: Node, scope: Node): boolean {
  const xss = unparen(astArgs(call)[0]);
  const ev: Evaluation = { scope, depth: 0 };
  if (xss.type === 'identifier') {
    if (argNames(scope).has(xss.text)) return true;
    return !evaluateVar(xss, call.startPosition.row, ev);
  }
  if (xss.type === 'call') return !evaluateCall(xss, ev);
  if (xss.type === 'binary_operator') {
    const op = xss.childForFieldName('operator')?.type;
    const left = xss.childForFieldName('left');
    const right = xss.childForFieldName('right');
    if (op === '%' && left && plainStr(left) !== null && right) {
      const r = unparen(right);
      const args = r.type === 'tuple' ? listElements(r) : [r];
      return !evaluateFormatArgs(args, xss.startPosition.row, ev);
    }
  }
  return true;
}

/** Whether any import so far (or anywhere, as a quick test) is named like django.utils.safestring. */
function mayImportSafestring(ctx: FileContext): boolean {
  return ctx.imports.some((f) => f.modules.some((m) => m.includes('django.utils.safestring')));
}

/**
 * The calls whose nearest enclosing sync `def` is `scope` (or none, for the
 * module): bandit's `check_risk` evaluates names in that scope's body. A
 * nested sync `def` is a scope of its own, decorators included (Python's
 * ast hangs them on the `FunctionDef`).
 */
function callsOfScope(scope: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [];
  const push = (n: Node) => {
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c && c.isNamed) stack.push(c);
    }
  };
  push(scope);
  if (scope.type === 'function_definition') {
    const p = parentOf(scope);
    if (p?.type === 'decorated_definition') for (const d of p.namedChildren) if (d?.type === 'decorator') stack.push(d);
  }
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_definition' && isSyncDef(n)) continue;
    if (n.type === 'decorator') {
      const def = parentOf(n)?.childForFieldName('definition');
      if (def && def.id !== scope.id && isSyncDef(def)) continue;
    }
    if (n.type === 'call') out.push(n);
    push(n);
  }
  return out;
}

/**
 * B703 django_mark_safe: `mark_safe` / `SafeText` / `SafeUnicode` /
 * `SafeString` / `SafeBytes` (any call so named) in a file that imports
 * something named like django.utils.safestring, on anything but a constant
 * string that bandit cannot prove safe (a name assigned only constant
 * strings earlier in the enclosing function or module, a `"...".format`
 * or `%` of such). The rule matches the scope (the module or a `def`):
 * the verdict depends on the statements before the call in that scope, so
 * the whole scope is re-checked when any of it changes.
 */
const djangoMarkSafe: Check = (m, _rule, ctx) => {
  const scope = m.node;
  if (scope.type === 'function_definition' && !isSyncDef(scope)) return null;
  if (!mayImportSafestring(ctx)) return null;
  const hits: Hit[] = [];
  for (const call of callsOfScope(scope)) {
    if (!MARK_SAFE_NAMES.has(shortName(ctx.qualname(call)))) continue;
    if (!ctx.isModuleImportedLike('django.utils.safestring', call.startIndex)) continue;
    const args = astArgs(call);
    if (args.length === 0) continue; // bandit's plugin fails on args[0]
    if (plainStr(args[0]) !== null) continue;
    try {
      if (insecure(call, scope)) hits.push({ node: call, anchor: call });
    } catch (e) {
      if (!(e instanceof PluginFailure)) throw e;
    }
  }
  return hits;
};

export const CHECKS: Record<string, Check> = {
  django_mark_safe: djangoMarkSafe,
};
