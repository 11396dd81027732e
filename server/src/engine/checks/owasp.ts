import type { Node } from 'web-tree-sitter';
import { calledName, keywordArg, positionalArgs, qualifiedName, shortName, type FileContext } from '../context.js';
import { plainStr, unparen } from '../literal.js';
import { parentOf } from '../memo.js';
import type { Check, CheckResult, Hit, Rule, RuleMatch } from '../rule.js';
import { keywordHit } from './general.js';
import {
  COMMON_SANITISERS,
  argument,
  assignmentSetting,
  callName,
  constantLikeName,
  isConstantString,
  isFalse,
  isTrue,
  lastName,
  requestInput,
  secretIn,
  settingsOf,
  type RequestInput,
  type Setting,
} from './owasp-support.js';
import { calleeName, checkedBefore, ownCalls, ownerFunction, taintedInput } from './taint.js';
import { CHECKS_WEB } from './web.js';

/**
 * The OWASP Top 10 checks bandit lacks: the PS rules (ids PS + three
 * digits, the hundreds digit the OWASP 2021 category, A10 → PS0xx). Each
 * looks at one statement: the matched call, assignment or decorator, its
 * descendants and its ancestors up to the statement; file-wide, at the
 * imports and the frameworks and settings facts `FileContext` offers.
 * The request-input rules (PS001, PS101, PS102, PS301) are the exception:
 * inside a def they follow request input across its statements (taint.ts),
 * so the def is their match (`requestScoped`).
 */

const set = (...xs: string[]) => new Set(xs);
const sanitisers = (...xs: string[]) => new Set([...COMMON_SANITISERS, ...xs]);

/** A request input's text for a message: `request.args.get("url")`. */
const quote = (text: string) => `\`${text}\``;

/** A request input for a message: `request.args.get("url")`; `target`, from `request.args["url"]`; the FastAPI route parameter `url`. */
const said = (src: RequestInput): string => {
  if (src.from === undefined) return quote(src.text);
  if (!src.from.startsWith('the ')) return `${quote(src.text)}, from ${quote(src.from)}`;
  return src.from.endsWith(quote(src.text)) ? src.from : `${quote(src.text)}, from ${src.from}`;
};

/** Where a judge looks for request input in an expression, with the rule's sanitisers (`key` names them for the memo). */
type FindInput = (expr: Node, sanitisers: ReadonlySet<string>, key: string) => RequestInput | null;
/** A request-input rule's verdict on one call. */
type Judge = (call: Node, ctx: FileContext, find: FindInput) => Hit | null;

/** Every request-input rule's sink names (`requestScoped`'s `sinks`, added as the rules are made). */
const ALL_SINKS = new Set<string>();

/** Compiled gates by the aliases they add to the sink names (a file's imports vary them): kept across runs, a few at most in use at once. */
const GATE_REGEXES = new Map<string, RegExp>();

/**
 * The words the def-level gate looks for, per run: every rule's sink names
 * and the import aliases bound to one of them, as one regex; and per local
 * alias, the sink name it stands for.
 */
interface SinkWords {
  regex: RegExp;
  aliases: Map<string, string[]>;
}

const SINK_WORDS = new WeakMap<FileContext, SinkWords>();

function sinkWords(ctx: FileContext): SinkWords {
  let words = SINK_WORDS.get(ctx);
  if (!words) {
    const aliases = new Map<string, string[]>();
    for (const fact of ctx.imports) {
      for (const [local, target] of fact.aliases) {
        const short = shortName(target);
        if (ALL_SINKS.has(short)) aliases.set(local, [...(aliases.get(local) ?? []), short]);
      }
    }
    const key = [...aliases.keys()].join(' ');
    let regex = GATE_REGEXES.get(key);
    if (!regex) {
      const names = new Set([...ALL_SINKS, ...aliases.keys()]);
      // A name as a whole word; what follows it is read by `callFollows`.
      const source = String.raw`\b(?:${[...names].map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})\b`;
      if (GATE_REGEXES.size >= 64) GATE_REGEXES.clear();
      GATE_REGEXES.set(key, (regex = new RegExp(source, 'g')));
    }
    words = { regex, aliases };
    SINK_WORDS.set(ctx, words);
  }
  return words;
}

/**
 * Whether a `(` follows `from` past what may stand between a call's callee
 * and its `(`: closing parentheses (`(requests.get)(u)`), blanks, a line
 * continuation, comments (each to its line's end). The lookahead
 * `(?=(?:[\s)\\]|#[^\n]*\n)*\()` read it before, but from every name in a
 * comment full of them it rescanned the comment: here each place is read
 * once per text (`seen`: the answer from each place already walked).
 */
function callFollows(text: string, from: number, seen: Map<number, boolean>): boolean {
  const walked: number[] = [];
  let i = from;
  let answer: boolean;
  for (;;) {
    const known = seen.get(i);
    if (known !== undefined) {
      answer = known;
      break;
    }
    walked.push(i);
    const c = text[i];
    if (c === '(') answer = true;
    else if (c === ')' || c === '\\' || (c !== undefined && /\s/.test(c))) {
      i++;
      continue;
    } else if (c === '#') {
      const eol = text.indexOf('\n', i);
      if (eol >= 0) {
        i = eol + 1;
        continue;
      }
      answer = false;
    } else answer = false;
    break;
  }
  for (const w of walked) seen.set(w, answer);
  return answer;
}

