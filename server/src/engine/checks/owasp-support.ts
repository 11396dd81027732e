import type { Node } from 'web-tree-sitter';
import { calledName, keywordArg, positionalArgs, qualifiedName, shortName, type FileContext } from '../context.js';
import { isFString, plainStr, stringLiteral, unparen } from '../literal.js';
import { memo, parentOf } from '../memo.js';

/**
 * What the PS rules (owasp.ts) share: where request data enters an
 * expression, which names hold secrets, and settings written the ways
 * Django, Flask and FastAPI read them. Everything here looks only at the
 * node it is given, its descendants and its ancestors up to the statement
 * (taint.ts follows request input across the statements of a def).
 */

// ------------------------------------------------------------ request input

/**
 * The request object as views see it: Flask's/Quart's global `request`,
 * Django's, Starlette's and DRF's view argument (by its usual name), a
 * class-based view's `self.request`.
 */
const REQUEST_OBJECTS = new Set(['request', 'req', 'self.request', 'flask.request', 'quart.request', 'bottle.request']);

/** Its attributes that carry what the client sent (query, form, body, files, cookies, headers). */
const REQUEST_ATTRS = new Set([
  // Flask / Werkzeug
  'args',
  'form',
  'values',
  'json',
  'get_json',
  'data',
  'files',
  'cookies',
  'headers',
  'view_args',
  // Django / DRF
  'GET',
  'POST',
  'COOKIES',
  'META',
  'FILES',
  'body',
  'query_params',
  // Starlette / FastAPI (`form()`, `json()`, `body()`, `cookies`, `headers` as above)
  'path_params',
  // bottle, aiohttp, Pyramid
  'query',
  'params',
]);

/** Calls that turn request data into something a sink cannot misuse (per rule, beside these); `get` is a lookup (`ALLOWED.get(request.args["k"])`), the request's own `request.args.get(...)` reads it. */
export const COMMON_SANITISERS: readonly string[] = ['int', 'float', 'bool', 'len', 'UUID', 'escape', 'get'];

export interface RequestInput {
  /** The accessor chain read from the request: `request.args.get("url")`. */
  node: Node;
  /** Its text, shortened for a message. */
  text: string;
  /** For a name that holds request input (taint.ts): where the input came from, for a message. */
  from?: string;
}

/**
 * The first place in `expr` (itself or a descendant) that reads request
 * input, unless it sits inside an argument of a call named in `sanitisers`
 * (`secure_filename(request.args["f"])`); null when there is none.
 */
export function requestInput(expr: Node, ctx: FileContext, sanitisers: ReadonlySet<string>, key: string): RequestInput | null {
  return ctx.memo(expr, `requestInput:${key}`, () => findRequestInput(expr, ctx, sanitisers));
}

function findRequestInput(expr: Node, ctx: FileContext, sanitisers: ReadonlySet<string>): RequestInput | null {
  const candidates = expr.type === 'attribute' ? [expr] : [];
  for (const a of expr.descendantsOfType('attribute')) if (a && a.id !== expr.id) candidates.push(a);
  for (const a of candidates) {
    const attr = a.childForFieldName('attribute')?.text;
    if (!attr || !REQUEST_ATTRS.has(attr)) continue;
    const obj = a.childForFieldName('object');
    if (!obj || !REQUEST_OBJECTS.has(qualifiedName(obj, ctx.aliasesAt(a.startIndex)))) continue;
    if (sanitisedUnder(a, expr, sanitisers)) continue;
    const node = accessorChain(a, expr);
    const text = node.text.replace(/\s+/g, ' ');
    return { node, text: text.length > 60 ? `${text.slice(0, 57)}...` : text };
  }
  return null;
}

/** Whether `node` is inside an argument of a sanitising call or a mapping key, looking up to `root` (included). */
export function sanitisedUnder(node: Node, root: Node, sanitisers: ReadonlySet<string>): boolean {
  if (node.id === root.id) return false;
  let prev = node;
  for (let p = parentOf(node); p; p = parentOf(p)) {
    if (p.type === 'call' && p.childForFieldName('arguments')?.id === prev.id && sanitisers.has(calledName(p))) return true;
    // A key into a mapping (`ALLOWED[request.args["k"]]`) selects a value the code chose.
    if (p.type === 'subscript' && p.childForFieldName('value')?.id !== prev.id) return true;
    if (p.id === root.id) return false;
    prev = p;
  }
  return false;
}

