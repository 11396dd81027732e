import type { Node } from 'web-tree-sitter';
import { codec, pyStr } from './fold.js';
import { combine, constAlts } from './expr.js';
import { methodCall } from './methods.js';
import { sanitiserOf } from './sanitisers.js';
import { constKey, localCallNoun, shown, source } from './sources.js';
import type { Analysis, Env } from './state.js';
import { Bytes, cleaned, elementOf, flatten, join, konst, altsOf, SOME_CONST, UNKNOWN, type Value } from './value.js';

/**
 * Calls: the project's own defs through their summaries (the resolver), the
 * request's methods and source containers' reads, sanitisers, the pure
 * functions of the standard library folded on constants, container
 * constructors, and methods on tracked values (methods.ts). A call the
 * layer cannot follow returns "unknown, and untrusted if any argument is".
 */
export function evalCall(n: Node, get: (n: Node | null | undefined) => Value, env: Env, a: Analysis): Value {
  const fn = n.childForFieldName('function');
  const argsNode = n.childForFieldName('arguments');
  const positional: Value[] = [];
  const kwargs = new Map<string, Value>();
  const spread: Value[] = [];
  const argNodes: Node[] = [];
  if (argsNode?.type === 'argument_list') {
    for (const c of argsNode.namedChildren) {
      if (!c || c.type === 'comment') continue;
      if (c.type === 'keyword_argument') {
        const name = c.childForFieldName('name')?.text;
        if (name) kwargs.set(name, get(c));
      } else if (c.type === 'list_splat') {
        const v = get(c);
        if (v.t === 'seq' && v.items && !v.elem) positional.push(...v.items);
        else spread.push(elementOf(v));
      } else if (c.type === 'dictionary_splat') spread.push(elementOf(get(c)));
      else {
        positional.push(get(c));
        argNodes.push(c);
      }
    }
  } else if (argsNode) positional.push(get(argsNode));

  const receiverNode = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const receiver = receiverNode ? get(receiverNode) : undefined;
  const all = [...positional, ...kwargs.values(), ...spread];

  const followed = a.resolver.callDef(n, env, spread.length ? [...positional, ...spread] : positional, kwargs, a);
  if (followed) return followed;

  const bound = fn ? boundLocally(fn, env, a) : false;
  if (!bound && fn) {
    const q = a.ctx.qualname(n);
    const known = knownCall(q, n, positional, kwargs, all, argNodes, a);
    if (known) return known;
  }
  // A module's function the layer does not know (`requests.get(url)`, `yaml.safe_load(s)`) is an
  // unresolved call, not a method of a value: what it returns is derived from its arguments (opaque).
  if (fn?.type === 'attribute' && receiver && (bound || receiver.t !== 'unknown')) {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const r = methodCall(receiver, method, positional, kwargs, n, a);
    if (r) {
      if (r.receiver && receiverNode) {
        const key = receiverNode.type === 'identifier' || receiverNode.type === 'attribute' ? receiverNode.text : null;
        if (key && (env.has(key) || receiverNode.type === 'identifier')) env.set(key, r.receiver);
      }
      return r.value;
    }
  }
  if (fn && fn.type !== 'identifier' && fn.type !== 'attribute') {
    // `handlers[k](x)`, `getattr(m, name)(x)`: what the callee expression holds, joined with the arguments.
    return unresolved([get(fn), ...all]);
  }
  return unresolved(receiver && bound ? [receiver, ...all] : all);
}

/** An unknown result, untrusted if anything that went in is (a sanitiser's cleaning kept), and opaque: derived, not necessarily the input's characters. */
export function unresolved(inputs: readonly Value[]): Value {
  const leaves = inputs.map(flatten).flatMap((v) => altsOf(v)).filter((v) => v.t === 'taint');
  return leaves.length ? join(...leaves.map((v) => (v.t === 'taint' && !v.opaque ? { ...v, opaque: true as const } : v))) : UNKNOWN;
}

/** Whether a callee's root name is a variable of the scope (`cmd.strip()`), not a module or a builtin (`os.path.join`). */
function boundLocally(fn: Node, env: Env, a: Analysis): boolean {
  let root: Node | null = fn;
  while (root?.type === 'attribute') root = root.childForFieldName('object');
  if (!root) return false;
  if (root.type !== 'identifier') return true;
  const name = root.text;
  return env.has(name) || !!a.outer?.has(name) || !!a.resolver.global(name, a);
}

const PATH_FUNCS = new Set([
  'os.path.join', 'os.path.normpath', 'os.path.abspath', 'os.path.realpath', 'os.path.dirname', 'os.path.expanduser', 'os.path.expandvars',
  'os.path.relpath', 'os.path.normcase', 'posixpath.join', 'posixpath.normpath', 'ntpath.join', 'pathlib.Path', 'pathlib.PurePath',
  'pathlib.PurePosixPath', 'os.fspath', 'os.fsencode', 'os.fsdecode', 'json.dumps', 'json.loads', 'urllib.parse.urljoin', 'urllib.parse.urlparse',
  'urllib.parse.urlsplit', 'urllib.parse.urlunparse', 'urllib.parse.parse_qs', 'urllib.parse.parse_qsl', 'textwrap.dedent', 'string.Template',
  'min', 'max', 'sum', 'next', 'iter', 'enumerate', 'zip', 'filter', 'map', 'memoryview', 'chr', 'hex', 'oct', 'bin', 'ascii',
]);
const CODECS = new Set([
  'base64.b64encode', 'base64.b64decode', 'base64.urlsafe_b64encode', 'base64.urlsafe_b64decode', 'base64.standard_b64encode', 'base64.standard_b64decode',
  'base64.encodebytes', 'base64.decodebytes', 'binascii.hexlify', 'binascii.unhexlify', 'binascii.b2a_hex', 'binascii.a2b_hex', 'bytes.fromhex',
  'urllib.parse.quote', 'urllib.parse.quote_plus', 'urllib.parse.unquote', 'urllib.parse.unquote_plus',
]);
const HASHES = /^(?:hashlib\.\w+|hmac\.new|hmac\.digest|zlib\.crc32|zlib\.adler32)$/;
const CONFIG_PARSERS = new Set(['configparser.ConfigParser', 'configparser.RawConfigParser', 'configparser.SafeConfigParser', 'ConfigParser.ConfigParser', 'ConfigParser.RawConfigParser']);