/**
 * The sink names (of any request-input rule) a def's text calls, or seems
 * to: a sink's name, or an import alias bound to one, followed by `(`.
 * Read once per def and run for the four rules. An alias counts as the
 * sink names it stands for as well as itself.
 */
function calledSinks(fn: Node, ctx: FileContext): ReadonlySet<string> {
  return ctx.memo(fn, 'calledSinks', () => {
    const { regex, aliases } = sinkWords(ctx);
    const found = new Set<string>();
    regex.lastIndex = 0;
    const text = fn.text;
    const follows = new Map<number, boolean>();
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      if (!callFollows(text, m.index + m[0].length, follows)) continue;
      found.add(m[0]);
      for (const short of aliases.get(m[0]) ?? []) found.add(short);
    }
    return found;
  });
}

/**
 * A request-input rule: its query matches every call and every def. A call
 * outside any def is judged on its own statement; a call inside a def is
 * judged with the def's match, which follows request input through the
 * def's earlier assignments and a FastAPI route's parameters (taint.ts).
 * The def being the match, an edit anywhere in it re-runs the rule on it;
 * an edit to its decorators too: widen.ts widens it to the decorators,
 * which end where the def starts, and a node touching a re-run range is
 * re-run (`touches` is inclusive).
 */
function requestScoped(judge: Judge, sinks: ReadonlySet<string>): Check {
  for (const s of sinks) ALL_SINKS.add(s);
  return (m: RuleMatch, _rule: Rule, ctx: FileContext): CheckResult => {
    const node = m.node;
    if (node.type === 'call') {
      // Every judge wants one of `sinks` as the resolved name's last part:
      // asking that first spares the walk up to the owner def on most calls.
      if (!sinks.has(shortName(ctx.qualname(node))) || ownerFunction(node)) return null;
      return judge(node, ctx, (e, s, k) => requestInput(e, ctx, s, k));
    }
    const fn = node;
    if (fn.type !== 'function_definition') return null;
    const hits: Hit[] = [];
    // A keystroke in a def re-runs this on the whole def: first, whether its
    // text calls one of this rule's sinks at all (or an alias of one).
    const called = calledSinks(fn, ctx);
    if (called.size === 0 || ![...called].some((w) => sinks.has(w))) return hits;
    for (const call of ownCalls(fn)) {
      // Then each call's last name (or an import alias) before resolving it.
      const last = calleeName(call);
      if (!sinks.has(last) && !ctx.aliasesAt(call.startIndex).has(last)) continue;
      const hit = judge(call, ctx, (e, s, k) => taintedInput(e, fn, ctx, s, k));
      if (hit) hits.push({ ...hit, node: hit.node ?? call, anchor: call, call });
    }
    return hits;
  };
}

/** A setting as written, for a message: `SESSION_COOKIE_SECURE = False`, `app.config.update(DEBUG=True)`. */
function settingText(setting: Setting, matched: Node): string {
  const value = unparen(setting.value).text;
  if (matched.type === 'call') return `${matched.childForFieldName('function')?.text ?? 'config.update'}(${setting.name}=${value})`;
  return `${matched.childForFieldName('left')?.text ?? setting.name} = ${value}`;
}

// ------------------------------------------------------------ PS001 SSRF

/** HTTP clients by qualified name → the positional index of the URL. */
const HTTP_CLIENTS: ReadonlyMap<string, number> = new Map([
  ...['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].flatMap((v) => [
    [`requests.${v}`, 0] as const,
    [`requests.api.${v}`, 0] as const,
    [`httpx.${v}`, 0] as const,
  ]),
  ['requests.request', 1],
  ['requests.api.request', 1],
  ['httpx.request', 1],
  ['httpx.stream', 1],
  ['urllib.request.urlopen', 0],
  ['urllib.request.Request', 0],
  ['urllib.request.urlretrieve', 0],
  ['urllib2.urlopen', 0],
  ['urllib2.Request', 0],
  ['six.moves.urllib.request.urlopen', 0],
  ['urllib3.request', 1],
  ['aiohttp.request', 1],
]);

const SSRF_SANITISERS = sanitisers('quote', 'quote_plus', 'urlencode');
/** Checks a URL held in a name may go through earlier in the def (`if not is_allowed_url(url): abort(400)`). */
const SSRF_VALIDATORS = /^(is_)?(safe|allowed|valid|trusted)_(url|host|domain|target)|^(validate|check|verify)_(url|host|domain|target)|^url_has_allowed_host_and_scheme$/;

