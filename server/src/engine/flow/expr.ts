import type { Node } from 'web-tree-sitter';
import { qualifiedName } from '../pyast.js';
import { decodeEscapes, isFString, stringLiteral } from '../pystring.js';
import { evalCall } from './calls.js';
import { binary, compare, percent, pyStr, slice, unary } from './fold.js';
import { constKey, isRequestName, localNameNoun, requestAttrNoun, requestMethodNoun, shown, source, sourceNote } from './sources.js';
import { MAX_DEPTH, type Analysis, type Env } from './state.js';
import { bindTarget } from './targets.js';
import { Bytes, elementOf, flatten, join, konst, MAX_ITEMS, altsOf, NOTHING, SOME_CONST, stepped, truthOf, UNKNOWN, type Const, type Value } from './value.js';

/**
 * Expressions: the value of an expression in an environment, and the value
 * of every sub-expression recorded on the analysis. Iterative (an explicit
 * stack, children before parents): a 10,000-part `+` chain or deeply
 * parenthesised input costs its size, never the JS stack. Only a
 * comprehension's own scope evaluates nested, and that nesting is capped.
 */
export function evalExpr(root: Node, env: Env, a: Analysis): Value {
  const results = new Map<number, Value>();
  const get = (n: Node | null | undefined): Value => (n ? (results.get(n.id) ?? UNKNOWN) : UNKNOWN);
  const stack: { node: Node; kids: Node[] | null }[] = [{ node: root, kids: null }];
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.kids === null) {
      f.kids = operands(f.node);
      for (let i = f.kids.length - 1; i >= 0; i--) stack.push({ node: f.kids[i], kids: null });
      continue;
    }
    stack.pop();
    const v = compute(f.node, get, env, a);
    results.set(f.node.id, v);
    a.record(f.node, v);
  }
  return results.get(root.id) ?? UNKNOWN;
}

const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');

/** The sub-expressions evaluated before a node (in order). */
function operands(n: Node): Node[] {
  switch (n.type) {
    case 'parenthesized_expression':
    case 'comparison_operator':
    case 'conditional_expression':
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
    case 'dictionary':
    case 'concatenated_string':
    case 'slice':
    case 'list_splat':
    case 'dictionary_splat':
    case 'await':
      return named(n);
    case 'pair':
    case 'binary_operator':
    case 'boolean_operator':
      return [n.childForFieldName(n.type === 'pair' ? 'key' : 'left'), n.childForFieldName(n.type === 'pair' ? 'value' : 'right')].filter((c): c is Node => !!c);
    case 'not_operator':
    case 'unary_operator': {
      const arg = n.childForFieldName('argument');
      return arg ? [arg] : [];
    }
    case 'keyword_argument':
    case 'named_expression': {
      const v = n.childForFieldName('value');
      return v ? [v] : [];
    }
    case 'attribute': {
      const o = n.childForFieldName('object');
      return o ? [o] : [];
    }
    case 'subscript':
      return named(n);
    case 'call': {
      const out: Node[] = [];
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const o = fn.childForFieldName('object');
        if (o) out.push(o);
      } else if (fn && fn.type !== 'identifier') out.push(fn);
      const args = n.childForFieldName('arguments');
      if (args?.type === 'argument_list') out.push(...named(args));
      else if (args) out.push(args);
      return out;
    }
    case 'string':
      if (!isFString(n)) return [];
      return n.namedChildren.filter((c): c is Node => c?.type === 'interpolation').map((c) => c.childForFieldName('expression')).filter((c): c is Node => !!c);
    default:
      return [];
  }
}

/** The constants a value may be, when it is only constants of known value (few of them); null otherwise. */
export function constAlts(v: Value): Const[] | null {
  const out: Const[] = [];
  for (const x of altsOf(v)) {
    if (x.t !== 'const' || x.v === undefined) return null;
    out.push(x.v);
  }
  return out.length ? out : null;
}

/**
 * An operation on values: folded over constants (each combination, a few at
 * most), else a constant of unknown value when only constants go in, else
 * what is not constant in the operands (untrusted if any is).
 */
