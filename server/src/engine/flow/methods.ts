import type { Node } from 'web-tree-sitter';
import { combine, constAlts } from './expr.js';
import { codec, format, strMethod } from './fold.js';
import { SAFE_PREDICATES } from './sanitisers.js';
import { CHAIN_READS, constKey, requestAttrNoun, requestMethodNoun, source, sourceNote } from './sources.js';
import type { Analysis } from './state.js';
import { Bytes, cleaned, elementOf, join, konst, altsOf, MAX_ITEMS, NOTHING, SOME_CONST, UNKNOWN, type Const, type Value } from './value.js';

/**
 * Methods on tracked values: the request's (`get_json()`), a source
 * container's reads (`request.args.get("q")`), dict/list/configparser
 * methods that keep or change a container's shape (the new shape is
 * returned as `receiver` for the caller to rebind), str methods folded on
 * constants or passing untrusted text on. Undefined: not a method the
 * layer knows for that value.
 */
export interface MethodResult {
  value: Value;
  /** The receiver after a mutating method (`l.append(x)`). */
  receiver?: Value;
}

const PREDICATES = new Set([...SAFE_PREDICATES, 'startswith', 'endswith', 'isupper', 'islower', 'isspace', 'istitle', 'isascii', 'isprintable', 'count', 'find', 'rfind', 'index', 'rindex', 'has_key', 'has_option', 'has_section', '__contains__', '__len__']);
const SPLITS = new Set(['split', 'rsplit', 'splitlines', 'partition', 'rpartition']);
/** Requests' reads that hand on a mapping the key then picks from (`(await request.form())["x"]`). */
const MAPPING_METHODS = new Set(['form', 'post', 'json', 'get_json', 'query']);
const CONFIG_GETS = new Set(['get', 'getint', 'getfloat', 'getboolean']);

export function methodCall(receiver: Value, method: string, args: readonly Value[], kwargs: ReadonlyMap<string, Value>, n: Node, a: Analysis): MethodResult | undefined {
  const alts = altsOf(receiver);
  if (alts.length === 1) return one(alts[0], method, args, kwargs, n, a);
  // A join: each alternative's result (mutations of a join are not followed).
  const values: Value[] = [];
  for (const r of alts) {
    const res = one(r, method, args, kwargs, n, a);
    if (!res) return undefined;
    values.push(res.value);
  }
  return { value: join(...values) };
}

function keyOf(v: Value | undefined): string | undefined {
  const cs = v ? constAlts(v) : null;
  return cs && cs.length === 1 && (typeof cs[0] === 'string' || typeof cs[0] === 'number') ? String(cs[0]) : undefined;
}

function firstArgNode(n: Node): Node | null {
  return n.childForFieldName('arguments')?.namedChildren.find((c) => !!c && c.type !== 'comment' && c.type !== 'keyword_argument') ?? null;
}

function one(r: Value, method: string, args: readonly Value[], kwargs: ReadonlyMap<string, Value>, n: Node, a: Analysis): MethodResult | undefined {
  switch (r.t) {
    case 'request': {
      const noun = requestMethodNoun(method);
      if (!noun) return undefined;
      return { value: source(n, sourceNote(n, noun, null), 'request', a.file, MAPPING_METHODS.has(method) ? { attr: method, base: 'request' } : undefined) };
    }
    case 'taint':
      if (r.chain && CHAIN_READS.has(method)) {
        const noun = requestAttrNoun(r.chain.attr) ?? requestMethodNoun(r.chain.attr) ?? r.chain.attr;
        const keyed = method === 'get' || method === 'getlist' || method === 'pop' || method === 'getone' || method === 'getall';
        const src = source(n, sourceNote(n, noun, keyed ? constKey(firstArgNode(n)) : null), r.trust, a.file);
        return { value: keyed && args[1] ? join(src, args[1]) : src };
      }
      return { value: scalarMethod(r, method, args, kwargs) };
    case 'unknown':
      return { value: scalarMethod(r, method, args, kwargs) };
    case 'const':
      return { value: constMethod(r.v, method, args, kwargs) };
    case 'dict':
      return dictMethod(r, method, args, kwargs);
    case 'seq':
      return seqMethod(r, method, args);
    default:
      return undefined;
  }
}

/** A method on an untrusted or unknown scalar: predicates are harmless constants, the rest passes the text on. */
function scalarMethod(r: Value, method: string, args: readonly Value[], kwargs: ReadonlyMap<string, Value>): Value {
  if (PREDICATES.has(method)) return SOME_CONST;
  if (SPLITS.has(method)) return { t: 'seq', kind: 'list', items: null, elem: r };
  if (method === 'hexdigest' || method === 'digest') return cleaned(r, ['*'], 'a hash');
  return combine([r, ...args, ...kwargs.values()], null);
}