/** `request.args` → `request.args.get("url")` / `request.args["url"]`: the read as written, up to `root`. */
function accessorChain(node: Node, root: Node): Node {
  let n = node;
  while (n.id !== root.id) {
    const p = parentOf(n);
    if (!p) break;
    const isObject = p.type === 'attribute' && p.childForFieldName('object')?.id === n.id;
    const isCallee = p.type === 'call' && p.childForFieldName('function')?.id === n.id;
    const isSubscripted = p.type === 'subscript' && p.childForFieldName('value')?.id === n.id;
    const isAwaited = p.type === 'await';
    if (!(isObject || isCallee || isSubscripted || isAwaited)) break;
    n = p;
  }
  return n;
}

// ------------------------------------------------------------ secret names

export type SecretKind = 'password' | 'secret';

const PASSWORD_WORDS = new Set(['password', 'passwd', 'passwrd', 'pwd', 'pw', 'passphrase', 'passcode', 'passwort']);
const SECRET_WORDS = new Set([...PASSWORD_WORDS, 'secret', 'token', 'apikey', 'credential', 'credentials', 'creds', 'privatekey', 'secretkey', 'accesskey', 'jwt']);
/** Two-word names for keys: `api_key`, `private_key`, ... */
const KEY_PREFIXES = new Set(['api', 'private', 'secret', 'access', 'signing', 'encryption', 'session']);
/** A last word that makes the name about the secret, not the secret: `token_count`, `password_url`. */
const BENIGN_LAST = new Set(
  ('count len length size type types name names url uri urls endpoint field fields label prompt policy min max ttl ' +
    'expiry expires expiration expire exp changed required valid validated validator validation hint strength file path dir env var ' +
    'header prefix regex pattern format kind version id ids index idx set exists ok present enabled disabled error errors ' +
    'message msg attempts retries widget input form help placeholder age time timestamp date created updated at limit rule ' +
    'rules mode scheme param column col reset hash_algorithm algorithm algo backend class cls lifetime duration location ' +
    'range start end pos position line lineno offset span handler handlers factory generator provider validator parser serializer').split(' '),
);
/** A first word that makes the name a flag or a number: `is_password_set`, `num_tokens`. */
const BENIGN_FIRST = new Set(['is', 'has', 'num', 'n', 'max', 'min', 'should', 'can', 'needs', 'need', 'use', 'must', 'no', 'total', 'count', 'len', 'show', 'allow']);

/** The words of a name: `userPassword2` → [user, password], `API_TOKEN` → [api, token]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((w) => {
      // Trailing digits dropped by a loop (`\d+$` rescans a run of digits from each of them).
      let end = w.length;
      while (end > 0 && w.charCodeAt(end - 1) >= 0x30 && w.charCodeAt(end - 1) <= 0x39) end--;
      return w.slice(0, end);
    })
    .filter(Boolean);
}

/**
 * Whether a name (a variable, attribute, dict key or environment variable)
 * holds a password (`password`, `user_pwd`, `passphrase`), or for kind
 * `secret` any credential (`api_key`, `access_token`, `client_secret`,
 * `credentials`) — and is not merely about one (`token_count`,
 * `password_reset_url`, `is_password_set`).
 */
export function secretName(name: string, kind: SecretKind): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (BENIGN_LAST.has(w[w.length - 1]) || (w.length > 1 && BENIGN_FIRST.has(w[0]))) return false;
  const vocab = kind === 'password' ? PASSWORD_WORDS : SECRET_WORDS;
  for (let i = 0; i < w.length; i++) {
    if (vocab.has(w[i])) return true;
    if (w[i] === 'pass' && i === w.length - 1 && i > 0) return true;
    if (kind === 'secret' && w[i] === 'key' && i > 0 && KEY_PREFIXES.has(w[i - 1])) return true;
  }
  return false;
}

export interface NameRef {
  name: string;
  node: Node;
}

/** Methods that return their receiver's content, transformed but not hidden (`password.encode()`). */
const PASS_METHODS = new Set(['encode', 'decode', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'title', 'casefold', 'replace', 'format', 'join', 'hex', '__str__', '__repr__']);
/** Functions that do the same with their arguments. */
const PASS_FUNCS = new Set(['str', 'repr', 'format', 'bytes', 'dumps', 'b64encode', 'urlsafe_b64encode', 'tuple', 'list', 'dict', 'vars']);
/** Lookups whose string key names what they return (`data.get("password")`, `os.getenv("API_TOKEN")`). */
const GETTERS = new Set(['get', 'getlist', 'pop', 'getenv', 'get_json']);

