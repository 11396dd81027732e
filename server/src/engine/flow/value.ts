import type { FlowStep, Reach, SinkKind, Trust } from './types.js';

/**
 * The abstract values of the flow layer. Pure data, no tree: the
 * interpreter (interp.ts, expr.ts) builds them, `reachOfValue` reads them.
 *
 * - `const`: a constant, folded when its value is known (`v`), or known to
 *   be a constant whose value we do not compute (`v` undefined: `os.path.join("a", "b")`);
 * - `taint`: untrusted, from a source, with the steps it took; `clean`
 *   names the sink kinds a sanitiser or guard cleaned it for;
 * - `unknown`: could be anything (a parameter, an unresolved call's result);
 *   `param` marks a def's own parameter while its summary is computed;
 * - `dict`/`seq`: containers with shape: constant keys, known items;
 * - `request`: the request object itself (its attributes are sources);
 * - `join`: one of several values (branches that both may run).
 */

/** Bytes constants: kept apart from str so that `b"x" + "y"` does not fold. */
export class Bytes {
  constructor(readonly s: string) {}
}

export type Const = string | number | boolean | null | Bytes | undefined;

/** Sink kinds (or '*' for all) → the sanitiser or guard that cleaned the value for them. */
export type Clean = ReadonlyMap<SinkKind | '*', string> | null;

/** A source's accessor chain still being read (`request.args` → `.get("q")`): extended rather than stepped. */
export interface SourceChain {
  /** What the chain reads: `form`, `args`, `cookies`… */
  attr: string;
  /** The request object's expression text (`request`, `self.request`). */
  base: string;
}

export type Value =
  | { t: 'const'; v: Const }
  | { t: 'taint'; trust: Trust; path: readonly FlowStep[]; clean: Clean; chain?: SourceChain; opaque?: true }
  | { t: 'unknown'; clean: Clean; param?: number }
  | { t: 'dict'; keys: ReadonlyMap<string, Value>; rest: Value | null; config?: boolean }
  | { t: 'seq'; kind: 'list' | 'tuple' | 'set'; items: readonly Value[] | null; elem: Value | null }
  | { t: 'request' }
  | { t: 'join'; alts: readonly Value[] };

export const UNKNOWN: Value = { t: 'unknown', clean: null };
/** A constant of no computed value (`os.path.join("a", "b")`, `x.isdigit()`). */
export const SOME_CONST: Value = { t: 'const', v: undefined };
/** No value: what a dead branch leaves. */
export const NOTHING: Value = { t: 'join', alts: [] };

export const konst = (v: Const): Value => ({ t: 'const', v });

/** Steps kept on a path: the source and the last ones (a loop may add many). */
const MAX_STEPS = 12;
/** Alternatives kept in a join before constants collapse into one of unknown value. */
const MAX_ALTS = 8;
/** Items a container keeps with its shape; longer ones keep only their joined element. */
export const MAX_ITEMS = 64;

export function isNothing(v: Value): boolean {
  return v.t === 'join' && v.alts.length === 0;
}

function sameConst(a: Const, b: Const): boolean {
  if (a instanceof Bytes && b instanceof Bytes) return a.s === b.s;
  return a === b;
}

function sameClean(a: Clean, b: Clean): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Whether two values are the same for every sink (used to stop loops and dedupe joins); containers nested deeper than a few levels count as different. */
export function sameValue(a: Value, b: Value, depth = 0): boolean {
  if (a === b) return true;
  if (a.t !== b.t || depth > 8) return false;
  switch (a.t) {
    case 'const':
      return sameConst(a.v, (b as typeof a).v);
    case 'taint': {
      const y = b as typeof a;
      return a.trust === y.trust && sameClean(a.clean, y.clean) && a.path[0]?.span.start === y.path[0]?.span.start && a.chain?.attr === y.chain?.attr && a.opaque === y.opaque;
    }
    case 'unknown': {
      const y = b as typeof a;
      return a.param === y.param && sameClean(a.clean, y.clean);
    }
    case 'request':
      return true;
    case 'dict': {
      const y = b as typeof a;
      if (a.keys.size !== y.keys.size || !!a.config !== !!y.config) return false;
      for (const [k, v] of a.keys) {
        const w = y.keys.get(k);
        if (!w || !sameValue(v, w, depth + 1)) return false;
      }
      return a.rest === y.rest || (!!a.rest && !!y.rest && sameValue(a.rest, y.rest, depth + 1));
    }
    case 'seq': {
      const y = b as typeof a;
      if (a.kind !== y.kind) return false;
      if (!a.items !== !y.items) return false;
      if (a.items && y.items && (a.items.length !== y.items.length || a.items.some((v, i) => !sameValue(v, y.items![i], depth + 1)))) return false;
      return a.elem === y.elem || (!!a.elem && !!y.elem && sameValue(a.elem, y.elem, depth + 1));
    }
    case 'join': {
      const y = b as typeof a;
      return a.alts.length === y.alts.length && a.alts.every((v) => y.alts.some((w) => sameValue(v, w, depth + 1)));
    }
  }
}