export function combine(values: readonly Value[], fold: ((cs: Const[]) => Const) | null): Value {
  const consts = values.map(constAlts);
  if (fold && consts.every((c) => c !== null)) {
    let combos: Const[][] = [[]];
    for (const cs of consts as Const[][]) {
      const next: Const[][] = [];
      for (const combo of combos) for (const c of cs) next.push([...combo, c]);
      combos = next;
      if (combos.length > 16) return SOME_CONST;
    }
    return join(...combos.map((c) => konst(fold(c))));
  }
  const leaves = values.map(flatten);
  const live = leaves.filter((l) => altsOf(l).some((x) => x.t !== 'const'));
  return live.length ? join(...live.map((l) => join(...altsOf(l).filter((x) => x.t !== 'const')))) : SOME_CONST;
}

/** A name's value: the scope's, a closure's, the module's, or what the name is when imported (`request`, `sys.argv`). */
export function lookup(name: string, node: Node, env: Env, a: Analysis): Value {
  const v = env.get(name) ?? a.outer?.get(name) ?? a.resolver.global(name, a);
  if (v) return v;
  const q = a.ctx.aliasesAt(node.startIndex).get(name) ?? name;
  if (isRequestName(q)) return { t: 'request' };
  const local = localNameNoun(q);
  if (local) return source(node, `${shown(node)} (${local}s)`, 'local', a.file, { attr: q, base: q });
  if (name === 'True' || name === 'False') return konst(name === 'True');
  if (name === 'None') return konst(null);
  return UNKNOWN;
}

/** `self.x`, `cfg.opt`: an attribute chain on a name, tracked like a name within a def. */
export function attributeKey(node: Node): string | null {
  const t = node.text;
  return /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(t) ? t : null;
}

function compute(n: Node, get: (n: Node | null | undefined) => Value, env: Env, a: Analysis): Value {
  switch (n.type) {
    case 'identifier':
      return lookup(n.text, n, env, a);
    case 'integer': {
      const x = Number(n.text.replace(/_/g, '').replace(/[lL]$/, ''));
      return Number.isFinite(x) ? konst(x) : SOME_CONST;
    }
    case 'float':
      return /[jJ]$/.test(n.text) ? SOME_CONST : konst(Number(n.text.replace(/_/g, '')));
    case 'true':
      return konst(true);
    case 'false':
      return konst(false);
    case 'none':
      return konst(null);
    case 'ellipsis':
      return SOME_CONST;
    case 'string':
      return stringValue(n, get);
    case 'concatenated_string': {
      const parts = named(n).map(get);
      return combine(parts, (cs) => (cs.every((c) => typeof c === 'string') ? cs.join('') : cs.every((c) => c instanceof Bytes) ? new Bytes(cs.map((c) => (c as Bytes).s).join('')) : undefined));
    }
    case 'parenthesized_expression': {
      const inner = named(n);
      return inner.length === 1 ? get(inner[0]) : UNKNOWN;
    }
    case 'await':
    case 'list_splat':
    case 'dictionary_splat':
    case 'keyword_argument':
      return get(operands(n)[0]);
    case 'named_expression': {
      const name = n.childForFieldName('name');
      const v = get(n.childForFieldName('value'));
      if (name) bindTarget(name, v, env, a);
      return v;
    }
    case 'binary_operator':
      return binaryValue(n, get);
    case 'unary_operator': {
      const op = n.childForFieldName('operator')?.type ?? '';
      return combine([get(n.childForFieldName('argument'))], ([c]) => unary(op, c));
    }
    case 'not_operator': {
      const t = truthOf(get(n.childForFieldName('argument')));
      return t === undefined ? SOME_CONST : konst(!t);
    }
    case 'boolean_operator': {
      const left = get(n.childForFieldName('left'));
      const right = get(n.childForFieldName('right'));
      const t = truthOf(left);
      const and = n.childForFieldName('operator')?.type === 'and';
      if (t === undefined) return join(left, right);
      return and ? (t ? right : left) : t ? left : right;
    }
    case 'comparison_operator':
      return comparisonValue(n, get);
    case 'conditional_expression': {
      const [body, cond, alt] = named(n);
      const t = truthOf(get(cond));
      return t === true ? get(body) : t === false ? get(alt) : join(get(body), get(alt));
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
      return sequence(n.type === 'list' ? 'list' : n.type === 'set' ? 'set' : 'tuple', named(n), get);
    case 'dictionary':
      return dictionary(n, get);
    case 'attribute':
      return attributeValue(n, get, env, a);
    case 'subscript':
      return subscriptValue(n, get, a.file);
    case 'call':
      return evalCall(n, get, env, a);
    case 'list_comprehension':
    case 'set_comprehension':
    case 'generator_expression':
    case 'dictionary_comprehension':
      return comprehension(n, env, a);
    case 'slice':
      return SOME_CONST;
    default:
      return UNKNOWN;
  }
}

function stringValue(n: Node, get: (n: Node | null | undefined) => Value): Value {
  if (!isFString(n)) {
    const s = stringLiteral(n);
    if (!s) return SOME_CONST;
    return konst(s.bytes ? new Bytes(s.value) : s.value);
  }
  const parts: Value[] = [];
  const raw = /^[a-zA-Z]*[rR]/.test(n.text);
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') parts.push(konst(raw ? c.text : decodeEscapes(c.text)));
    else if (c.type === 'escape_sequence') parts.push(konst(decodeEscapes(c.text)));
    else if (c.type === 'interpolation') {
      const v = get(c.childForFieldName('expression'));
      const plain = !c.childForFieldName('format_specifier') && !c.childForFieldName('type_conversion');
      parts.push(plain ? v : combine([v], null));
    }
  }
  return combine(parts, (cs) => {
    const strs = cs.map((x) => pyStr(x));
    return strs.every((x) => x !== undefined) ? strs.join('') : undefined;
  });
}