function constMethod(c: Const, method: string, args: readonly Value[], kwargs: ReadonlyMap<string, Value>): Value {
  if (typeof c === 'string') {
    if (method === 'format') {
      const keys = [...kwargs.keys()];
      return combine([konst(c), ...args, ...kwargs.values()], ([fmt, ...rest]) => format(fmt as string, rest.slice(0, args.length), new Map(keys.map((k, i) => [k, rest[args.length + i]]))));
    }
    if (method === 'join' && args[0]) {
      const seq = args[0];
      if (seq.t === 'seq' && seq.items && !seq.elem) return combine([konst(c), ...seq.items], ([sep, ...parts]) => (parts.every((p) => typeof p === 'string') ? parts.join(sep as string) : undefined));
      return combine([konst(c), elementOf(seq)], null);
    }
    if (SPLITS.has(method)) {
      const sep = args[0] ? constAlts(args[0]) : [null];
      if (method === 'split' && sep && sep.length === 1 && typeof sep[0] === 'string' && sep[0] !== '' && args.length === 1) {
        const parts = c.split(sep[0]);
        if (parts.length <= MAX_ITEMS) return { t: 'seq', kind: 'list', items: parts.map((p) => konst(p)), elem: null };
      }
      return combine([konst(c), ...args], null).t === 'const' ? { t: 'seq', kind: 'list', items: null, elem: SOME_CONST } : { t: 'seq', kind: 'list', items: null, elem: combine(args.slice(), null) };
    }
    if (method === 'replace' && args.length === 2) return combine([konst(c), args[0], args[1]], ([s, x, y]) => strMethod(s as string, 'replace', [x, y]));
  }
  if (c instanceof Bytes && (method === 'decode' || method === 'hex')) return method === 'decode' ? konst(c.s) : konst(Buffer.from(c.s, 'latin1').toString('hex'));
  if (method === 'decode' || method === 'encode') return combine([konst(c)], ([x]) => (method === 'encode' ? (typeof x === 'string' ? new Bytes(x) : undefined) : codec('decode', x)));
  return combine([konst(c), ...args, ...kwargs.values()], (cs) => (typeof cs[0] === 'string' ? strMethod(cs[0], method, cs.slice(1)) : undefined));
}

function dictMethod(d: Value & { t: 'dict' }, method: string, args: readonly Value[], kwargs: ReadonlyMap<string, Value>): MethodResult | undefined {
  const k = keyOf(args[0]);
  const read = (key: string | undefined): Value => (key !== undefined ? (d.keys.get(key) ?? d.rest ?? NOTHING) : elementOf(d));
  if (d.config) {
    // configparser: sections of options; `get(section, option)`.
    const section = (s: string | undefined): Value => (s !== undefined ? (d.keys.get(s) ?? d.rest ?? UNKNOWN) : elementOf(d));
    if (CONFIG_GETS.has(method) && args.length >= 2) {
      const sec = section(k);
      const o = keyOf(args[1]);
      const v = sec.t === 'dict' ? (o !== undefined ? (sec.keys.get(o) ?? sec.rest ?? UNKNOWN) : elementOf(sec)) : elementOf(sec);
      const fallback = kwargs.get('fallback');
      const value = fallback ? join(v, fallback) : v;
      return { value: method === 'get' ? value : cleaned(value, ['*'], `${method}()`) };
    }
    if (method === 'set' && args.length >= 3 && k !== undefined) {
      const old = d.keys.get(k);
      const sec: Value = old?.t === 'dict' ? old : { t: 'dict', keys: new Map(), rest: null };
      const keys = new Map(d.keys);
      const o = keyOf(args[1]);
      const secKeys = new Map((sec as Value & { t: 'dict' }).keys);
      if (o !== undefined) secKeys.set(o, args[2]);
      keys.set(k, { t: 'dict', keys: secKeys, rest: o === undefined ? args[2] : (sec as Value & { t: 'dict' }).rest });
      return { value: konst(null), receiver: { ...d, keys } };
    }
    if (method === 'add_section' && k !== undefined) {
      const keys = new Map(d.keys);
      if (!keys.has(k)) keys.set(k, { t: 'dict', keys: new Map(), rest: null });
      return { value: konst(null), receiver: { ...d, keys } };
    }
    if (method === 'read' || method === 'read_string' || method === 'read_file' || method === 'read_dict') {
      return { value: SOME_CONST, receiver: { ...d, rest: d.rest ? join(d.rest, UNKNOWN) : UNKNOWN } };
    }
    if (method === 'sections' || method === 'options') return { value: { t: 'seq', kind: 'list', items: null, elem: SOME_CONST } };
    return undefined;
  }
  switch (method) {
    case 'get': {
      const dflt = args[1] ?? konst(null);
      if (k !== undefined && d.keys.has(k)) return { value: d.keys.get(k)! };
      if (k !== undefined) return { value: d.rest ? join(d.rest, dflt) : dflt };
      return { value: join(elementOf(d), dflt) };
    }
    case 'pop': {
      const keys = new Map(d.keys);
      if (k !== undefined) keys.delete(k);
      const hit = k !== undefined && d.keys.has(k);
      return { value: hit || !args[1] ? read(k) : join(read(k), args[1]), receiver: { ...d, keys } };
    }
    case 'setdefault': {
      if (k !== undefined && !d.keys.has(k)) {
        const keys = new Map(d.keys);
        keys.set(k, args[1] ?? konst(null));
        return { value: args[1] ?? konst(null), receiver: { ...d, keys } };
      }
      return { value: read(k) };
    }
    case 'keys':
      return { value: { t: 'seq', kind: 'list', items: d.rest ? null : [...d.keys.keys()].map((x) => konst(x)), elem: d.rest ? SOME_CONST : null } };
    case 'values':
      return { value: { t: 'seq', kind: 'list', items: null, elem: elementOf(d) } };
    case 'items':
      return { value: { t: 'seq', kind: 'list', items: null, elem: { t: 'seq', kind: 'tuple', items: [SOME_CONST, elementOf(d)], elem: null } } };
    case 'copy':
      return { value: d };
    case 'clear':
      return { value: konst(null), receiver: { ...d, keys: new Map(), rest: null } };
    case 'update': {
      const keys = new Map(d.keys);
      let rest = d.rest;
      const other = args[0];
      if (other?.t === 'dict') {
        for (const [x, v] of other.keys) keys.set(x, v);
        if (other.rest) rest = rest ? join(rest, other.rest) : other.rest;
      } else if (other) rest = rest ? join(rest, elementOf(other)) : elementOf(other);
      for (const [x, v] of kwargs) keys.set(x, v);
      return { value: konst(null), receiver: { ...d, keys, rest } };
    }
  }
  return undefined;
}