/**
 * One of `values`: flattened, deduplicated, capped as it goes (a join of
 * thousands of values costs their number, not its square): past a few
 * constants they become one of unknown value; past a few other values the
 * later ones are dropped unless they are worse for a sink (untrusted).
 */
export function join(...values: Value[]): Value {
  const alts: Value[] = [];
  let consts = 0;
  let someConst = false;
  const stack = values.slice().reverse();
  while (stack.length) {
    const v = stack.pop()!;
    if (v.t === 'join') {
      for (let i = v.alts.length - 1; i >= 0; i--) stack.push(v.alts[i]);
      continue;
    }
    if (v.t === 'const') {
      if (someConst) continue;
      if (consts >= MAX_ALTS) {
        // Too many constants: one of unknown value stands for them all.
        for (let i = alts.length - 1; i >= 0; i--) if (alts[i].t === 'const') alts.splice(i, 1);
        alts.push(SOME_CONST);
        someConst = true;
        continue;
      }
    }
    if (alts.length >= MAX_ALTS * 2) {
      if (v.t !== 'taint' || alts.some((a) => a.t === 'taint' && sameValue(a, v))) continue;
      if (alts.filter((a) => a.t === 'taint').length >= MAX_ALTS) continue;
    }
    if (!alts.some((a) => sameValue(a, v))) {
      alts.push(v);
      if (v.t === 'const') consts++;
    }
  }
  return alts.length === 1 ? alts[0] : { t: 'join', alts };
}

/** The alternatives of a value (itself when it is not a join). */
export function altsOf(v: Value): readonly Value[] {
  return v.t === 'join' ? v.alts : [v];
}

/** Every value a container may hand out (its items, the rest), or the value itself. */
export function elementOf(v: Value): Value {
  const out: Value[] = [];
  for (const a of altsOf(v)) {
    if (a.t === 'seq') {
      if (a.items) out.push(...a.items);
      if (a.elem) out.push(a.elem);
    } else if (a.t === 'dict') {
      out.push(...a.keys.values());
      if (a.rest) out.push(a.rest);
    } else if (a.t === 'const' && typeof a.v === 'string' && a.v.length <= MAX_ITEMS) {
      for (const ch of a.v) out.push(konst(ch));
    } else if (a.t === 'const') out.push(SOME_CONST);
    else out.push(a);
  }
  return join(...out);
}

/** A taint's path with one more step (not twice the same place in a row), capped. */
export function withStep(path: readonly FlowStep[], step: FlowStep): FlowStep[] {
  const last = path[path.length - 1];
  if (last && last.span.start === step.span.start && last.span.end === step.span.end && last.file === step.file) return path.slice();
  const out = [...path, step];
  return out.length > MAX_STEPS ? [out[0], ...out.slice(out.length - MAX_STEPS + 1)] : out;
}

/**
 * `v` with `f` applied to every untrusted or unknown leaf (in containers and
 * joins too). Iterative over joins and containers: nesting is bounded by
 * how values are built, but a list of lists built in a loop must not recurse.
 */
export function mapLeaves(v: Value, f: (leaf: Value & { t: 'taint' | 'unknown' }) => Value): Value {
  const go = (x: Value, depth: number): Value => {
    switch (x.t) {
      case 'taint':
      case 'unknown':
        return f(x);
      case 'join':
        return join(...x.alts.map((a) => go(a, depth)));
      case 'dict': {
        // Deeper than a few levels: the leaves only (flatten is iterative), so no recursion follows the input's nesting.
        if (depth > 8) return go(flatten(x), depth);
        const keys = new Map<string, Value>();
        for (const [k, e] of x.keys) keys.set(k, go(e, depth + 1));
        return { t: 'dict', keys, rest: x.rest && go(x.rest, depth + 1), config: x.config };
      }
      case 'seq':
        if (depth > 8) return go(flatten(x), depth);
        return { t: 'seq', kind: x.kind, items: x.items && x.items.map((e) => go(e, depth + 1)), elem: x.elem && go(x.elem, depth + 1) };
      default:
        return x;
    }
  };
  return go(v, 0);
}

/** `v` with one more step on every untrusted path in it. */
export function stepped(v: Value, step: FlowStep): Value {
  return mapLeaves(v, (leaf) => (leaf.t === 'taint' ? { ...leaf, path: withStep(leaf.path, step), chain: undefined } : leaf));
}