/** A URL expression whose literal start fixes scheme and host: `f"https://api.example.com/u/{x}"`. */
function fixedOrigin(url: Node): boolean {
  let n = unparen(url);
  if (n.type === 'binary_operator') {
    for (let l = n.childForFieldName('left'); l; l = l.type === 'binary_operator' ? l.childForFieldName('left') : null) n = unparen(l);
  }
  if (n.type === 'call' && calledName(n) === 'format') {
    const obj = n.childForFieldName('function')?.childForFieldName('object');
    if (obj) n = unparen(obj);
  }
  if (n.type === 'concatenated_string') n = n.namedChildren.find((c) => c?.type === 'string') ?? n;
  if (n.type !== 'string') return false;
  let head = '';
  for (const c of n.children) {
    if (!c) continue;
    if (c.type === 'interpolation') break;
    if (c.type === 'string_content') head += c.text;
  }
  return /^[a-z][a-z0-9+.-]*:\/\/[^/{}%]+\//i.test(head);
}

const ssrf: Judge = (call, ctx, find) => {
  const at = HTTP_CLIENTS.get(ctx.qualname(call));
  if (at === undefined) return null;
  const url = argument(call, at, 'url');
  if (!url) return null;
  const src = find(url, SSRF_SANITISERS, 'ssrf');
  if (!src) return null;
  if (src.from !== undefined && checkedBefore(call, src.text, SSRF_VALIDATORS)) return null;
  if (fixedOrigin(url)) {
    return {
      node: url,
      confidence: 'LOW',
      risk: 'Medium',
      message: `The path of this outgoing request comes from the HTTP request (${said(src)}), though its host is fixed: a crafted value (../, ?, #, encoded characters) can still reach other endpoints of that host with the server's credentials. Validate the value (an id, a known name) before building the URL, and quote it with urllib.parse.quote(value, safe="").`,
    };
  }
  return {
    node: url,
    message: `The server fetches a URL taken from the HTTP request (${said(src)}): an attacker can make it call internal services (cloud metadata at 169.254.169.254, localhost admin ports, the internal network) and read the answers. Accept only URLs whose scheme and host are on an allow-list (parse with urllib.parse.urlsplit and compare exactly), or let the client pick a key that maps to a fixed URL.`,
  };
};

// ------------------------------------------------------------ PS101 open redirect

const REDIRECTS = set('redirect', 'HttpResponseRedirect', 'HttpResponsePermanentRedirect', 'RedirectResponse');
const REDIRECT_SANITISERS = sanitisers('url_for', 'reverse', 'reverse_lazy');
/** Validators whose presence in the argument means the target is checked inline (`x if url_has_allowed_host_and_scheme(x, ...) else "/"`). */
const REDIRECT_VALIDATORS = /\b(url_has_allowed_host_and_scheme|is_safe_url|is_safe_redirect_url|is_safe_redirect|is_safe_next_url)\b/;

const openRedirect: Judge = (call, ctx, find) => {
  const { short } = callName(call, ctx);
  if (!REDIRECTS.has(short)) return null;
  const target = argument(call, 0, 'location', 'url', 'to', 'redirect_to');
  if (!target) return null;
  const src = find(target, REDIRECT_SANITISERS, 'redirect');
  if (!src || REDIRECT_VALIDATORS.test(target.text)) return null;
  if (src.from !== undefined && checkedBefore(call, src.text, REDIRECT_VALIDATORS)) return null;
  return {
    node: target,
    message: `${short}() sends the user to a URL taken from the request (${said(src)}): a link to this page can forward your users to any phishing site, under your domain's name. Redirect only to relative paths on this site or to an allow-list of hosts (Django: url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}); otherwise compare urlsplit(url).netloc to a list), and fall back to a fixed page.`,
  };
};

// ------------------------------------------------------------ PS102 path traversal

/** File sinks by short or qualified name → the keywords that name the path. */
const FILE_SINKS: ReadonlyMap<string, string[]> = new Map([
  ['open', ['file']],
  ['io.open', ['file']],
  ['codecs.open', ['filename']],
  ['send_file', ['path_or_file', 'filename_or_fp']],
  ['FileResponse', ['path']],
]);
const PATH_SANITISERS = sanitisers('secure_filename', 'basename', 'get_valid_filename', 'safe_join', 'open', 'send_file', 'FileResponse');

const pathTraversal: Judge = (call, ctx, find) => {
  const { qual, short } = callName(call, ctx);
  const keywords = qual === 'open' || qual === 'io.open' || qual === 'codecs.open' ? FILE_SINKS.get(qual) : short === 'send_file' || short === 'FileResponse' ? FILE_SINKS.get(short) : undefined;
  if (!keywords) return null;
  const path = argument(call, 0, ...keywords);
  if (!path) return null;
  const src = find(path, PATH_SANITISERS, 'path');
  if (!src) return null;
  return {
    node: path,
    message: `${qual === 'open' ? 'open' : short}() gets a file path built from the request (${said(src)}): "../" or an absolute path reads (or writes) any file the server can, such as settings, keys and /etc/passwd. Serve files through flask.send_from_directory / werkzeug.utils.safe_join, or reduce the name with secure_filename()/os.path.basename() and check that os.path.realpath() of the result stays inside the intended folder.`,
  };
};

// ------------------------------------------------------------ PS103 CSRF protection off

function csrfExemptName(qual: string): boolean {
  return shortName(qual) === 'csrf_exempt' || /(^|\.)csrf\w*\.exempt$/i.test(qual);
}