/**
 * The names whose values an expression passes on: variables, attributes
 * (`user.password` → password), string keys (`form["password"]`,
 * `os.environ.get("API_TOKEN")`), through f-strings, `%`, `+`, `.format`,
 * `str()`, containers and conditionals. A value that goes through any other
 * call (`len(password)`, `mask(token)`, `check_password(pw)`) or a
 * comparison is transformed, and names none.
 */
export function valueNames(expr: Node): NameRef[] {
  return memo(expr, 'valueNames', valueNamesUncached);
}

function valueNamesUncached(expr: Node): NameRef[] {
  const out: NameRef[] = [];
  const visit = (n: Node | null | undefined): void => {
    if (!n) return;
    switch (n.type) {
      case 'identifier':
        out.push({ name: n.text, node: n });
        return;
      case 'attribute': {
        const attr = n.childForFieldName('attribute');
        if (attr) out.push({ name: attr.text, node: n });
        return;
      }
      case 'subscript': {
        const index = n.childForFieldName('subscript');
        const key = index ? plainStr(index) : null;
        if (key !== null) out.push({ name: key, node: n });
        else visit(n.childForFieldName('value'));
        return;
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        const f = fn ? unparen(fn) : null;
        const args = n.childForFieldName('arguments');
        const name = calledName(n);
        if (GETTERS.has(name)) {
          const first = positionalArgs(n)[0];
          const key = first ? plainStr(first) : null;
          if (key !== null) out.push({ name: key, node: n });
          return;
        }
        if (f?.type === 'attribute' && PASS_METHODS.has(name)) {
          visit(f.childForFieldName('object'));
          visit(args);
          return;
        }
        if (f?.type === 'identifier' && PASS_FUNCS.has(name)) visit(args);
        else if (f?.type === 'attribute' && PASS_FUNCS.has(name)) visit(args);
        return;
      }
      case 'string':
        if (!isFString(n)) return;
        for (const c of n.namedChildren) if (c?.type === 'interpolation') visit(c.namedChildren.find((x) => x && x.type !== 'format_specifier' && x.type !== 'type_conversion'));
        return;
      case 'pair': {
        const key = n.childForFieldName('key');
        const k = key ? plainStr(key) : null;
        if (k !== null && key) out.push({ name: k, node: key });
        visit(n.childForFieldName('value'));
        return;
      }
      case 'keyword_argument':
        visit(n.childForFieldName('value'));
        return;
      case 'concatenated_string':
      case 'binary_operator':
      case 'parenthesized_expression':
      case 'tuple':
      case 'list':
      case 'set':
      case 'dictionary':
      case 'expression_list':
      case 'argument_list':
      case 'conditional_expression':
      case 'boolean_operator':
      case 'await':
      case 'list_splat':
      case 'dictionary_splat':
        for (const c of n.namedChildren) if (c && c.type !== 'comment') visit(c);
        return;
      default:
        return;
    }
  };
  visit(expr);
  return out;
}

/** The first name `expr` passes on that holds a secret of `kind`. */
export function secretIn(expr: Node, kind: SecretKind): NameRef | null {
  for (const ref of valueNames(expr)) if (secretName(ref.name, kind)) return ref;
  return null;
}

// ------------------------------------------------------------ settings

export interface Setting {
  /** The setting's name: `DEBUG`, `SESSION_COOKIE_SECURE`; `debug` for `app.debug`. */
  name: string;
  /** The value assigned. */
  value: Node;
  /** What to highlight: the assignment, the keyword, the dict entry. */
  node: Node;
  /**
   * `module`: `NAME = value` (a settings module, a config class);
   * `config`: Flask's `app.config["NAME"] = value` or `app.config.update(NAME=value)`;
   * `attribute`: `app.debug = value`.
   */
  form: 'module' | 'config' | 'attribute';
}

/** Whether `node` is an app's `config` mapping: `app.config`, `current_app.config`, a bare `config`. */
function isConfigObject(node: Node | null): boolean {
  if (!node) return false;
  const n = unparen(node);
  if (n.type === 'identifier') return n.text === 'config';
  return n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'config';
}

