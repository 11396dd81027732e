import type { Node } from 'web-tree-sitter';
import { calledName, positionalArgs, unparen } from '../../pyast.js';
import { isFString, plainStr } from '../../pystring.js';
import { memo } from '../../memo.js';

/**
 * Names that hold secrets: bandit's password-name regex (B105, B106, B107)
 * and the PS rules' secret and password names, found in an expression's
 * value (PS201, PS901).
 */

const RE_WORDS = '(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)';
// Python's `$` also matches before a final newline.
const END = '(?=\\n?$)';
const RE_CANDIDATES = new RegExp(`(^${RE_WORDS}${END}|_${RE_WORDS}_|^${RE_WORDS}_|_${RE_WORDS}${END})`, 'iu');

export function looksLikePassword(name: string): boolean {
  return RE_CANDIDATES.test(name);
}

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
    .map((w) => w.replace(/\d+$/, ''))
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