const CSRF_EXEMPT_MESSAGE =
  'This view is exempt from CSRF protection: another website can make a signed-in user submit this request (change their e-mail, password, or make a payment) without them knowing. Remove the exemption; for an API authenticated by a token header (not cookies) or a signed webhook, keep it only with a justification and verify the signature or token in the view.';

const csrfDisabled: Check = (m, _rule, ctx) => {
  const node = m.node;
  if (node.type === 'decorator') {
    const expr = node.namedChildren.find((c) => c && c.type !== 'comment');
    if (!expr || (unparen(expr).type !== 'identifier' && unparen(expr).type !== 'attribute')) return null;
    return csrfExemptName(qualifiedName(expr, ctx.aliasesAt(node.startIndex))) ? { message: CSRF_EXEMPT_MESSAGE } : null;
  }
  if (node.type === 'call') {
    const { qual, short } = callName(node, ctx);
    if (csrfExemptName(qual)) return { message: CSRF_EXEMPT_MESSAGE };
    if (short === 'method_decorator') {
      const first = positionalArgs(node)[0];
      if (first && csrfExemptName(qualifiedName(first, ctx.aliasesAt(node.startIndex)))) return { message: CSRF_EXEMPT_MESSAGE };
      return null;
    }
  }
  const hits: Hit[] = [];
  for (const s of settingsOf(node, ctx)) {
    if (s.name === 'WTF_CSRF_ENABLED' && s.form !== 'attribute' && isFalse(s.value)) {
      hits.push({
        node: s.node,
        message: `${settingText(s, node)} turns off Flask-WTF's CSRF protection for every form: another website can make a signed-in user submit them. Keep it on (the default) outside tests, and exempt single views with a justification if you must.`,
      });
    }
  }
  return hits;
};

// ------------------------------------------------------------ PS201 fast hash for passwords

const FAST_HASHES = set('md4', 'md5', 'sha', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'blake2b', 'blake2s', 'new');

const fastPasswordHash: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (!qual.includes('hashlib')) return null;
  const parts = qual.split('.');
  const func = parts[parts.length - 1];
  if (!parts.includes('hashlib') || !FAST_HASHES.has(func)) return null;
  const data = func === 'new' ? argument(call, 1, 'data', 'string') : argument(call, 0, 'data', 'string');
  if (!data) return null;
  const secret = secretIn(data, 'password');
  if (!secret) return null;
  const algo = func === 'new' ? plainStr(argument(call, 0, 'name') ?? null) ?? 'a fast hash' : func;
  return {
    node: call,
    message: `A password (${quote(secret.name)}) is hashed with ${algo.toUpperCase()}, a fast hash: a leaked table of such hashes is cracked at billions of guesses per second. Store passwords with a slow, salted password hash: argon2 (argon2-cffi), bcrypt, scrypt, or hashlib.pbkdf2_hmac with 600,000+ iterations (Django and Werkzeug ship make_password / generate_password_hash).`,
  };
};

// ------------------------------------------------------------ PS301 template injection

const TEMPLATE_CLASSES = set('jinja2.Template', 'jinja2.environment.Template', 'mako.template.Template', 'django.template.Template', 'django.template.base.Template');
const TEMPLATE_SANITISERS = sanitisers();

/** Whether `n` builds a string from data: an f-string with fields, `%`, `+` or `.format(...)` on a string. */
function formatsData(node: Node): boolean {
  const n = unparen(node);
  if ((n.type === 'string' || n.type === 'concatenated_string') && !isConstantString(n)) return true;
  if (n.type === 'binary_operator') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return (!!l && (isConstantString(l) || formatsData(l))) || (!!r && (isConstantString(r) || formatsData(r)));
  }
  if (n.type === 'call' && calledName(n) === 'format') {
    const obj = n.childForFieldName('function')?.childForFieldName('object');
    return !!obj && (unparen(obj).type === 'string' || unparen(obj).type === 'concatenated_string');
  }
  return false;
}

/** The template source a call compiles, if it is a template engine's: [source, what it is called]. */
function templateSource(call: Node, ctx: FileContext): [Node | undefined, string] | null {
  const { qual, short } = callName(call, ctx);
  if (short === 'render_template_string') return [argument(call, 0, 'source'), 'render_template_string()'];
  if (TEMPLATE_CLASSES.has(qual)) return [argument(call, 0, 'source', 'text', 'template_string'), `${qual}()`];
  if (short === 'from_string') {
    const fn = call.childForFieldName('function');
    const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    if (!obj) return null;
    if (/Sandbox/.test(obj.text)) return null;
    const o = unparen(obj);
    const env = o.type === 'call' && /(^|\.)Environment$/.test(ctx.qualname(o));
    if (!env && !ctx.isModuleImportedLike('jinja2', call.startIndex) && !ctx.frameworks.has('flask')) return null;
    return [argument(call, 0, 'source'), 'Environment.from_string()'];
  }
  return null;
}