/** An assignment's value: the innermost right-hand side of a chain (`A = B = False` → False). */
function assignedValue(assign: Node): Node | null {
  let right = assign.childForFieldName('right');
  while (right?.type === 'assignment') right = right.childForFieldName('right');
  return right;
}

/** The setting an `assignment` makes (each assignment of a chain its own target), or null. */
export function assignmentSetting(assign: Node): Setting | null {
  return memo(assign, 'assignmentSetting', assignmentSettingUncached);
}

function assignmentSettingUncached(assign: Node): Setting | null {
  if (assign.type !== 'assignment') return null;
  const left = assign.childForFieldName('left');
  const value = assignedValue(assign);
  if (!left || !value) return null;
  if (left.type === 'identifier') return { name: left.text, value, node: assign, form: 'module' };
  if (left.type === 'subscript' && isConfigObject(left.childForFieldName('value'))) {
    const index = left.childForFieldName('subscript');
    const name = index ? plainStr(index) : null;
    return name === null ? null : { name, value, node: assign, form: 'config' };
  }
  if (left.type === 'attribute') {
    const name = left.childForFieldName('attribute')?.text;
    return name ? { name, value, node: assign, form: 'attribute' } : null;
  }
  return null;
}

/** Settings a call makes on an app's config: `app.config.update(NAME=v)`, `update({"NAME": v})`, `from_mapping(...)`. */
export function callSettings(call: Node): Setting[] {
  return memo(call, 'callSettings', callSettingsUncached);
}

function callSettingsUncached(call: Node): Setting[] {
  const fn = call.childForFieldName('function');
  const f = fn ? unparen(fn) : null;
  if (f?.type !== 'attribute') return [];
  const method = f.childForFieldName('attribute')?.text;
  if (method !== 'update' && method !== 'from_mapping') return [];
  if (!isConfigObject(f.childForFieldName('object'))) return [];
  const out: Setting[] = [];
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) out.push({ name, value, node: a, form: 'config' });
    } else if (a && unparen(a).type === 'dictionary') {
      for (const pair of unparen(a).namedChildren) {
        if (pair?.type !== 'pair') continue;
        const k = pair.childForFieldName('key');
        const name = k ? plainStr(k) : null;
        const value = pair.childForFieldName('value');
        if (name !== null && value) out.push({ name, value, node: pair, form: 'config' });
      }
    }
  }
  return out;
}

/** The settings a matched node (an assignment or a call) makes. Cheap for the calls that make none (most). */
export function settingsOf(node: Node, ctx: FileContext): Setting[] {
  if (node.type === 'assignment') {
    const s = assignmentSetting(node);
    return s ? [s] : [];
  }
  if (node.type !== 'call') return [];
  const q = ctx.qualname(node);
  return q.endsWith('.update') || q.endsWith('.from_mapping') ? callSettings(node) : [];
}

// ------------------------------------------------------------ small facts

export function isTrue(node: Node | null | undefined): boolean {
  return !!node && unparen(node).type === 'true';
}

export function isFalse(node: Node | null | undefined): boolean {
  return !!node && unparen(node).type === 'false';
}

/** A string expression without interpolation: a plain string, or an implicit concatenation of them. */
export function isConstantString(node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'string' && n.type !== 'concatenated_string') return false;
  return stringLiteral(n) !== null;
}

/** A name written as a constant (`TEMPLATE`, `config.PAGE_HTML`): upper case, at least two letters. */
export function constantLikeName(node: Node): boolean {
  const n = unparen(node);
  const name = n.type === 'identifier' ? n.text : n.type === 'attribute' ? n.childForFieldName('attribute')?.text ?? '' : '';
  return /^_*[A-Z][A-Z0-9_]+$/.test(name);
}

/** A call's argument: the keyword if given, else the positional at `index`. */
export function argument(call: Node, index: number, ...keywords: string[]): Node | undefined {
  for (const k of keywords) {
    const v = keywordArg(call, k);
    if (v) return v;
  }
  return positionalArgs(call)[index];
}

/** The last name of an expression: `self.app` → app, `app` → app; '' for anything else. */
export function lastName(node: Node | null | undefined): string {
  if (!node) return '';
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text ?? '';
  return '';
}

/** The function a call calls, resolved: `ctx.qualname`, and its last part. */
export function callName(call: Node, ctx: FileContext): { qual: string; short: string } {
  const qual = ctx.qualname(call);
  return { qual, short: shortName(qual) };
}