function seqMethod(s: Value & { t: 'seq' }, method: string, args: readonly Value[]): MethodResult | undefined {
  const items = s.items && !s.elem ? s.items : null;
  const loose = (...extra: Value[]): Value => ({ t: 'seq', kind: s.kind, items: null, elem: join(elementOf(s), ...extra) });
  const exact = (next: Value[]): Value => (next.length > MAX_ITEMS ? { t: 'seq', kind: s.kind, items: null, elem: join(...next) } : { t: 'seq', kind: s.kind, items: next, elem: null });
  switch (method) {
    case 'append':
    case 'add':
    case 'appendleft': {
      const x = args[0] ?? UNKNOWN;
      if (!items) return { value: konst(null), receiver: loose(x) };
      return { value: konst(null), receiver: exact(method === 'appendleft' ? [x, ...items] : [...items, x]) };
    }
    case 'insert': {
      const i = keyOf(args[0]);
      const x = args[1] ?? UNKNOWN;
      if (!items || i === undefined) return { value: konst(null), receiver: loose(x) };
      const next = items.slice();
      const j = Number(i) < 0 ? Math.max(0, next.length + Number(i)) : Math.min(next.length, Number(i));
      next.splice(j, 0, x);
      return { value: konst(null), receiver: exact(next) };
    }
    case 'extend': {
      const other = args[0];
      if (items && other?.t === 'seq' && other.items && !other.elem) return { value: konst(null), receiver: exact([...items, ...other.items]) };
      return { value: konst(null), receiver: loose(other ? elementOf(other) : UNKNOWN) };
    }
    case 'pop':
    case 'popleft': {
      if (!items) return { value: elementOf(s) };
      if (items.length === 0) return { value: NOTHING };
      const i = method === 'popleft' ? 0 : args[0] ? keyOf(args[0]) : String(items.length - 1);
      if (i === undefined) return { value: elementOf(s), receiver: loose() };
      const j = Number(i) < 0 ? items.length + Number(i) : Number(i);
      const next = items.slice();
      const [out] = next.splice(j, 1);
      return { value: out ?? NOTHING, receiver: exact(next) };
    }
    case 'remove':
    case 'discard': {
      const x = args[0] ? constAlts(args[0]) : null;
      if (!items || !x || x.length !== 1) return { value: konst(null) };
      const j = items.findIndex((v) => {
        const cs = constAlts(v);
        return !!cs && cs.length === 1 && cs[0] === x[0];
      });
      if (j < 0) return { value: konst(null) };
      const next = items.slice();
      next.splice(j, 1);
      return { value: konst(null), receiver: exact(next) };
    }
    case 'index':
    case 'count':
      return { value: SOME_CONST };
    case 'copy':
      return { value: s };
    case 'reverse':
      return { value: konst(null), receiver: items ? exact(items.slice().reverse()) : s };
    case 'sort':
      return { value: konst(null), receiver: items ? loose() : s };
    case 'clear':
      return { value: konst(null), receiver: exact([]) };
  }
  return undefined;
}