function knownCall(q: string, n: Node, positional: Value[], kwargs: Map<string, Value>, all: Value[], argNodes: Node[], a: Analysis): Value | undefined {
  const first = positional[0];
  const localNoun = localCallNoun(q);
  if (localNoun) {
    const key = q === 'os.getenv' || q === 'os.environ.get' ? constKey(argNodes[0]) : null;
    return source(n, key === null ? `${shown(n)} (${localNoun})` : `${shown(n)} (${localNoun} '${key}')`, 'local', a.file);
  }
  if (q === 'len' && first) {
    const cs = constAlts(first);
    if (cs && cs.length === 1 && typeof cs[0] === 'string') return konst(cs[0].length);
    if (first.t === 'seq' && first.items && !first.elem) return konst(first.items.length);
    if (first.t === 'dict' && !first.rest && !first.config) return konst(first.keys.size);
  }
  if ((q === 'int' || q === 'float') && first && positional.length === 1) {
    const cs = constAlts(first);
    if (cs && cs.length === 1) {
      const c = cs[0];
      const x = typeof c === 'number' ? c : typeof c === 'string' && /^\s*[-+]?\d+(\.\d*)?\s*$/.test(c) ? Number(c) : typeof c === 'boolean' ? +c : undefined;
      if (x !== undefined) return konst(q === 'int' ? Math.trunc(x) : x);
    }
  }
  if (CODECS.has(q) && first) {
    const name = q.slice(q.lastIndexOf('.') + 1);
    const folded = combine([first], ([c]) => codec(name, c));
    const s = sanitiserOf(q);
    return s ? cleaned(folded, s.kinds, s.by) : folded;
  }
  if (q === 'django.utils.html.format_html' || q === 'format_html') {
    // The arguments are escaped; the format string is taken as it is.
    return join(first ?? SOME_CONST, cleaned(combine([...positional.slice(1), ...kwargs.values()], null), ['html'], 'format_html (its arguments are escaped)'));
  }
  const s = q.startsWith('re.') ? undefined : sanitiserOf(q);
  if (s) return cleaned(combine(all.length ? all : [SOME_CONST], null), s.kinds, s.by);
  if (q === 'str' || q === 'repr' || q === 'ascii' || q === 'format') {
    if (!first) return konst('');
    return combine([first], ([c]) => pyStr(c, q !== 'str'));
  }
  if (q === 'bytes' || q === 'bytearray') {
    if (!first) return konst(new Bytes(''));
    return combine([first], ([c]) => (c instanceof Bytes ? c : typeof c === 'string' && positional.length > 1 ? new Bytes(c) : undefined));
  }
  if (HASHES.test(q)) return cleaned(combine(all.length ? all : [SOME_CONST], null), ['*'], 'a hash');
  if (PATH_FUNCS.has(q)) return combine(all.length ? all : [SOME_CONST], null);
  if (q === 'list' || q === 'tuple' || q === 'set' || q === 'frozenset' || q === 'sorted' || q === 'reversed' || q === 'collections.deque') {
    const kind = q === 'tuple' ? 'tuple' : q === 'set' || q === 'frozenset' ? 'set' : 'list';
    if (!first) return { t: 'seq', kind, items: [], elem: null };
    if (first.t === 'seq' && first.items && !first.elem) return { t: 'seq', kind, items: q === 'reversed' ? first.items.slice().reverse() : q === 'sorted' ? null : first.items, elem: q === 'sorted' ? join(...first.items) : null };
    return { t: 'seq', kind, items: null, elem: elementOf(first) };
  }
  if (q === 'dict' || q === 'collections.OrderedDict') {
    const keys = new Map<string, Value>(first?.t === 'dict' ? first.keys : []);
    for (const [k, v] of kwargs) keys.set(k, v);
    const rest = first && first.t !== 'dict' ? elementOf(first) : first?.t === 'dict' ? first.rest : null;
    return { t: 'dict', keys, rest };
  }
  if (q === 'collections.defaultdict' || q === 'collections.Counter') return { t: 'dict', keys: new Map(), rest: SOME_CONST };
  if (CONFIG_PARSERS.has(q)) return { t: 'dict', keys: new Map(), rest: null, config: true };
  if (q === 'getattr' && first && positional.length >= 2) return unresolved([first, ...positional.slice(2)]);
  if (q === 'isinstance' || q === 'hasattr' || q === 'callable' || q === 'id' || q === 'type') return SOME_CONST;
  return undefined;
}