const templateInjection: Judge = (call, ctx, find) => {
  const found = templateSource(call, ctx);
  if (!found) return null;
  const [source, what] = found;
  if (!source) return null;
  const s = unparen(source);
  if (isConstantString(s) || constantLikeName(s)) return null;
  const src = find(source, TEMPLATE_SANITISERS, 'template');
  if (src) {
    return {
      node: source,
      severity: 'HIGH',
      confidence: 'HIGH',
      risk: 'Critical',
      message: `${what} compiles a template taken from the request (${said(src)}): template syntax such as {{ ''.__class__.__mro__ }} reaches Python objects, which means code execution on the server. Never compile templates from user input: render a fixed template file (render_template("page.html", value=...)) and pass the input as a variable.`,
    };
  }
  if (formatsData(s)) {
    return {
      node: source,
      message: `${what} compiles a template built from data (an f-string, % or .format): any value that reaches it is parsed as template code, and template code reaches Python objects (server-side template injection, code execution). Keep the template constant and pass the values as variables: render_template_string("Hello {{ name }}", name=name), or better a template file with render_template().`,
    };
  }
  return {
    node: source,
    confidence: 'LOW',
    risk: 'Medium',
    message: `${what} compiles a template that is not a constant: if any part of it can come from a user, template code reaches Python objects (server-side template injection, code execution). Load templates only from files or constants you control, and pass user data as template variables.`,
  };
};

// ------------------------------------------------------------ PS501 CORS (django-cors-headers)

const MATCH_ALL = /^\^?(?:\(?(?:https?\??:\/\/)?\.[*+]\)?)\$?$/;

function matchAllRegexes(node: Node): boolean {
  const n = unparen(node);
  const items = n.type === 'list' || n.type === 'tuple' || n.type === 'set' ? n.namedChildren : [n];
  return items.some((c) => {
    const v = c ? plainStr(c) : null;
    return v !== null && MATCH_ALL.test(v.trim());
  });
}

const DJANGO_CORS_MESSAGE = (name: string) =>
  `${name} lets every origin in, and CORS_ALLOW_CREDENTIALS = True lets them send the user's cookies: any website a signed-in user visits can call this API as them and read the responses. List the exact trusted origins in CORS_ALLOWED_ORIGINS (e.g. ["https://app.example.com"]) instead, or turn credentials off.`;

const corsAll: Check = (m, rule, ctx) => {
  const node = m.node;
  if (node.type === 'call') return CHECKS_WEB.cors_wildcard_with_credentials(m, rule, ctx);
  const s = assignmentSetting(node);
  if (!s || s.form !== 'module' || ctx.settings.value('CORS_ALLOW_CREDENTIALS') !== 'True') return null;
  if ((s.name === 'CORS_ALLOW_ALL_ORIGINS' || s.name === 'CORS_ORIGIN_ALLOW_ALL') && isTrue(s.value)) {
    return { message: DJANGO_CORS_MESSAGE(`${s.name} = True`) };
  }
  if ((s.name === 'CORS_ALLOWED_ORIGIN_REGEXES' || s.name === 'CORS_ORIGIN_REGEX_WHITELIST') && matchAllRegexes(s.value)) {
    return { message: DJANGO_CORS_MESSAGE(`${s.name} with a match-all pattern`) };
  }
  return null;
};

// ------------------------------------------------------------ PS502, PS503 settings modules

const settingsDebugTrue: Check = (m, _rule, ctx) => {
  const s = assignmentSetting(m.node);
  if (!s || s.form !== 'module' || s.name !== 'DEBUG' || !isTrue(s.value)) return null;
  return ctx.settingsModule;
};

function hasWildcardHost(node: Node): boolean {
  const n = unparen(node);
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'set') return n.namedChildren.some((c) => !!c && plainStr(c)?.trim() === '*');
  return plainStr(n)?.trim() === '*';
}

const allowedHostsWildcard: Check = (m, _rule, ctx) => {
  const s = assignmentSetting(m.node);
  if (!s || s.form !== 'module' || s.name !== 'ALLOWED_HOSTS' || !hasWildcardHost(s.value)) return null;
  return ctx.settingsModule || ctx.frameworks.has('django');
};

// ------------------------------------------------------------ PS504, PS505 cookies

/** The calls the cookie rule reads: every other call is out at the first test. */
const COOKIE_CALLS = set('set_cookie', 'SessionMiddleware', 'add_middleware', 'Middleware', 'update', 'from_mapping');

/** A double-submit CSRF cookie must be readable by scripts: not a session cookie. */
const csrfCookie = (call: Node) => /csrf|xsrf/i.test(argument(call, 0, 'key')?.text ?? '');

/**
 * A cookie flag turned off. `params.settings`: setting names that must not
 * be False; `params.keyword`: the `set_cookie` keyword (`secure`,
 * `httponly`); `params.middlewareKeyword`: Starlette `SessionMiddleware`'s.
 */
