import type { Node } from 'web-tree-sitter';
import { combine, constAlts, evalExpr, named } from './expr.js';
import { constKey, localNameNoun, requestAttrNoun, requestMethodNoun, source, sourceNote } from './sources.js';
import { slice } from './fold.js';
import { MAX_DEPTH, type Analysis, type Env } from './state.js';
import { bindTarget } from './targets.js';
import { altsOf, elementOf, join, konst, MAX_ITEMS, NOTHING, SOME_CONST, UNKNOWN, type Value } from './value.js';

/**
 * Expressions that build or read containers: list/tuple/set and dict
 * displays, subscripts and slices (a constant key reads its slot; a source
 * container's key names the source), comprehensions (a scope of their own,
 * nested evaluation capped at MAX_DEPTH).
 */

type Get = (n: Node | null | undefined) => Value;

export function sequence(kind: 'list' | 'tuple' | 'set', items: Node[], get: Get): Value {
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

export function dictionary(n: Node, get: Get): Value {
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

export function subscriptValue(n: Node, get: Get, file: string | null): Value {
  const base = get(n.childForFieldName('value'));
  const subs = n.childrenForFieldName('subscript').filter((c): c is Node => !!c && c.type !== 'comment');
  if (subs.length !== 1) return combine([base], null);
  const sub = subs[0];
  if (sub.type === 'slice') return sliceValue(base, sub, get);
  return readKey(base, get(sub), sub, n, file);
}

function sliceValue(base: Value, sub: Node, get: Get): Value {
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

export function comprehension(n: Node, env: Env, a: Analysis): Value {
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

