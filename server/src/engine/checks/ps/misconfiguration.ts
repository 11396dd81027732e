import type { Node } from 'web-tree-sitter';
import { calledName, keywordArg, positionalArgs, shortName, unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import { keywordHit } from '../support/calls.js';
import { parentOf } from '../../memo.js';
import type { Check, Hit, Rule } from '../../rule.js';
import { argument, assignmentSetting, callName, isFalse, isTrue, lastName, settingsOf, settingText } from '../support/settings.js';

/**
 * OWASP A05 (security misconfiguration) beyond CORS: DEBUG and ALLOWED_HOSTS
 * in settings modules (PS502, PS503), cookies without Secure/HttpOnly (PS504,
 * PS505), debug mode (PS506), stack traces in responses (PS507).
 */

const set = (...xs: string[]) => new Set(xs);

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

export const CHECKS: Record<string, Check> = {
  settings_debug_true: settingsDebugTrue,
  allowed_hosts_wildcard: allowedHostsWildcard,
  insecure_cookie_setting: insecureCookie,
  app_debug_enabled: appDebugEnabled,
  stack_trace_in_response: stackTraceInResponse,
};