const insecureCookie: Check = (m, rule, ctx) => {
  const node = m.node;
  const short = node.type === 'call' ? shortName(ctx.qualname(node)) : '';
  if (node.type === 'call' && !COOKIE_CALLS.has(short)) return null;
  const names = (rule.params.settings as string[] | undefined) ?? [];
  const hits: Hit[] = [];
  for (const s of settingsOf(node, ctx)) {
    if (s.form === 'attribute' || !names.includes(s.name) || !isFalse(s.value)) continue;
    hits.push({ node: s.node, message: cookieMessage(rule, settingText(s, node)) });
  }
  if (node.type !== 'call') return hits;
  const keyword = rule.params.keyword as string | undefined;
  if (keyword && short === 'set_cookie' && isFalse(keywordArg(node, keyword)) && !(keyword === 'httponly' && csrfCookie(node))) {
    hits.push({ node: keywordHit(node, keyword), message: cookieMessage(rule, `set_cookie(..., ${keyword}=False)`) });
  }
  const mwKeyword = rule.params.middlewareKeyword as string | undefined;
  if (mwKeyword && (short === 'SessionMiddleware' || short === 'add_middleware' || short === 'Middleware') && isFalse(keywordArg(node, mwKeyword))) {
    const first = positionalArgs(node)[0];
    if (short === 'SessionMiddleware' || (!!first && lastName(first) === 'SessionMiddleware')) {
      hits.push({ node: keywordHit(node, mwKeyword), message: cookieMessage(rule, `SessionMiddleware(${mwKeyword}=False)`) });
    }
  }
  return hits;
};

function cookieMessage(rule: Rule, what: string): string {
  if (rule.params.keyword === 'httponly') {
    return `${what}: page scripts can read this cookie, so a single XSS flaw hands the session (or remember-me token) to the attacker. Leave HttpOnly on (True, the default) for every cookie scripts do not need.`;
  }
  return `${what}: the cookie is also sent over plain HTTP, where anyone on the network path (public Wi-Fi, a proxy) can read it and take over the session. Set it to True and serve the site over HTTPS only (HSTS).`;
}

// ------------------------------------------------------------ PS506 debug mode

const APP_NAMES = /^(app|application|flask_app|webapp|web_app|server|api)$/i;

const FLASK_DEBUG = (what: string) =>
  `${what} turns on Flask's debug mode: an error page with the interactive Werkzeug debugger, which runs any Python code a visitor types in (remote code execution) and shows source and variables. Never enable it outside local development: read it from the environment (FLASK_DEBUG) and keep it off in production.`;
const ASGI_DEBUG = (what: string) =>
  `${what} makes every unhandled error answer with the full traceback (source lines, local values) to whoever sent the request. Keep debug off in production: debug=os.environ.get("APP_DEBUG") == "1", or leave it out (False by default).`;

const flaskHit = (node: Node | undefined, what: string, confidence: Hit['confidence'] = 'HIGH'): Hit => ({
  node,
  severity: 'HIGH',
  confidence,
  risk: 'High',
  message: FLASK_DEBUG(what),
});

const appDebugEnabled: Check = (m, _rule, ctx) => {
  const node = m.node;
  const hits: Hit[] = [];
  for (const s of settingsOf(node, ctx)) {
    if (!isTrue(s.value)) continue;
    if (s.form === 'config' && s.name === 'DEBUG') hits.push(flaskHit(s.node, settingText(s, node)));
    if (s.form === 'attribute' && s.name === 'debug') {
      const target = node.childForFieldName('left')?.childForFieldName('object');
      if (!APP_NAMES.test(lastName(target))) continue;
      if (ctx.frameworks.has('flask')) hits.push(flaskHit(s.node, `${target?.text}.debug = True`));
      else if (ctx.frameworks.has('fastapi')) hits.push({ node: s.node, message: ASGI_DEBUG(`${target?.text}.debug = True`) });
    }
  }
  if (node.type !== 'call') return hits;
  const { qual, short } = callName(node, ctx);
  if ((short === 'FastAPI' || short === 'Starlette') && isTrue(keywordArg(node, 'debug'))) {
    const known = /^(fastapi|starlette)\b/.test(qual) || ctx.frameworks.has('fastapi');
    if (known) hits.push({ node: keywordHit(node, 'debug'), message: ASGI_DEBUG(`${short}(debug=True)`) });
  }
  if (short === 'run' && isTrue(keywordArg(node, 'debug'))) {
    // Flask's app.run: bandit's B201 reports it when the file imports flask
    // (silentWhen); an app imported from elsewhere (`from myapp import app`) is ours.
    const fn = node.childForFieldName('function');
    const recv = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    const r = recv ? unparen(recv) : null;
    const appLike = !!r && (APP_NAMES.test(lastName(r)) || (r.type === 'call' && /create_app$/.test(ctx.qualname(r))));
    if (appLike && !ctx.frameworks.has('fastapi')) hits.push(flaskHit(keywordHit(node, 'debug'), `${recv!.text}.run(debug=True)`, ctx.frameworks.has('flask') ? 'HIGH' : 'MEDIUM'));
  }
  return hits;
};

// ------------------------------------------------------------ PS507 stack traces in responses

