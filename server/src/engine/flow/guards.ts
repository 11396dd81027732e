import type { Node } from 'web-tree-sitter';
import { attributeKey, constAlts } from './expr.js';
import { URL_VALIDATORS } from './sanitisers.js';
import type { Analysis, Env } from './state.js';
import { altsOf, cleaned, flatten, join, konst, type Value } from './value.js';
import type { SinkKind } from './types.js';

/**
 * Guards: what a condition proves about the names in it, on the branch
 * where it holds (`truth` true) or fails. With the interpreter's rule that
 * a branch ending in return/raise/abort does not fall through, this is how
 * `if ".." in name: abort(400)` cleans `name` for paths below it. Each fact
 * cleans for the sink kinds it protects, and names the check.
 */
export function refine(env: Env, cond: Node, truth: boolean, a: Analysis): void {
  const stack: { c: Node; t: boolean }[] = [{ c: cond, t: truth }];
  let budget = 64;
  while (stack.length && budget-- > 0) {
    const { c, t } = stack.pop()!;
    switch (c.type) {
      case 'parenthesized_expression': {
        const inner = c.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment');
        if (inner.length === 1) stack.push({ c: inner[0], t });
        break;
      }
      case 'not_operator': {
        const arg = c.childForFieldName('argument');
        if (arg) stack.push({ c: arg, t: !t });
        break;
      }
      case 'boolean_operator': {
        const op = c.childForFieldName('operator')?.type;
        const l = c.childForFieldName('left');
        const r = c.childForFieldName('right');
        // `A and B` true: both hold; `A or B` false: neither does.
        if ((op === 'and' && t) || (op === 'or' && !t)) {
          if (l) stack.push({ c: l, t });
          if (r) stack.push({ c: r, t });
        }
        break;
      }
      case 'comparison_operator':
        comparison(env, c, t, a);
        break;
      case 'call':
        predicate(env, c, t, a);
        break;
    }
  }
}

/** The env key of a guarded expression: a name or an attribute chain. */
function keyOf(n: Node | null | undefined): string | null {
  if (!n) return null;
  let x = n;
  while (x.type === 'parenthesized_expression' && x.namedChildCount === 1 && x.namedChildren[0]) x = x.namedChildren[0];
  if (x.type === 'identifier') return x.text;
  if (x.type === 'attribute') return attributeKey(x);
  return null;
}

function clean(env: Env, key: string | null, kinds: readonly (SinkKind | '*')[], by: string, node: Node, a: Analysis): void {
  if (!key) return;
  const v = env.get(key) ?? a.valueOf(node);
  if (v) env.set(key, cleaned(v, kinds, by));
}

const hasTaint = (v: Value | undefined): boolean => !!v && altsOf(flatten(v)).some((x) => x.t === 'taint');

function comparison(env: Env, c: Node, t: boolean, a: Analysis): void {
  const operands = c.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment');
  const ops = c.children.filter((x) => !!x && !x.isNamed && x.type !== 'comment').map((x) => x!.type);
  if (operands.length !== 2 || ops.length !== 1) return;
  const [left, right] = operands;
  const op = ops[0];
  const lv = a.valueOf(left);
  const rv = a.valueOf(right);
  if (op === 'in' || op === 'not in') {
    const holds = op === 'in' ? t : !t;
    const lc = lv ? constAlts(lv) : null;
    if (holds && !hasTaint(rv)) {
      // `x in ALLOWED`: the value is one the code chose.
      const host = urlPart(left, a);
      if (host) clean(env, host.key, ['url', 'redirect'], `an allowed-host check (${shown(c)})`, host.node, a);
      else clean(env, keyOf(left), ['*'], `an allow-list check (${shown(c)})`, left, a);
    } else if (!holds && lc && lc.length === 1 && typeof lc[0] === 'string' && (lc[0] === '..' || lc[0] === '../' || lc[0] === '..\\')) {
      // `".." in name` failed (the other branch returned): no parent step in it.
      clean(env, keyOf(right), ['path'], `a "${lc[0]}" check`, right, a);
    }
    return;
  }
  if ((op === '==' && t) || (op === '!=' && !t) || (op === 'is' && t)) {
    // `x == "a"`: the value is that constant on this branch.
    const key = keyOf(left);
    const rc = rv ? constAlts(rv) : null;
    if (key && rc && rc.length === 1) env.set(key, konst(rc[0]));
  }
}