function binaryValue(n: Node, get: (n: Node | null | undefined) => Value): Value {
  const op = n.childForFieldName('operator')?.type ?? '';
  const left = get(n.childForFieldName('left'));
  const right = get(n.childForFieldName('right'));
  if (op === '%' && constAlts(left)?.every((c) => typeof c === 'string')) {
    const args = right.t === 'seq' && right.kind === 'tuple' ? (right.items ?? []) : [right];
    if (right.t === 'seq' && (!right.items || right.elem)) return combine([left, right], null);
    return combine([left, ...args], ([fmt, ...cs]) => percent(fmt as string, cs));
  }
  if (op === '+' && left.t === 'seq' && right.t === 'seq' && left.items && right.items && left.items.length + right.items.length <= MAX_ITEMS) {
    return { t: 'seq', kind: left.kind, items: [...left.items, ...right.items], elem: join(...[left.elem, right.elem].filter((x): x is Value => !!x)) };
  }
  if (left.t === 'seq' || right.t === 'seq' || left.t === 'dict' || right.t === 'dict') {
    return { t: 'seq', kind: 'list', items: null, elem: join(elementOf(left), elementOf(right)) };
  }
  return combine([left, right], ([x, y]) => binary(op, x, y));
}

/** `x in c` for a container value: true/false when its shape decides, else undefined. */
export function membership(x: Value, c: Value): boolean | undefined {
  const xs = constAlts(x);
  if (!xs || xs.length !== 1) return undefined;
  const key = xs[0];
  if (c.t === 'dict') {
    if (typeof key === 'string' && c.keys.has(key)) return true;
    return c.rest ? undefined : false;
  }
  if (c.t === 'seq') {
    if (!c.items || c.elem) return undefined;
    let unknown = false;
    for (const item of c.items) {
      const cs = constAlts(item);
      if (!cs || cs.length !== 1) unknown = true;
      else if (compare('==', key, cs[0])) return true;
    }
    return unknown ? undefined : false;
  }
  const cs = constAlts(c);
  if (cs && cs.length === 1) return compare('in', key, cs[0]);
  return undefined;
}

function comparisonValue(n: Node, get: (n: Node | null | undefined) => Value): Value {
  const values: Value[] = [];
  const ops: string[] = [];
  for (const c of n.children) {
    if (!c || c.type === 'comment') continue;
    if (c.isNamed) values.push(get(c));
    else ops.push(c.type);
  }
  let all: boolean | undefined = true;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const l = values[i];
    const r = values[i + 1];
    let t: boolean | undefined;
    if (op === 'in' || op === 'not in') {
      const m = membership(l, r);
      t = m === undefined ? undefined : op === 'in' ? m : !m;
    } else {
      const ls = constAlts(l);
      const rs = constAlts(r);
      if (ls && rs && ls.length === 1 && rs.length === 1) t = compare(op, ls[0], rs[0]);
    }
    if (t === false) return konst(false);
    if (t === undefined) all = undefined;
  }
  return all === undefined ? SOME_CONST : konst(true);
}