const TRACEBACK_TEXT = set('traceback.format_exc', 'traceback.format_exception', 'traceback.format_exception_only', 'traceback.format_tb', 'traceback.format_stack');
const RESPONSES = set(
  'jsonify',
  'make_response',
  'Response',
  'HttpResponse',
  'HttpResponseServerError',
  'HttpResponseBadRequest',
  'JsonResponse',
  'JSONResponse',
  'ORJSONResponse',
  'UJSONResponse',
  'PlainTextResponse',
  'HTMLResponse',
  'StreamingResponse',
  'HTTPException',
  'abort',
  'render_template',
  'render',
  'TemplateResponse',
);
/** Where the walk up from the traceback call stops: statements, clauses, definitions, blocks (never past the statement). */
const STOP = /(_statement|_clause|_definition)$|^(block|module|lambda)$/;

const stackTraceInResponse: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (!qual.startsWith('traceback.') || !TRACEBACK_TEXT.has(qual)) return null;
  let prev = call;
  for (let p = parentOf(call); p; prev = p, p = parentOf(p)) {
    if (p.type === 'call' && p.childForFieldName('arguments')?.id === prev.id && RESPONSES.has(calledName(p))) {
      return { message: stackMessage(`${calledName(p)}()`) };
    }
    // `traceback.format_exc() if settings.DEBUG else "Internal Server Error"`: shown in debug mode only.
    if (p.type === 'conditional_expression' && /debug/i.test(p.namedChildren[1]?.text ?? '')) return null;
    if (p.type === 'return_statement') return ctx.frameworks.size > 0 ? { confidence: 'MEDIUM', message: stackMessage('the return value of a view') } : null;
    if (STOP.test(p.type)) return null;
  }
  return null;
};

function stackMessage(where: string): string {
  return `A traceback goes into ${where}: the client sees the stack trace, with file paths, library versions, code lines and sometimes values, which maps the application for an attacker. Log the traceback on the server (logger.exception(...)) and answer with a generic error and an id to look it up.`;
}

// ------------------------------------------------------------ PS701 JWT without verification

function jwtUnverified(call: Node): Hit | null {
  const options = keywordArg(call, 'options');
  if (options) {
    const o = unparen(options);
    if (o.type === 'dictionary') {
      for (const pair of o.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const k = pair.childForFieldName('key');
        if (k && plainStr(k) === 'verify_signature' && isFalse(pair.childForFieldName('value'))) return { node: pair, message: JWT_MESSAGE('options={"verify_signature": False}') };
      }
    } else if (o.type === 'call' && calledName(o) === 'dict' && isFalse(keywordArg(o, 'verify_signature'))) {
      return { node: keywordHit(o, 'verify_signature'), message: JWT_MESSAGE('options=dict(verify_signature=False)') };
    }
  }
  if (isFalse(keywordArg(call, 'verify'))) return { node: keywordHit(call, 'verify'), message: JWT_MESSAGE('verify=False') };
  const algorithms = keywordArg(call, 'algorithms');
  if (algorithms) {
    const a = unparen(algorithms);
    const items = a.type === 'list' || a.type === 'tuple' || a.type === 'set' ? a.namedChildren : [a];
    if (items.some((c) => !!c && plainStr(c)?.toLowerCase() === 'none')) {
      return { node: keywordHit(call, 'algorithms'), message: JWT_MESSAGE('the "none" algorithm') };
    }
  }
  return null;
}

const JWT_MESSAGE = (how: string) =>
  `jwt.decode() with ${how} accepts any token without checking its signature: anyone can write a token that says they are an administrator. Verify every token you act on: pass the key and an explicit list of real algorithms (jwt.decode(token, key, algorithms=["HS256"])); read unverified claims only to pick the key (get_unverified_header), never to authorise.`;

const jwtDecodeUnverified: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (!qual.endsWith('decode') && !qual.endsWith('decode_complete')) return null;
  const parts = qual.split('.');
  if (!parts.includes('jwt') || (parts[parts.length - 1] !== 'decode' && parts[parts.length - 1] !== 'decode_complete')) return null;
  const hit = jwtUnverified(call);
  if (!hit) return null;
  // `unverified_claims = jwt.decode(..., options={"verify_signature": False})`, to pick the key
  // for the real check: said so in the name, so less likely acted on.
  const parent = parentOf(call);
  if (parent?.type === 'assignment' && /unverified|untrusted/i.test(parent.childForFieldName('left')?.text ?? '')) {
    return { ...hit, confidence: 'LOW', risk: 'Medium' };
  }
  return hit;
};

// ------------------------------------------------------------ PS801 archive extraction

const SAFE_TAR_FILTERS = set('data', 'tar', 'data_filter', 'tar_filter');

