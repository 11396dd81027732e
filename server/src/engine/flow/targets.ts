import type { Node } from 'web-tree-sitter';
import type { Analysis, Env } from './state.js';
import { elementOf, join, stepped, UNKNOWN, type Value } from './value.js';

/**
 * Binding a value to an assignment's target: a name (with a step on its
 * path: "assigned to cmd"), `self.x`-like attribute chains (tracked as
 * names), `d[k]`/`l[i]` (the container's shape updated), and unpacking
 * (`a, *b = t`). Iterative over nested targets.
 */
export function bindTarget(target: Node, value: Value, env: Env, a: Analysis, step = true): void {
  const stack: { t: Node; v: Value }[] = [{ t: target, v: value }];
  while (stack.length) {
    const { t, v } = stack.pop()!;
    switch (t.type) {
      case 'identifier': {
        const name = t.text;
        env.set(name, step ? stepped(v, a.step(t, `assigned to ${name}`)) : v);
        // A name rebound: what was tracked of its attributes goes (the name
        // read once: each read of a node's text is a call into wasm, and
        // once per key made 20,000 assignments cost 20,000² of them).
        const prefix = `${name}.`;
        for (const k of [...env.keys()]) if (k.startsWith(prefix)) env.delete(k);
        break;
      }
      case 'attribute': {
        const key = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(t.text) ? t.text : null;
        if (key) {
          env.set(key, step ? stepped(v, a.step(t, `assigned to ${key}`)) : v);
          const prefix = `${key}.`;
          for (const k of [...env.keys()]) if (k.startsWith(prefix)) env.delete(k);
        }
        break;
      }
      case 'subscript': {
        const base = t.childForFieldName('value');
        const sub = t.childForFieldName('subscript');
        const name = base && (base.type === 'identifier' || base.type === 'attribute') ? base.text : null;
        if (!name || !sub) break;
        const old = env.get(name);
        const key = a.valueOf(sub);
        env.set(name, storeKey(old, key, v));
        break;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list':
      case 'parenthesized_expression': {
        const parts = t.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
        if (parts.length === 1 && t.type === 'parenthesized_expression') {
          stack.push({ t: parts[0], v });
          break;
        }
        const star = parts.findIndex((p) => p.type === 'list_splat_pattern' || p.type === 'list_splat');
        const items = v.t === 'seq' && v.items && !v.elem ? v.items : null;
        const elem = elementOf(v);
        parts.forEach((p, i) => {
          const inner = p.type === 'list_splat_pattern' || p.type === 'list_splat' ? p.namedChildren.find((c) => !!c && c.type !== 'comment') : p;
          if (!inner) return;
          let pv: Value;
          if (!items) pv = i === star ? { t: 'seq', kind: 'list', items: null, elem } : elem;
          else if (star < 0) pv = items[i] ?? UNKNOWN;
          else if (i < star) pv = items[i] ?? UNKNOWN;
          else if (i === star) pv = { t: 'seq', kind: 'list', items: items.slice(star, items.length - (parts.length - star - 1)), elem: null };
          else pv = items[items.length - (parts.length - i)] ?? UNKNOWN;
          stack.push({ t: inner, v: pv });
        });
        break;
      }
      default:
        break;
    }
  }
}

/** A container after `c[key] = v`: a dict's constant key set, a list's known index replaced; otherwise joined in. */
export function storeKey(old: Value | undefined, key: Value | undefined, v: Value): Value {
  const k = key && key.t === 'const' && (typeof key.v === 'string' || typeof key.v === 'number') ? key.v : undefined;
  if (old?.t === 'dict') {
    const keys = new Map(old.keys);
    if (k !== undefined) {
      keys.set(String(k), v);
      return { ...old, keys };
    }
    return { ...old, rest: old.rest ? join(old.rest, v) : v };
  }
  if (old?.t === 'seq' && old.items && !old.elem && typeof k === 'number' && Number.isInteger(k)) {
    const items = old.items.slice();
    const i = k < 0 ? items.length + k : k;
    if (i >= 0 && i < items.length) {
      items[i] = v;
      return { ...old, items };
    }
  }
  if (old?.t === 'seq') return { t: 'seq', kind: old.kind, items: null, elem: join(elementOf(old), v) };
  // Something we do not know the shape of: it holds `v` now, among what it held.
  return old ? join(old, { t: 'dict', keys: new Map(), rest: v }) : { t: 'dict', keys: new Map(), rest: v };
}