function sequence(kind: 'list' | 'tuple' | 'set', items: Node[], get: (n: Node | null | undefined) => Value): Value {
  const out: Value[] = [];
  let exact = true;
  const rest: Value[] = [];
  for (const item of items) {
    const v = get(item);
    if (item.type === 'list_splat') {
      if (v.t === 'seq' && v.items && !v.elem) out.push(...v.items);
      else {
        exact = false;
        rest.push(elementOf(v));
      }
    } else out.push(v);
  }
  if (!exact || out.length > MAX_ITEMS) return { t: 'seq', kind, items: null, elem: join(...out, ...rest) };
  return { t: 'seq', kind, items: out, elem: null };
}

function dictionary(n: Node, get: (n: Node | null | undefined) => Value): Value {
  const keys = new Map<string, Value>();
  const rest: Value[] = [];
  for (const c of named(n)) {
    if (c.type === 'pair') {
      const kc = constAlts(get(c.childForFieldName('key')));
      const v = get(c.childForFieldName('value'));
      if (kc && kc.length === 1 && (typeof kc[0] === 'string' || typeof kc[0] === 'number')) keys.set(String(kc[0]), v);
      else rest.push(v);
    } else if (c.type === 'dictionary_splat') {
      const v = get(c);
      if (v.t === 'dict') {
        for (const [k, x] of v.keys) keys.set(k, x);
        if (v.rest) rest.push(v.rest);
      } else rest.push(elementOf(v));
    }
  }
  return { t: 'dict', keys, rest: rest.length ? join(...rest) : null };
}

function attributeValue(n: Node, get: (n: Node | null | undefined) => Value, env: Env, a: Analysis): Value {
  const key = attributeKey(n);
  if (key) {
    const v = env.get(key);
    if (v) return v;
  }
  const obj = get(n.childForFieldName('object'));
  const attr = n.childForFieldName('attribute')?.text ?? '';
  if (obj.t === 'request') {
    const noun = requestAttrNoun(attr);
    if (noun) return source(n, sourceNote(n, noun, null), 'request', a.file, { attr, base: n.childForFieldName('object')?.text ?? 'request' });
    return attr === 'method' || attr === 'scheme' || attr === 'is_secure' || attr === 'is_json' ? SOME_CONST : UNKNOWN;
  }
  if (key) {
    const q = qualifiedName(n, a.ctx.aliasesAt(n.startIndex));
    if (isRequestName(q)) return { t: 'request' };
    const local = localNameNoun(q);
    if (local) return source(n, `${shown(n)} (${local}s)`, 'local', a.file, { attr: q, base: q });
  }
  if (obj.t === 'taint') return { ...obj, chain: undefined };
  if (obj.t === 'join' || obj.t === 'dict' || obj.t === 'seq') {
    const leaves = flatten(obj);
    return altsOf(leaves).some((x) => x.t === 'taint') ? leaves : UNKNOWN;
  }
  return UNKNOWN;
}

/** A constant index or slice bounds, or null. */
function constIndex(v: Value): number | null {
  const cs = constAlts(v);
  return cs && cs.length === 1 && typeof cs[0] === 'number' && Number.isInteger(cs[0]) ? cs[0] : null;
}