const archiveExtractall: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const name = shortName(qual);
  if (qual === 'shutil.unpack_archive') {
    if (keywordArg(call, 'filter')) return null;
    return {
      confidence: 'MEDIUM',
      message:
        'shutil.unpack_archive() without filter= extracts a tar archive trusting its member names and links: "../" paths, absolute paths and symlinks write outside the target folder. Pass filter="data" (Python 3.12+, and 3.8.17/3.9.17/3.10.12/3.11.4), or open the archive with tarfile and check each member.',
    };
  }
  if (name !== 'extractall') return null;
  if (keywordArg(call, 'members')) return null;
  const filter = keywordArg(call, 'filter');
  if (filter) {
    const f = unparen(filter);
    const v = plainStr(f) ?? (f.type === 'attribute' || f.type === 'identifier' ? lastName(f) : null);
    if (v === null || SAFE_TAR_FILTERS.has(v)) return null;
  }
  // Which archive: the receiver when the statement says, else what the file imports.
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'attribute' ? unparen(fn.childForFieldName('object')!) : null;
  const recvQual = recv?.type === 'call' ? ctx.qualname(recv) : '';
  const zipRecv = /(^|\.)zipfile\.ZipFile$/.test(recvQual) || /^ZipFile$/.test(recvQual);
  const tarRecv = /(^|\.)tarfile\.(open|TarFile)$/.test(recvQual);
  const zip = zipRecv || (!tarRecv && ctx.isModuleImportedLike('zipfile', call.startIndex));
  const tar = tarRecv || (!zipRecv && ctx.isModuleImportedLike('tarfile', call.startIndex));
  if (!zip && !tar) return null;
  const confidence = zipRecv || tarRecv ? 'HIGH' : 'MEDIUM';
  if (tar && !zip) {
    return {
      confidence,
      message:
        'tarfile\'s extractall() without a filter trusts every member: "../" names, absolute paths, symlinks and device files write outside the target folder (path traversal). Pass filter="data" (Python 3.12+, and 3.8.17/3.9.17/3.10.12/3.11.4), or check each member (its resolved path stays inside the target, no links) and pass members=.',
    };
  }
  return {
    confidence,
    message: `${zip && !tar ? 'ZipFile' : 'This archive'}'s extractall() unpacks every member unchecked: a crafted archive can be a decompression bomb that fills the disk, and tools or Python versions that keep "../" and absolute names write outside the target folder. Check the members first (count, total file_size, each resolved path inside the target) and pass the checked list as members=.`,
  };
};

// ------------------------------------------------------------ PS901 secrets in logs

const LOG_METHODS = set('debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log');
const LOG_RECEIVER = /^_*(log|logger|logging|logs)$|_(log|logger)$|logger$/i;
const NOT_LOGGED = set('exc_info', 'stack_info', 'stacklevel', 'file', 'sep', 'end', 'flush');

/** `logging.info`, `logger.debug`, `self.log.warning`, `logging.getLogger(__name__).error`, `print`. */
function logCall(call: Node, ctx: FileContext): string | null {
  const qual = ctx.qualname(call);
  const method = shortName(qual);
  if (!LOG_METHODS.has(method)) return qual === 'print' ? 'print()' : null;
  if (qual.startsWith('logging.')) return `${qual}()`;
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  if (!recv) return null;
  const r = unparen(recv);
  if (r.type === 'call' && /(^|\.)getLogger$/.test(ctx.qualname(r))) return `getLogger(...).${method}()`;
  return LOG_RECEIVER.test(lastName(r)) ? `${recv.text.length > 30 ? '...' : recv.text}.${method}()` : null;
}

const secretInLog: Check = (m, _rule, ctx) => {
  const call = m.node;
  const what = logCall(call, ctx);
  if (!what) return null;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return null;
  for (const a of args.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument' && NOT_LOGGED.has(a.childForFieldName('name')?.text ?? '')) continue;
    const secret = secretIn(a, 'secret');
    if (!secret) continue;
    return {
      node: a,
      // A bare `token` is as often a parser's token as a credential.
      ...(/^_*token$/i.test(secret.name) ? { confidence: 'LOW' as const } : {}),
      message: `${quote(secret.name)} goes to ${what}: passwords, tokens and keys written to logs (or stdout) end up in log files, log shippers and dashboards that many more people can read, and stay there. Log a non-secret identifier instead (user id, key id, the last 4 characters), or mask the value.`,
    };
  }
  return null;
};

/** The request-input rules' sinks by last name (`requestScoped`'s first filter); one set per rule. */
const SSRF_SINKS = new Set([...HTTP_CLIENTS.keys()].map(shortName));
const PATH_SINKS = new Set([...FILE_SINKS.keys()].map(shortName));
const TEMPLATE_SINKS = new Set(['render_template_string', 'from_string', ...[...TEMPLATE_CLASSES].map(shortName)]);

export const CHECKS_OWASP: Record<string, Check> = {
  ssrf_request_url: requestScoped(ssrf, SSRF_SINKS),
  open_redirect: requestScoped(openRedirect, REDIRECTS),
  path_traversal_request: requestScoped(pathTraversal, PATH_SINKS),
  csrf_disabled: csrfDisabled,
  fast_password_hash: fastPasswordHash,
  template_injection: requestScoped(templateInjection, TEMPLATE_SINKS),
  cors_wildcard_with_credentials_any: corsAll,
  settings_debug_true: settingsDebugTrue,
  allowed_hosts_wildcard: allowedHostsWildcard,
  insecure_cookie_setting: insecureCookie,
  app_debug_enabled: appDebugEnabled,
  stack_trace_in_response: stackTraceInResponse,
  jwt_decode_unverified: jwtDecodeUnverified,
  archive_extractall_unchecked: archiveExtractall,
  secret_in_log: secretInLog,
};
