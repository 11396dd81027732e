import type { Node } from 'web-tree-sitter';
import { type FileContext } from '../../context.js';
import { keywordArg } from '../../pyast.js';
import { unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import { isRouteHandler } from '../../flow/sources.js';
import type { Check } from '../../rule.js';
import { argument } from '../support/settings.js';
import { flowRule, methodName, ownNodes, type Site } from './scoped.js';

/**
 * PS302 reflected XSS: a value from the request in an HTML response body.
 * The sinks: the body of a response built by the frameworks (Flask
 * `make_response`/`Response`, Django `HttpResponse` and kin, Starlette
 * `HTMLResponse`), `format_html`'s format string, and what a Flask view
 * returns as text (Flask sends a returned string as text/html). The data-flow
 * layer decides what reaches them; HTML escaping cleans it. `Markup`,
 * `mark_safe` and `SafeString` on a non-literal are bandit's B704, B308 and
 * B703 (the grading pass gives them the same path): not repeated here.
 */

/** Response classes and safe-markup wrappers by last name → the body's positional index and keywords. */
const BODY_SINKS: ReadonlyMap<string, { at: number; keywords: string[]; what: string }> = new Map([
  ['make_response', { at: 0, keywords: [], what: 'make_response()' }],
  ['Response', { at: 0, keywords: ['response', 'content'], what: 'Response()' }],
  ['HttpResponse', { at: 0, keywords: ['content'], what: 'HttpResponse()' }],
  ['HttpResponseBadRequest', { at: 0, keywords: ['content'], what: 'HttpResponseBadRequest()' }],
  ['HttpResponseNotFound', { at: 0, keywords: ['content'], what: 'HttpResponseNotFound()' }],
  ['HttpResponseForbidden', { at: 0, keywords: ['content'], what: 'HttpResponseForbidden()' }],
  ['HttpResponseServerError', { at: 0, keywords: ['content'], what: 'HttpResponseServerError()' }],
  ['HTMLResponse', { at: 0, keywords: ['content'], what: 'HTMLResponse()' }],
  ['format_html', { at: 0, keywords: ['format_string'], what: "format_html()'s format string" }],
]);

/** Where a response class comes from, when the name is that generic (`Response`, `Markup`). */
const WEB_MODULES = /^(flask|werkzeug|quart|django|starlette|fastapi)\b/;
const GENERIC = new Set(['Response']);

/** A content type that is not HTML (`mimetype="application/json"`): the body is not parsed as markup. */
function notHtml(call: Node): boolean {
  for (const k of ['mimetype', 'content_type', 'media_type']) {
    const v = keywordArg(call, k);
    if (!v) continue;
    const s = plainStr(unparen(v));
    return s !== null && !/html|xml|svg/i.test(s);
  }
  return false;
}

/** What a returned value is when the view returns a call of these: not an HTML body built here (JSON, a template, a redirect, a file), or a sink of its own. */
const NOT_BODY = new Set([
  'jsonify',
  'render_template',
  'redirect',
  'url_for',
  'send_file',
  'send_from_directory',
  'abort',
  'stream_template',
  'render_template_string',
  ...BODY_SINKS.keys(),
]);

/** A Flask (or Quart) view: a def under a route decorator (`@<app or blueprint>.route(...)`, `.get`/`.post`…) in a file that uses Flask. */
function flaskView(fn: Node, ctx: FileContext): boolean {
  return ctx.frameworks.has('flask') && !ctx.frameworks.has('fastapi') && isRouteHandler(fn);
}

/** The body of a returned value: `body` of `return body, 200` and `return (body, 200, headers)`. */
function returnedBody(ret: Node): Node | null {
  const v = ret.namedChildren.find((c) => c && c.type !== 'comment');
  if (!v) return null;
  const u = unparen(v);
  if (u.type === 'tuple' || u.type === 'expression_list') {
    const first = u.namedChildren.find((c) => c && c.type !== 'comment');
    return first ? unparen(first) : null;
  }
  return u;
}

/** Values a view returns that Flask does not send as an HTML body built from them. */
function notReturnedHtml(body: Node): boolean {
  if (['dictionary', 'list', 'set', 'none', 'true', 'false', 'integer', 'float', 'dictionary_comprehension', 'list_comprehension'].includes(body.type)) return true;
  return body.type === 'call' && NOT_BODY.has(methodName(body));
}

const MESSAGE = (what: string) =>
  `${what} HTML built from request data: a link with a crafted value runs the attacker's script in your users' browsers, under your site's origin (reflected XSS: session theft, actions as the user). Render HTML through templates with autoescaping (render_template), or escape each value (markupsafe.escape / html.escape / Django's escape or format_html with the value as an argument).`;

function xssSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of ownNodes(fn, 'call')) {
    const name = methodName(call);
    const sink = BODY_SINKS.get(name);
    if (!sink) continue;
    if (GENERIC.has(name)) {
      const qual = ctx.qualname(call);
      if (qual !== name && !WEB_MODULES.test(qual)) continue;
      if (qual === name && ctx.frameworks.size === 0) continue;
    }
    if (notHtml(call)) continue;
    const body = argument(call, sink.at, ...sink.keywords);
    if (!body || body.type === 'keyword_argument' || body.type === 'list_splat' || body.type === 'dictionary_splat') continue;
    out.push({ value: body, kind: 'html', at: call, call, characters: true, message: MESSAGE(`${sink.what} gets`) });
  }
  if (flaskView(fn, ctx)) {
    for (const ret of ownNodes(fn, 'return_statement')) {
      const body = returnedBody(ret);
      if (!body || notReturnedHtml(body)) continue;
      out.push({ value: body, kind: 'html', at: ret, characters: true, message: MESSAGE('This Flask view returns, as a text/html page,') });
    }
  }
  return out;
}

// A pre-filter on the def's text (the sites decide): a word's start is enough, so no `\w*` to rescan from each start.
const WORDS = /\b(?:make_response|Response|HttpResponse|HTMLResponse|format_html|return)/;

export const CHECKS: Record<string, Check> = {
  reflected_xss: flowRule(WORDS, xssSites),
};