export function readKey(container: Value, keyValue: Value, keyNode: Node | null, whole: Node, file: string | null): Value {
  return join(
    ...altsOf(container).map((c): Value => {
      if (c.t === 'taint' && c.chain) {
        const k = constKey(keyNode);
        const noun = requestAttrNoun(c.chain.attr) ?? requestMethodNoun(c.chain.attr) ?? localNameNoun(c.chain.attr) ?? c.chain.attr;
        return source(whole, sourceNote(whole, noun, k), c.trust, file);
      }
      if (c.t === 'dict') {
        const kc = constAlts(keyValue);
        if (kc && kc.length === 1 && (typeof kc[0] === 'string' || typeof kc[0] === 'number')) {
          const hit = c.keys.get(String(kc[0]));
          return hit ?? c.rest ?? (c.config ? UNKNOWN : NOTHING);
        }
        return elementOf(c);
      }
      if (c.t === 'seq') {
        const i = constIndex(keyValue);
        if (i !== null && c.items && !c.elem) {
          const j = i < 0 ? c.items.length + i : i;
          return c.items[j] ?? NOTHING;
        }
        return elementOf(c);
      }
      if (c.t === 'const') {
        const i = constIndex(keyValue);
        if (typeof c.v === 'string' && i !== null) {
          const j = i < 0 ? c.v.length + i : i;
          return j >= 0 && j < c.v.length ? konst(c.v[j]) : NOTHING;
        }
        return SOME_CONST;
      }
      if (c.t === 'request') return UNKNOWN;
      return c;
    }),
  );
}

function subscriptValue(n: Node, get: (n: Node | null | undefined) => Value, file: string | null): Value {
  const base = get(n.childForFieldName('value'));
  const subs = n.childrenForFieldName('subscript').filter((c): c is Node => !!c && c.type !== 'comment');
  if (subs.length !== 1) return combine([base], null);
  const sub = subs[0];
  if (sub.type === 'slice') return sliceValue(base, sub, get);
  return readKey(base, get(sub), sub, n, file);
}

function sliceValue(base: Value, sub: Node, get: (n: Node | null | undefined) => Value): Value {
  // Bounds by position around the colons: `[:2]`, `[1:]`, `[::-1]`.
  const bounds: (Node | null)[] = [null, null, null];
  let i = 0;
  for (const c of sub.children) {
    if (!c) continue;
    if (c.type === ':') i++;
    else if (c.isNamed && c.type !== 'comment' && i < 3) bounds[i] = c;
  }
  const idx = bounds.map((b) => (b ? constIndex(get(b)) : null));
  const known = bounds.every((b, j) => !b || idx[j] !== null);
  return join(
    ...altsOf(base).map((c): Value => {
      if (c.t === 'const' && typeof c.v === 'string' && known) return konst(slice(c.v, idx[0], idx[1], idx[2]) ?? null);
      if (c.t === 'seq' && c.items && !c.elem && known && (idx[2] ?? 1) === 1) {
        const n = c.items.length;
        const norm = (x: number | null, d: number) => (x === null ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x));
        return { t: 'seq', kind: c.kind, items: c.items.slice(norm(idx[0], 0), norm(idx[1], n)), elem: null };
      }
      if (c.t === 'seq') return { t: 'seq', kind: c.kind, items: null, elem: elementOf(c) };
      if (c.t === 'const') return SOME_CONST;
      return c.t === 'taint' ? { ...c, chain: undefined } : c;
    }),
  );
}

function comprehension(n: Node, env: Env, a: Analysis): Value {
  if (a.depth >= MAX_DEPTH) return UNKNOWN;
  a.depth++;
  try {
    const inner: Env = new Map(env);
    for (const c of named(n)) {
      if (c.type === 'for_in_clause') {
        const right = c.childForFieldName('right');
        const left = c.childForFieldName('left');
        const v = right ? evalExpr(right, inner, a) : UNKNOWN;
        if (left) bindTarget(left, elementOf(v), inner, a, false);
      } else if (c.type === 'if_clause') {
        const cond = named(c)[0];
        if (cond) evalExpr(cond, inner, a);
      }
    }
    const body = n.childForFieldName('body');
    if (!body) return UNKNOWN;
    if (n.type === 'dictionary_comprehension' && body.type === 'pair') {
      const k = body.childForFieldName('key');
      const v = body.childForFieldName('value');
      if (k) evalExpr(k, inner, a);
      return { t: 'dict', keys: new Map(), rest: v ? evalExpr(v, inner, a) : UNKNOWN };
    }
    const elem = evalExpr(body, inner, a);
    return { t: 'seq', kind: n.type === 'set_comprehension' ? 'set' : 'list', items: null, elem };
  } finally {
    a.depth--;
  }
}

/** A value that passed through `node` as an argument of a call the layer follows (for a step). */
export function through(v: Value, a: Analysis, node: Node, note: string): Value {
  return stepped(v, a.step(node, note));
}