/** `v` cleaned for `kinds` (or '*': every kind) by `by`. Constants stay constants. */
export function cleaned(v: Value, kinds: readonly (SinkKind | '*')[], by: string): Value {
  return mapLeaves(v, (leaf) => {
    const clean = new Map(leaf.clean ?? []);
    for (const k of kinds) if (!clean.has(k)) clean.set(k, by);
    return { ...leaf, clean, ...(leaf.t === 'taint' ? { chain: undefined } : {}) } as Value;
  });
}

/** Every untrusted or unknown leaf of `v` flattened into one value (for the result of a call we cannot follow). */
export function flatten(v: Value): Value {
  const out: Value[] = [];
  const stack: { x: Value; depth: number }[] = [{ x: v, depth: 0 }];
  while (stack.length) {
    const { x, depth } = stack.pop()!;
    if (x.t === 'join') for (const a of x.alts) stack.push({ x: a, depth });
    else if (x.t === 'dict' || x.t === 'seq') {
      if (x.t === 'dict') {
        for (const e of x.keys.values()) stack.push({ x: e, depth: depth + 1 });
        if (x.rest) stack.push({ x: x.rest, depth: depth + 1 });
      } else {
        for (const e of x.items ?? []) stack.push({ x: e, depth: depth + 1 });
        if (x.elem) stack.push({ x: x.elem, depth: depth + 1 });
      }
      if (x.t === 'seq' && !x.items && !x.elem) out.push(SOME_CONST);
    } else if (x.t === 'const') out.push(SOME_CONST);
    else if (x.t === 'taint') out.push({ ...x, chain: undefined });
    else out.push(x);
  }
  return out.length ? join(...out) : SOME_CONST;
}

/** What a value holds that matters to a sink, from worst to best. */
const RANK = { untrusted: 3, unknown: 2, sanitised: 1, constant: 0 } as const;

/**
 * The `Reach` of a value at a sink of `kind`: the worst of its leaves
 * (untrusted > unknown > sanitised > constant). A request object or a
 * source container itself is untrusted.
 */
export function reachOfValue(v: Value, kind: SinkKind): Reach {
  let best: Reach = { kind: 'constant' };
  const consider = (r: Reach): void => {
    if (RANK[r.kind] > RANK[best.kind]) best = r;
  };
  const stack: { x: Value; depth: number }[] = [{ x: v, depth: 0 }];
  while (stack.length) {
    const { x, depth } = stack.pop()!;
    switch (x.t) {
      case 'const':
        break;
      case 'request':
        consider({ kind: 'unknown' });
        break;
      case 'taint': {
        const by = x.clean?.get(kind) ?? x.clean?.get('*');
        if (by) consider({ kind: 'sanitised', by });
        // A path that carries the input itself beats one only through an opaque call.
        else if (best.kind !== 'untrusted' || (best.opaque && !x.opaque)) best = { kind: 'untrusted', trust: x.trust, path: x.path.slice(), ...(x.opaque ? { opaque: true as const } : {}) };
        break;
      }
      case 'unknown': {
        const by = x.clean?.get(kind) ?? x.clean?.get('*');
        consider(by ? { kind: 'sanitised', by } : { kind: 'unknown' });
        break;
      }
      case 'join':
        // Reverse so that the first alternative's path wins among equals.
        for (let i = x.alts.length - 1; i >= 0; i--) stack.push({ x: x.alts[i], depth });
        break;
      case 'dict':
      case 'seq':
        if (x.t === 'dict') {
          for (const e of x.keys.values()) stack.push({ x: e, depth: depth + 1 });
          if (x.rest) stack.push({ x: x.rest, depth: depth + 1 });
        } else {
          for (const e of x.items ?? []) stack.push({ x: e, depth: depth + 1 });
          if (x.elem) stack.push({ x: x.elem, depth: depth + 1 });
        }
        break;
    }
  }
  // Of several untrusted paths the first found stays (stable: the first alternative).
  return best;
}

/** Python truthiness when the value decides it; undefined when it does not. */
export function truthOf(v: Value): boolean | undefined {
  if (v.t === 'join') {
    if (v.alts.length === 0) return undefined;
    const ts = v.alts.map(truthOf);
    return ts.every((t) => t === ts[0]) ? ts[0] : undefined;
  }
  if (v.t === 'const') {
    const c = v.v;
    if (c === undefined) return undefined;
    if (c instanceof Bytes) return c.s.length > 0;
    if (typeof c === 'string') return c.length > 0;
    if (typeof c === 'number') return c !== 0;
    if (typeof c === 'boolean') return c;
    return false; // None
  }
  if (v.t === 'seq' && v.items && !v.elem) return v.items.length > 0;
  if (v.t === 'dict' && !v.rest) return v.keys.size > 0 ? true : v.config ? undefined : false;
  return undefined;
}