/** `urlparse(x).netloc` / `.hostname` / `urlsplit(x).netloc`: the URL's name and node. */
function urlPart(n: Node, a: Analysis): { key: string | null; node: Node } | null {
  if (n.type !== 'attribute') return null;
  const attr = n.childForFieldName('attribute')?.text;
  if (attr !== 'netloc' && attr !== 'hostname' && attr !== 'scheme') return null;
  const call = n.childForFieldName('object');
  if (call?.type !== 'call') return null;
  const q = a.ctx.qualname(call);
  if (!/(?:^|\.)(?:urlparse|urlsplit)$/.test(q)) return null;
  const arg = call.childForFieldName('arguments')?.namedChildren.find((x) => !!x && x.type !== 'comment');
  return arg ? { key: keyOf(arg), node: arg } : null;
}

const shown = (n: Node): string => {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > 50 ? `${t.slice(0, 47)}...` : t;
};

/** A regular expression that pins the whole value to a harmless alphabet: anchored at the end, no `.`, `\S`, `\W`. */
function strictPattern(p: string, fullmatch: boolean): boolean {
  if (p.length > 200) return false;
  if (!fullmatch && !/(?:\$|\\Z)$/.test(p)) return false;
  if (!fullmatch && !p.startsWith('^') && !p.startsWith('\\A')) {
    // re.match anchors at the start already.
  }
  return !/(?<!\\)\.|\\[SWD]|\[\^/.test(p);
}

function predicate(env: Env, call: Node, t: boolean, a: Analysis): void {
  const fn = call.childForFieldName('function');
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is Node => !!x && x.type !== 'comment' && x.type !== 'keyword_argument');
  if (fn?.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const obj = fn.childForFieldName('object');
    if (!obj) return;
    if (t && ['isdigit', 'isdecimal', 'isnumeric', 'isalnum', 'isalpha', 'isidentifier'].includes(method)) {
      clean(env, keyOf(obj), ['*'], `${shown(call)}`, obj, a);
      return;
    }
    if (t && method === 'startswith' && args[0]) {
      const prefix = a.valueOf(args[0]);
      if (!hasTaint(prefix)) clean(env, keyOf(obj), ['path'], `a startswith check (${shown(call)})`, obj, a);
      return;
    }
  }
  const q = a.ctx.qualname(call);
  const last = q.slice(q.lastIndexOf('.') + 1);
  if (t && URL_VALIDATORS.test(last) && args[0]) {
    clean(env, keyOf(args[0]), ['url', 'redirect'], `${last}()`, args[0], a);
    return;
  }
  if (t && (q === 're.fullmatch' || q === 're.match') && args.length >= 2) {
    const p = a.valueOf(args[0]);
    const pc = p ? constAlts(p) : null;
    if (pc && pc.length === 1 && typeof pc[0] === 'string' && strictPattern(pc[0], q === 're.fullmatch')) {
      clean(env, keyOf(args[1]), ['*'], `a regular expression check (${shown(call)})`, args[1], a);
    }
    return;
  }
  if (t && q === 'isinstance' && args.length === 2 && /^(?:int|float|bool|uuid\.UUID|UUID)$/.test(args[1].text)) {
    clean(env, keyOf(args[0]), ['*'], `isinstance(..., ${args[1].text})`, args[0], a);
    return;
  }
  if (!t && (q === 'os.path.isabs' || q === 'posixpath.isabs')) return;
  void join;
}
